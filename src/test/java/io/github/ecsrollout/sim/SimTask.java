package io.github.ecsrollout.sim;

import java.time.Instant;

/**
 * One task of a simulated service. Service tasks carry {@code startedBy} = their deployment id and
 * {@code group} = "service:NAME", as ECS sets them, so ListTasks/DescribeTasks can find the stopped
 * tasks of a failing deployment.
 */
final class SimTask {

    final String id;
    final String arn;
    final String clusterArn;
    final String taskDefinition;
    final String startedBy;
    final String group;
    final Instant createdAt;
    String lastStatus;
    String desiredStatus = "RUNNING";
    Instant startedAt;
    Instant stoppedAt;
    String stoppedReason;
    String stopCode;
    Integer exitCode;
    String containerReason;

    SimTask(String id, String arn, String clusterArn, String taskDefinition, String startedBy, String group,
            Instant createdAt, String lastStatus) {
        this.id = id;
        this.arn = arn;
        this.clusterArn = clusterArn;
        this.taskDefinition = taskDefinition;
        this.startedBy = startedBy;
        this.group = group;
        this.createdAt = createdAt;
        this.lastStatus = lastStatus;
        if ("RUNNING".equals(lastStatus)) {
            startedAt = createdAt;
        }
    }

    boolean isLive() {
        return !"STOPPED".equals(lastStatus);
    }

    void stop(Instant at, String reason, String code, Integer exit, String containerWhy) {
        lastStatus = "STOPPED";
        desiredStatus = "STOPPED";
        stoppedAt = at;
        stoppedReason = reason;
        stopCode = code;
        exitCode = exit;
        containerReason = containerWhy;
    }
}
