package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookAction;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Puts the services a failed rollout changed back as they were, with the action that fits each one's deployment, and
 * waits until each is confirmed back:
 *
 * <ul>
 *   <li>a deployment in flight (any strategy) is stopped with StopServiceDeployment(ROLLBACK): ECS rolls it back on
 *       itself, instead of a second full deployment;</li>
 *   <li>one paused at a PAUSE hook gets ContinueServiceDeployment(ROLLBACK);</li>
 *   <li>one ECS is already rolling back is only watched;</li>
 *   <li>one that ended SUCCESSFUL or stable (the rollout failed elsewhere), or whose service deployment is not known,
 *       gets UpdateService back to its previous task definition, as does one whose stop or continue ECS refused;</li>
 *   <li>one that another deployment superseded is left alone: not ours to undo.</li>
 * </ul>
 * Every service gets its action even when another's fails; the outcome names each service not confirmed back and why.
 */
final class Rollback {

    /** Starts a rollback: the changed services with their previous task definitions, and how long it may take. */
    interface Starter {
        Outcome start(Notifier notifier, Map<Target, String> previous, Duration bound);
    }

    /** What the rollback achieved. */
    record Outcome(List<String> restored, Map<String, String> notRestored, Map<String, String> leftAlone,
            Map<String, String> paths, RuntimeException error, List<RuntimeException> refusals) {

        /** Lines for the failure's message. */
        String summary() {
            StringBuilder sb = new StringBuilder("rollback: restored ").append(restored);
            if (!notRestored.isEmpty()) {
                sb.append("; NOT restored:");
                notRestored.forEach((s, why) -> sb.append(' ').append(s).append(" (").append(why).append(')'));
            }
            if (!leftAlone.isEmpty()) {
                sb.append("; left alone:");
                leftAlone.forEach((s, why) -> sb.append(' ').append(s).append(" (").append(why).append(')'));
            }
            if (!paths.isEmpty()) {
                sb.append("\n  rollback actions:");
                paths.forEach((s, path) -> sb.append(' ').append(s).append(": ").append(path).append(';'));
                sb.setLength(sb.length() - 1);
            }
            return sb.toString();
        }
    }

    private Rollback() {
    }

