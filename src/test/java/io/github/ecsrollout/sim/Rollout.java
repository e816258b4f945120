package io.github.ecsrollout.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One deployment in progress, as a script sees it: a place to schedule steps and the moves ECS
 * makes (start a task, drain an old one, complete, fail, roll back). Every step runs under the
 * model lock at its own scheduled instant, so events carry the time they "happened", not the time
 * somebody polled. A newer deployment of the same service silently cancels this one's steps.
 */
final class Rollout {

    private final SimService service;
    final Deployment primary;
    /** The deployment that was PRIMARY before this one (what a rollback returns to), or null. */
    private final Deployment previous;
    private final Instant start;
    private final int generation;
    private Instant now;
    private int crashes;
    /** The script that started this rollout (its hook outcomes). */
    ServiceScript script;
    /** This deployment's record in the service-deployment history. */
    SimServiceDeployment serviceDeployment;
    /** Set on a rollback deployment: the service deployment it rolls back, ROLLBACK_SUCCESSFUL when this completes. */
    private SimServiceDeployment rollingBack;

    Rollout(SimService service, Deployment primary, Deployment previous, Instant start, int generation) {
        this.service = service;
        this.primary = primary;
        this.previous = previous;
        this.start = start;
        this.now = start;
        this.generation = generation;
    }

    /** Runs {@code step} at {@code offset} after the deployment started. */
    void at(Duration offset, Consumer<Rollout> step) {
        schedule(start.plus(offset), step);
    }

    /** Runs {@code step} at the simulator's {@code instant} (not before the step running now). */
    void atInstant(Instant instant, Consumer<Rollout> step) {
        schedule(instant.isBefore(now) ? now : instant, step);
    }

    Instant now() {
        return now;
    }

    SimService service() {
        return service;
    }

    Deployment previous() {
        return previous;
    }

    /** Runs {@code step} {@code delay} after the step currently running. */
    void after(Duration delay, Consumer<Rollout> step) {
        schedule(now.plus(delay), step);
    }

    void every(Duration first, Duration period, Consumer<Rollout> step) {
        at(first, new Consumer<>() {
            @Override
            public void accept(Rollout r) {
                step.accept(r);
                r.after(period, this);
            }
        });
    }

    private void schedule(Instant when, Consumer<Rollout> step) {
        service.schedule(when, generation, at -> {
            now = at;
            step.accept(this);
        });
    }

    int desiredCount() {
        return service.desiredCount;
    }

    /** ECS answers UpdateService with the new deployment at desired 0 and raises it a moment later. */
    void matchDesiredCount() {
        primary.desiredCount = service.desiredCount;
        primary.updatedAt = now;
        serviceDeployment.started(now);
    }

    /** Starts one new task (if the primary is short) and stops one task of an older deployment. */
    void replaceOneOldTask() {
        List<SimTask> started = new ArrayList<>();
        if (primary.liveTasks.size() < service.desiredCount) {
            started.add(service.startTask(primary, now, true));
            service.event(now, "has started 1 tasks: " + taskList(started) + ".");
        }
        if (service.runningTotal() > service.desiredCount) {
            for (Deployment old : oldestFirst()) {
                SimTask victim = old.liveTasks.stream().filter(t -> "RUNNING".equals(t.lastStatus)).findFirst().orElse(null);
                if (victim != null) {
                    stopScaledDown(old, victim);
                    service.event(now, "has stopped 1 running tasks: " + taskList(List.of(victim)) + ".");
                    break;
                }
            }
        }
    }

    /** The steady end of a deployment: one PRIMARY, COMPLETED, running == desired. */
    void complete() {
        drainOld();
        declareCompleted();
        service.event(now.plusMillis(1), "has reached a steady state.");
    }

    /** The new deployment at its desired count, every older one gone; nothing judged yet. */
    void drainOld() {
        settleCounts();
        removeOlderDeployments();
    }

    void removeOlderDeployments() {
        for (Deployment old : oldestFirst()) {
            removeDeployment(old);
        }
    }

    /**
     * A CloudWatch alarm of the deployment goes to ALARM: alarms TRIGGERED with its name, the deployment
     * FAILED, and with {@code rollback} a rollback that takes {@code rollbackTakes}.
     */
    void alarmFires(String alarm, boolean rollback, Duration rollbackTakes) {
        SimServiceDeployment sd = serviceDeployment;
        sd.alarmsStatus = "TRIGGERED";
        sd.triggeredAlarms.add(alarm);
        String reason = "ECS deployment alarms: " + alarm + " is in ALARM state.";
        fail(reason, "alarm " + alarm + " is in ALARM state.", rollback);
        if (rollback) {
            rollBack(rollbackTakes, reason);
        }
    }

