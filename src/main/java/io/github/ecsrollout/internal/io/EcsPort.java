package io.github.ecsrollout.internal.io;

import io.github.ecsrollout.internal.time.Deadline;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServiceRevisionsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentResponse;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Every ECS call a rollout makes, and the turns ECS's throttling allows: the one port between the rollout's decisions
 * and ECS. Each call is bounded by the rollout's deadline and throws what the SDK throws ({@link EcsErrors} tells what
 * that means); each turn waits on the rollout's clock. Thread-safe.
 */
public interface EcsPort {

    /** DescribeServices of up to 10 services of one cluster. */
    DescribeServicesResponse describeServices(String cluster, List<String> services, Deadline deadline);

    /**
     * DescribeTaskDefinition of one task definition: {@code family:revision}, an ARN, or a family, which ECS resolves
     * to its latest ACTIVE revision.
     */
    DescribeTaskDefinitionResponse describeTaskDefinition(String taskDefinition, Deadline deadline);

    /**
     * DescribeTaskDefinition of one task definition with its tags ({@code include TAGS}), for a copy of it to register.
     */
    DescribeTaskDefinitionResponse describeTaskDefinitionWithTags(String taskDefinition, Deadline deadline);

    /** RegisterTaskDefinition of a new revision, the request as given. */
    RegisterTaskDefinitionResponse registerTaskDefinition(RegisterTaskDefinitionRequest request, Deadline deadline);

    /** The caller's UpdateService request, sent as given. */
    UpdateServiceResponse updateService(UpdateServiceRequest request, Deadline deadline);

    /**
     * One page of ListServiceDeployments of a service.
     *
     * @param createdAfter only those created after this instant, or {@code null} for all
     * @param nextToken the page, or {@code null} for the first
     */
    ListServiceDeploymentsResponse listServiceDeployments(String cluster, String service, Instant createdAfter,
            String nextToken, Deadline deadline);

    /** DescribeServiceDeployments of up to 20 ARNs. */
    DescribeServiceDeploymentsResponse describeServiceDeployments(List<String> arns, Deadline deadline);

    /** DescribeServiceRevisions of up to 20 service revision ARNs: what each revision runs, images included. */
    DescribeServiceRevisionsResponse describeServiceRevisions(List<String> arns, Deadline deadline);

    /** StopServiceDeployment with stop type ROLLBACK: ECS rolls the deployment back. */
    StopServiceDeploymentResponse stopWithRollback(String serviceDeploymentArn, Deadline deadline);

    /** ContinueServiceDeployment with action ROLLBACK at a paused hook. */
    ContinueServiceDeploymentResponse continueWithRollback(String serviceDeploymentArn, String hookId,
            Deadline deadline);

    /** ListTasks of the STOPPED tasks a deployment started. */
    ListTasksResponse listStoppedTasks(String cluster, String startedBy, int maxResults, Deadline deadline);

    /** DescribeTasks of up to 100 tasks. */
    DescribeTasksResponse describeTasks(String cluster, List<String> taskArns, Deadline deadline);

    /**
     * Waits for the turn of a DescribeServices call, at most until the deadline.
     *
     * @return whether the call may go out now; {@code false} once the deadline passed first
     */
    boolean describeTurn(Deadline deadline) throws InterruptedException;

    /**
     * Takes the turn of a DescribeServices call if it has come, without waiting.
     *
     * @return 0 when the call may go out now, its turn taken; else how many nanoseconds until it may
     */
    long takeDescribeTurn();

    /** Waits for the turn of an UpdateService call, as {@link #describeTurn} does. */
    boolean updateTurn(Deadline deadline) throws InterruptedException;

    /** Waits for the turn of a service-deployment call (List or Describe), as {@link #describeTurn} does. */
    boolean serviceDeploymentTurn(Deadline deadline) throws InterruptedException;

    /** Waits for the turn of a DescribeServiceRevisions call, as {@link #describeTurn} does. */
    boolean serviceRevisionTurn(Deadline deadline) throws InterruptedException;

    /** Waits for the turn of a DescribeTaskDefinition call, as {@link #describeTurn} does. */
    boolean taskDefinitionTurn(Deadline deadline) throws InterruptedException;

    /** Waits for the turn of a RegisterTaskDefinition call, as {@link #describeTurn} does. */
    boolean registerTurn(Deadline deadline) throws InterruptedException;
}
