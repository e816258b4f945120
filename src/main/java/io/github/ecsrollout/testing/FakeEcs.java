package io.github.ecsrollout.testing;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.EcsServiceClientConfiguration;
import software.amazon.awssdk.services.ecs.model.AccessDeniedException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServiceRevisionsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServiceRevisionsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.EcsRequest;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.ServerException;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentBrief;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentNotFoundException;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentResponse;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

/**
 * An in-memory Amazon ECS for unit tests: an {@link EcsClient} whose services you script in a line each, that answers
 * the calls a rollout makes the way ECS does, and that records every request it receives. No HTTP, no credentials,
 * no threads of its own.
 *
 * <pre>{@code
 * FakeEcs ecs = FakeEcs.create();
 * ecs.service("prod", "web").becomesStableAfter(2);
 * ecs.service("prod", "api").circuitBreakerTripsAfter(1);
 * ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).build();
 * }</pre>
 *
 * <p>Time is counted in polls, not read from a clock: each DescribeServices answer that names a service moves that
 * service one step on, so a test is deterministic and instant with a zero delay. Each service starts ACTIVE, stable on
 * one COMPLETED deployment of the task definition {@code <service>:1}, with 2 tasks; its {@link FakeService} says how
 * its next deployments go.
 *
 * <p>Operations answered: UpdateService, DescribeServices, DescribeTaskDefinition, RegisterTaskDefinition, ListTasks,
 * DescribeTasks, ListServiceDeployments, DescribeServiceDeployments, StopServiceDeployment, ContinueServiceDeployment
 * and DescribeServiceRevisions (and their {@code Consumer<Builder>} forms); any other operation throws
 * {@link UnsupportedOperationException}, as the SDK's
 * interface does by default.
 * Like ECS:
 * <ul>
 *   <li>clusters and services are found by name or ARN; a request without a cluster means {@code default}; answers
 *       carry {@code serviceArn} and {@code clusterArn}; a service unknown to DescribeServices is a {@link Failure}
 *       with reason {@code MISSING}, an unknown cluster a {@code ClusterNotFoundException}, an unknown service in
 *       UpdateService a {@code ServiceNotFoundException}, an update of a service not ACTIVE a
 *       {@code ServiceNotActiveException};</li>
 *   <li>every task definition exists and is ACTIVE (revisions 1 to the highest one seen of each family; a family
 *       alone stands for its latest ACTIVE revision) unless {@link #missingTaskDefinition(String)} or
 *       {@link #taskDefinitionStatus(String, TaskDefinitionStatus)} says otherwise; DescribeTaskDefinition of one
 *       that does not exist throws {@code ClientException} "Unable to describe task definition.", and UpdateService
 *       to it, or to one not ACTIVE, a {@code ClientException} too;</li>
 *   <li>a deployment's id is {@code ecs-svc/N}, its service deployment's target revision ARN ends in {@code /N}, and
 *       task definitions are reported as ARNs ({@link #taskDefinitionArn(String)}), so a rollback that puts back what
 *       it read sends an ARN;</li>
 *   <li>exceptions are the SDK's own types, with the error code and HTTP status 400 ECS sends.</li>
 * </ul>
 * Instants ({@code createdAt} of deployments and events) come from the {@link Builder#clock(Clock) clock}, made
 * strictly increasing; {@link Builder#accessDenied(Class[])} makes operations fail as for a role without the
 * permission. Thread-safe: every call holds the fake's lock.
 *
 * <p>Errors on the way: {@link #throttle(Class, int)} and {@link #failNext(Class, int, RuntimeException)} fail the
 * next calls of an operation, {@link FakeService#throttle(Class, int)} and
 * {@link FakeService#failNext(Class, int, RuntimeException)} only those that name one service. What a test checks
 * afterwards: {@link #updatedServices()}, {@link #callCount(Class)}, {@link #callCounts()},
 * {@link FakeService#assertStableOn(String)} and {@link FakeService#assertRestoredTo(String)}. Give the fake and the
 * rollout one {@link VirtualClock} and a 20-minute timeout runs out at once.
 *
 * <p>Quiet tests: a rollout logs a few INFO lines per service through slf4j, which a test's binding prints. Set the
 * library's logger, {@code io.github.ecsrollout}, to WARN in the tests' logging configuration (with slf4j-simple,
 * {@code org.slf4j.simpleLogger.log.io.github.ecsrollout=warn} in {@code src/test/resources/simplelogger.properties}).
 */
public final class FakeEcs implements EcsClient {

    /** The region of the ARNs unless set: {@code us-east-1}. */
    public static final Region DEFAULT_REGION = Region.US_EAST_1;
    /** The account of the ARNs unless set: {@code 123456789012}, the one AWS's documentation uses. */
    public static final String DEFAULT_ACCOUNT_ID = "123456789012";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    /** What DescribeServices, DescribeServiceDeployments and DescribeTasks take at most. */
    private static final int MAX_SERVICES = 10;
    private static final int MAX_SERVICE_DEPLOYMENTS = 20;
    private static final int MAX_SERVICE_REVISIONS = 20;
    private static final int MAX_TASKS = 100;

