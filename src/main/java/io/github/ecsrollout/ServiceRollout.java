package io.github.ecsrollout;

import io.github.ecsrollout.internal.model.Durations;
import io.github.ecsrollout.internal.model.EcsNames;
import io.github.ecsrollout.internal.model.RolloutSettings;
import io.github.ecsrollout.internal.run.RolloutEngine;
import io.github.ecsrollout.internal.time.SystemClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Rolls out Amazon ECS services: UpdateService for each, then waits until every one is stable, and when one is not,
 * throws a {@link RolloutNotStableException} that says why.
 *
 * <pre>{@code
 * ServiceRollout rollout = ServiceRollout.builder()
 *         .ecsClient(ecs)
 *         .delay(Duration.ofSeconds(30))
 *         .maxAttempts(10)
 *         .build();
 * RolloutResult result = rollout.rollOut("myCluster", "myService", "myServiceTaskDefinition:10");
 * }</pre>
 *
 * <p>Services are awaited in chunks of at most 10 (what one DescribeServices call takes) with the SDK's
 * {@code EcsWaiter.waitUntilServicesStable}; chunks are watched together on a small pool of threads that lives only
 * as long as the call. Each DescribeServices answer is judged as it arrives, so a failed deployment, a rollback, a
 * missing or draining service is reported on the poll that shows it, not when attempts run out.
 *
 * <p>Immutable, thread-safe and reusable. {@link #close()} closes the {@code EcsClient} only if this rollout made it.
 */
public final class ServiceRollout implements AutoCloseable {

    /** The delay between polls unless set: 15 seconds, the SDK waiter's own. */
    public static final Duration DEFAULT_DELAY = Duration.ofSeconds(15);
    /** The polls per chunk unless set: 40, the SDK waiter's own. */
    public static final int DEFAULT_MAX_ATTEMPTS = RolloutSettings.DEFAULT_MAX_ATTEMPTS;
    /**
     * The share of a {@code timeout} reserved for a rollback when {@code rollbackOnFailure} is set without a
     * {@code rollbackTimeout}: a third, so that a failed rollout has that long to roll back and confirm it.
     */
    public static final double DEFAULT_ROLLBACK_SHARE = RolloutSettings.DEFAULT_ROLLBACK_SHARE;
    /** The chunks watched at once unless set: 10, that is 100 services. */
    public static final int DEFAULT_MAX_CONCURRENCY = 10;
    /**
     * DescribeServices calls allowed per poll delay unless a rate is set: 150, that is 10 a second at the default
     * 15-second delay, half of what ECS sustains for an account's describe calls.
     */
    public static final int DEFAULT_DESCRIBE_SERVICES_PER_DELAY = RolloutSettings.DEFAULT_DESCRIBE_SERVICES_PER_DELAY;

    /**
     * The socket read timeout of the client a rollout builds itself: ECS answers within a second or two, so a read
     * silent this long is a stuck connection, whose call (and thread) ends then instead of after the HTTP client's
     * default 30 seconds.
     */
    private static final Duration OWN_CLIENT_SOCKET_TIMEOUT = Duration.ofSeconds(10);

    private final RolloutSettings settings;
    private final boolean ownsClient;
    private final RolloutEngine engine;
    private final EcsNames names;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServiceRollout(Builder b) {
        this.ownsClient = b.ecs == null;
        this.settings = new RolloutSettings(ownsClient ? defaultClient() : b.ecs, b.delay, b.maxAttempts, b.timeout,
                b.maxConcurrency, b.listener, b.fetchStoppedTasks, b.rollbackOnFailure, b.rollbackTimeout,
                b.maxDescribeServicesPerSecond, b.maxUpdateServicePerSecond, b.succeedAtStage, b.clock);
        this.engine = new RolloutEngine(settings);
        this.names = EcsNames.forClient(settings.ecs());
    }

    private static EcsClient defaultClient() {
        return EcsClient.builder()
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(OWN_CLIENT_SOCKET_TIMEOUT).build())
                .build();
    }

    /**
     * A builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A rollout with the defaults and its own {@code EcsClient}, built with {@code UrlConnectionHttpClient} (a 10 s
     * socket read timeout) and the SDK's default region and credentials chains; {@link #close()} closes that client.
     *
     * @return a rollout that owns its client; close it when done
     */
    public static ServiceRollout create() {
        return builder().build();
    }

    /**
     * A builder holding this rollout's settings. The {@code EcsClient} is carried over only if the caller supplied it;
     * a rollout that made its own client keeps it, and the new one makes another.
     *
     * @return a builder to make a changed copy with
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.ecs = ownsClient ? null : settings.ecs();
        b.delay = settings.delay();
        b.maxAttempts = settings.maxAttempts();
        b.timeout = settings.timeout();
        b.maxConcurrency = settings.maxConcurrency();
        b.listener = settings.listener();
        b.fetchStoppedTasks = settings.fetchStoppedTasks();
        b.rollbackOnFailure = settings.rollbackOnFailure();
        b.rollbackTimeout = settings.rollbackTimeout();
        b.maxDescribeServicesPerSecond = settings.maxDescribeServicesPerSecond();
        b.maxUpdateServicePerSecond = settings.maxUpdateServicePerSecond();
        b.succeedAtStage = settings.succeedAtStage();
        b.clock = settings.clock();
        return b;
    }

    /**
     * Updates one service to a task definition and waits until it is stable.
     *
     * @param cluster the cluster's name or ARN
     * @param service the service's name or ARN (of that cluster)
     * @param taskDefinition the task definition ({@code family:revision}, a family, or an ARN)
     * @return the service's final state
     * @throws RolloutNotStableException when the update is rejected or the service does not become stable
     * @throws IllegalArgumentException when a name breaks ECS's rules (see {@link #rollOut(Collection)})
     */
    public RolloutResult rollOut(String cluster, String service, String taskDefinition) {
        requireText(cluster, "cluster");
        requireText(service, "service");
        requireText(taskDefinition, "taskDefinition");
        names.cluster(cluster, "cluster");
        names.service(service, cluster, "service");
        names.taskDefinition(taskDefinition, "taskDefinition");
        return rollOut(List.of(UpdateServiceRequest.builder()
                .cluster(cluster).service(service).taskDefinition(taskDefinition).build()));
    }

    /**
     * Sends each request to ECS as given, in order, then waits until every service is stable.
     *
     * @param requests one request per service, checked as {@link #rollOut(Collection)} says
     * @return every service's final state
     * @throws RolloutNotStableException when an update is rejected or a service does not become stable
     * @see #rollOut(Collection)
     */
    public RolloutResult rollOut(UpdateServiceRequest... requests) {
        Objects.requireNonNull(requests, "requests");
        return rollOut(Arrays.asList(requests));
    }

    /**
     * Sends each UpdateService request to ECS as given (task definition, desired count, forceNewDeployment,
     * deployment configuration all pass through), in order, then waits until every service is stable.
     *
     * <p>A request without a cluster goes to ECS's {@code default} cluster. Requests may name different clusters;
     * the waits are grouped by cluster. The first update ECS rejects stops the rollout at once with
     * {@link RolloutNotStableException.Reason#UPDATE_FAILED}: no further update is sent and nothing is awaited.
     *
     * <p>Before any call, each request's cluster, service and task definition (when given) are checked against ECS's
     * rules: a name is 1 to 255 letters, digits, hyphens and underscores; a task definition is a family,
     * {@code family:revision} or an ARN; a service ARN must name the request's cluster (and, when the cluster is an
     * ARN, its region and account; the old form {@code service/NAME}, which names none, is refused), and any ARN the
     * client's region when the client says which. A value that breaks them is an {@link IllegalArgumentException}
     * naming it ({@code requests[3].service}).
     *
     * <p>Then, whatever the settings, the rollout reads before its first update: every service (one DescribeServices
     * call per 10 services of a cluster; each must be found, ACTIVE and deployed by ECS's own deployment controller)
     * and every distinct task definition the requests name (one DescribeTaskDefinition each, as spelled, a family
     * standing for its latest ACTIVE revision; each must be found and ACTIVE). A problem ends the rollout with nothing
     * updated: {@link RolloutNotStableException.Reason#SERVICE_MISSING}, {@code SERVICE_INACTIVE},
     * {@code UNSUPPORTED_SERVICE} or {@link RolloutNotStableException.Reason#TASK_DEFINITION_UNUSABLE}, naming every
     * service or task definition refused, with ECS's words. Without the permission {@code ecs:DescribeTaskDefinition}
     * the task definitions go unchecked, said once at WARN.
     *
     * <p>Once every service is stable, one DescribeServiceRevisions call per 20 services reads what each new service
     * revision runs: {@link ServiceState#images()}, each container's image with the digest ECS resolved. Without
     * {@code ecs:DescribeServiceRevisions} (or past the timeout) the images stay empty, said once at WARN (at DEBUG
     * past the timeout); the rollout succeeds all the same.
     *
     * @param requests one request per service; the same service twice is an {@link IllegalArgumentException}
     * @return every service's final state
     * @throws RolloutNotStableException when a service or task definition is refused before any update, an update is
     *     rejected, or a service does not become stable
     */
    public RolloutResult rollOut(Collection<UpdateServiceRequest> requests) {
        List<UpdateServiceRequest> list = checked(requests);
        ensureOpen();
        return engine.rollOut(list);
    }

    /**
     * Starts a rollout without waiting for it, for a rollout that outlives one process (an AWS Lambda invocation, a
     * Step Functions loop): checks the requests, reads the services and task definitions, and sends the updates
     * exactly as {@link #rollOut(Collection)} does (the same reads first, the same rules for a rejected update), then
     * returns the rollout written down.
     * Pass the checkpoint to {@link #check(RolloutCheckpoint)}, {@link #watch(RolloutCheckpoint, Duration)} or
     * {@link #resume(RolloutCheckpoint)}, in this JVM or another, and to {@link #rollBack(RolloutCheckpoint)} to abort.
     * With a {@code timeout}, the checkpoint carries the rollout's deadline: this start plus the timeout.
     *
     * @param requests one request per service, checked like {@link #rollOut(Collection)}'s
     * @return the checkpoint of the rollout just started
     * @throws RolloutNotStableException when a service or task definition is refused before any update, or an update
     *     is rejected (rolled back when {@code rollbackOnFailure} is set)
     */
    public RolloutCheckpoint start(Collection<UpdateServiceRequest> requests) {
        List<UpdateServiceRequest> list = checked(requests);
        ensureOpen();
        return engine.start(list);
    }

    /**
     * Starts a rollout without waiting for it.
     *
     * @param requests one request per service
     * @return the checkpoint of the rollout just started
     * @see #start(Collection)
     */
    public RolloutCheckpoint start(UpdateServiceRequest... requests) {
        Objects.requireNonNull(requests, "requests");
        return start(Arrays.asList(requests));
    }

    /**
     * Deploys new images: for each service, registers a revision of its current task definition that differs only in
     * the named containers' images, then rolls the services out to those revisions exactly as
     * {@link #rollOut(Collection)} does (the same reads before any update, verdicts, listener, and with
     * {@code rollbackOnFailure} the same rollback to each service's previous revision; nothing is ever deregistered).
     *
     * <p>In order, before any UpdateService: every service is read (DescribeServices, as for {@code rollOut}); each
     * distinct current task definition (its PRIMARY deployment's) is read with its tags (DescribeTaskDefinition with
     * {@code include TAGS}); every update is checked against it (a container name it lacks, or no container named
     * while it has other than one, is an {@link IllegalArgumentException} naming the containers, nothing registered);
     * then each distinct pair of current task definition and image change is registered once
     * (RegisterTaskDefinition, 15 at once then 1 a second, as ECS throttles them), so services that share both share
     * the new revision. The registration copies every field RegisterTaskDefinition accepts from the described task
     * definition, found by reflection over the SDK's public accessors so that fields added to the SDK later are carried
     * too, with its tags; read-only fields ({@code taskDefinitionArn}, {@code revision}, {@code status},
     * {@code requiresAttributes}, {@code compatibilities}, {@code registeredAt}, {@code registeredBy}) are left out.
     *
     * <p>A registration that fails ends the deploy before any service is updated:
     * {@link RolloutNotStableException.Reason#TASK_DEFINITION_UNUSABLE} when ECS refuses the copy
     * ({@code ClientException}, {@code InvalidParameterException}: a container it will not take, a role it may not
     * pass), else {@code API_ERROR}, {@code TIMED_OUT} or {@code INTERRUPTED}; its message names the revisions
     * registered before it, which stay registered, unused. Needs {@code ecs:DescribeTaskDefinition},
     * {@code ecs:RegisterTaskDefinition}, {@code ecs:TagResource} when the task definition has tags, and
     * {@code iam:PassRole} for its task and execution roles.
     *
     * @param updates one update per service; the same service twice is an {@link IllegalArgumentException}
     * @return every service's final state
     * @throws RolloutNotStableException when a service or task definition is refused or cannot be read, a
     *     registration or an update fails, or a service does not become stable
     * @throws IllegalArgumentException when a name breaks ECS's rules (see {@link #rollOut(Collection)}), or an
     *     update's containers do not fit its service's task definition
     */
    public RolloutResult rollOutImages(Collection<ImageUpdate> updates) {
        List<ImageUpdate> list = checkedImages(updates);
        ensureOpen();
        return engine.rollOutImages(list);
    }

    /**
     * Starts an image deploy without waiting for it: registers the new revisions and sends the updates exactly as
     * {@link #rollOutImages(Collection)} does, then returns the rollout written down, to go on with as
     * {@link #start(Collection)}'s checkpoint ({@link #check}, {@link #watch}, {@link #resume}, {@link #rollBack}).
     *
     * @param updates one update per service, checked like {@link #rollOutImages(Collection)}'s
     * @return the checkpoint of the rollout just started
     * @throws RolloutNotStableException when a service or task definition is refused or cannot be read, or a
     *     registration or an update fails (rolled back when {@code rollbackOnFailure} is set)
     * @throws IllegalArgumentException as {@link #rollOutImages(Collection)} says
     */
    public RolloutCheckpoint startImages(Collection<ImageUpdate> updates) {
        List<ImageUpdate> list = checkedImages(updates);
        ensureOpen();
        return engine.startImages(list);
    }

    /** The image updates, their names checked against ECS's rules before anything is sent. */
    private List<ImageUpdate> checkedImages(Collection<ImageUpdate> updates) {
        Objects.requireNonNull(updates, "updates");
        if (updates.isEmpty()) {
            throw new IllegalArgumentException("updates must not be empty");
        }
        List<ImageUpdate> list = new ArrayList<>(updates.size());
        int i = 0;
        for (ImageUpdate u : updates) {
            Objects.requireNonNull(u, "updates[" + i + "]");
            if (u.cluster() != null) {
                names.cluster(u.cluster(), "updates[" + i + "].cluster");
            }
            names.service(u.service(), u.cluster(), "updates[" + i + "].service");
            list.add(u);
            i++;
        }
        return list;
    }

    /**
     * Looks once at a rollout a checkpoint carries, without sleeping: one DescribeServices call per 10 services not yet
     * confirmed stable, plus their service deployments where those decide the verdict. The rollout is judged with the
     * {@code succeedAtStage} and {@code rollbackOnFailure} it started with (the checkpoint's), and this
     * {@code ServiceRollout}'s listener, client and timeout (which bounds this call's ECS calls only).
     *
     * <p>Past the rollout's deadline ({@link RolloutCheckpoint#deadline()}, when it was started with a timeout) the
     * rollout is done if every service is stable by then, else it ends {@code TIMED_OUT}, rolled back when it started
     * with {@code rollbackOnFailure}. A failure of this call that is no verdict ({@code API_ERROR} when ECS throttles,
     * say, or {@code INTERRUPTED}) ends only the call: nothing is rolled back, and the exception carries the
     * checkpoint to go on from.
     *
     * @param checkpoint the checkpoint from {@link #start}, an earlier check, or a failure
     * @return whether the rollout is done, and the checkpoint to pass next time
     * @throws RolloutNotStableException on a terminal verdict, exactly as {@link #rollOut(Collection)} would throw it
     *     (the rollback included when the rollout started with {@code rollbackOnFailure}), past the rollout's
     *     deadline, or when this call fails (then with {@link RolloutNotStableException#checkpoint()})
     */
    public RolloutProgress check(RolloutCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        ensureOpen();
        return engine.check(checkpoint);
    }

    /**
     * Waits for a rollout a checkpoint carries, like {@link #rollOut(Collection)}, from where the checkpoint left off,
     * until it is done, a verdict, or the rollout's deadline ({@link RolloutCheckpoint#deadline()}), whichever comes
     * first, bounded by this {@code ServiceRollout}'s own timeout or maxAttempts too. When this call's own bound runs
     * out first, only the call ends: nothing is rolled back, and the {@code TIMED_OUT} carries the checkpoint to go
     * on from (see {@link #watch} for a wait that returns instead). The rollout's deadline, or a verdict, ends the
     * rollout: rolled back then when it started with {@code rollbackOnFailure}.
     *
     * @param checkpoint the checkpoint from {@link #start}, a check, or a failure
     * @return every service's final state
     * @throws RolloutNotStableException when a service does not become stable
     */
    public RolloutResult resume(RolloutCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        ensureOpen();
        return engine.resume(checkpoint);
    }

    /**
     * Waits for a rollout a checkpoint carries, as {@link #resume} does, for at most {@code budget}, and returns its
     * progress either way: done, or not yet with the checkpoint to go on from, when the budget (or this
     * {@code ServiceRollout}'s own timeout or maxAttempts) ran out first. A verdict or the rollout's deadline
     * ({@link RolloutCheckpoint#deadline()}) ends the rollout and is thrown, rolled back when it started with
     * {@code rollbackOnFailure}. What a function that carries on by itself calls.
     *
     * <p>A rollback that follows a verdict in this call has what is left of this {@code ServiceRollout}'s timeout when
     * it has one (the wait then ends early enough to leave the rollback its share, as in {@link #rollOut(Collection)});
     * else its rollbackTimeout; else half the budget. So without a timeout the call returns within one and a half
     * budgets, give or take a call in flight: a Lambda function gives it two thirds of the time it has left.
     *
     * @param checkpoint the checkpoint from {@link #start}, a check, a watch, or a failure
     * @param budget how long this call may wait, positive
     * @return whether the rollout is done, and the checkpoint to pass next time
     * @throws RolloutNotStableException on a verdict, past the rollout's deadline, or when the call fails otherwise
     *     (then with {@link RolloutNotStableException#checkpoint()}: nothing is rolled back)
     */
    public RolloutProgress watch(RolloutCheckpoint checkpoint, Duration budget) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(budget, "budget");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("budget must be positive: " + budget);
        }
        ensureOpen();
        return engine.watch(checkpoint, budget);
    }

    /**
     * Aborts a rollout a checkpoint carries: puts back every service it changed with the action that fits its
     * deployment now, as {@code rollbackOnFailure} does (a deployment in flight stopped with ROLLBACK, one paused at a
     * hook continued with ROLLBACK, ECS's own rollback watched, an ended one restored by UpdateService, a superseded
     * one left alone), and waits until each is confirmed back, bounded by this {@code ServiceRollout}'s timeout (else
     * its rollbackTimeout, else maxAttempts polls). Called again with the same checkpoint (a retry), it finds each
     * service rolling back or back already and sends nothing more for it.
     *
     * @param checkpoint the checkpoint of the rollout to abort
     * @return every service's state once each is confirmed back (or left alone)
     * @throws RolloutNotStableException when a service is not confirmed back in time: its
     *     {@link RolloutNotStableException#rolledBackServices()} are those that are, its message says why for the rest
     */
    public RolloutResult rollBack(RolloutCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        ensureOpen();
        return engine.rollBack(checkpoint);
    }

    /**
     * What {@link #rollOut(Collection)} would do with these requests, without writing anything: the reads a rollout
     * makes before its first update (one DescribeServices per 10 services of a cluster, one DescribeTaskDefinition per
     * distinct task definition named), and the services' current task definitions besides, to compare. Each service's
     * target is its request's task definition (as ECS describes it); a request without one (a desired count,
     * {@code forceNewDeployment}) keeps the current one and shows the other changes it makes.
     *
     * <p>What would stop the rollout before its first update (a missing, draining or {@code CODE_DEPLOY} service, a
     * task definition that does not exist or is not {@code ACTIVE}, settings that cannot apply) is reported in
     * {@link RolloutPlan#problems()}, every one of them, not thrown.
     *
     * @param requests one request per service, checked as {@link #rollOut(Collection)} checks them
     * @return the plan
     * @throws RolloutNotStableException when ECS cannot be read ({@code API_ERROR}: a cluster not found, say;
     *     {@code TIMED_OUT}, {@code INTERRUPTED})
     * @throws IllegalArgumentException when a request breaks ECS's rules, or names a service twice
     */
    public RolloutPlan plan(Collection<UpdateServiceRequest> requests) {
        List<UpdateServiceRequest> list = checked(requests);
        ensureOpen();
        return engine.plan(list);
    }

    /**
     * What {@link #rollOut(Collection)} would do with these requests, without writing anything.
     *
     * @param requests one request per service
     * @return the plan
     * @see #plan(Collection)
     */
    public RolloutPlan plan(UpdateServiceRequest... requests) {
        Objects.requireNonNull(requests, "requests");
        return plan(Arrays.asList(requests));
    }

    /**
     * What moving these services to new images would do, without writing anything: reads each service (one
     * DescribeServices per 10 of a cluster) and its current task definition (one DescribeTaskDefinition per distinct
     * one), replaces the images in memory and compares. The target is a revision that would be registered, so
     * {@link RolloutPlan.ServicePlan#targetTaskDefinition()} is empty.
     *
     * <p>A missing, draining or {@code CODE_DEPLOY} service, a current task definition that cannot be read, or a
     * container the task definition does not have (or no container named for a task definition with several) is
     * reported in {@link RolloutPlan#problems()}, every one of them, not thrown.
     *
     * @param updates one update per service; cluster and service checked as {@link #rollOut(Collection)} checks them
     *     ({@code updates[3].service})
     * @return the plan
     * @throws RolloutNotStableException when ECS cannot be read ({@code API_ERROR}, {@code TIMED_OUT},
     *     {@code INTERRUPTED})
     * @throws IllegalArgumentException when an update breaks ECS's rules, or names a service twice
     */
    public RolloutPlan planImages(Collection<ImageUpdate> updates) {
        List<ImageUpdate> list = checkedImages(updates);
        ensureOpen();
        return engine.planImages(list);
    }

    /** The requests, checked against ECS's rules before anything is sent. */
    private List<UpdateServiceRequest> checked(Collection<UpdateServiceRequest> requests) {
        Objects.requireNonNull(requests, "requests");
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("requests must not be empty");
        }
        List<UpdateServiceRequest> list = new ArrayList<>(requests.size());
        int i = 0;
        for (UpdateServiceRequest r : requests) {
            Objects.requireNonNull(r, "requests[" + i + "]");
            requireText(r.service(), "requests[" + i + "].service");
            if (r.cluster() != null) {
                requireText(r.cluster(), "requests[" + i + "].cluster");
                names.cluster(r.cluster(), "requests[" + i + "].cluster");
            }
            names.service(r.service(), r.cluster(), "requests[" + i + "].service");
            if (r.taskDefinition() != null) {
                names.taskDefinition(r.taskDefinition(), "requests[" + i + "].taskDefinition");
            }
            list.add(r);
            i++;
        }
        return list;
    }

    /**
     * Waits, without updating anything, until every named service is stable, like {@code aws ecs wait services-stable}
     * for any number of services.
     *
     * @param cluster the cluster's name or ARN
     * @param services names or ARNs (of that cluster), checked like {@link #rollOut(Collection)}'s
     * @return every service's final state
     * @throws RolloutNotStableException when a service does not become stable
     * @see #awaitStable(String, Collection)
     */
    public RolloutResult awaitStable(String cluster, String... services) {
        Objects.requireNonNull(services, "services");
        return awaitStable(cluster, Arrays.asList(services));
    }

    /**
     * Waits, without updating anything, until every named service is stable. A service named twice is awaited once.
     *
     * @param cluster the cluster's name or ARN
     * @param services names or ARNs (of that cluster), checked like {@link #rollOut(Collection)}'s
     * @return every service's final state
     * @throws RolloutNotStableException when a service does not become stable
     */
    public RolloutResult awaitStable(String cluster, Collection<String> services) {
        requireText(cluster, "cluster");
        names.cluster(cluster, "cluster");
        Objects.requireNonNull(services, "services");
        if (services.isEmpty()) {
            throw new IllegalArgumentException("services must not be empty");
        }
        List<String> list = new ArrayList<>(services.size());
        int i = 0;
        for (String s : services) {
            requireText(s, "services[" + i + "]");
            names.service(s, cluster, "services[" + i + "]");
            list.add(s);
            i++;
        }
        ensureOpen();
        return engine.awaitStable(cluster, list);
    }

    /** Closes the {@code EcsClient} if this rollout made it ({@link #create()}, or a builder without a client). */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownsClient) {
            settings.ecs().close();
        }
    }

    @Override
    public String toString() {
        return "ServiceRollout[delay=" + settings.delay()
                + ", maxAttempts=" + (settings.maxAttempts() == null ? "default" : settings.maxAttempts())
                + ", timeout=" + settings.timeout() + ", maxConcurrency=" + settings.maxConcurrency()
                + ", fetchStoppedTasks=" + settings.fetchStoppedTasks()
                + ", rollbackOnFailure=" + settings.rollbackOnFailure()
                + (settings.rollbackTimeout() == null ? "" : ", rollbackTimeout=" + settings.rollbackTimeout())
                + (settings.maxDescribeServicesPerSecond() == null ? "" : ", maxDescribeServicesPerSecond="
                        + settings.maxDescribeServicesPerSecond())
                + (settings.maxUpdateServicePerSecond() == null ? "" : ", maxUpdateServicePerSecond="
                        + settings.maxUpdateServicePerSecond())
                + (settings.succeedAtStage() == null ? "" : ", succeedAtStage=" + settings.succeedAtStage())
                + (SystemClock.isSystem(settings.clock()) ? "" : ", clock=" + settings.clock()) + "]";
    }

    private void ensureOpen() {
        if (closed.get() && ownsClient) {
            throw new IllegalStateException("this ServiceRollout is closed");
        }
    }

    private static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    /** Builds a {@link ServiceRollout}; every setter checks its value at once. */
    public static final class Builder {
        private EcsClient ecs;
        private Duration delay = DEFAULT_DELAY;
        private Integer maxAttempts;
        private Duration timeout;
        private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
        private RolloutListener listener = RolloutListener.NONE;
        private boolean fetchStoppedTasks = true;
        private boolean rollbackOnFailure;
        private Duration rollbackTimeout;
        private Double maxDescribeServicesPerSecond;
        private Double maxUpdateServicePerSecond;
        private ServiceDeploymentLifecycleStage succeedAtStage;
        private RolloutClock clock = SystemClock.INSTANCE;

        private Builder() {
        }

        /**
         * The client to call ECS with; the caller keeps ownership and closes it. Without one, {@link #build()} makes a
         * client with {@code UrlConnectionHttpClient} and the default region and credentials chains, which
         * {@link ServiceRollout#close()} closes.
         *
         * @param ecsClient the client (in unit tests, a mock or a fake)
         * @return this builder
         */
        public Builder ecsClient(EcsClient ecsClient) {
            this.ecs = Objects.requireNonNull(ecsClient, "ecsClient");
            return this;
        }

        /**
         * The pause between DescribeServices polls of a chunk. Defaults to 15 seconds, the SDK waiter's own delay.
         * {@link Duration#ZERO} is allowed (tests), and so is any length: one longer than about 292 years (what a
         * {@code long} of nanoseconds holds; {@code ChronoUnit.FOREVER}, say) counts as that long.
         *
         * @param delay the pause, zero or more
         * @return this builder
         */
        public Builder delay(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative: " + delay);
            }
            this.delay = delay;
            return this;
        }

        /**
         * The most DescribeServices polls for each chunk of up to 10 services. Defaults to 40, the SDK waiter's own,
         * unless a {@link #timeout(Duration)} is set: then the timeout alone bounds the wait, unless this is set too.
         * Each chunk has its own: one that uses them up ends {@link RolloutNotStableException.Reason#TIMED_OUT} once
         * the other chunks are stable or have used up theirs too (a terminal verdict still ends every chunk at once).
         *
         * @param maxAttempts polls per chunk, 1 or more
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = requireAtLeastOne(maxAttempts, "maxAttempts");
            return this;
        }

        /**
         * One deadline for the whole call, updates and every chunk of every cluster included; the rollout ends with
         * {@link RolloutNotStableException.Reason#TIMED_OUT} at it, its last poll made just before it. Each ECS call
         * carries the time left as its {@code apiCallTimeout} and is waited for at most 100 ms longer, on a daemon
         * thread of its own ({@code ecs-rollout-call-N}) that ends by itself with the call, so not even an answer
         * that never ends holds the caller past the timeout by more than that. With
         * {@link #rollbackOnFailure(boolean)}, the rollback and its wait fit in it too: see
         * {@link #rollbackTimeout(Duration)}. No timeout by default. In a Lambda function, pass the remaining time less
         * a margin, but never less than half of it (so that little time left is still a valid timeout):
         * {@code Math.max(1, Math.max(left - 30_000, left / 2))} milliseconds. Any positive length is accepted; one
         * longer than about 292 years ({@code ChronoUnit.FOREVER}, say) is no deadline at all.
         *
         * @param timeout the deadline for the whole call, positive
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = requirePositive(timeout, "timeout");
            return this;
        }

        /**
         * How many threads watch the chunks of 10 services, for the length of the call. Defaults to 10. With no more
         * chunks than threads each chunk's waiter has a thread of its own; with more, the chunks take turns of one poll
         * each, so every service is still watched, and a round of turns takes longer than one delay only when the
         * polls themselves (or the DescribeServices pacing) take that long.
         *
         * @param maxConcurrency the threads, 1 or more
         * @return this builder
         */
        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = requireAtLeastOne(maxConcurrency, "maxConcurrency");
            return this;
        }

        /**
         * The most DescribeServices calls a second, across all chunks and all concurrent calls of this rollout; calls
         * beyond it wait their turn. ECS throttles describe calls per account, shared with everything else in it.
         * Unless set, 150 calls per poll {@link #delay(Duration) delay}: 10 a second at the default 15 seconds,
         * scaling with shorter delays but never below 10 a second nor above 20 (what ECS sustains per account and
         * Region: faster calls would only be throttled), and no limit for a zero delay. Waiting for a call's
         * turn never outlasts the {@link #timeout(Duration) timeout}: a turn after the deadline ends the rollout with
         * {@link RolloutNotStableException.Reason#TIMED_OUT} at the deadline.
         *
         * @param perSecond calls a second, positive and finite
         * @return this builder
         */
        public Builder maxDescribeServicesPerSecond(double perSecond) {
            if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
                throw new IllegalArgumentException("maxDescribeServicesPerSecond must be positive and finite: "
                        + perSecond);
            }
            this.maxDescribeServicesPerSecond = perSecond;
            return this;
        }

        /**
         * The most UpdateService calls a second once 40 have gone out at once, across all concurrent calls of this
         * rollout; updates beyond it wait their turn. Unless set, 5 a second: ECS throttles UpdateService per account
         * and Region with a bucket of 50 refilled at 5 a second, so a rollout of 5,000 services takes about 1,000
         * seconds to update whatever the pace, and faster calls would only be refused (the 10 left in the bucket absorb
         * calls that arrive closer together than they left). Raise it if AWS raised your limit. Waiting for a turn
         * never outlasts the {@link #timeout(Duration) timeout}: the rollout then ends with
         * {@link RolloutNotStableException.Reason#TIMED_OUT}, naming the services not updated.
         *
         * @param perSecond UpdateService calls a second after the first 40, positive and finite
         * @return this builder
         */
        public Builder maxUpdateServicePerSecond(double perSecond) {
            if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
                throw new IllegalArgumentException("maxUpdateServicePerSecond must be positive and finite: "
                        + perSecond);
            }
            this.maxUpdateServicePerSecond = perSecond;
            return this;
        }

        /**
         * Hears progress: updates accepted, each observation, new ECS events, services stable, the end.
         *
         * @param listener the listener; {@link RolloutListener#NONE} for none
         * @return this builder
         */
        public Builder listener(RolloutListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Whether a failed, rolled-back or timed-out deployment's most recent STOPPED tasks are fetched (ListTasks,
         * DescribeTasks) so the exception can show why they stopped. Defaults to true; needs {@code ecs:ListTasks} and
         * {@code ecs:DescribeTasks}, and when those calls fail the verdict stands and the state says why.
         *
         * @param fetchStoppedTasks whether to fetch them
         * @return this builder
         */
        public Builder fetchStoppedTasks(boolean fetchStoppedTasks) {
            this.fetchStoppedTasks = fetchStoppedTasks;
            return this;
        }

        /**
         * Whether a failed rollout puts every service it changed back as it was, and waits until each is confirmed
         * back before throwing. Defaults to false.
         *
         * <p>With it, each service's PRIMARY task definition, read with the services before any update
         * (DescribeServices, 10 services a call, which every rollout makes), is kept to put back. When the rollout
         * fails for any reason but {@code INTERRUPTED} after ECS accepted an update, every service it changed, healthy
         * ones included, gets the action that fits its deployment as ECS describes it then
         * ({@link ServiceState#rollbackAction()}): one in flight is stopped with StopServiceDeployment(ROLLBACK), one
         * paused at a PAUSE hook gets ContinueServiceDeployment(ROLLBACK), one ECS already rolls back is only watched,
         * one that succeeded (or whose service deployment is not known, or whose stop or continue ECS refused) gets an
         * UpdateService back to its previous task definition, and one another deployment superseded is left alone. The
         * original exception is then thrown, its {@link RolloutNotStableException#rolledBackServices()} naming the
         * services confirmed back on their previous revision; the message says what was done for each service and names
         * any not confirmed back and why; the rollback's own exception and any refusal of a stop or continue are
         * attached as suppressed. Only the task definition is put back: desired count and other settings stay as the
         * rollout left them.
         *
         * @param rollbackOnFailure whether a failed rollout puts the services it changed back
         * @return this builder
         */
        public Builder rollbackOnFailure(boolean rollbackOnFailure) {
            this.rollbackOnFailure = rollbackOnFailure;
            return this;
        }

        /**
         * How long a rollback and its wait may take; only with {@link #rollbackOnFailure(boolean)}. Set together with
         * {@link #timeout(Duration)}, it is reserved out of the timeout and may be at most half of it: the rollout's
         * own wait ends that much earlier, so that the whole call, rollback included, returns within the timeout.
         * Unset with a timeout, a third of the timeout is reserved ({@link #DEFAULT_ROLLBACK_SHARE}). Without a
         * timeout it bounds the rollback alone; unset then, the rollback has {@code maxAttempts} polls. The
         * rollback's calls are sent in any case: they get at least 2 seconds, even when that runs past the timeout or
         * no time is left at all. A service whose rollback is not confirmed in time is not in
         * {@link RolloutNotStableException#rolledBackServices()}, and the message names it: ECS goes on rolling it
         * back. Any positive length is accepted, as for {@link #timeout(Duration)}; {@link #build()} refuses one
         * longer than half the timeout, or one without {@code rollbackOnFailure}.
         *
         * @param rollbackTimeout the rollback's bound, positive
         * @return this builder
         */
        public Builder rollbackTimeout(Duration rollbackTimeout) {
            this.rollbackTimeout = requirePositive(rollbackTimeout, "rollbackTimeout");
            return this;
        }

        /**
         * Ends a service's wait with success once the service deployment this rollout started has reached
         * {@code stage} (or a later one: stages can be skipped between polls) while ECS still reports it PENDING or
         * IN_PROGRESS. {@link ServiceDeploymentLifecycleStage#BAKE_TIME}, for one, means production traffic is on the
         * new revision; the rest of the deployment (bake, clean-up) then goes on without this rollout watching it.
         * Unset by default: a service succeeds when ECS calls its deployment SUCCESSFUL, or when it is stable.
         *
         * <p>Applies to services whose deployment strategy goes through lifecycle stages (BLUE_GREEN, LINEAR,
         * CANARY). Before any update, a service whose strategy (from its request, else as ECS reports it) is ROLLING
         * is an {@link IllegalArgumentException}, as is a stage a rollout cannot wait for
         * ({@code UNKNOWN_TO_SDK_VERSION}). Needs {@code ecs:ListServiceDeployments} and
         * {@code ecs:DescribeServiceDeployments}: without them the service is judged as if this were unset.
         *
         * @param stage the lifecycle stage at which a service counts as deployed
         * @return this builder
         */
        public Builder succeedAtStage(ServiceDeploymentLifecycleStage stage) {
            Objects.requireNonNull(stage, "succeedAtStage");
            if (stage == ServiceDeploymentLifecycleStage.UNKNOWN_TO_SDK_VERSION) {
                throw new IllegalArgumentException("succeedAtStage must be a known stage: " + stage);
            }
            this.succeedAtStage = stage;
            return this;
        }

        /**
         * The clock every poll delay, pacing wait and deadline of the rollout goes through, for tests. Defaults to the
         * system clock; a test passes the testkit's {@code VirtualClock} (shared with its {@code FakeEcs}) to run a
         * rollout of any length, a timeout included, without waiting for it. See {@link RolloutClock} for what a clock
         * other than the system's changes.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(RolloutClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The immutable rollout.
         *
         * @return a new rollout with this builder's settings
         * @throws IllegalArgumentException when a {@code rollbackTimeout} is set without {@code rollbackOnFailure}, or
         *     longer than half the {@code timeout}: budgets that cannot both hold are refused, not clamped
         */
        public ServiceRollout build() {
            if (rollbackTimeout != null && !rollbackOnFailure) {
                throw new IllegalArgumentException("rollbackTimeout " + rollbackTimeout + " is set but "
                        + "rollbackOnFailure is not: set rollbackOnFailure(true), or leave rollbackTimeout unset");
            }
            // A timeout beyond what a long of nanoseconds holds is no deadline at all: nothing to share then.
            boolean deadline = timeout != null && timeout.compareTo(Durations.MAX) < 0;
            if (rollbackTimeout != null && deadline
                    && rollbackTimeout.compareTo(RolloutSettings.maxRollbackTimeout(timeout)) > 0) {
                throw new IllegalArgumentException("rollbackTimeout " + rollbackTimeout + " is longer than half the "
                        + "timeout " + timeout + ": the rollout's own wait would have less time than its rollback");
            }
            return new ServiceRollout(this);
        }

        private static Duration requirePositive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }

        private static int requireAtLeastOne(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + value);
            }
            return value;
        }
    }
}
