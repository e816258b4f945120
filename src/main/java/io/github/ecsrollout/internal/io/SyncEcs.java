package io.github.ecsrollout.internal.io;

import io.github.ecsrollout.internal.model.RolloutSettings;
import io.github.ecsrollout.internal.time.CallPacer;
import io.github.ecsrollout.internal.time.Deadline;
import io.github.ecsrollout.internal.time.SystemClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentResponse;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookAction;
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
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentResponse;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * The port over a caller's {@link EcsClient}: each call carries the time left before the rollout's deadline as its
 * {@code apiCallTimeout} (unless the request's or the client's own is shorter; never on a virtual clock, whose time
 * calls do not take) and runs through {@link CallThreads}, so not even an answer that never ends holds a rollout past its deadline; turns are paced as ECS throttles each
 * kind of call, in buckets shared by every call of one {@code ServiceRollout}. Requests are built, not passed as
 * {@code Consumer<Builder>}: a caller's Mockito mock stubs only the former.
 */
public final class SyncEcs implements EcsPort {

    private final EcsClient ecs;
    /** DescribeServices calls, whose budget is shared with everything else in the account. */
    private final CallPacer describes;
    /** The service-deployment calls, which ECS throttles in a bucket of their own. */
    private final CallPacer deployments;
    /**
     * DescribeServiceRevisions calls, which ECS throttles like the service-deployment calls (a burst of 50, then 20 a
     * second), in a bucket of their own.
     */
    private final CallPacer revisions;
    /**
     * DescribeTaskDefinition calls, which ECS throttles with the other task definition reads, apart from
     * DescribeServices: paced at the same rate, in a budget of their own.
     */
    private final CallPacer taskDefinitions;
    /** UpdateService calls, which ECS throttles in a bucket of 50: 40 at once, then its sustained rate. */
    private final CallPacer updates;
    /** RegisterTaskDefinition calls, which ECS throttles in a bucket of 20 refilled at 1 a second. */
    private final CallPacer registrations;
    /** The client's own apiCallTimeout, read at the first call (building a rollout makes no call on the client). */
    private volatile Optional<Duration> clientTimeout;

    /**
     * Whether calls carry the time left before the deadline: on the system clock only. On a virtual clock calls take
     * none of its time, while the SDK would enforce a timeout in real time, cutting off a healthy call.
     */
    private final boolean boundsCalls;

    public SyncEcs(RolloutSettings settings) {
        this(settings, SystemClock.isSystem(settings.clock()));
    }

    /** @param boundsCalls whether calls carry the time left before the deadline as their {@code apiCallTimeout} */
    SyncEcs(RolloutSettings settings, boolean boundsCalls) {
        this.boundsCalls = boundsCalls;
        this.ecs = CallThreads.wrap(settings.ecs());
        this.describes = CallPacer.perSecond(settings.clock(), settings.describeServicesPerSecond());
        this.deployments = CallPacer.perSecond(settings.clock(), settings.describeServicesPerSecond());
        this.revisions = CallPacer.perSecond(settings.clock(), settings.describeServicesPerSecond());
        this.taskDefinitions = CallPacer.perSecond(settings.clock(), settings.describeServicesPerSecond());
        this.updates = CallPacer.perSecond(settings.clock(), settings.updateServicePerSecond(),
                RolloutSettings.UPDATE_SERVICE_BURST);
        this.registrations = CallPacer.perSecond(settings.clock(), RolloutSettings.REGISTER_TASK_DEFINITION_PER_SECOND,
                RolloutSettings.REGISTER_TASK_DEFINITION_BURST);
    }

    @Override
    public DescribeServicesResponse describeServices(String cluster, List<String> services, Deadline deadline) {
        return ecs.describeServices(bound(DescribeServicesRequest.builder().cluster(cluster).services(services),
                deadline).build());
    }

    @Override
    public DescribeTaskDefinitionResponse describeTaskDefinition(String taskDefinition, Deadline deadline) {
        return ecs.describeTaskDefinition(bound(DescribeTaskDefinitionRequest.builder().taskDefinition(taskDefinition),
                deadline).build());
    }

    @Override
    public DescribeTaskDefinitionResponse describeTaskDefinitionWithTags(String taskDefinition, Deadline deadline) {
        return ecs.describeTaskDefinition(bound(DescribeTaskDefinitionRequest.builder().taskDefinition(taskDefinition)
                .include(TaskDefinitionField.TAGS), deadline).build());
    }

    @Override
    public RegisterTaskDefinitionResponse registerTaskDefinition(RegisterTaskDefinitionRequest request,
            Deadline deadline) {
        return ecs.registerTaskDefinition(bound(request.toBuilder(), deadline).build());
    }

    @Override
    public UpdateServiceResponse updateService(UpdateServiceRequest request, Deadline deadline) {
        return ecs.updateService(bound(request, deadline));
    }