    /**
     * ECS judges the deployment a success: COMPLETED, "deployment completed.", the service deployment
     * SUCCESSFUL; with early success criteria this can come before the service is steady.
     */
    void declareCompleted() {
        serviceDeployment.succeeded(now);
        if (rollingBack != null) {
            rollingBack.rollbackSucceeded(now);
        }
        if ("COMPLETED".equals(primary.rolloutState)) {
            return;
        }
        primary.rolloutState = "COMPLETED";
        primary.rolloutStateReason = "ECS deployment " + primary.id + " completed.";
        // ECS stamps the steady-state event a millisecond after "deployment completed".
        service.event(now, "(deployment " + primary.id + ") deployment completed.");
    }

    /** After a desiredCount-only UpdateService: the PRIMARY starts or stops tasks, no new deployment. */
    void rescale() {
        settleCounts();
        service.event(now, "has reached a steady state.");
    }

    private void settleCounts() {
        List<SimTask> started = new ArrayList<>();
        while (primary.liveTasks.size() < service.desiredCount) {
            started.add(service.startTask(primary, now, true));
        }
        primary.liveTasks.forEach(t -> {
            if (!"RUNNING".equals(t.lastStatus)) {
                t.lastStatus = "RUNNING";
                t.startedAt = now;
            }
        });
        while (primary.liveTasks.size() > service.desiredCount) {
            stopScaledDown(primary, primary.liveTasks.get(primary.liveTasks.size() - 1));
        }
        if (!started.isEmpty()) {
            service.event(now, "has started " + started.size() + " tasks: " + taskList(started) + ".");
        }
        primary.desiredCount = service.desiredCount;
        primary.updatedAt = now;
    }

    /** A task of the new deployment starts and runs; nothing of the old deployments stops (blue/green). */
    void startNewTask() {
        SimTask task = service.startTask(primary, now, true);
        service.event(now, "has started 1 tasks: " + taskList(List.of(task)) + ".");
    }

    SimTask startPendingTask() {
        SimTask task = service.startTask(primary, now, false);
        service.event(now, "has started 1 tasks: " + taskList(List.of(task)) + ".");
        return task;
    }

    /** A task of the new deployment dies: recorded STOPPED for DescribeTasks, counted in failedTasks. */
    void crash(SimTask task, String reason, int exitCode) {
        if (!task.isLive()) {
            return;
        }
        boolean ran = exitCode >= 0;
        task.stop(now, reason, ran ? "EssentialContainerExited" : "TaskFailedToStart",
                ran ? exitCode : null, ran ? null : reason);
        primary.liveTasks.remove(task);
        primary.failedTasks++;
        primary.updatedAt = now;
        crashes++;
        if (crashes == 3 || (crashes > 3 && crashes % 10 == 3)) {
            service.event(now, "is unable to consistently start tasks successfully. For more information, "
                    + "see the Troubleshooting section of the Amazon ECS Developer Guide.");
        }
    }

    /** Replaces the pending task that keeps failing its health check; no failedTasks, no verdict. */
    void churnUnhealthyTask() {
        primary.liveTasks.stream().filter(t -> "PENDING".equals(t.lastStatus)).findFirst().ifPresent(t -> {
            t.stop(now, "Task failed container health checks", "ServiceSchedulerInitiated", 143, null);
            primary.liveTasks.remove(t);
            service.event(now, "(task " + t.id + ") failed container health checks.");
        });
        if (primary.liveTasks.size() < Math.max(service.desiredCount, 1)) {
            startPendingTask();
        }
    }

    void unableToPlaceEvent() {
        service.event(now, "was unable to place a task because no container instance met all of its requirements. "
                + "The closest matching (container-instance " + service.model.newUuid() + ") has insufficient memory "
                + "available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.");
    }

    /**
     * The circuit breaker trips: the deployment FAILED, its service deployment's breaker TRIGGERED at
     * the threshold; without {@code rollback} the service deployment is STOPPED, with it a rollback follows.
     */
    void failDeployment(boolean rollback) {
        primary.failedTasks = Math.max(primary.failedTasks, 1);
        SimServiceDeployment sd = serviceDeployment;
        sd.breakerStatus = "TRIGGERED";
        sd.failureCount = sd.threshold(); // the breaker trips when the count reaches the threshold
        fail(BREAKER_REASON, "tasks failed to start.", rollback);
    }

    static final String BREAKER_REASON = "ECS deployment circuit breaker: tasks failed to start.";