    /**
     * Rolls back the given services.
     *
     * @param previous each changed service's task definition before the rollout, by target
     * @param bound how long the rollback (its calls and its wait) may take, or {@code null} for maxAttempts alone
     */
    static Outcome run(RolloutSettings settings, CallPacer pacer, CallPacer deploymentsPacer, Notifier notifier,
            Map<Target, String> previous, Duration bound) {
        EcsClient ecs = settings.ecs();
        // The actions are sent whatever time is left, but none may hang past the rollback's own bound.
        Deadline deadline = Deadline.after(System.nanoTime(), bound, ecs);
        Map<String, String> leftAlone = new LinkedHashMap<>();
        Map<Target, String> toRollBack = new LinkedHashMap<>();
        Map<Target, ServiceDeployment> current = new HashMap<>();
        ServiceDeployments lookup = new ServiceDeployments(ecs, deploymentsPacer, deadline, 0);
        previous.forEach((t, taskDefinition) -> {
            ServiceDeployment sd = t.verdict() == Verdict.SUPERSEDED ? null : currentDeployment(t, lookup);
            if (t.verdict() == Verdict.SUPERSEDED || isReplaced(t, sd)) {
                leftAlone.put(t.service, "superseded by another deployment, not ours to undo");
                t.rollbackAction(RollbackAction.LEFT_ALONE);
            } else {
                toRollBack.put(t, taskDefinition);
                current.put(t, sd);
            }
        });
        notifier.rollbackStarted(toRollBack.keySet().stream().map(t -> t.service).toList());
        Map<String, String> notRestored = new LinkedHashMap<>();
        Map<String, String> paths = new LinkedHashMap<>();
        List<RuntimeException> refusals = new ArrayList<>();
        RuntimeException error = null;
        List<Target> toWatch = new ArrayList<>();
        for (Map.Entry<Target, String> e : toRollBack.entrySet()) {
            Target changed = e.getKey();
            String taskDefinition = e.getValue();
            ServiceDeployment sd = current.get(changed);
            Target watch = new Target(changed.cluster, changed.service);
            String refusal = null;
            try {
                RollbackAction action = ecsAction(changed, sd);
                if (action == RollbackAction.WATCHED_ECS_ROLLBACK) {
                    paths.put(changed.service, "ECS was already rolling back " + describe(sd) + "; watched");
                } else if (action == RollbackAction.STOPPED_WITH_ROLLBACK) {
                    ecs.stopServiceDeployment(deadline.bound(StopServiceDeploymentRequest.builder()
                            .serviceDeploymentArn(sd.serviceDeploymentArn())
                            .stopType(StopServiceDeploymentStopType.ROLLBACK)).build());
                    paths.put(changed.service, "StopServiceDeployment(ROLLBACK) of " + describe(sd));
                } else if (action == RollbackAction.CONTINUED_WITH_ROLLBACK) {
                    DeploymentLifecycleHookDetail hook = Verdicts.pausedHook(sd).orElseThrow();
                    ecs.continueServiceDeployment(deadline.bound(ContinueServiceDeploymentRequest.builder()
                            .serviceDeploymentArn(sd.serviceDeploymentArn()).hookId(hook.hookId())
                            .action(DeploymentLifecycleHookAction.ROLLBACK)).build());
                    paths.put(changed.service, "ContinueServiceDeployment(ROLLBACK) at hook " + hook.hookId() + " of "
                            + describe(sd));
                }
                if (action != null) {
                    changed.rollbackAction(action);
                    watch.watchRollback(taskDefinition, sd == null ? null : sd.serviceDeploymentArn());
                    toWatch.add(watch);
                    continue;
                }
            } catch (RuntimeException refused) {
                // AccessDenied, a deployment that ended meanwhile, an ECS without the API: restore the old way.
                refusals.add(refused);
                refusal = refused.getClass().getSimpleName() + ": " + refused.getMessage();
            }
            String why = refusal != null ? "ECS refused to stop or continue it (" + refusal + ")"
                    : whyUpdate(changed, sd, lookup);
            Service now = changed.last();
            changed.rollbackAction(RollbackAction.RESTORED_BY_UPDATE);
            if (sd == null && now != null && runsAlready(now, taskDefinition)) {
                // ECS's circuit breaker is already rolling back (or has): watch its deployment, do not start another.
                watch.watchRollback(taskDefinition, null);
                changed.rollbackAction(RollbackAction.WATCHED_ECS_ROLLBACK);
                paths.put(changed.service, "ECS was already rolling back to " + taskDefinition + "; watched");
                toWatch.add(watch);
                continue;
            }
            paths.put(changed.service, "UpdateService back to " + taskDefinition + " (" + why + ")");
            try {
                watch.updateSent(Instant.now(), taskDefinition);
                UpdateServiceResponse answer = ecs.updateService(deadline.bound(UpdateServiceRequest.builder()
                        .cluster(changed.cluster).service(changed.service).taskDefinition(taskDefinition).build()));
                watch.updateAccepted(answer == null ? null : answer.service());
                toWatch.add(watch);
            } catch (RuntimeException ex) {
                notRestored.put(changed.service, deadline.cutShort(ex)
                        ? "restore cut short by the time left; ECS may or may not have applied it"
                        : "restore rejected: " + ex.getMessage());
                error = error == null ? ex : error;
            }
        }
        List<String> restored = new ArrayList<>();
        if (!toWatch.isEmpty()) {
            RolloutSettings waitSettings = settings.forRollbackWait(deadline.isSet()
                    ? Duration.ofNanos(Math.max(deadline.remainingNanos(), 1_000_000)) : null);
            RolloutRun wait = new RolloutRun(waitSettings, pacer, deploymentsPacer, "Rollback");
            try {
                wait.awaitTargets(toWatch);
                toWatch.forEach(t -> restored.add(t.service));
            } catch (RolloutRun.Failed ex) {
                for (Target t : toWatch) {
                    if (t.verdict() == Verdict.STABLE) {
                        restored.add(t.service);
                    } else if (t.verdict() == Verdict.IN_PROGRESS || t.verdict() == Verdict.UNKNOWN) {
                        notRestored.put(t.service, "still rolling back when the time ran out (" + ex.reason
                                + "); ECS goes on with it");
                    } else {
                        notRestored.put(t.service, "rollback not confirmed: " + t.verdict());
                    }
                }
                if (error == null) {
                    List<String> unstable = wait.unstable();
                    error = new RolloutNotStableException(ex.reason, Messages.failure(ex.reason, "rollback: "
                            + ex.headline, wait.states(), unstable, List.of(), wait.maxPolls(), wait.elapsed(), null),
                            ex.getCause(), unstable, List.of(), List.of(), wait.states());
                }
            } finally {
                wait.finish();
            }
        }
        notifier.rollbackFinished(List.copyOf(restored), List.copyOf(notRestored.keySet()));
        return new Outcome(List.copyOf(restored), notRestored, leftAlone, paths, error, List.copyOf(refusals));
    }

