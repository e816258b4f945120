package io.github.ecsrollout.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ConflictException;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHook;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookAction;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookStage;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookStatus;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookTargetType;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.EcsRequest;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.SchedulingStrategy;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.ServiceNotActiveException;
import software.amazon.awssdk.services.ecs.model.ServiceRevisionSummary;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * One service of a {@link FakeEcs}: what it is now, how its next deployments go, and what it went through. Get it
 * with {@link FakeEcs#service(String, String)}; each scripting method returns this handle, so a service is scripted
 * in one line: {@code ecs.service("prod", "web").blueGreen(2).pausesAt(POST_PRODUCTION_TRAFFIC_SHIFT)}.
 *
 * <p>A deployment starts with an UpdateService that names another task definition or forces a new deployment (or
 * with {@link #deploy(String)}), and follows the script as it was at that moment. Its progress is counted in the
 * DescribeServices answers that name the service: "after {@code n} polls" means the {@code n}-th answer after the
 * update shows the outcome, and the answers before it show the deployment in progress (PRIMARY, rolloutState
 * IN_PROGRESS, the previous deployment ACTIVE beside it). The service-deployment calls made after a DescribeServices
 * call see the same step. Outcomes, the last one set winning:
 * <ul>
 *   <li>{@link #becomesStableAfter(int)} (the default, after 1 poll): one COMPLETED deployment, every task running,
 *       service deployment SUCCESSFUL;</li>
 *   <li>{@link #circuitBreakerTripsAfter(int)}: rolloutState FAILED with ECS's circuit-breaker reason, STOPPED tasks
 *       for ListTasks and DescribeTasks, service deployment STOPPED with its breaker TRIGGERED;
 *       {@link #circuitBreakerRollsBackAfter(int)}: the same, then ECS's rollback;</li>
 *   <li>{@link #neverStable()}, {@link #goesMissingAfter(int)}, {@link #goesInactiveAfter(int)},
 *       {@link #supersededAfter(int)} (another deployment, not the rollout's, replaces it), and
 *       {@link #rejectsUpdates(RuntimeException)}.</li>
 * </ul>
 * A deployment back to a task definition the service was stable on before (what a rollback sends) is not scripted:
 * it becomes stable on the next poll, and is never rejected.
 *
 * <p>{@link #deploymentConfiguration(DeploymentConfiguration)} sets what the service shows of its deployment
 * configuration (strategy, {@code bakeTimeInMinutes}, circuit breaker, alarms), which a rollout reads as ECS's;
 * {@link #failNext(Class, int, RuntimeException)} and {@link #throttle(Class, int)} fail the calls that name the
 * service; {@link #taskDefinition()}, {@link #updates()}, {@link #assertStableOn(String)} and
 * {@link #assertRestoredTo(String)} say how it ended.
 *
 * <p>Rollbacks by ECS (the circuit breaker's, or one asked for with StopServiceDeployment or
 * ContinueServiceDeployment and {@code ROLLBACK}) happen within the service deployment: it goes ROLLBACK_IN_PROGRESS
 * while a new PRIMARY deployment of the previous task definition starts, and ROLLBACK_SUCCESSFUL, stable on it, on
 * the next poll. Thread-safe: every method holds the fake's lock.
 */
public final class FakeService {

    /** The desired count of a service unless set: 2 tasks. */
    public static final int DEFAULT_DESIRED_COUNT = 2;

    static final String CIRCUIT_BREAKER_REASON = "ECS deployment circuit breaker: tasks failed to start.";
    static final String REPLACED = "Replaced by a new service deployment";
    private static final int MAX_EVENTS = 100;
    private static final Duration HOOK_TIMEOUT = Duration.ofMinutes(60);
    /** The longest bake ECS takes, a day. */
    private static final int MAX_BAKE_MINUTES = 1440;

    /** What a deployment comes to. */
    private enum Outcome { STABLE, CIRCUIT_BREAKER, CIRCUIT_BREAKER_ROLLBACK, NEVER_STABLE, MISSING, INACTIVE, SUPERSEDED }

    /**
     * How a deployment goes: immutable, so a deployment keeps the script it started with.
     *
     * @param polls the poll at which the outcome shows
     * @param rejection what UpdateService throws instead, or {@code null}
     * @param bakePolls the polls of a blue/green bake, or {@code null} for a rolling deployment
     * @param pauseAt the stage of a PAUSE hook, or {@code null}
     */
    private record Script(Outcome outcome, int polls, RuntimeException rejection, Integer bakePolls,
            ServiceDeploymentLifecycleStage pauseAt) {

        static final Script HEALTHY = new Script(Outcome.STABLE, 1, null, null, null);

        Script then(Outcome next, int after) {
            return new Script(next, after, null, bakePolls, pauseAt);
        }

        boolean isBlueGreen() {
            return bakePolls != null;
        }
    }

    private enum Phase { DEPLOYING, ROLLING_BACK, DONE }

    private final FakeAccount ecs;
    private final String cluster;
    private final String name;
    private final String arn;
    private final Instant createdAt;
    private String status = "ACTIVE";
    private boolean missing;
    private int desiredCount = DEFAULT_DESIRED_COUNT;
    private Script script = Script.HEALTHY;
    /** PRIMARY first, as ECS lists them. */
    private final List<Dep> deployments = new ArrayList<>();
    /** Oldest first. */
    private final List<Sd> serviceDeployments = new ArrayList<>();
    /** Newest first, as ECS lists them. */
    private final Deque<ServiceEvent> events = new ArrayDeque<>();
    /** Newest first. */
    private final Deque<Task> tasks = new ArrayDeque<>();
    /** Task definition ARNs the service has been stable on: a return to one is a rollback, not scripted. */
    private final Set<String> stableOn = new HashSet<>();
    /** The latest deployment this service started, or {@code null}. */
    private Run run;
    private int polls;
    /** Deployment configuration fields a test set, shown over the fake's own; {@code null} when none. */
    private DeploymentConfiguration configured;
    /** Errors scripted for the next calls of an operation that name this service. */
    final FakeFaults faults = new FakeFaults();
    /** The UpdateService requests received for this service, refused ones included. */
    private final List<UpdateServiceRequest> updates = new ArrayList<>();

    FakeService(FakeAccount ecs, String cluster, String name) {
        this.ecs = ecs;
        this.cluster = cluster;
        this.name = name;
        this.arn = ecs.arn("service/" + cluster + "/" + name);
        this.createdAt = ecs.now();
        runStable(ecs.taskDefinitionArn(name + ":1"));
    }

    // ---- identity ---------------------------------------------------------------------------------------------

    /**
     * The cluster's name.
     *
     * @return the name given to {@link FakeEcs#service(String, String)}
     */
    public String cluster() {
        return cluster;
    }

    /**
     * The service's name.
     *
     * @return the name given to {@link FakeEcs#service(String, String)}
     */
    public String name() {
        return name;
    }

    /**
     * The service's ARN, as ECS reports it.
     *
     * @return {@code arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME}
     */
    public String arn() {
        return arn;
    }

    // ---- the service now --------------------------------------------------------------------------------------

    /**
     * Makes the service run {@code taskDefinition} now, stable on one COMPLETED deployment of it, whatever it was
     * doing. Defaults to {@code <service>:1}.
     *
     * @param taskDefinition a family, {@code family:revision} or an ARN
     * @return this handle
     */
    public FakeService taskDefinition(String taskDefinition) {
        Objects.requireNonNull(taskDefinition, "taskDefinition");
        synchronized (ecs.lock) {
            runStable(ecs.taskDefinitionArn(taskDefinition));
            return this;
        }
    }

    /**
     * The number of tasks the service runs when stable. Defaults to {@link #DEFAULT_DESIRED_COUNT}; an UpdateService
     * with a {@code desiredCount} sets it too.
     *
     * @param desiredCount 0 or more
     * @return this handle
     */
    public FakeService desiredCount(int desiredCount) {
        if (desiredCount < 0) {
            throw new IllegalArgumentException("desiredCount must not be negative: " + desiredCount);
        }
        synchronized (ecs.lock) {
            setDesiredCount(desiredCount);
            return this;
        }
    }

    /**
     * Makes the service a blue/green one (deployment strategy BLUE_GREEN) from its next deployment on: the new
     * revision's tasks all run beside the old ones (two deployments in DescribeServices) while its service deployment
     * goes through SCALE_UP, TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT, a poll each, then BAKE_TIME for
     * {@code bakePolls} polls; on the poll after, it is SUCCESSFUL (lifecycle stage CLEAN_UP) and one deployment is
     * left. With {@link #becomesStableAfter(int)}, that walk decides when it succeeds; the other outcomes show on
     * their poll, whatever the stage.
     *
     * @param bakePolls how many polls the bake lasts, 0 or more
     * @return this handle
     */
    public FakeService blueGreen(int bakePolls) {
        if (bakePolls < 0) {
            throw new IllegalArgumentException("bakePolls must not be negative: " + bakePolls);
        }
        synchronized (ecs.lock) {
            script = new Script(script.outcome, script.polls, script.rejection, bakePolls, script.pauseAt);
            if (configured != null && configured.strategy() == DeploymentStrategy.ROLLING) {
                configured = configured.toBuilder().strategy((String) null).build(); // the last one set wins
            }
            return this;
        }
    }

    /**
     * Adds a PAUSE lifecycle hook at {@code stage} to a blue/green service's next deployments: when the deployment
     * reaches that stage it stays there, its service deployment IN_PROGRESS with the hook AWAITING_ACTION, until
     * ContinueServiceDeployment answers it ({@code CONTINUE}: on with the next stage on the next poll;
     * {@code ROLLBACK}: ECS rolls it back).
     *
     * @param stage a stage ECS runs hooks at, {@code POST_PRODUCTION_TRAFFIC_SHIFT} for one
     * @return this handle
     * @throws IllegalStateException when the service is not blue/green: call {@link #blueGreen(int)} first
     * @throws IllegalArgumentException for a stage without hooks ({@code SCALE_UP}, {@code BAKE_TIME},
     *     {@code CLEAN_UP})
     */
    public FakeService pausesAt(ServiceDeploymentLifecycleStage stage) {
        Objects.requireNonNull(stage, "stage");
        if (hookStage(stage) == DeploymentLifecycleHookStage.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalArgumentException("stage must be one ECS runs lifecycle hooks at: " + stage);
        }
        synchronized (ecs.lock) {
            if (!script.isBlueGreen()) {
                throw new IllegalStateException("PAUSE hooks need a blue/green service: call blueGreen(bakePolls) "
                        + "before pausesAt");
            }
            script = new Script(script.outcome, script.polls, script.rejection, script.bakePolls, stage);
            return this;
        }
    }

    /**
     * Makes the service INACTIVE now, as a deleted one is: DescribeServices shows it INACTIVE with nothing running,
     * UpdateService throws {@code ServiceNotActiveException}.
     *
     * @return this handle
     */
    public FakeService inactive() {
        synchronized (ecs.lock) {
            deactivate();
            return this;
        }
    }

    /**
     * Makes the service gone now: DescribeServices reports it MISSING, UpdateService throws
     * {@code ServiceNotFoundException}, its service deployments are not found.
     *
     * @return this handle
     */
    public FakeService missing() {
        synchronized (ecs.lock) {
            vanish();
            return this;
        }
    }

    // ---- how the next deployments go -------------------------------------------------------------------------

    /**
     * The next deployments become stable after {@code polls} polls: the answers before show the new deployment
     * starting its tasks, the {@code polls}-th one deployment COMPLETED with every task running. The default, with 1.
     *
     * @param polls 1 or more
     * @return this handle
     */
    public FakeService becomesStableAfter(int polls) {
        return outcome(Outcome.STABLE, polls);
    }

    /**
     * The circuit breaker fails the next deployments after {@code polls} polls, and ECS does not roll them back: the
     * deployment stays PRIMARY with rolloutState FAILED, no task running and ECS's reason; its STOPPED tasks
     * ("Essential container in task exited", exit code 1) are listed by ListTasks; its service deployment is STOPPED
     * with the breaker TRIGGERED. The service shows its deployment configuration with the breaker's rollback off.
     *
     * @param polls 1 or more
     * @return this handle
     */
    public FakeService circuitBreakerTripsAfter(int polls) {
        return outcome(Outcome.CIRCUIT_BREAKER, polls);
    }

    /**
     * The circuit breaker fails the next deployments after {@code polls} polls, and ECS rolls them back: as
     * {@link #circuitBreakerTripsAfter(int)}, but the failed deployment turns ACTIVE beside a new PRIMARY of the
     * previous task definition, and the service deployment goes ROLLBACK_IN_PROGRESS; on the poll after, the service
     * is stable on the previous task definition and the service deployment ROLLBACK_SUCCESSFUL.
     *
     * @param polls 1 or more
     * @return this handle
     */
    public FakeService circuitBreakerRollsBackAfter(int polls) {
        return outcome(Outcome.CIRCUIT_BREAKER_ROLLBACK, polls);
    }

    /**
     * The next deployments never become stable: PRIMARY, IN_PROGRESS, no task of theirs running, and an event saying
     * ECS was unable to place a task.
     *
     * @return this handle
     */
    public FakeService neverStable() {
        return outcome(Outcome.NEVER_STABLE, 1);
    }

    /**
     * The service is deleted during its next deployment: from the {@code polls}-th poll on, DescribeServices reports
     * it MISSING.
     *
     * @param polls 1 or more
     * @return this handle
     */
    public FakeService goesMissingAfter(int polls) {
        return outcome(Outcome.MISSING, polls);
    }

    /**
     * The service is deleted during its next deployment: from the {@code polls}-th poll on it is INACTIVE. A deleted
     * service deploys nothing more: a StopServiceDeployment of its deployment is taken, and no rollback follows.
     *
     * @param polls 1 or more
     * @return this handle
     */
    public FakeService goesInactiveAfter(int polls) {
        return outcome(Outcome.INACTIVE, polls);
    }

    /**
     * Someone else deploys over the next deployments: on the {@code polls}-th poll a deployment of the next revision
     * of the task definition (not the rollout's) is PRIMARY, the rollout's one ACTIVE, its service deployment
     * STOP_REQUESTED "Replaced by a new service deployment" (STOPPED once the other one is stable, on the poll after).
     *
     * @param polls 1 or more
     * @return this handle
     */
    public FakeService supersededAfter(int polls) {
        return outcome(Outcome.SUPERSEDED, polls);
    }

    /**
     * ECS rejects the next UpdateService calls with an {@code InvalidParameterException}, as for a task definition
     * that does not exist; nothing changes. Updates back to a task definition the service was stable on (a rollback)
     * are still accepted.
     *
     * @return this handle
     */
    public FakeService rejectsUpdates() {
        return rejectsUpdates(FakeErrors.invalidParameter("Unable to describe task definition."));
    }

    /**
     * UpdateService throws {@code rejection} for the next updates; nothing changes. Updates back to a task
     * definition the service was stable on (a rollback) are still accepted. An SDK exception of ECS's own type
     * ({@code ServiceNotFoundException}, {@code AccessDeniedException}, ...) is what a rollout sees from ECS.
     *
     * @param rejection what to throw, the same instance each time
     * @return this handle
     */
    public FakeService rejectsUpdates(RuntimeException rejection) {
        Objects.requireNonNull(rejection, "rejection");
        synchronized (ecs.lock) {
            script = new Script(script.outcome, script.polls, rejection, script.bakePolls, script.pauseAt);
            return this;
        }
    }

    /**
     * Starts a deployment of {@code taskDefinition} now, as an UpdateService from outside the code under test
     * would (it is not among {@link FakeEcs#calls()}): a service to {@code awaitStable} on, say. It follows the
     * script, rejection aside.
     *
     * @param taskDefinition a family, {@code family:revision} or an ARN
     * @return this handle
     * @throws IllegalStateException when the service is missing or not ACTIVE
     */
    public FakeService deploy(String taskDefinition) {
        Objects.requireNonNull(taskDefinition, "taskDefinition");
        synchronized (ecs.lock) {
            if (missing || !"ACTIVE".equals(status)) {
                throw new IllegalStateException("service " + name + " is " + (missing ? "missing" : status));
            }
            String next = ecs.taskDefinitionArn(taskDefinition);
            startDeployment(next, isRestore(next) ? Script.HEALTHY : script);
            return this;
        }
    }

    // ---- what it went through -------------------------------------------------------------------------------

    /**
     * How many DescribeServices answers have named this service (reads before an update included).
     *
     * @return the count
     */
    public int polls() {
        synchronized (ecs.lock) {
            return polls;
        }
    }

    /**
     * The service as DescribeServices would show it now, without counting a poll or moving it on.
     *
     * @return the service, or empty when it is missing
     */
    public Optional<Service> describe() {
        synchronized (ecs.lock) {
            return missing ? Optional.empty() : Optional.of(toService());
        }
    }

    @Override
    public String toString() {
        synchronized (ecs.lock) {
            Dep p = primary();
            return "FakeService[" + cluster + "/" + name + ", " + (missing ? "MISSING" : status) + ", "
                    + (p == null ? "-" : p.taskDefinition.substring(p.taskDefinition.lastIndexOf('/') + 1))
                    + ", polls=" + polls + "]";
        }
    }

    // ---- deployment configuration, errors and assertions ----------------------------------------------------

    /**
     * Sets the deployment configuration DescribeServices, UpdateService and the service deployments show for this
     * service, as a test scripts an ECS one: each field given wins over the fake's own (which reflects the script: the
     * circuit breaker on, its rollback on unless {@link #circuitBreakerTripsAfter(int)}, strategy BLUE_GREEN after
     * {@link #blueGreen(int)}, else ROLLING); each call replaces the fields of the one before. A rollout reads it as
     * it reads ECS's, so {@code bakeTimeInMinutes(60)} with a 20-minute timeout makes the rollout refuse the timeout
     * before any update, as it would against ECS.
     *
     * <p>The configuration is shown, not acted on, with one exception: strategy {@code BLUE_GREEN}, {@code LINEAR} or
     * {@code CANARY} makes the next deployments go through the lifecycle stages as {@link #blueGreen(int)} does (with
     * the bake polls it set, else none), and {@code ROLLING} makes them rolling again. How a deployment ends is still
     * the script's: {@code bakeTimeInMinutes} does not make the bake longer (it lasts {@code bakePolls} polls), and a
     * circuit breaker shown off does not keep {@link #circuitBreakerTripsAfter(int)} from failing it.
     *
     * @param configuration the fields to show, as ECS's {@code DeploymentConfiguration}
     * @return this handle
     * @throws IllegalArgumentException for a strategy unknown to the SDK, or a {@code bakeTimeInMinutes} outside ECS's
     *     0 to 1440
     */
    public FakeService deploymentConfiguration(DeploymentConfiguration configuration) {
        Objects.requireNonNull(configuration, "configuration");
        if (configuration.strategy() == DeploymentStrategy.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalArgumentException("configuration.strategy must be ROLLING, BLUE_GREEN, LINEAR or CANARY: "
                    + configuration.strategyAsString());
        }
        Integer bake = configuration.bakeTimeInMinutes();
        if (bake != null && (bake < 0 || bake > MAX_BAKE_MINUTES)) {
            throw new IllegalArgumentException("configuration.bakeTimeInMinutes must be 0 to " + MAX_BAKE_MINUTES
                    + ": " + bake);
        }
        synchronized (ecs.lock) {
            configured = configuration;
            DeploymentStrategy strategy = configuration.strategy();
            if (strategy == DeploymentStrategy.ROLLING) {
                script = new Script(script.outcome, script.polls, script.rejection, null, null);
            } else if (strategy != null && !script.isBlueGreen()) {
                script = new Script(script.outcome, script.polls, script.rejection, 0, script.pauseAt);
            }
            return this;
        }
    }

    /**
     * Sets the deployment configuration this service shows, built in place: see
     * {@link #deploymentConfiguration(DeploymentConfiguration)}. For one,
     * {@code deploymentConfiguration(c -> c.strategy(DeploymentStrategy.BLUE_GREEN).bakeTimeInMinutes(60))}.
     *
     * @param configuration fills in a builder of ECS's {@code DeploymentConfiguration}
     * @return this handle
     */
    public FakeService deploymentConfiguration(Consumer<DeploymentConfiguration.Builder> configuration) {
        Objects.requireNonNull(configuration, "configuration");
        DeploymentConfiguration.Builder b = DeploymentConfiguration.builder();
        configuration.accept(b);
        return deploymentConfiguration(b.build());
    }

    /**
     * Makes the next {@code times} calls of an operation that name this service throw {@code error} (after the errors
     * already scripted for it): UpdateService, DescribeServices (the whole call fails, as ECS answers a call with one
     * error, whatever else it names), ListServiceDeployments, ListTasks by {@code serviceName}, and the calls on this
     * service's deployments (DescribeServiceDeployments, StopServiceDeployment, ContinueServiceDeployment). The calls
     * are recorded and change nothing: a failed DescribeServices moves no service on, a failed UpdateService deploys
     * nothing. Errors ECS sends: {@link FakeEcs#throttlingException()}, {@link FakeEcs#serverException()}, or an SDK
     * exception of ECS's own type built with its {@code builder()}.
     *
     * @param operation the request class of the operation, {@code UpdateServiceRequest.class} for one
     * @param times 1 or more
     * @param error what to throw, the same instance each time
     * @return this handle
     * @throws IllegalArgumentException when {@code times} is less than 1, or the operation names no service
     *     (DescribeTaskDefinition, DescribeTasks: script those with {@link FakeEcs#failNext})
     */
    public FakeService failNext(Class<? extends EcsRequest> operation, int times, RuntimeException error) {
        FakeFaults.check(operation, times, error);
        FakeFaults.checkPerService(operation);
        synchronized (ecs.lock) {
            faults.add(operation, times, error);
            return this;
        }
    }

    /**
     * Throttles the next {@code times} calls of an operation that name this service: each throws
     * {@link FakeEcs#throttlingException()}, as ECS does when the caller's rate is exceeded. See
     * {@link #failNext(Class, int, RuntimeException)} for the operations.
     *
     * @param operation the request class of the operation, {@code DescribeServicesRequest.class} for one
     * @param times 1 or more
     * @return this handle
     */
    public FakeService throttle(Class<? extends EcsRequest> operation, int times) {
        return failNext(operation, times, FakeErrors.throttling());
    }

    /**
     * The task definition the service runs now, as ECS reports it: the ARN of its PRIMARY deployment's (the one a
     * deployment or rollback in flight is bringing up).
     *
     * @return {@code arn:aws:ecs:REGION:ACCOUNT:task-definition/family:revision}
     */
    public String taskDefinition() {
        synchronized (ecs.lock) {
            Dep p = primary();
            return p == null ? null : p.taskDefinition;
        }
    }

    /**
     * The UpdateService requests this fake received for this service (named or by ARN), in order, refused ones
     * included: the rollout's update, then any rollback's.
     *
     * @return a copy, which later calls do not change
     */
    public List<UpdateServiceRequest> updates() {
        synchronized (ecs.lock) {
            return List.copyOf(updates);
        }
    }

    /**
     * Whether the service is stable now, as a rollout judges it: ACTIVE, one deployment, COMPLETED, every task
     * running.
     *
     * @return {@code true} when stable
     */
    public boolean isStable() {
        synchronized (ecs.lock) {
            Dep p = primary();
            return !missing && "ACTIVE".equals(status) && deployments.size() == 1
                    && p.rolloutState == DeploymentRolloutState.COMPLETED && p.running == p.desired;
        }
    }

    /**
     * Asserts that the service is stable ({@link #isStable()}) on {@code taskDefinition}, however each is written:
     * {@code web:3}, its ARN, or {@code web} for the latest revision.
     *
     * @param taskDefinition a family, {@code family:revision} or an ARN
     * @return this handle
     * @throws AssertionError saying what the service runs instead, and how it is
     */
    public FakeService assertStableOn(String taskDefinition) {
        Objects.requireNonNull(taskDefinition, "taskDefinition");
        synchronized (ecs.lock) {
            String expected = ecs.taskDefinitionArn(taskDefinition);
            if (!isStable() || !expected.equals(primary().taskDefinition)) {
                throw new AssertionError(cluster + "/" + name + ": expected stable on " + shortName(expected)
                        + ", but " + how());
            }
            return this;
        }
    }

    /**
     * Asserts that the service was restored to {@code taskDefinition}: it ran it, was then deployed to another task
     * definition, and is stable on it again, whoever rolled it back (the rollout's UpdateService or ECS itself).
     *
     * @param taskDefinition a family, {@code family:revision} or an ARN
     * @return this handle
     * @throws AssertionError saying what happened instead
     */
    public FakeService assertRestoredTo(String taskDefinition) {
        Objects.requireNonNull(taskDefinition, "taskDefinition");
        synchronized (ecs.lock) {
            String expected = ecs.taskDefinitionArn(taskDefinition);
            boolean ran = false;
            boolean left = false;
            for (Sd sd : serviceDeployments) {
                String target = sd.target.taskDefinition;
                ran |= target.equals(expected);
                left |= ran && !target.equals(expected);
            }
            if (!left) {
                throw new AssertionError(cluster + "/" + name + ": expected restored to " + shortName(expected)
                        + ", but it was " + (ran ? "never deployed away from it" : "never on it") + "; " + how());
            }
            if (!isStable() || !expected.equals(primary().taskDefinition)) {
                throw new AssertionError(cluster + "/" + name + ": expected restored to " + shortName(expected)
                        + ", but " + how());
            }
            return this;
        }
    }

    // ---- for FakeEcs (callers hold the lock) ------------------------------------------------------------------

    void received(UpdateServiceRequest request) {
        updates.add(request);
    }

    boolean isMissing() {
        return missing;
    }

    /** One DescribeServices answer: moves the service one step on; {@code null} when it is (now) missing. */
    Service poll() {
        polls++;
        if (run != null) {
            run.tick();
        }
        return missing ? null : toService();
    }

    Service update(UpdateServiceRequest request) {
        if (!"ACTIVE".equals(status)) {
            throw (ServiceNotActiveException) FakeErrors.error(ServiceNotActiveException.builder(),
                    "ServiceNotActiveException", "Service was not ACTIVE.");
        }
        if (request.desiredCount() != null && request.desiredCount() < 0) {
            throw FakeErrors.invalidParameter("Desired count must be greater than or equal to 0.");
        }
        String current = primary().taskDefinition;
        String next = request.taskDefinition() == null ? current : ecs.taskDefinitionArn(request.taskDefinition());
        if (!isRestore(next) && script.rejection != null) {
            throw script.rejection;
        }
        if (request.desiredCount() != null) {
            setDesiredCount(request.desiredCount());
        }
        if (!next.equals(current) || Boolean.TRUE.equals(request.forceNewDeployment())) {
            startDeployment(next, isRestore(next) ? Script.HEALTHY : script);
        }
        return toService();
    }

    List<Task> tasks() {
        return List.copyOf(tasks);
    }

    List<ServiceDeployment> serviceDeploymentsNewestFirst() {
        List<ServiceDeployment> newestFirst = new ArrayList<>();
        for (int i = serviceDeployments.size() - 1; i >= 0; i--) {
            newestFirst.add(serviceDeployments.get(i).toServiceDeployment());
        }
        return newestFirst;
    }

    /** The service deployment with this ARN, or {@code null}. */
    ServiceDeployment serviceDeployment(String serviceDeploymentArn) {
        Sd sd = sd(serviceDeploymentArn);
        return sd == null ? null : sd.toServiceDeployment();
    }

    void stop(StopServiceDeploymentRequest request) {
        Sd sd = sd(request.serviceDeploymentArn());
        StopServiceDeploymentStopType type = request.stopType() == null ? StopServiceDeploymentStopType.ROLLBACK
                : request.stopType();
        if (type == StopServiceDeploymentStopType.UNKNOWN_TO_SDK_VERSION) {
            throw FakeErrors.invalidParameter("Invalid stopType: " + request.stopTypeAsString());
        }
        if (sd == null || sd.isTerminal()) {
            throw conflict("The service deployment " + request.serviceDeploymentArn() + " is in a terminal state ("
                    + (sd == null ? "unknown" : sd.status) + ").");
        }
        if (!sd.isInFlight()) {
            return; // Already stopping or rolling back: ECS lets that go on.
        }
        if ("INACTIVE".equals(status)) {
            return; // A deleted service deploys nothing more: the request is taken, and nothing follows.
        }
        if (run == null || run.sd != sd) {
            throw conflict("The service deployment " + sd.arn + " is not in progress.");
        }
        if (type == StopServiceDeploymentStopType.ABORT) {
            sd.statusReason = "Stopped by StopServiceDeployment (ABORT).";
            sd.end(ServiceDeploymentStatus.STOPPED, ecs.now());
            run.phase = Phase.DONE;
            return;
        }
        if (run.previous == null) {
            throw conflict("The service deployment " + sd.arn + " has no previous service revision to roll back to.");
        }
        run.rollBack("Rolled back as requested by StopServiceDeployment.", true);
    }

    void resume(ContinueServiceDeploymentRequest request) {
        Sd sd = sd(request.serviceDeploymentArn());
        if (sd == null || run == null || run.sd != sd || !sd.isPaused()) {
            throw (ClientException) FakeErrors.error(ClientException.builder(), "ClientException",
                    "The service deployment " + request.serviceDeploymentArn() + " is not paused at a lifecycle hook.");
        }
        if (!sd.hook.hookId().equals(request.hookId())) {
            throw FakeErrors.invalidParameter("The hookId " + request.hookId() + " does not match the lifecycle hook "
                    + "the service deployment is paused at.");
        }
        DeploymentLifecycleHookAction action = request.action() == null ? DeploymentLifecycleHookAction.CONTINUE
                : request.action();
        if (action == DeploymentLifecycleHookAction.UNKNOWN_TO_SDK_VERSION) {
            throw FakeErrors.invalidParameter("Invalid action: " + request.actionAsString());
        }
        boolean onwards = action == DeploymentLifecycleHookAction.CONTINUE;
        sd.hook = sd.hook.toBuilder().status(onwards ? DeploymentLifecycleHookStatus.SUCCEEDED
                : DeploymentLifecycleHookStatus.FAILED).build();
        sd.updatedAt = ecs.now();
        if (onwards) {
            run.hookAnswered = true;
        } else {
            run.rollBack("Rolled back as requested by ContinueServiceDeployment at hook " + sd.hook.hookId() + ".",
                    true);
        }
    }

    // ---- the model --------------------------------------------------------------------------------------------

    private FakeService outcome(Outcome outcome, int after) {
        if (after < 1) {
            throw new IllegalArgumentException("polls must be at least 1: " + after);
        }
        synchronized (ecs.lock) {
            script = script.then(outcome, after);
            return this;
        }
    }

    private void setDesiredCount(int count) {
        desiredCount = count;
        Dep p = primary();
        if (p != null) {
            p.desired = count;
            if (run == null || run.phase == Phase.DONE) {
                p.running = count;
            }
        }
    }

    /** Replaces whatever the service runs with one stable deployment of {@code taskDefinitionArn}. */
    private void runStable(String taskDefinitionArn) {
        Instant now = ecs.now();
        if (run != null) {
            run.phase = Phase.DONE;
        }
        run = null;
        for (Sd older : serviceDeployments) {
            if (!older.isTerminal()) {
                older.end(ServiceDeploymentStatus.STOPPED, now);
            }
        }
        deployments.clear();
        Dep d = newDeployment(taskDefinitionArn, now);
        d.desired = desiredCount;
        d.running = desiredCount;
        d.completed();
        deployments.add(d);
        Sd sd = new Sd(d, List.of(), Script.HEALTHY, now);
        sd.startedAt = now;
        sd.end(ServiceDeploymentStatus.SUCCESSFUL, now);
        sd.breaker = ServiceDeploymentRollbackMonitorsStatus.MONITORING_COMPLETE;
        serviceDeployments.add(sd);
        stableOn.add(taskDefinitionArn);
        event("has reached a steady state.");
    }

    private boolean isRestore(String taskDefinitionArn) {
        return !taskDefinitionArn.equals(primary().taskDefinition) && stableOn.contains(taskDefinitionArn);
    }

    /** A new PRIMARY deployment: the old PRIMARY turns ACTIVE, a service deployment in flight is replaced. */
    private void startDeployment(String taskDefinitionArn, Script s) {
        Instant now = ecs.now();
        Dep previous = primary();
        List<String> sources = new ArrayList<>();
        for (Dep d : deployments) {
            d.status = "ACTIVE";
            d.updatedAt = now;
            sources.add(revisionArn(d));
        }
        for (Sd older : serviceDeployments) {
            if (older.isInFlight()) {
                older.statusReason = REPLACED;
                older.set(ServiceDeploymentStatus.STOP_REQUESTED, now);
            }
        }
        if (run != null) {
            run.phase = Phase.DONE;
        }
        Dep d = newDeployment(taskDefinitionArn, now);
        d.desired = desiredCount;
        deployments.add(0, d);
        Sd sd = new Sd(d, sources, s, now);
        serviceDeployments.add(sd);
        run = new Run(d, previous, sd, s);
    }

    private void deactivate() {
        status = "INACTIVE";
        desiredCount = 0;
        for (Dep d : deployments) {
            d.desired = 0;
            d.running = 0;
        }
        if (run != null) {
            run.phase = Phase.DONE;
        }
    }

    private void vanish() {
        missing = true;
        if (run != null) {
            run.phase = Phase.DONE;
        }
    }

    private Dep primary() {
        return deployments.isEmpty() ? null : deployments.get(0);
    }

    private Sd sd(String serviceDeploymentArn) {
        return serviceDeployments.stream().filter(s -> s.arn.equals(serviceDeploymentArn)).findFirst().orElse(null);
    }

    /** A new deployment of a task definition, and the service revision it runs: its containers' images now. */
    private Dep newDeployment(String taskDefinitionArn, Instant now) {
        Dep d = new Dep(ecs.newDeploymentId(), taskDefinitionArn, now);
        TaskDefinition content;
        try {
            content = ecs.taskDefinitions.describe(taskDefinitionArn);
        } catch (RuntimeException e) {
            content = null; // one a test made missing: its revision records no containers
        }
        ecs.serviceRevisions.record(revisionArn(d), arn, ecs.arn("cluster/" + cluster), taskDefinitionArn, content,
                now);
        return d;
    }

    /** {@code service-revision/CLUSTER/SERVICE/N} for the deployment {@code ecs-svc/N}: the link ECS keeps. */
    private String revisionArn(Dep d) {
        return ecs.arn("service-revision/" + cluster + "/" + name + "/" + d.id.substring(d.id.indexOf('/') + 1));
    }

    /** The circuit breaker's threshold as ECS documents it: half the desired count, at least 3, at most 200. */
    private int threshold() {
        return Math.max(3, Math.min(200, (desiredCount + 1) / 2));
    }

    private void event(String message) {
        String hex = ecs.newHexId(32);
        events.addFirst(ServiceEvent.builder()
                .id(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                        + hex.substring(16, 20) + "-" + hex.substring(20))
                .createdAt(ecs.now()).message("(service " + name + ") " + message).build());
        while (events.size() > MAX_EVENTS) {
            events.removeLast();
        }
    }

    /** The task definition one revision on ({@code web:3} for {@code web:2}); the same one if it has no revision. */
    private String nextRevision(String taskDefinitionArn) {
        int colon = taskDefinitionArn.lastIndexOf(':');
        String revision = taskDefinitionArn.substring(colon + 1);
        if (!revision.matches("[0-9]{1,9}")) {
            return taskDefinitionArn;
        }
        return ecs.taskDefinitionArn(taskDefinitionArn.substring(0, colon + 1) + (Integer.parseInt(revision) + 1));
    }

    /** Brings a deployment up to {@code running} tasks, with ECS's event for the ones started. */
    private void startTasks(Dep d, int running) {
        if (running <= d.running) {
            return;
        }
        StringBuilder ids = new StringBuilder();
        for (int i = d.running; i < running; i++) {
            ids.append(ids.length() == 0 ? "" : " ").append("(task ").append(ecs.newHexId(32)).append(')');
        }
        event("has started " + (running - d.running) + " tasks: " + ids + ".");
        d.running = running;
    }

    private Task stoppedTask(Dep d, Instant at) {
        return Task.builder().taskArn(ecs.arn("task/" + cluster + "/" + ecs.newHexId(32)))
                .clusterArn(ecs.arn("cluster/" + cluster)).taskDefinitionArn(d.taskDefinition)
                .startedBy(d.id).group("service:" + name).launchType(LaunchType.FARGATE)
                .lastStatus("STOPPED").desiredStatus("STOPPED").stopCode(TaskStopCode.ESSENTIAL_CONTAINER_EXITED)
                .stoppedReason("Essential container in task exited")
                .createdAt(at).startedAt(at).stoppingAt(at).stoppedAt(at)
                .containers(Container.builder().name("app").lastStatus("STOPPED").exitCode(1).build())
                .build();
    }

    private Service toService() {
        Dep p = primary();
        return Service.builder()
                .serviceArn(arn).serviceName(name).clusterArn(ecs.arn("cluster/" + cluster))
                .status(status).desiredCount(desiredCount)
                .runningCount(deployments.stream().mapToInt(d -> d.running).sum()).pendingCount(0)
                .taskDefinition(p == null ? null : p.taskDefinition)
                .launchType(LaunchType.FARGATE).schedulingStrategy(SchedulingStrategy.REPLICA)
                .deploymentController(c -> c.type(DeploymentControllerType.ECS))
                .deploymentConfiguration(shown(script))
                .deployments(deployments.stream().map(Dep::toDeployment).toList())
                .events(List.copyOf(events))
                .currentServiceDeployment(serviceDeployments.get(serviceDeployments.size() - 1).arn)
                .createdAt(createdAt)
                .build();
    }

    /** What the service is doing, for an assertion's message: {@code runs web:2, 2 deployments, IN_PROGRESS}. */
    private String how() {
        if (missing) {
            return "it is missing";
        }
        if (!"ACTIVE".equals(status)) {
            return "it is " + status;
        }
        Dep p = primary();
        return "it runs " + shortName(p.taskDefinition) + ", " + deployments.size()
                + (deployments.size() == 1 ? " deployment, " : " deployments, ") + p.rolloutState + ", running "
                + p.running + "/" + p.desired;
    }

    /** {@code family:revision} of a task definition ARN. */
    private static String shortName(String taskDefinitionArn) {
        return taskDefinitionArn.substring(taskDefinitionArn.lastIndexOf('/') + 1);
    }

    /** The fake's configuration for a script, with the fields a test set ({@link #deploymentConfiguration}) over it. */
    private DeploymentConfiguration shown(Script s) {
        DeploymentConfiguration own = configuration(s);
        DeploymentConfiguration set = configured;
        if (set == null) {
            return own;
        }
        DeploymentConfiguration.Builder b = own.toBuilder();
        if (set.deploymentCircuitBreaker() != null) {
            b.deploymentCircuitBreaker(set.deploymentCircuitBreaker());
        }
        if (set.maximumPercent() != null) {
            b.maximumPercent(set.maximumPercent());
        }
        if (set.minimumHealthyPercent() != null) {
            b.minimumHealthyPercent(set.minimumHealthyPercent());
        }
        if (set.alarms() != null) {
            b.alarms(set.alarms());
        }
        if (set.strategy() != null) {
            b.strategy(set.strategy());
        }
        if (set.bakeTimeInMinutes() != null) {
            b.bakeTimeInMinutes(set.bakeTimeInMinutes());
        }
        if (set.hasLifecycleHooks()) {
            b.lifecycleHooks(set.lifecycleHooks());
        }
        if (set.linearConfiguration() != null) {
            b.linearConfiguration(set.linearConfiguration());
        }
        if (set.canaryConfiguration() != null) {
            b.canaryConfiguration(set.canaryConfiguration());
        }
        if (set.earlySuccessCriteria() != null) {
            b.earlySuccessCriteria(set.earlySuccessCriteria());
        }
        return b.build();
    }

    private static DeploymentConfiguration configuration(Script s) {
        DeploymentConfiguration.Builder b = DeploymentConfiguration.builder()
                .deploymentCircuitBreaker(c -> c.enable(true).rollback(s.outcome != Outcome.CIRCUIT_BREAKER))
                .maximumPercent(200).minimumHealthyPercent(100)
                .alarms(a -> a.enable(false).rollback(false))
                .strategy(s.isBlueGreen() ? DeploymentStrategy.BLUE_GREEN : DeploymentStrategy.ROLLING);
        if (s.pauseAt != null) {
            b.lifecycleHooks(DeploymentLifecycleHook.builder().targetType(DeploymentLifecycleHookTargetType.PAUSE)
                    .lifecycleStages(hookStage(s.pauseAt))
                    .timeoutConfiguration(t -> t.timeoutInMinutes((int) HOOK_TIMEOUT.toMinutes())
                            .action(DeploymentLifecycleHookAction.ROLLBACK))
                    .build());
        }
        return b.build();
    }

    private static DeploymentLifecycleHookStage hookStage(ServiceDeploymentLifecycleStage stage) {
        return DeploymentLifecycleHookStage.fromValue(stage.toString());
    }

    private static ConflictException conflict(String message) {
        return (ConflictException) FakeErrors.error(ConflictException.builder(), "ConflictException", message);
    }

    /** One entry of DescribeServices' {@code deployments}. */
    private static final class Dep {
        final String id;
        final String taskDefinition;
        final Instant createdAt;
        String status = "PRIMARY";
        int desired;
        int running;
        int failed;
        DeploymentRolloutState rolloutState = DeploymentRolloutState.IN_PROGRESS;
        String rolloutStateReason;
        Instant updatedAt;

        Dep(String id, String taskDefinition, Instant createdAt) {
            this.id = id;
            this.taskDefinition = taskDefinition;
            this.createdAt = createdAt;
            this.updatedAt = createdAt;
            this.rolloutStateReason = "ECS deployment " + id + " in progress.";
        }

        void completed() {
            rolloutState = DeploymentRolloutState.COMPLETED;
            rolloutStateReason = "ECS deployment " + id + " completed.";
            running = desired;
        }

        Deployment toDeployment() {
            return Deployment.builder().id(id).status(status).taskDefinition(taskDefinition)
                    .desiredCount(desired).runningCount(running).pendingCount(0).failedTasks(failed)
                    .createdAt(createdAt).updatedAt(updatedAt).launchType(LaunchType.FARGATE)
                    .rolloutState(rolloutState).rolloutStateReason(rolloutStateReason).build();
        }
    }

    /** One service deployment: what ListServiceDeployments and DescribeServiceDeployments show. */
    private final class Sd {
        final String arn;
        final Dep target;
        final List<String> sources;
        final Script script;
        final Instant createdAt;
        ServiceDeploymentStatus status = ServiceDeploymentStatus.PENDING;
        String statusReason;
        ServiceDeploymentLifecycleStage stage;
        Instant startedAt;
        Instant updatedAt;
        Instant finishedAt;
        Instant stoppedAt;
        ServiceDeploymentRollbackMonitorsStatus breaker = ServiceDeploymentRollbackMonitorsStatus.MONITORING;
        int failureCount;
        String rollbackReason;
        Instant rollbackStartedAt;
        String rollbackRevisionArn;
        DeploymentLifecycleHookDetail hook;

        Sd(Dep target, List<String> sources, Script script, Instant createdAt) {
            // ECS's token is unrelated to the revision: only targetServiceRevision links the two APIs.
            this.arn = ecs.arn("service-deployment/" + cluster + "/" + name + "/" + ecs.newHexId(21));
            this.target = target;
            this.sources = List.copyOf(sources);
            this.script = script;
            this.createdAt = createdAt;
            this.updatedAt = createdAt;
        }

        boolean isInFlight() {
            return status == ServiceDeploymentStatus.PENDING || status == ServiceDeploymentStatus.IN_PROGRESS;
        }

        boolean isTerminal() {
            return status == ServiceDeploymentStatus.SUCCESSFUL || status == ServiceDeploymentStatus.STOPPED
                    || status == ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL
                    || status == ServiceDeploymentStatus.ROLLBACK_FAILED;
        }

        boolean isPaused() {
            return status == ServiceDeploymentStatus.IN_PROGRESS && hook != null
                    && hook.status() == DeploymentLifecycleHookStatus.AWAITING_ACTION;
        }

        void set(ServiceDeploymentStatus next, Instant at) {
            status = next;
            updatedAt = at;
        }

        void end(ServiceDeploymentStatus next, Instant at) {
            set(next, at);
            finishedAt = at;
            if (next == ServiceDeploymentStatus.STOPPED) {
                stoppedAt = at;
            }
        }

        ServiceDeployment toServiceDeployment() {
            ServiceDeployment.Builder b = ServiceDeployment.builder()
                    .serviceDeploymentArn(arn).serviceArn(FakeService.this.arn).clusterArn(ecs.arn("cluster/" + cluster))
                    .createdAt(createdAt).startedAt(startedAt).updatedAt(updatedAt).finishedAt(finishedAt)
                    .stoppedAt(stoppedAt)
                    .sourceServiceRevisions(sources.stream().map(a -> ServiceRevisionSummary.builder().arn(a).build())
                            .toList())
                    .targetServiceRevision(r -> r.arn(revisionArn(target)).requestedTaskCount(target.desired)
                            .runningTaskCount(target.running).pendingTaskCount(0))
                    .status(status).statusReason(statusReason).lifecycleStage(stage)
                    .deploymentConfiguration(shown(script))
                    .deploymentCircuitBreaker(c -> c.status(breaker).failureCount(failureCount).threshold(threshold()))
                    .alarms(a -> a.status(ServiceDeploymentRollbackMonitorsStatus.DISABLED));
            if (rollbackReason != null) {
                b.rollback(r -> r.reason(rollbackReason).startedAt(rollbackStartedAt)
                        .serviceRevisionArn(rollbackRevisionArn));
            }
            if (hook != null) {
                b.lifecycleHookDetails(hook);
            }
            return b.build();
        }
    }

    /** A deployment going on: moved one step by each poll, as its script says. */
    private final class Run {
        final Dep dep;
        final Dep previous;
        final Sd sd;
        final Script script;
        /** The stages of a blue/green deployment, a poll each; empty for a rolling one. */
        final List<ServiceDeploymentLifecycleStage> walk = new ArrayList<>();
        Phase phase = Phase.DEPLOYING;
        int polls;
        int walked;
        boolean hookAnswered;
        Dep back;

        Run(Dep dep, Dep previous, Sd sd, Script script) {
            this.dep = dep;
            this.previous = previous;
            this.sd = sd;
            this.script = script;
            if (script.isBlueGreen()) {
                TreeSet<ServiceDeploymentLifecycleStage> stages = new TreeSet<>(List.of(
                        ServiceDeploymentLifecycleStage.SCALE_UP, ServiceDeploymentLifecycleStage.TEST_TRAFFIC_SHIFT,
                        ServiceDeploymentLifecycleStage.PRODUCTION_TRAFFIC_SHIFT));
                if (script.pauseAt != null) {
                    stages.add(script.pauseAt);
                }
                walk.addAll(stages);
                for (int i = 0; i < script.bakePolls; i++) {
                    walk.add(ServiceDeploymentLifecycleStage.BAKE_TIME);
                }
            }
        }

        void tick() {
            if (phase == Phase.DONE || !"ACTIVE".equals(status)) {
                return;
            }
            Instant now = ecs.now();
            if (phase == Phase.ROLLING_BACK) {
                rollBackStep(now);
                return;
            }
            polls++;
            if (sd.status == ServiceDeploymentStatus.PENDING) {
                sd.set(ServiceDeploymentStatus.IN_PROGRESS, now);
                sd.startedAt = now;
            }
            boolean due = polls >= script.polls;
            if (due && script.outcome != Outcome.STABLE && script.outcome != Outcome.NEVER_STABLE) {
                happen(now);
            } else if (script.isBlueGreen()) {
                walkOn(now);
            } else if (script.outcome == Outcome.STABLE) {
                if (due) {
                    complete(now);
                } else {
                    startTasks(dep, desiredCount * polls / script.polls);
                    if (previous != null && deployments.contains(previous)) {
                        previous.running = Math.max(0, desiredCount - dep.running);
                    }
                    dep.updatedAt = now;
                }
            } else if (script.outcome == Outcome.NEVER_STABLE && polls == 1) {
                event("was unable to place a task because no container instance met all of its requirements. "
                        + "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.");
            }
        }

        /** One step of a blue/green deployment: the next stage, unless paused at a hook; success after the last. */
        private void walkOn(Instant now) {
            if (sd.isPaused()) {
                return;
            }
            walked++;
            if (walked > walk.size()) {
                if (script.outcome == Outcome.STABLE) {
                    complete(now);
                }
                return;
            }
            ServiceDeploymentLifecycleStage stage = walk.get(walked - 1);
            sd.stage = stage;
            sd.updatedAt = now;
            if (stage.compareTo(ServiceDeploymentLifecycleStage.SCALE_UP) >= 0) {
                startTasks(dep, desiredCount);
            }
            if (stage == script.pauseAt && !hookAnswered) {
                sd.hook = DeploymentLifecycleHookDetail.builder().hookId("ecs-pause-" + ecs.newHexId(40))
                        .targetType(DeploymentLifecycleHookTargetType.PAUSE)
                        .status(DeploymentLifecycleHookStatus.AWAITING_ACTION).expiresAt(now.plus(HOOK_TIMEOUT))
                        .timeoutAction(DeploymentLifecycleHookAction.ROLLBACK).build();
            }
        }

        /** The scripted outcome other than success, on its poll. */
        private void happen(Instant now) {
            switch (script.outcome) {
                case CIRCUIT_BREAKER:
                case CIRCUIT_BREAKER_ROLLBACK:
                    int threshold = threshold();
                    dep.rolloutState = DeploymentRolloutState.FAILED;
                    dep.rolloutStateReason = CIRCUIT_BREAKER_REASON;
                    dep.running = 0;
                    dep.failed = threshold;
                    dep.updatedAt = now;
                    for (int i = 0; i < threshold; i++) {
                        tasks.addFirst(stoppedTask(dep, now));
                    }
                    sd.breaker = ServiceDeploymentRollbackMonitorsStatus.TRIGGERED;
                    sd.failureCount = threshold;
                    event("(deployment " + dep.id + ") deployment failed: tasks failed to start.");
                    if (script.outcome == Outcome.CIRCUIT_BREAKER_ROLLBACK && previous != null) {
                        rollBack(CIRCUIT_BREAKER_REASON, false);
                    } else {
                        sd.statusReason = CIRCUIT_BREAKER_REASON;
                        sd.end(ServiceDeploymentStatus.STOPPED, now);
                        phase = Phase.DONE;
                    }
                    break;
                case MISSING:
                    vanish();
                    break;
                case INACTIVE:
                    deactivate();
                    break;
                default: // SUPERSEDED
                    startDeployment(nextRevision(dep.taskDefinition), Script.HEALTHY);
                    break;
            }
        }

        /**
         * ECS rolls this deployment back within its service deployment: a new PRIMARY of the previous task
         * definition, the service deployment ROLLBACK_REQUESTED (asked for) or ROLLBACK_IN_PROGRESS (circuit breaker).
         */
        void rollBack(String reason, boolean requested) {
            Instant now = ecs.now();
            sd.statusReason = reason;
            sd.set(requested ? ServiceDeploymentStatus.ROLLBACK_REQUESTED
                    : ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, now);
            sd.rollbackReason = reason;
            sd.rollbackStartedAt = now;
            sd.rollbackRevisionArn = revisionArn(previous);
            for (Dep d : deployments) {
                d.status = "ACTIVE";
                d.updatedAt = now;
            }
            back = newDeployment(previous.taskDefinition, now);
            back.desired = desiredCount;
            deployments.add(0, back);
            event("rolling back to deployment " + previous.id + ".");
            phase = Phase.ROLLING_BACK;
        }

        private void rollBackStep(Instant now) {
            if (sd.status == ServiceDeploymentStatus.ROLLBACK_REQUESTED) {
                sd.set(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, now);
                startTasks(back, desiredCount / 2);
                back.updatedAt = now;
                return;
            }
            startTasks(back, desiredCount);
            back.completed();
            back.updatedAt = now;
            deployments.removeIf(d -> d != back);
            sd.end(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, now);
            finish(back);
        }

        private void complete(Instant now) {
            startTasks(dep, desiredCount);
            dep.completed();
            dep.updatedAt = now;
            deployments.removeIf(d -> d != dep);
            sd.end(ServiceDeploymentStatus.SUCCESSFUL, now);
            if (sd.breaker == ServiceDeploymentRollbackMonitorsStatus.MONITORING) {
                sd.breaker = ServiceDeploymentRollbackMonitorsStatus.MONITORING_COMPLETE;
            }
            if (script.isBlueGreen()) {
                sd.stage = ServiceDeploymentLifecycleStage.CLEAN_UP;
            }
            stableOn.add(dep.taskDefinition);
            finish(dep);
        }

        /** {@code d} is now the one deployment: the ones it replaced are STOPPED, ECS says so. */
        private void finish(Dep d) {
            Instant now = ecs.now();
            d.status = "PRIMARY";
            for (Sd older : serviceDeployments) {
                if (older.status == ServiceDeploymentStatus.STOP_REQUESTED) {
                    older.end(ServiceDeploymentStatus.STOPPED, now);
                }
            }
            event("(deployment " + d.id + ") deployment completed.");
            event("has reached a steady state.");
            phase = Phase.DONE;
        }
    }
}