    private final Region region;
    private final String accountId;
    private final Clock clock;
    private final Set<Class<? extends EcsRequest>> denied;
    /** Cluster name → service name → service, in the order declared. */
    private final Map<String, Map<String, FakeService>> clusters = new LinkedHashMap<>();
    private final List<EcsRequest> calls = new ArrayList<>();
    private final FakeAccount account;
    /** Errors scripted for the next calls of an operation, whatever they name. */
    private final FakeFaults faults = new FakeFaults();
    /** The service of each UpdateService accepted, in order. */
    private final List<FakeService> updated = new ArrayList<>();

    private FakeEcs(Builder b) {
        this.region = b.region;
        this.accountId = b.accountId;
        this.clock = b.clock;
        this.denied = Set.copyOf(b.denied);
        this.account = new FakeAccount(region, accountId, clock, this);
    }

    /**
     * A fake ECS in {@link #DEFAULT_REGION}, account {@link #DEFAULT_ACCOUNT_ID}, with the system clock.
     *
     * @return a fake with no services yet
     */
    public static FakeEcs create() {
        return builder().build();
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
     * The service {@code service} of cluster {@code cluster}, declared here if it is new (ACTIVE, stable on
     * {@code <service>:1}, 2 tasks, its deployments becoming stable on the first poll); the same handle every time.
     * Declaring a service also makes its cluster exist.
     *
     * @param cluster the cluster's name (not an ARN)
     * @param service the service's name (not an ARN)
     * @return the handle that scripts the service and shows how it is
     * @throws IllegalArgumentException when a name is not 1 to 255 letters, digits, hyphens and underscores
     */
    public synchronized FakeService service(String cluster, String service) {
        requireName(cluster, "cluster");
        requireName(service, "service");
        return clusters.computeIfAbsent(cluster, c -> new LinkedHashMap<>())
                .computeIfAbsent(service, s -> new FakeService(account, cluster, s));
    }

    /**
     * Every request this client received, in order, as received (a rollout's requests carry their
     * {@code overrideConfiguration}); requests that were answered with an exception included.
     *
     * @return a copy, which later calls do not change
     */
    public synchronized List<EcsRequest> calls() {
        return List.copyOf(calls);
    }

    /**
     * The requests of one type this client received, in order.
     *
     * @param <T> the request type
     * @param type the request class, {@code DescribeServicesRequest.class} for one
     * @return a copy, which later calls do not change
     */
    public synchronized <T extends EcsRequest> List<T> calls(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return calls.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toUnmodifiableList());
    }

    /**
     * The UpdateService requests this client received, in order: the rollout's updates, then any rollback's.
     *
     * @return a copy, which later calls do not change
     */
    public List<UpdateServiceRequest> updates() {
        return calls(UpdateServiceRequest.class);
    }

    /**
     * How many requests of one type this client received, refused ones included: {@code callCount(
     * UpdateServiceRequest.class)} is the UpdateService calls made.
     *
     * @param type the request class, {@code DescribeServicesRequest.class} for one
     * @return the count
     */
    public int callCount(Class<? extends EcsRequest> type) {
        return calls(type).size();
    }

