package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Puts the services a failed rollout changed back on their previous task definitions and waits for them, so that a
 * rollout is all or nothing. Every service gets its restore even when another's is rejected; the outcome names each
 * service that could not be restored and why. A service whose deployment another one superseded, or that ECS
 * called SUCCESSFUL, is left alone: the first is not ours to undo, and a success is never undone by us.
 */
final class Rollback {

    /** Starts a rollback: the changed services with their previous task definitions, and the wait's bound. */
    interface Starter {
        Outcome start(Notifier notifier, Map<Target, String> previous, Duration waitBound);
    }

    /** What the rollback achieved. */
    record Outcome(List<String> restored, Map<String, String> notRestored, Map<String, String> leftAlone,
            RuntimeException error) {

        /** One line for the failure's message. */
        String summary() {
            StringBuilder sb = new StringBuilder("rollback: restored ").append(restored);
            if (!notRestored.isEmpty()) {
                sb.append("; NOT restored (new or unknown task definition):");
                notRestored.forEach((s, why) -> sb.append(' ').append(s).append(" (").append(why).append(')'));
            }
            if (!leftAlone.isEmpty()) {
                sb.append("; left alone:");
                leftAlone.forEach((s, why) -> sb.append(' ').append(s).append(" (").append(why).append(')'));
            }
            return sb.toString();
        }
    }

    private Rollback() {
    }

    /**
     * Restores the given services.
     *
     * @param previous each changed service's task definition before the rollout, by target
     * @param waitBound how long the wait may take, or {@code null} for the settings' maxAttempts alone
     */
    static Outcome run(RolloutSettings settings, CallPacer pacer, CallPacer deploymentsPacer, Notifier notifier,
            Map<Target, String> previous, Duration waitBound) {
        EcsClient ecs = settings.ecs();
        Map<String, String> leftAlone = new LinkedHashMap<>();
        Map<Target, String> toRestore = new LinkedHashMap<>();
        previous.forEach((t, taskDefinition) -> {
            String why = whyLeaveAlone(t);
            if (why == null) {
                toRestore.put(t, taskDefinition);
            } else {
                leftAlone.put(t.service, why);
            }
        });
        notifier.rollbackStarted(toRestore.keySet().stream().map(t -> t.service).toList());
        Map<String, String> notRestored = new LinkedHashMap<>();
        RuntimeException error = null;
        List<Target> toWatch = new ArrayList<>();
        // The restores are sent whatever time is left, but none may hang past the rollback's own bound.
        Deadline restoreDeadline = Deadline.after(System.nanoTime(), waitBound, ecs);
        for (Map.Entry<Target, String> e : toRestore.entrySet()) {
            Target changed = e.getKey();
            String taskDefinition = e.getValue();
            Target restore = new Target(changed.cluster, changed.service);
            Service now = changed.last();
            if (now != null && runsAlready(now, taskDefinition)) {
                // ECS's circuit breaker is already rolling back (or has): watch its deployment, do not start another.
                restore.updateAccepted(now);
                toWatch.add(restore);
                continue;
            }
            try {
                restore.updateSent(java.time.Instant.now(), taskDefinition);
                UpdateServiceResponse answer = ecs.updateService(restoreDeadline.bound(UpdateServiceRequest.builder()
                        .cluster(changed.cluster).service(changed.service).taskDefinition(taskDefinition).build()));
                restore.updateAccepted(answer == null ? null : answer.service());
                toWatch.add(restore);
            } catch (RuntimeException ex) {
                notRestored.put(changed.service, restoreDeadline.cutShort(ex)
                        ? "restore cut short by the rollback's time bound; ECS may or may not have applied it"
                        : "restore rejected: " + ex.getMessage());
                error = error == null ? ex : error;
            }
        }
        List<String> restored = new ArrayList<>();
        if (!toWatch.isEmpty()) {
            RolloutSettings waitSettings = settings.forRollbackWait(waitBound);
            RolloutRun wait = new RolloutRun(waitSettings, pacer, deploymentsPacer, "Rollback");
            try {
                wait.awaitTargets(toWatch);
                toWatch.forEach(t -> restored.add(t.service));
            } catch (RolloutRun.Failed ex) {
                for (Target t : toWatch) {
                    if (t.verdict() == Verdict.STABLE) {
                        restored.add(t.service);
                    } else {
                        notRestored.put(t.service, "restore not confirmed stable: " + t.verdict()
                                + " after " + ex.reason);
                    }
                }
                if (error == null) {
                    List<String> unstable = wait.unstable();
                    error = new RolloutNotStableException(ex.reason, Messages.failure(ex.reason, "rollback: "
                            + ex.headline, wait.states(), unstable, List.of(), wait.maxPolls(), wait.elapsed(), null),
                            ex.getCause(), unstable, List.of(), List.of(), wait.states());
                }
            }
        }
        notifier.rollbackFinished(List.copyOf(restored), List.copyOf(notRestored.keySet()));
        return new Outcome(List.copyOf(restored), notRestored, leftAlone, error);
    }

    /** Why a changed service must not be put back, or {@code null} when it may. */
    private static String whyLeaveAlone(Target t) {
        if (t.verdict() == Verdict.SUPERSEDED) {
            return "superseded by another deployment, not ours to undo";
        }
        ServiceDeployment sd = t.serviceDeployment();
        if (sd != null && sd.status() == ServiceDeploymentStatus.SUCCESSFUL) {
            return "ECS called its deployment SUCCESSFUL";
        }
        return null;
    }

    /** Whether the service's PRIMARY deployment already runs the given task definition. */
    private static boolean runsAlready(Service service, String taskDefinition) {
        return Verdicts.primary(service.deployments()).map(Deployment::taskDefinition)
                .map(taskDefinition::equals).orElse(false);
    }
}