    /** rolloutState FAILED for {@code reason}; the service deployment STOPPED unless a rollback will follow. */
    void fail(String reason, String eventReason, boolean rollback) {
        primary.rolloutState = "FAILED";
        primary.rolloutStateReason = reason;
        primary.updatedAt = now;
        service.event(now, "(deployment " + primary.id + ") deployment failed: " + eventReason);
        if (!rollback || previous == null) {
            serviceDeployment.statusReason = reason;
            serviceDeployment.stopped(now);
        }
    }

    /** Circuit-breaker rollback: a new PRIMARY on the previous task definition, rolled out like stableAfter. */
    void rollBack(Duration takes) {
        rollBack(takes, BREAKER_REASON);
    }

    /**
     * A rollback for {@code reason}: this service deployment goes ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS
     * (a quarter of {@code takes} later) and ROLLBACK_SUCCESSFUL when a new PRIMARY deployment on the previous
     * task definition, rolled out like stableAfter, completes.
     */
    void rollBack(Duration takes, String reason) {
        Rollout back = startRollback(takes, reason);
        if (back != null) {
            back.rollingBack = serviceDeployment;
            back.at(takes.dividedBy(2), r -> r.removeDeployment(primary));
            ServiceScript.rollToCompletion(back, takes);
        }
    }

    /**
     * A circuit-breaker rollback that fails too: the rollback deployment's tasks crash as well, and after
     * {@code takes} ECS gives up on it (its rolloutState FAILED, its own service deployment STOPPED) and this
     * service deployment is ROLLBACK_FAILED. Both deployments stay listed: what the service runs is anyone's guess.
     */
    void rollBackAndFail(Duration takes) {
        Rollout back = startRollback(takes, BREAKER_REASON);
        if (back != null) {
            SimServiceDeployment failed = serviceDeployment;
            ServiceScript.crashCycles(back, ServiceScript.shorter(ServiceScript.CRASH_CYCLE, takes.dividedBy(4)),
                    ServiceScript.CIRCUIT_BREAKER_TASK_REASON, 1);
            back.at(takes, r -> {
                r.fail(BREAKER_REASON, "tasks failed to start.", false);
                failed.rollbackFailed(ROLLBACK_FAILED_REASON, r.now);
            });
        }
    }

    static final String ROLLBACK_FAILED_REASON = "ECS deployment circuit breaker: the rollback failed too.";

    /**
     * The start of any rollback: this service deployment ROLLBACK_REQUESTED, a new PRIMARY deployment on the
     * previous task definition, ROLLBACK_IN_PROGRESS a quarter of {@code takes} later; null when there is nothing
     * to go back to (ECS leaves the failed deployment as it is).
     */
    private Rollout startRollback(Duration takes, String reason) {
        if (previous == null) {
            return null;
        }
        SimServiceDeployment failed = serviceDeployment;
        failed.rollbackRequested(reason, previous, now);
        Rollout back = service.startDeployment(previous.taskDefinition, now);
        if (reason.equals(BREAKER_REASON)) {
            // What awaitStable sees beside the FAILED deployment: the PRIMARY says it is the breaker's rollback.
            back.primary.rolloutStateReason = "ECS deployment circuit breaker: rolling back to deploymentId "
                    + previous.id + ".";
        }
        service.event(now, "rolling back to deployment " + previous.id + ".");
        back.at(takes.dividedBy(4), r -> failed.status("ROLLBACK_IN_PROGRESS", r.now));
        return back;
    }

    void removeDeployment(Deployment d) {
        if (!service.deployments.contains(d) || d == primary) {
            return;
        }
        for (SimTask t : new ArrayList<>(d.liveTasks)) {
            stopScaledDown(d, t);
        }
        service.deployments.remove(d);
        for (SimServiceDeployment sd : service.serviceDeployments) {
            if (sd.target == d && "STOP_REQUESTED".equals(sd.status)) {
                sd.stopped(now); // a replaced deployment is STOPPED once its tasks are gone
            }
        }
    }

    private void stopScaledDown(Deployment from, SimTask task) {
        task.stop(now, "Scaling activity initiated by (deployment " + primary.id + ")", "ServiceSchedulerInitiated", 0, null);
        from.liveTasks.remove(task);
        from.desiredCount = Math.min(from.desiredCount, from.liveTasks.size());
        from.updatedAt = now;
    }

    private List<Deployment> oldestFirst() {
        List<Deployment> old = new ArrayList<>(service.deployments);
        old.remove(primary);
        java.util.Collections.reverse(old);
        return old;
    }

    private static String taskList(List<SimTask> tasks) {
        StringBuilder s = new StringBuilder();
        for (SimTask t : tasks) {
            s.append(s.length() == 0 ? "" : " ").append("(task ").append(t.id).append(')');
        }
        return s.toString();
    }
}
