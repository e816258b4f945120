package io.github.ecsrollout.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One entry of a service's {@code deployments}: its counts are derived from its live tasks. */
final class Deployment {

    final String id;
    final String taskDefinition;
    final Instant createdAt;
    String status = "PRIMARY";
    int desiredCount;
    int failedTasks;
    Instant updatedAt;
    String rolloutState = "IN_PROGRESS";
    String rolloutStateReason;
    /** PENDING and RUNNING tasks; stopped ones leave this list and stay only in the cluster's task list. */
    final List<SimTask> liveTasks = new ArrayList<>();

    Deployment(String id, String taskDefinition, Instant createdAt) {
        this.id = id;
        this.taskDefinition = taskDefinition;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
        this.rolloutStateReason = "ECS deployment " + id + " in progress.";
    }

    int runningCount() {
        return (int) liveTasks.stream().filter(t -> "RUNNING".equals(t.lastStatus)).count();
    }

    int pendingCount() {
        return liveTasks.size() - runningCount();
    }

    boolean isPrimary() {
        return "PRIMARY".equals(status);
    }
}