    /**
     * The service deployment to act on: as last described, or looked up now for a deployment still in flight whose
     * service deployment the wait did not need (a plain rolling one); {@code null} when there is none to act on.
     */
    private static ServiceDeployment currentDeployment(Target t, ServiceDeployments lookup) {
        ServiceDeployment known = t.serviceDeployment();
        if (t.last() == null || t.expectedDeploymentId() == null || !lookup.isAvailable()) {
            return known;
        }
        try {
            ServiceDeployment fresh = lookup.describe(Map.of(t, t.last())).get(t);
            return fresh != null ? fresh : known;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return known;
        } catch (RuntimeException e) {
            return known;
        }
    }

    /**
     * Whether ECS says another deployment replaced this rollout's: its service deployment is stopping or stopped and
     * a newer PRIMARY runs, or ECS says "replaced". The verdict can miss it: on the poll someone else's update shows,
     * a rolling service's {@code currentServiceDeployment} already names theirs, so its own is found only now.
     */
    private static boolean isReplaced(Target t, ServiceDeployment sd) {
        boolean stopping = sd != null && (sd.status() == ServiceDeploymentStatus.STOP_REQUESTED
                || sd.status() == ServiceDeploymentStatus.STOPPED);
        return stopping && t.last() != null && Verdicts.isReplaced(t.last(), sd, t.expectedDeploymentId());
    }

    /** The action on the service deployment itself, or {@code null} when the task definition must be restored. */
    private static RollbackAction ecsAction(Target t, ServiceDeployment sd) {
        if (sd == null || sd.status() == null) {
            return null;
        }
        switch (sd.status()) {
            case ROLLBACK_REQUESTED:
            case ROLLBACK_IN_PROGRESS:
            case ROLLBACK_SUCCESSFUL:
                return RollbackAction.WATCHED_ECS_ROLLBACK;
            case PENDING:
            case IN_PROGRESS:
                return Verdicts.pausedHook(sd).isPresent() ? RollbackAction.CONTINUED_WITH_ROLLBACK
                        : RollbackAction.STOPPED_WITH_ROLLBACK;
            default:
                // SUCCESSFUL (the rollout failed elsewhere), STOPPED, ROLLBACK_FAILED: nothing left to roll back.
                return null;
        }
    }

    private static String whyUpdate(Target t, ServiceDeployment sd, ServiceDeployments lookup) {
        if (sd != null) {
            return "its service deployment is " + sd.statusAsString();
        }
        if (lookup.whyUnavailable() != null) {
            return "no service deployment known: " + lookup.whyUnavailable();
        }
        if (t.whyNoServiceDeployment() != null) {
            return "no service deployment known: " + t.whyNoServiceDeployment();
        }
        return t.verdict() == Verdict.STABLE ? "its deployment had ended stable" : "no service deployment known";
    }

    private static String describe(ServiceDeployment sd) {
        String arn = sd.serviceDeploymentArn();
        return "service deployment " + (arn == null ? "?" : arn.substring(arn.lastIndexOf('/') + 1)) + " ("
                + sd.statusAsString() + Optional.ofNullable(sd.lifecycleStageAsString()).map(s -> " at " + s)
                        .orElse("") + ")";
    }

    /** Whether the service's PRIMARY deployment already runs the given task definition. */
    private static boolean runsAlready(Service service, String taskDefinition) {
        return Verdicts.primary(service.deployments()).map(Deployment::taskDefinition)
                .map(taskDefinition::equals).orElse(false);
    }
}
