package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.internal.io.EcsPort;
import io.github.ecsrollout.internal.report.Logs;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.time.Deadline;
import io.github.ecsrollout.internal.verdict.DeploymentRules;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Fetches the most recent STOPPED tasks a deployment started (ListTasks by {@code startedBy}, then DescribeTasks), to
 * show why a failed deployment's tasks stopped. A failure here never changes a verdict: it is reported instead.
 */
final class StoppedTaskDiagnosis {

    /** How many stopped tasks to keep per service: enough to see a pattern, few enough to read. */
    static final int KEEP = 3;
    /** How many to list: ListTasks does not promise an order, so list a few more and keep the newest. */
    private static final int LIST = 10;
    /** How many services to diagnose after one failure, so that a 1,000-service timeout does not cost 2,000 calls. */
    static final int MAX_SERVICES = 10;

    private StoppedTaskDiagnosis() {
    }

    /**
     * Fetches and records the stopped tasks of the service's expected (or PRIMARY) deployment, within the deadline:
     * diagnostics never keep a caller past its timeout.
     */
    static void fetch(EcsPort ecs, TrackedService target, Deadline deadline) {
        String deploymentId = target.expectedDeploymentId() != null
                ? target.expectedDeploymentId() : DeploymentRules.primaryId(target.last());
        if (deploymentId == null) {
            target.stoppedTasks(List.of(), "no deployment id to look up its tasks");
            return;
        }
        if (deadline.hasPassed()) {
            target.stoppedTasks(List.of(), "not fetched: the timeout had passed");
            return;
        }
        String cluster = target.id().cluster();
        try {
            ListTasksResponse listed = ecs.listStoppedTasks(cluster, deploymentId, LIST, deadline);
            if (listed == null) {
                target.stoppedTasks(List.of(), "ListTasks returned no answer");
                return;
            }
            if (listed.taskArns().isEmpty()) {
                target.stoppedTasks(List.of(), null);
                return;
            }
            DescribeTasksResponse described = ecs.describeTasks(cluster, listed.taskArns(), deadline);
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
            Logs.ROLLOUT.debug("Could not fetch stopped tasks of {} [{}]", target.id().service(), cluster, e);
            target.stoppedTasks(List.of(), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