    @Override
    public ListServiceDeploymentsResponse listServiceDeployments(String cluster, String service, Instant createdAfter,
            String nextToken, Deadline deadline) {
        ListServiceDeploymentsRequest.Builder request = ListServiceDeploymentsRequest.builder()
                .cluster(cluster).service(service).nextToken(nextToken);
        if (createdAfter != null) {
            request.createdAt(c -> c.after(createdAfter));
        }
        return ecs.listServiceDeployments(bound(request, deadline).build());
    }

    @Override
    public DescribeServiceDeploymentsResponse describeServiceDeployments(List<String> arns, Deadline deadline) {
        return ecs.describeServiceDeployments(bound(DescribeServiceDeploymentsRequest.builder()
                .serviceDeploymentArns(arns), deadline).build());
    }

    @Override
    public DescribeServiceRevisionsResponse describeServiceRevisions(List<String> arns, Deadline deadline) {
        return ecs.describeServiceRevisions(bound(DescribeServiceRevisionsRequest.builder()
                .serviceRevisionArns(arns), deadline).build());
    }

    @Override
    public StopServiceDeploymentResponse stopWithRollback(String serviceDeploymentArn, Deadline deadline) {
        return ecs.stopServiceDeployment(bound(StopServiceDeploymentRequest.builder()
                .serviceDeploymentArn(serviceDeploymentArn).stopType(StopServiceDeploymentStopType.ROLLBACK),
                deadline).build());
    }

    @Override
    public ContinueServiceDeploymentResponse continueWithRollback(String serviceDeploymentArn, String hookId,
            Deadline deadline) {
        return ecs.continueServiceDeployment(bound(ContinueServiceDeploymentRequest.builder()
                .serviceDeploymentArn(serviceDeploymentArn).hookId(hookId)
                .action(DeploymentLifecycleHookAction.ROLLBACK), deadline).build());
    }

    @Override
    public ListTasksResponse listStoppedTasks(String cluster, String startedBy, int maxResults, Deadline deadline) {
        return ecs.listTasks(bound(ListTasksRequest.builder().cluster(cluster).startedBy(startedBy)
                .desiredStatus(DesiredStatus.STOPPED).maxResults(maxResults), deadline).build());
    }

    @Override
    public DescribeTasksResponse describeTasks(String cluster, List<String> taskArns, Deadline deadline) {
        return ecs.describeTasks(bound(DescribeTasksRequest.builder().cluster(cluster).tasks(taskArns), deadline)
                .build());
    }

    @Override
    public boolean describeTurn(Deadline deadline) throws InterruptedException {
        return describes.acquire(deadline.remainingNanos());
    }

    @Override
    public long takeDescribeTurn() {
        return describes.tryAcquire();
    }

    @Override
    public boolean registerTurn(Deadline deadline) throws InterruptedException {
        return registrations.acquire(deadline.remainingNanos());
    }

    @Override
    public boolean updateTurn(Deadline deadline) throws InterruptedException {
        return updates.acquire(deadline.remainingNanos());
    }

    @Override
    public boolean serviceDeploymentTurn(Deadline deadline) throws InterruptedException {
        return deployments.acquire(deadline.remainingNanos());
    }

    @Override
    public boolean serviceRevisionTurn(Deadline deadline) throws InterruptedException {
        return revisions.acquire(deadline.remainingNanos());
    }

    @Override
    public boolean taskDefinitionTurn(Deadline deadline) throws InterruptedException {
        return taskDefinitions.acquire(deadline.remainingNanos());
    }

    /** Gives a request an {@code apiCallTimeout} of the time left, when that is shorter than the client's own. */
    private <B extends AwsRequest.Builder> B bound(B request, Deadline deadline) {
        timeLeftIfShorterThan(deadline, clientTimeout().orElse(null))
                .ifPresent(left -> request.overrideConfiguration(o -> o.apiCallTimeout(left)));
        return request;
    }

    /**
     * The caller's UpdateService request with an {@code apiCallTimeout} of the time left, when that is shorter than
     * the request's or the client's own; everything else in the request stays as the caller gave it.
     */
    UpdateServiceRequest bound(UpdateServiceRequest request, Deadline deadline) {
        Duration own = request.overrideConfiguration().flatMap(o -> o.apiCallTimeout())
                .orElse(clientTimeout().orElse(null));
        return timeLeftIfShorterThan(deadline, own).map(left -> request.toBuilder().overrideConfiguration(
                request.overrideConfiguration()
                        .map(o -> o.toBuilder().apiCallTimeout(left).build())
                        .orElseGet(() -> AwsRequestOverrideConfiguration.builder().apiCallTimeout(left).build()))
                .build()).orElse(request);
    }

    /** The time left (at least 1 ms), when there is a deadline and it is sooner than {@code own} (null: none). */
    private Optional<Duration> timeLeftIfShorterThan(Deadline deadline, Duration own) {
        Duration left = boundsCalls ? deadline.timeLeft() : null;
        return left != null && (own == null || left.compareTo(own) < 0) ? Optional.of(left) : Optional.empty();
    }

    private Optional<Duration> clientTimeout() {
        Optional<Duration> own = clientTimeout;
        if (own == null) {
            own = CallThreads.clientTimeoutOf(ecs);
            clientTimeout = own;
        }
        return own;
    }
}
