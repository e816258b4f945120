package io.github.ecsrollout.internal;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Fetches the most recent STOPPED tasks a deployment started (ListTasks by {@code startedBy}, then DescribeTasks), to
 * show why a failed deployment's tasks stopped. A failure here never changes a verdict: it is reported instead.
 */
final class StoppedTasks {

    /** How many stopped tasks to keep per service: enough to see a pattern, few enough to read. */
    static final int KEEP = 3;
    /** How many to list: ListTasks does not promise an order, so list a few more and keep the newest. */
    private static final int LIST = 10;
    /** How many services to diagnose after one failure, so that a 1,000-service timeout does not cost 2,000 calls. */
    static final int MAX_SERVICES = 10;

    private StoppedTasks() {
    }

    /**
     * Fetches and records the stopped tasks of the target's expected (or PRIMARY) deployment, within the deadline:
     * diagnostics never keep a caller past its timeout.
     */
    static void fetch(EcsClient ecs, Target target, Deadline deadline) {
        String deploymentId = target.expectedDeploymentId() != null
                ? target.expectedDeploymentId() : Verdicts.primaryId(target.last());
        if (deploymentId == null) {
            target.stoppedTasks(List.of(), "no deployment id to look up its tasks");
            return;
        }
        if (deadline.hasPassed()) {
            target.stoppedTasks(List.of(), "not fetched: the timeout had passed");
            return;
        }
        try {
            // Built requests, not Consumer<Builder> overloads: a caller's Mockito mock stubs only the former.
            ListTasksResponse listed = ecs.listTasks(deadline.bound(ListTasksRequest.builder().cluster(target.cluster)
                    .startedBy(deploymentId).desiredStatus(DesiredStatus.STOPPED).maxResults(LIST)).build());
            if (listed == null) {
                target.stoppedTasks(List.of(), "ListTasks returned no answer");
                return;
            }
            if (listed.taskArns().isEmpty()) {
                target.stoppedTasks(List.of(), null);
                return;
            }
            DescribeTasksResponse described = ecs.describeTasks(deadline.bound(DescribeTasksRequest.builder()
                    .cluster(target.cluster).tasks(listed.taskArns())).build());
            if (described == null) {
                target.stoppedTasks(List.of(), "DescribeTasks returned no answer");
                return;
            }
            List<Task> newest = described.tasks().stream()
                    .sorted(Comparator.comparing((Task t) -> t.stoppedAt() == null ? Instant.MIN : t.stoppedAt())
                            .reversed())
                    .limit(KEEP)
                    .toList();
            target.stoppedTasks(newest, null);
        } catch (RuntimeException e) {
            // Typically AccessDeniedException for ecs:ListTasks or ecs:DescribeTasks: say so, keep the verdict.
            Notifier.log().debug("Could not fetch stopped tasks of {} [{}]", target.service, target.cluster, e);
            target.stoppedTasks(List.of(), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