    /**
     * How many calls of each operation this client received, by the operation's name ({@code UpdateService},
     * {@code DescribeServices}, ...), in the order of each one's first call; refused calls included. Made for one
     * readable assertion: {@code assertEquals(Map.of("DescribeServices", 3, "UpdateService", 1), ecs.callCounts())}.
     *
     * @return a copy, which later calls do not change
     */
    public synchronized Map<String, Integer> callCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (EcsRequest call : calls) {
            counts.merge(call.getClass().getSimpleName().replaceFirst("Request$", ""), 1, Integer::sum);
        }
        return Collections.unmodifiableMap(counts);
    }

    /**
     * The services an UpdateService was accepted for (refused calls left out), as {@code cluster/service}, in the
     * order of each one's first accepted update, each once: the rollout's updates and any rollback's.
     *
     * @return a copy, which later calls do not change: {@code [prod/web, prod/api]}
     */
    public synchronized List<String> updatedServices() {
        return updated.stream().distinct().map(s -> s.cluster() + "/" + s.name()).toList();
    }

    /**
     * The names of the services of {@code cluster} an UpdateService was accepted for, in the order of each one's
     * first accepted update, each once.
     *
     * @param cluster the cluster's name
     * @return a copy, which later calls do not change: {@code [web, api]}
     */
    public synchronized List<String> updatedServices(String cluster) {
        Objects.requireNonNull(cluster, "cluster");
        return updated.stream().distinct().filter(s -> s.cluster().equals(cluster)).map(FakeService::name).toList();
    }

    /**
     * Makes the next {@code times} calls of an operation throw {@code error}, whatever service they name (after the
     * errors already scripted for it); the calls are recorded and change nothing. For one service's calls only, see
     * {@link FakeService#failNext(Class, int, RuntimeException)}. Errors ECS sends: {@link #throttlingException()},
     * {@link #serverException()}, or an SDK exception of ECS's own type built with its {@code builder()}.
     *
     * <p>This client has no SDK retry pipeline: each scripted error reaches the caller, as an error that outlasted
     * the SDK's retries would.
     *
     * @param operation the request class of the operation, {@code DescribeServicesRequest.class} for one
     * @param times 1 or more
     * @param error what to throw, the same instance each time
     * @return this fake
     * @throws IllegalArgumentException when {@code times} is less than 1, or {@code operation} is
     *     {@code EcsRequest.class}
     */
    public synchronized FakeEcs failNext(Class<? extends EcsRequest> operation, int times, RuntimeException error) {
        FakeFaults.check(operation, times, error);
        faults.add(operation, times, error);
        return this;
    }

    /**
     * Throttles the next {@code times} calls of an operation, whatever service they name: each throws
     * {@link #throttlingException()}, as ECS does when its rate is exceeded.
     *
     * @param operation the request class of the operation, {@code DescribeServicesRequest.class} for one
     * @param times 1 or more
     * @return this fake
     * @throws IllegalArgumentException when {@code times} is less than 1
     */
    public FakeEcs throttle(Class<? extends EcsRequest> operation, int times) {
        return failNext(operation, times, throttlingException());
    }

    /**
     * The error ECS sends when a caller exceeds its request rate: an {@code EcsException} (the SDK has no type of its
     * own for it) with error code {@code ThrottlingException}, message "Rate exceeded" and HTTP status 400, which the
     * SDK's {@code isThrottlingException()} recognises.
     *
     * @return a new exception
     */
    public static EcsException throttlingException() {
        return FakeErrors.throttling();
    }

    /**
     * The error ECS sends when it fails on its side: a {@code ServerException} with HTTP status 500, ECS's one 5xx.
     *
     * @return a new exception
     */
    public static ServerException serverException() {
        return FakeErrors.serverError();
    }

    /**
     * The ARN this fake reports for a task definition: {@code family:revision} and ARNs as given, a family alone at
     * the highest revision this fake has seen of it (1 if none).
     *
     * @param taskDefinition a family, {@code family:revision} or a task definition ARN
     * @return {@code arn:aws:ecs:REGION:ACCOUNT:task-definition/family:revision}
     */
    public synchronized String taskDefinitionArn(String taskDefinition) {
        return account.taskDefinitionArn(taskDefinition);
    }

    /**
     * Makes a task definition not exist, as a misspelled or deleted one: DescribeTaskDefinition of it throws
     * {@code ClientException} "Unable to describe task definition.", as ECS does, and UpdateService to it
     * {@code ClientException} "TaskDefinition not found.". A family alone makes every revision of it missing;
     * {@code family:revision} (or its ARN) that revision only, so that the family alone stands for the latest revision
     * still there.
     *
     * @param taskDefinition a family, {@code family:revision} or a task definition ARN
     * @return this fake
     */
    public synchronized FakeEcs missingTaskDefinition(String taskDefinition) {
        account.taskDefinitions.markMissing(taskDefinition);
        return this;
    }

    /**
     * Gives a task definition revision a status: {@code INACTIVE} (deregistered) or {@code DELETE_IN_PROGRESS}
     * (deleted, still in use), which DescribeTaskDefinition then reports and UpdateService refuses with a
     * {@code ClientException}, as ECS does; {@code ACTIVE} makes it usable again. A family alone then stands for its
     * latest revision still ACTIVE. (ECS describes an INACTIVE revision only while a service or task uses it, and
     * answers "Unable to describe task definition." otherwise; this fake always describes it.)
     *
     * @param taskDefinition {@code family:revision} or a task definition ARN
     * @param status {@code ACTIVE}, {@code INACTIVE} or {@code DELETE_IN_PROGRESS}
     * @return this fake
     * @throws IllegalArgumentException for a family without a revision
     */
    public synchronized FakeEcs taskDefinitionStatus(String taskDefinition, TaskDefinitionStatus status) {
        account.taskDefinitions.status(taskDefinition, status);
        return this;
    }

    /**
     * Gives a task definition revision its content, as DescribeTaskDefinition then describes it (its ARN, family and
     * revision taken from {@code definition}; its status too, unless absent: ACTIVE), with no tags. Without it, a
     * revision has one container definition, {@code app}, whose image is
     * {@code ACCOUNT.dkr.ecr.REGION.amazonaws.com/FAMILY:REVISION}.
     *
     * @param definition the task definition: a {@code taskDefinitionArn}, or a {@code family} and a {@code revision}
     * @return this fake
     * @throws IllegalArgumentException when {@code definition} names no revision
     */
    public FakeEcs taskDefinition(TaskDefinition definition) {
        return taskDefinition(definition, List.of());
    }

    /**
     * Gives a task definition revision its content and tags, as DescribeTaskDefinition then describes them (the tags
     * when asked for with {@code include TAGS}); see {@link #taskDefinition(TaskDefinition)}.
     *
     * @param definition the task definition: a {@code taskDefinitionArn}, or a {@code family} and a {@code revision}
     * @param tags its tags
     * @return this fake
     * @throws IllegalArgumentException when {@code definition} names no revision
     */
    public synchronized FakeEcs taskDefinition(TaskDefinition definition, Collection<Tag> tags) {
        Objects.requireNonNull(tags, "tags");
        account.taskDefinitions.put(definition, List.copyOf(tags));
        return this;
    }

    /**
     * Gives the revision {@code taskDefinition} names its content, as DescribeTaskDefinition then describes it: its
     * container definitions, cpu, memory and the rest, taken from {@code content}, whose ARN, family, revision and
     * status are replaced by this fake's; its tags and status stay as they were. The same as
     * {@link #taskDefinition(TaskDefinition)} for a test that names the revision apart from its content.
     *
     * @param taskDefinition {@code family:revision} or a task definition ARN
     * @param content the task definition to report
     * @return this fake
     * @throws IllegalArgumentException for a family without a revision
     */
    public synchronized FakeEcs taskDefinition(String taskDefinition, TaskDefinition content) {
        account.taskDefinitions.content(taskDefinition, content);
        return this;
    }

    // ---- EcsClient --------------------------------------------------------------------------------------------

    /**
     * Updates a service like ECS: a new task definition, or {@code forceNewDeployment}, starts a deployment that
     * goes as the service's script says (a return to a task definition it was stable on earlier, as a rollback
     * sends, becomes stable on the next poll); a {@code desiredCount} is applied; anything else in the request is
     * taken as given and not acted on. The answer shows the new deployment PRIMARY, IN_PROGRESS, with no task
     * running yet.
     *
     * @param request the update; {@code service} is required
     * @return the service as updated
     * @throws ClusterNotFoundException for an unknown cluster
     * @throws ServiceNotFoundException for an unknown or missing service
     * @throws software.amazon.awssdk.services.ecs.model.ServiceNotActiveException for a service not ACTIVE
     * @throws software.amazon.awssdk.services.ecs.model.ClientException for a task definition that does not exist or
     *     is not ACTIVE ({@link #missingTaskDefinition(String)}, {@link #taskDefinitionStatus})
     * @throws RuntimeException what {@link FakeService#rejectsUpdates(RuntimeException)} scripted
     */
    @Override
    public synchronized UpdateServiceResponse updateService(UpdateServiceRequest request) {
        record(request);
        String cluster = cluster(request.cluster());
        if (request.service() == null || request.service().isEmpty()) {
            throw FakeErrors.invalidParameter("Service cannot be empty.");
        }
        FakeService s = find(cluster, request.service());
        if (s == null) {
            throw serviceNotFound();
        }
        s.received(request);
        s.faults.throwNext(request);
        if (request.taskDefinition() != null) {
            account.taskDefinitions.requireUsable(request.taskDefinition());
        }
        Service answer = s.update(request);
        updated.add(s);
        return UpdateServiceResponse.builder().service(answer).build();
    }

    /**
     * Describes up to 10 services of one cluster, moving each one step on first (see {@link FakeService}); unknown
     * or missing ones are failures with reason {@code MISSING} and their ARN.
     *
     * @param request the cluster and services, by name or ARN
     * @return the services found, in the order asked, and the failures
     * @throws ClusterNotFoundException for an unknown cluster
     * @throws InvalidParameterException for no services, or more than 10
     */
    @Override
    public synchronized DescribeServicesResponse describeServices(DescribeServicesRequest request) {
        record(request);
        String cluster = cluster(request.cluster());
        if (request.services().isEmpty()) {
            throw FakeErrors.invalidParameter("Services cannot be empty.");
        }
        if (request.services().size() > MAX_SERVICES) {
            throw FakeErrors.invalidParameter("service names can have at most 10 items.");
        }
        failIfScripted(request.services().stream().map(n -> find(cluster, n)).toList(), request);
        List<Service> found = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String nameOrArn : request.services()) {
            FakeService s = find(cluster, nameOrArn);
            Service answer = s == null ? null : s.poll();
            if (answer == null) {
                failures.add(missing(nameOrArn.startsWith("arn:") ? nameOrArn
                        : account.arn("service/" + cluster + "/" + nameOrArn)));
            } else {
                found.add(answer);
            }
        }
        return DescribeServicesResponse.builder().services(found).failures(failures).build();
    }

    /**
     * Describes one task definition: {@code family:revision}, its ARN, or a family alone, which stands for its latest
     * ACTIVE revision. Every task definition exists and is ACTIVE unless {@link #missingTaskDefinition(String)} or
     * {@link #taskDefinitionStatus(String, TaskDefinitionStatus)} says otherwise. The answer carries the ARN, family,
     * revision and status, and the content registered or given ({@link #taskDefinition(TaskDefinition)}; else one
     * container, {@code app}); its tags with {@code include TAGS}. Describing moves no service on.
     *
     * @param request the task definition
     * @return the task definition
     * @throws software.amazon.awssdk.services.ecs.model.ClientException "Unable to describe task definition." for one
     *     that does not exist (or a family with no ACTIVE revision)
     * @throws InvalidParameterException for no task definition
     */
    @Override
    public synchronized DescribeTaskDefinitionResponse describeTaskDefinition(DescribeTaskDefinitionRequest request) {
        record(request);
        if (request.taskDefinition() == null || request.taskDefinition().isEmpty()) {
            throw FakeErrors.invalidParameter("taskDefinition cannot be empty.");
        }
        DescribeTaskDefinitionResponse.Builder answer = DescribeTaskDefinitionResponse.builder()
                .taskDefinition(account.taskDefinitions.describe(request.taskDefinition()));
        if (request.hasInclude() && request.includeAsStrings().contains(TaskDefinitionField.TAGS.toString())) {
            answer.tags(account.taskDefinitions.tagsOf(request.taskDefinition()));
        }
        return answer.build();
    }

    /**
     * Registers a new revision of a family as ECS does: the revision after the highest one this fake has seen of the
     * family (1 for a new one), ACTIVE, holding every field of the request (whatever the SDK version: they are found
     * by reflection) and ECS's own: its ARN, {@code registeredAt} (the fake's clock), {@code registeredBy} and
     * {@code compatibilities}. DescribeTaskDefinition describes it so afterwards, with the request's tags when asked
     * for them. Registering moves no service on.
     *
     * @param request the registration
     * @return the task definition registered, and its tags
     * @throws software.amazon.awssdk.services.ecs.model.ClientException as ECS words it, for a family that breaks its
     *     rules, no container definitions, or a container without a name or an image
     */
    @Override
    public synchronized RegisterTaskDefinitionResponse registerTaskDefinition(RegisterTaskDefinitionRequest request) {
        record(request);
        TaskDefinition registered = account.taskDefinitions.register(request, account.now(),
                "arn:aws:iam::" + accountId + ":role/fake");
        return RegisterTaskDefinitionResponse.builder().taskDefinition(registered)
                .tags(request.hasTags() ? request.tags() : List.of()).build();
    }

    /**
     * Lists the task ARNs of a cluster, newest first, filtered by {@code serviceName}, {@code startedBy} (a
     * deployment id) and {@code desiredStatus} (RUNNING unless given), paged by {@code maxResults} (100 unless
     * given) and {@code nextToken}. Only the STOPPED tasks of deployments the circuit breaker failed are kept, so a
     * RUNNING list is always empty.
     *
     * @param request the filters
     * @return one page of task ARNs
     * @throws ClusterNotFoundException for an unknown cluster
     * @throws ServiceNotFoundException for an unknown {@code serviceName}
     */
    @Override
    public synchronized ListTasksResponse listTasks(ListTasksRequest request) {
        record(request);
        String cluster = cluster(request.cluster());
        FakeService only = null;
        if (request.serviceName() != null) {
            only = find(cluster, request.serviceName());
            if (only == null) {
                throw serviceNotFound();
            }
            only.faults.throwNext(request);
        }
        String desired = request.desiredStatusAsString() == null ? "RUNNING" : request.desiredStatusAsString();
        List<String> arns = new ArrayList<>();
        for (FakeService s : clusters.get(cluster).values()) {
            if (only == null || only == s) {
                s.tasks().stream()
                        .filter(t -> desired.equals(t.desiredStatus()))
                        .filter(t -> request.startedBy() == null || request.startedBy().equals(t.startedBy()))
                        .forEach(t -> arns.add(t.taskArn()));
            }
        }
        Page page = Page.of(arns.size(), request.maxResults(), 100, request.nextToken());
        return ListTasksResponse.builder().taskArns(arns.subList(page.from, page.to)).nextToken(page.nextToken)
                .build();
    }

    /**
     * Describes up to 100 tasks of a cluster, by id or ARN; unknown ones are failures with reason {@code MISSING}.
     *
     * @param request the cluster and tasks
     * @return the tasks found and the failures
     * @throws ClusterNotFoundException for an unknown cluster
     * @throws InvalidParameterException for no tasks, or more than 100
     */
    @Override
    public synchronized DescribeTasksResponse describeTasks(DescribeTasksRequest request) {
        record(request);
        String cluster = cluster(request.cluster());
        if (request.tasks().isEmpty()) {
            throw FakeErrors.invalidParameter("Tasks cannot be empty.");
        }
        if (request.tasks().size() > MAX_TASKS) {
            throw FakeErrors.invalidParameter("Tasks cannot be longer than 100.");
        }
        Map<String, Task> byArn = new LinkedHashMap<>();
        clusters.get(cluster).values().forEach(s -> s.tasks().forEach(t -> byArn.put(t.taskArn(), t)));
        List<Task> found = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String idOrArn : request.tasks()) {
            String arn = idOrArn.startsWith("arn:") ? idOrArn : account.arn("task/" + cluster + "/" + idOrArn);
            Task t = byArn.get(arn);
            if (t == null) {
                failures.add(missing(arn));
            } else {
                found.add(t);
            }
        }
        return DescribeTasksResponse.builder().tasks(found).failures(failures).build();
    }

    /**
     * Lists a service's service deployments, newest first, filtered by {@code status} and {@code createdAt}, paged
     * by {@code maxResults} (20 unless given) and {@code nextToken}.
     *
     * @param request the cluster, the service (name or ARN) and the filters
     * @return one page of briefs
     * @throws ClusterNotFoundException for an unknown cluster
     * @throws ServiceNotFoundException for an unknown service
     */
    @Override
    public synchronized ListServiceDeploymentsResponse listServiceDeployments(ListServiceDeploymentsRequest request) {
        record(request);
        String cluster = cluster(request.cluster());
        if (request.service() == null || request.service().isEmpty()) {
            throw FakeErrors.invalidParameter("Service cannot be empty.");
        }
        FakeService s = find(cluster, request.service());
        if (s == null) {
            throw serviceNotFound();
        }
        s.faults.throwNext(request);
        Instant after = request.createdAt() == null ? null : request.createdAt().after();
        Instant before = request.createdAt() == null ? null : request.createdAt().before();
        List<ServiceDeploymentBrief> briefs = s.serviceDeploymentsNewestFirst().stream()
                .filter(d -> !request.hasStatus() || request.status().contains(d.status()))
                .filter(d -> after == null || !d.createdAt().isBefore(after))
                .filter(d -> before == null || !d.createdAt().isAfter(before))
                .map(FakeEcs::brief)
                .toList();
        Page page = Page.of(briefs.size(), request.maxResults(), 20, request.nextToken());
        return ListServiceDeploymentsResponse.builder().serviceDeployments(briefs.subList(page.from, page.to))
                .nextToken(page.nextToken).build();
    }

    /**
     * Describes up to 20 service deployments by ARN, of any cluster; unknown ones are failures with reason
     * {@code MISSING}.
     *
     * @param request the ARNs
     * @return the service deployments found and the failures
     * @throws InvalidParameterException for no ARNs, or more than 20
     */
    @Override
    public synchronized DescribeServiceDeploymentsResponse describeServiceDeployments(
            DescribeServiceDeploymentsRequest request) {
        record(request);
        checkArns(request.serviceDeploymentArns(), "serviceDeploymentArns", MAX_SERVICE_DEPLOYMENTS);
        failIfScripted(request.serviceDeploymentArns().stream().map(this::owner).toList(), request);
        List<Failure> failures = new ArrayList<>();
        List<ServiceDeployment> found = describeEach(request.serviceDeploymentArns(), arn -> {
            FakeService owner = owner(arn);
            return owner == null ? null : owner.serviceDeployment(arn);
        }, failures);
        return DescribeServiceDeploymentsResponse.builder().serviceDeployments(found).failures(failures).build();
    }

    /**
     * Describes up to 20 service revisions by ARN: one for each deployment a service started
     * ({@code service-revision/CLUSTER/SERVICE/N} for {@code ecs-svc/N}), with each container of its task definition
     * as it was when the deployment started (for one nobody registered, {@code app} running
     * {@code 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2}), the image it names and the digest ECS resolved: the
     * one the image names after {@code @}, else {@code sha256:} and the SHA-256 of the image's name in hex, so the
     * same image always has the same digest. Unknown ARNs are failures with reason {@code MISSING}.
     *
     * @param request the ARNs
     * @return the revisions found and the failures
     * @throws InvalidParameterException for no ARNs, or more than 20
     */
    @Override
    public synchronized DescribeServiceRevisionsResponse describeServiceRevisions(
            DescribeServiceRevisionsRequest request) {
        record(request);
        checkArns(request.serviceRevisionArns(), "serviceRevisionArns", MAX_SERVICE_REVISIONS);
        List<Failure> failures = new ArrayList<>();
        List<ServiceRevision> found = describeEach(request.serviceRevisionArns(), account.serviceRevisions::find,
                failures);
        return DescribeServiceRevisionsResponse.builder().serviceRevisions(found).failures(failures).build();
    }

    /**
     * Stops a service deployment in flight: with {@code ROLLBACK} (the default) ECS rolls it back, ROLLBACK_REQUESTED
     * now, ROLLBACK_IN_PROGRESS on the next poll with a new PRIMARY deployment of the previous task definition, and
     * ROLLBACK_SUCCESSFUL, stable on it, on the poll after; with {@code ABORT} it is STOPPED and the service left as
     * it is. Stopping one that is already stopping or rolling back changes nothing.
     *
     * @param request the service deployment's ARN and the stop type
     * @return the ARN
     * @throws ServiceDeploymentNotFoundException for an unknown ARN
     * @throws software.amazon.awssdk.services.ecs.model.ConflictException for a finished deployment, or a rollback
     *     with nothing to go back to
     */
    @Override
    public synchronized StopServiceDeploymentResponse stopServiceDeployment(StopServiceDeploymentRequest request) {
        record(request);
        FakeService s = owner(request.serviceDeploymentArn());
        if (s == null || s.serviceDeployment(request.serviceDeploymentArn()) == null) {
            throw serviceDeploymentNotFound();
        }
        s.faults.throwNext(request);
        s.stop(request);
        return StopServiceDeploymentResponse.builder().serviceDeploymentArn(request.serviceDeploymentArn()).build();
    }

    /**
     * Answers a deployment paused at a PAUSE hook ({@link FakeService#pausesAt}): {@code CONTINUE} (the default)
     * goes on with the next stage on the next poll, {@code ROLLBACK} rolls it back as
     * {@link #stopServiceDeployment(StopServiceDeploymentRequest)} does.
     *
     * @param request the service deployment's ARN, the hook's id and the action
     * @return the ARN
     * @throws ServiceDeploymentNotFoundException for an unknown ARN
     * @throws software.amazon.awssdk.services.ecs.model.ClientException when the deployment is not paused
     * @throws InvalidParameterException for another hook's id
     */
    @Override
    public synchronized ContinueServiceDeploymentResponse continueServiceDeployment(
            ContinueServiceDeploymentRequest request) {
        record(request);
        FakeService s = owner(request.serviceDeploymentArn());
        if (s == null || s.serviceDeployment(request.serviceDeploymentArn()) == null) {
            throw serviceDeploymentNotFound();
        }
        s.faults.throwNext(request);
        s.resume(request);
        return ContinueServiceDeploymentResponse.builder().serviceDeploymentArn(request.serviceDeploymentArn())
                .build();
    }

    /**
     * A waiter that polls this fake, as a real client's {@code waiter()} polls ECS.
     *
     * @return a new waiter; close it when done
     */
    @Override
    public EcsWaiter waiter() {
        return EcsWaiter.builder().client(this).build();
    }

    /**
     * The client's configuration: the fake's region, and no override configuration of its own.
     *
     * @return the configuration
     */
    @Override
    public EcsServiceClientConfiguration serviceClientConfiguration() {
        return EcsServiceClientConfiguration.builder().region(region)
                .overrideConfiguration(ClientOverrideConfiguration.builder().build()).build();
    }

    /**
     * The SDK's name of the service, {@code ecs}.
     *
     * @return {@link EcsClient#SERVICE_NAME}
     */
    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    /** Does nothing: the fake holds no resources, and stays usable. */
    @Override
    public void close() {
    }

    @Override
    public synchronized String toString() {
        return "FakeEcs[region=" + region.id() + ", account=" + accountId + ", services="
                + clusters.values().stream().mapToInt(Map::size).sum() + ", calls=" + calls.size() + "]";
    }

    // ---- lookups ----------------------------------------------------------------------------------------------

    /**
     * Records a request; throws what ECS answers a role without the permission for it, or the next error scripted for
     * the operation ({@link #failNext}).
     */
    private void record(EcsRequest request) {
        calls.add(Objects.requireNonNull(request, "request"));
        if (denied.contains(request.getClass())) {
            String operation = request.getClass().getSimpleName().replaceFirst("Request$", "");
            throw (AccessDeniedException) FakeErrors.error(AccessDeniedException.builder(), "AccessDeniedException",
                    "User: arn:aws:sts::" + accountId + ":assumed-role/fake/session is not authorized to perform: ecs:"
                            + operation + " on resource: *");
        }
        faults.throwNext(request);
    }

    /**
     * Throws the next error scripted for this operation on the first of {@code named} that has one: one call fails
     * once, however many of its services have errors waiting, as ECS answers a call with one error.
     */
    private static void failIfScripted(List<FakeService> named, EcsRequest request) {
        for (FakeService s : named) {
            if (s != null) {
                s.faults.throwNext(request);
            }
        }
    }

    /** The name of a known cluster given by name or ARN ({@code default} when null). */
    private String cluster(String nameOrArn) {
        String name = nameOrArn == null ? "default" : nameOrArn;
        if (name.startsWith("arn:")) {
            String resource = resourceOf(name);
            name = resource != null && resource.startsWith("cluster/") ? resource.substring("cluster/".length()) : "";
        }
        if (!clusters.containsKey(name)) {
            throw (ClusterNotFoundException) FakeErrors.error(ClusterNotFoundException.builder(), "ClusterNotFoundException",
                    "Cluster not found.");
        }
        return name;
    }

    /** A service of the cluster by name or ARN ({@code service/CLUSTER/NAME} or the old {@code service/NAME}). */
    private FakeService find(String cluster, String nameOrArn) {
        String name = nameOrArn;
        if (nameOrArn.startsWith("arn:")) {
            String resource = resourceOf(nameOrArn);
            if (resource == null || !resource.startsWith("service/")) {
                return null;
            }
            String[] path = resource.substring("service/".length()).split("/");
            if (path.length > 2 || (path.length == 2 && !path[0].equals(cluster))) {
                return null;
            }
            name = path[path.length - 1];
        }
        FakeService s = clusters.get(cluster).get(name);
        return s == null || s.isMissing() ? null : s;
    }

    /** The service a service-deployment ARN belongs to, or {@code null}. */
    private FakeService owner(String serviceDeploymentArn) {
        String resource = serviceDeploymentArn == null ? null : resourceOf(serviceDeploymentArn);
        if (resource == null || !resource.startsWith("service-deployment/")) {
            return null;
        }
        String[] path = resource.split("/");
        Map<String, FakeService> services = path.length == 4 ? clusters.get(path[1]) : null;
        FakeService s = services == null ? null : services.get(path[2]);
        return s == null || s.isMissing() ? null : s;
    }

    /** The resource part of an ARN of this fake's region and account, or {@code null}. */
    private String resourceOf(String arn) {
        String[] parts = arn.split(":", 6);
        boolean ours = parts.length == 6 && parts[3].equals(region.id()) && parts[4].equals(accountId);
        return ours ? parts[5] : null;
    }

    /** ECS's limits on the ARNs of a Describe call: at least one, at most {@code max}. */
    private static void checkArns(List<String> arns, String member, int max) {
        if (arns.isEmpty()) {
            throw FakeErrors.invalidParameter(member + " cannot be empty.");
        }
        if (arns.size() > max) {
            throw FakeErrors.invalidParameter(member + " can have at most " + max + " items.");
        }
    }

    /** What {@code lookup} finds for each ARN, in order; a failure with reason MISSING for each it does not. */
    private static <T> List<T> describeEach(List<String> arns, Function<String, T> lookup, List<Failure> failures) {
        List<T> found = new ArrayList<>();
        for (String arn : arns) {
            T item = lookup.apply(arn);
            if (item == null) {
                failures.add(missing(arn));
            } else {
                found.add(item);
            }
        }
        return found;
    }

    private static Failure missing(String arn) {
        return Failure.builder().arn(arn).reason("MISSING").build();
    }

    private static ServiceNotFoundException serviceNotFound() {
        return (ServiceNotFoundException) FakeErrors.error(ServiceNotFoundException.builder(), "ServiceNotFoundException",
                "Service not found.");
    }

    private static ServiceDeploymentNotFoundException serviceDeploymentNotFound() {
        return (ServiceDeploymentNotFoundException) FakeErrors.error(ServiceDeploymentNotFoundException.builder(),
                "ServiceDeploymentNotFoundException", "The service deployment does not exist.");
    }

    private static ServiceDeploymentBrief brief(ServiceDeployment d) {
        return ServiceDeploymentBrief.builder().serviceDeploymentArn(d.serviceDeploymentArn())
                .serviceArn(d.serviceArn()).clusterArn(d.clusterArn()).createdAt(d.createdAt())
                .startedAt(d.startedAt()).finishedAt(d.finishedAt())
                .targetServiceRevisionArn(d.targetServiceRevision().arn()).status(d.status())
                .statusReason(d.statusReason()).build();
    }

    private static void requireName(String value, String name) {
        Objects.requireNonNull(value, name);
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must be a name of 1 to 255 letters, digits, hyphens and "
                    + "underscores: \"" + value + "\"");
        }
    }

    /** One page of a list: the items {@code from} to {@code to}, and the token of the next page. */
    private static final class Page {
        final int from;
        final int to;
        final String nextToken;

        private Page(int from, int to, String nextToken) {
            this.from = from;
            this.to = to;
            this.nextToken = nextToken;
        }

        static Page of(int size, Integer maxResults, int defaultMax, String token) {
            int max = maxResults == null ? defaultMax : maxResults;
            if (max < 1 || max > 100) {
                throw FakeErrors.invalidParameter("maxResults must be between 1 and 100.");
            }
            int from;
            try {
                from = token == null ? 0 : Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw FakeErrors.invalidParameter("Invalid nextToken.");
            }
            from = Math.min(Math.max(from, 0), size);
            int to = Math.min(size, from + max);
            return new Page(from, to, to < size ? Integer.toString(to) : null);
        }
    }

    /** Builds a {@link FakeEcs}; every setter checks its value at once. */
    public static final class Builder {
        private Region region = DEFAULT_REGION;
        private String accountId = DEFAULT_ACCOUNT_ID;
        private Clock clock = Clock.systemUTC();
        private final List<Class<? extends EcsRequest>> denied = new ArrayList<>();

        private Builder() {
        }

        /**
         * The region in the fake's ARNs and its client configuration (a rollout checks ARNs against it). Defaults to
         * {@link #DEFAULT_REGION}.
         *
         * @param region the region
         * @return this builder
         */
        public Builder region(Region region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /**
         * The account in the fake's ARNs. Defaults to {@link #DEFAULT_ACCOUNT_ID}.
         *
         * @param accountId 12 digits
         * @return this builder
         */
        public Builder accountId(String accountId) {
            Objects.requireNonNull(accountId, "accountId");
            if (!ACCOUNT.matcher(accountId).matches()) {
                throw new IllegalArgumentException("accountId must be 12 digits: \"" + accountId + "\"");
            }
            this.accountId = accountId;
            return this;
        }

        /**
         * Where the {@code createdAt} and {@code updatedAt} instants come from. Defaults to the system clock, so
         * that what a rollout compares with its own {@code Instant.now()} reads as recent; progress never depends on
         * it.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Makes calls with these request types throw {@code AccessDeniedException} (HTTP 400, as ECS sends it), as
         * for a role without the permission: {@code ListServiceDeploymentsRequest.class} and
         * {@code DescribeServiceDeploymentsRequest.class} to test a rollout judged from DescribeServices alone, say.
         * The calls are still recorded. None by default; each call adds to the ones given before.
         *
         * @param requestTypes the request classes of the operations to deny
         * @return this builder
         */
        @SafeVarargs
        public final Builder accessDenied(Class<? extends EcsRequest>... requestTypes) {
            Objects.requireNonNull(requestTypes, "requestTypes");
            Arrays.stream(requestTypes).forEach(t -> denied.add(Objects.requireNonNull(t, "requestTypes[]")));
            return this;
        }

        /**
         * The fake.
         *
         * @return a new fake with no services
         */
        public FakeEcs build() {
            return new FakeEcs(this);
        }
    }
}
