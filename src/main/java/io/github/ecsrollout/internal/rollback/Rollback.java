package io.github.ecsrollout.internal.rollback;

import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.internal.io.ChunkedDescribe;
import io.github.ecsrollout.internal.io.EcsPort;
import io.github.ecsrollout.internal.model.RolloutSettings;
import io.github.ecsrollout.internal.report.Logs;
import io.github.ecsrollout.internal.report.Notifier;
import io.github.ecsrollout.internal.report.RollbackReport;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.time.Deadline;
import io.github.ecsrollout.internal.watch.DeploymentLookup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;

/**
 * Puts the services a failed rollout changed back as they were, with the action that fits each one's deployment
 * ({@link RollbackPlan}), and waits until each is confirmed back ({@link RollbackWait}):
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
 * The choice is made on what ECS says when the rollback starts (DescribeServices, and the service deployments), not
 * only on the rollout's last poll. Every service gets its action even when another's fails, and every one is watched
 * until it is confirmed back, fails, or the time is up, whatever happens to the others.
 */
public final class Rollback {

    /**
     * How long the rollback's calls (the reads that choose the actions, and the actions) may take at least, even
     * when the rollout's time is already up: a rollback that is never sent is worse than one sent a moment late. Only
     * the calls get it; the wait for their effect ends with the rollback's bound.
     */
    public static final Duration MIN_TIME_FOR_ACTIONS = Duration.ofSeconds(2);

    private Rollback() {
    }

    /**
     * Rolls back the given services.
     *
     * @param previous each changed service's task definition before the rollout, in the rollout's order
     * @param bound how long the rollback (its calls and its wait) may take, or {@code null} for maxAttempts alone;
     *     its calls get at least {@link #MIN_TIME_FOR_ACTIONS}
     */
    public static RollbackOutcome run(RolloutSettings settings, EcsPort ecs, Notifier notifier,
            Map<TrackedService, String> previous, Duration bound) {
        long start = settings.clock().nanoTime();
        Deadline deadline = Deadline.after(settings.clock(), start, bound);
        Deadline actionsDeadline = Deadline.after(settings.clock(), start,
                bound == null || bound.compareTo(MIN_TIME_FOR_ACTIONS) >= 0 ? bound : MIN_TIME_FOR_ACTIONS);
        DeploymentLookup lookup = new DeploymentLookup(ecs, actionsDeadline);
        Map<TrackedService, Service> now = describeNow(ecs, previous.keySet(), actionsDeadline);
        Map<TrackedService, ServiceDeployment> deployments = serviceDeploymentsNow(lookup, now);
        RollbackPlan plan = RollbackPlan.of(previous, now, deployments);
        Map<TrackedService, RollbackAction> acted = new LinkedHashMap<>();
        plan.actions().forEach((t, action) -> {
            t.rollbackAction(action);
            if (action != RollbackAction.LEFT_ALONE) {
                acted.put(t, action);
            }
        });
        notifier.rollbackStarted(acted.keySet().stream().map(t -> t.id().service()).toList());
        RollbackActions actions = new RollbackActions(settings, ecs, actionsDeadline, lookup);
        List<TrackedService> toWatch = actions.takeAll(acted, previous, deployments);
        RollbackWait wait = new RollbackWait(settings, ecs, deadline, actions.notRestored());
        wait.await(toWatch);
        RollbackReport report = RollbackReport.of(acted.size(), List.copyOf(wait.restored()), actions.notRestored(),
                plan.leftAlone(), actions.paths());
        notifier.rollbackFinished(report);
        RuntimeException error = actions.error() != null ? actions.error() : wait.error();
        return new RollbackOutcome(report, error, actions.refusals());
    }

    /**
     * What DescribeServices says of the services now, 10 a call; a service it cannot say (an error, no time left) is
     * taken as last seen in the rollout.
     */
    private static Map<TrackedService, Service> describeNow(EcsPort ecs, Iterable<TrackedService> services,
            Deadline deadline) {
        Map<TrackedService, Service> now = new LinkedHashMap<>();
        List<TrackedService> all = new ArrayList<>();
        for (TrackedService t : services) {
            if (t.last() != null) {
                now.put(t, t.last());
            }
            all.add(t);
        }
        try {
            ChunkedDescribe.read(ecs, all, TrackedService::id, deadline, new ChunkedDescribe.Reader<TrackedService>() {
                @Override
                public void answered(List<TrackedService> chunk, Map<String, Service> byKey) {
                    chunk.forEach(t -> {
                        Service s = byKey.get(t.id().key());
                        if (s != null) {
                            now.put(t, s);
                        }
                    });
                }

                @Override
                public boolean failed(List<TrackedService> chunk, RuntimeException e) {
                    Logs.ROLLOUT.debug("Could not read services before rolling them back; using the last poll", e);
                    return true;
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return now;
    }

    /**
     * The service deployments the rollout started, as ECS describes them now (20 a call), where they can be found;
     * else as last described in the rollout, if at all.
     */
    private static Map<TrackedService, ServiceDeployment> serviceDeploymentsNow(DeploymentLookup lookup,
            Map<TrackedService, Service> now) {
        Map<TrackedService, ServiceDeployment> known = new LinkedHashMap<>();
        Map<TrackedService, Service> toLookUp = new LinkedHashMap<>();
        now.forEach((t, s) -> {
            if (t.serviceDeployment() != null) {
                known.put(t, t.serviceDeployment());
            }
            if (t.expectedDeploymentId() != null) {
                toLookUp.put(t, s);
            }
        });
        try {
            known.putAll(lookup.describe(toLookUp));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            Logs.ROLLOUT.debug("Could not describe service deployments before rolling back; using the last poll", e);
        }
        return known;
    }
}
