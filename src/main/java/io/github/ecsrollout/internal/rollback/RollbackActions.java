package io.github.ecsrollout.internal.rollback;

import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.io.EcsErrors;
import io.github.ecsrollout.internal.io.EcsPort;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.model.RolloutSettings;
import io.github.ecsrollout.internal.report.RollbackReport;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.time.Deadline;
import io.github.ecsrollout.internal.time.NamedThreads;
import io.github.ecsrollout.internal.time.SystemClock;
import io.github.ecsrollout.internal.verdict.DeploymentRules;
import io.github.ecsrollout.internal.watch.DeploymentLookup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Takes each service's rollback action (stop or continue with ROLLBACK, watch, or UpdateService back) and says which
 * service to watch for its effect. The actions go out in the services' order, each on a thread of its own
 * ({@code ecs-rollout-rollback-N}): the next starts when the one before is answered, or after
 * {@link #NEXT_WITHOUT_ANSWER_NANOS} without an answer, so that a call ECS never answers holds back no other
 * service's rollback. On a virtual clock they go out one after the other on the calling thread.
 */
final class RollbackActions {

    /** How long an action may go unanswered before the next one goes out beside it: real time, about a socket. */
    static final long NEXT_WITHOUT_ANSWER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final RolloutSettings settings;
    private final EcsPort ecs;
    /** Ends the rollback's calls: its bound, but at least {@link Rollback#MIN_TIME_FOR_ACTIONS}. */
    private final Deadline deadline;
    private final DeploymentLookup lookup;
    // Written by the actions, which run concurrently: synchronized, and put back in the services' order after them.
    private final Map<String, String> notRestored = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, RollbackReport.Step> paths = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<RuntimeException> refusals = Collections.synchronizedList(new ArrayList<>());
    private RuntimeException error;

    RollbackActions(RolloutSettings settings, EcsPort ecs, Deadline deadline, DeploymentLookup lookup) {
        this.settings = settings;
        this.ecs = ecs;
        this.deadline = deadline;
        this.lookup = lookup;
    }

    /** The services not confirmed back so far, with why; the wait adds to it. */
    Map<String, String> notRestored() {
        return notRestored;
    }

    /** What was done for each service, in the services' order once {@link #takeAll} returned. */
    Map<String, RollbackReport.Step> paths() {
        return paths;
    }

    List<RuntimeException> refusals() {
        return List.copyOf(refusals);
    }

    synchronized RuntimeException error() {
        return error;
    }

    /**
     * Takes every service's action.
     *
     * @return the services to watch for the actions' effect, in the services' order
     */
    List<TrackedService> takeAll(Map<TrackedService, RollbackAction> actions, Map<TrackedService, String> previous,
            Map<TrackedService, ServiceDeployment> deployments) {
        List<TrackedService> order = new ArrayList<>(actions.keySet());
        TrackedService[] watched = new TrackedService[order.size()];
        if (order.size() <= 1 || !SystemClock.isSystem(settings.clock())) {
            for (int i = 0; i < order.size(); i++) {
                TrackedService t = order.get(i);
                watched[i] = act(t, actions.get(t), previous.get(t), deployments.get(t));
            }
        } else {
            takeOnThreads(order, actions, previous, deployments, watched);
        }
        inOrder(paths, order);
        inOrder(notRestored, order);
        List<TrackedService> toWatch = new ArrayList<>();
        for (TrackedService w : watched) {
            if (w != null) {
                toWatch.add(w);
            }
        }
        return toWatch;
    }

    private void takeOnThreads(List<TrackedService> order, Map<TrackedService, RollbackAction> actions,
            Map<TrackedService, String> previous, Map<TrackedService, ServiceDeployment> deployments,
            TrackedService[] watched) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(order.size(), settings.maxConcurrency()),
                NamedThreads.factory("rollback", t -> { }));
        List<Future<TrackedService>> taken = new ArrayList<>();
        boolean interrupted = false;
        for (TrackedService t : order) {
            Future<TrackedService> f = pool.submit(() -> act(t, actions.get(t), previous.get(t), deployments.get(t)));
            taken.add(f);
            if (interrupted) {
                continue;
            }
            try {
                f.get(NEXT_WITHOUT_ANSWER_NANOS, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException slowOrFailed) {
                // Slow: the next goes out beside it. Failed: told below, in the services' order.
            } catch (InterruptedException e) {
                // Every action still goes out; the interrupt is kept for the wait on their answers.
                interrupted = true;
            }
        }
        pool.shutdown();
        if (interrupted) {
            Thread.currentThread().interrupt();
            interrupted = false;
        }
        for (int i = 0; i < order.size(); i++) {
            try {
                watched[i] = interrupted ? null : taken.get(i).get();
            } catch (InterruptedException e) {
                interrupted = true;
                pool.shutdownNow();
                noteError(new IllegalStateException("interrupted while rolling back"));
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException
                        ? (RuntimeException) e.getCause() : new IllegalStateException(e.getCause());
                notRestored.put(order.get(i).id().service(), "the rollback failed: " + cause);
                noteError(cause);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Takes the chosen action for one service; returns the service that watches its effect, or {@code null} when
     * there is nothing to watch (the restore failed).
     */
    private TrackedService act(TrackedService changed, RollbackAction action, String taskDefinition,
            ServiceDeployment sd) {
        String service = changed.id().service();
        if (action == RollbackAction.RESTORED_BY_UPDATE) {
            return restore(changed, taskDefinition, whyUpdate(changed, sd));
        }
        if (action == RollbackAction.WATCHED_ECS_ROLLBACK) {
            // The rollout's own service deployment is watched only while it is what rolls back: one that ended
            // (SUCCESSFUL before a restore already sent, say) says nothing of the deployment that put the service back.
            ServiceDeployment rollingBack = DeploymentRules.isRollback(sd) ? sd : null;
            paths.put(service, rollingBack != null
                    ? new RollbackReport.Step("watched ECS's own rollback", state(sd), id(sd), null, taskDefinition,
                            false)
                    : new RollbackReport.Step("watched (ECS had rolled it back)", null, null, null,
                            taskDefinition, true));
            return TrackedService.restoration(changed.id(), taskDefinition,
                    rollingBack == null ? null : rollingBack.serviceDeploymentArn());
        }
        String verb = action == RollbackAction.STOPPED_WITH_ROLLBACK ? "stop" : "continue";
        try {
            switch (action) {
                case STOPPED_WITH_ROLLBACK:
                    ecs.stopWithRollback(sd.serviceDeploymentArn(), deadline);
                    paths.put(service, new RollbackReport.Step("StopServiceDeployment(ROLLBACK)", state(sd), id(sd),
                            null, taskDefinition, false));
                    return TrackedService.restoration(changed.id(), taskDefinition, sd.serviceDeploymentArn());
                case CONTINUED_WITH_ROLLBACK:
                    DeploymentLifecycleHookDetail hook = DeploymentRules.pausedHook(sd).orElseThrow();
                    ecs.continueWithRollback(sd.serviceDeploymentArn(), hook.hookId(), deadline);
                    paths.put(service, new RollbackReport.Step("ContinueServiceDeployment(ROLLBACK)", state(sd),
                            id(sd), hook.hookId(), taskDefinition, false));
                    return TrackedService.restoration(changed.id(), taskDefinition, sd.serviceDeploymentArn());
                default:
                    throw new IllegalArgumentException("not an action on a service deployment: " + action);
            }
        } catch (RuntimeException refused) {
            EcsErrors.Kind kind = EcsErrors.kind(refused, deadline);
            if (kind == EcsErrors.Kind.CUT_SHORT || kind == EcsErrors.Kind.INTERRUPTED) {
                // No answer: ECS may have taken it, and then a restore would start a second deployment behind it.
                if (kind == EcsErrors.Kind.INTERRUPTED) {
                    Thread.currentThread().interrupt();
                }
                notRestored.put(service, "the " + verb + " was cut short; ECS may or may not have taken it");
                noteError(refused);
                return null;
            }
            // AccessDenied, a deployment that ended meanwhile, an ECS without the API: restore the old way.
            refusals.add(refused);
            changed.rollbackAction(RollbackAction.RESTORED_BY_UPDATE);
            return restore(changed, taskDefinition, "ECS refused to " + verb + " it ("
                    + refused.getClass().getSimpleName() + ": " + refused.getMessage() + ")");
        }
    }

    /** UpdateService back to the previous task definition; {@code null} when ECS did not take it. */
    private TrackedService restore(TrackedService changed, String taskDefinition, String why) {
        String service = changed.id().service();
        paths.put(service, new RollbackReport.Step("UpdateService back", why, null, null, taskDefinition, true));
        TrackedService watch = new TrackedService(changed.id());
        try {
            watch.updateSent(settings.clock().instant(), taskDefinition);
            UpdateServiceResponse answer = ecs.updateService(UpdateServiceRequest.builder()
                    .cluster(changed.id().cluster()).service(service).taskDefinition(taskDefinition).build(),
                    deadline);
            watch.updateAccepted(answer == null ? null : answer.service());
            return watch;
        } catch (RuntimeException ex) {
            notRestored.put(service, EcsErrors.cutShort(ex, deadline)
                    ? "restore cut short by the time left; ECS may or may not have applied it"
                    : "restore rejected: " + ex.getMessage());
            noteError(ex);
            return null;
        }
    }

    private String whyUpdate(TrackedService t, ServiceDeployment sd) {
        if (sd != null) {
            return "its service deployment is " + sd.statusAsString();
        }
        if (lookup.whyUnavailable() != null) {
            return "no service deployment known: " + lookup.whyUnavailable();
        }
        if (t.trail().whyNone() != null) {
            return "no service deployment known: " + t.trail().whyNone();
        }
        if (t.expectedDeploymentId() == null) {
            return "no service deployment known: ECS's answer to the update was lost";
        }
        return t.verdict() == Verdict.STABLE ? "its deployment had ended stable; no service deployment known"
                : "no service deployment known";
    }

    private synchronized void noteError(RuntimeException e) {
        error = error == null ? e : error;
    }

    /** Puts a map keyed by service back in the services' order (concurrent actions fill it in any order). */
    private static <V> void inOrder(Map<String, V> byService, List<TrackedService> order) {
        synchronized (byService) {
            Map<String, V> sorted = new LinkedHashMap<>();
            order.forEach(t -> {
                if (byService.containsKey(t.id().service())) {
                    sorted.put(t.id().service(), byService.get(t.id().service()));
                }
            });
            byService.forEach(sorted::putIfAbsent);
            byService.clear();
            byService.putAll(sorted);
        }
    }

    /** The id of a service deployment: its ARN's last segment. */
    private static String id(ServiceDeployment sd) {
        String arn = sd.serviceDeploymentArn();
        return arn == null ? "?" : EcsIds.lastSegment(arn);
    }

    /** {@code service deployment IN_PROGRESS at POST_PRODUCTION_TRAFFIC_SHIFT}: the state an action found. */
    private static String state(ServiceDeployment sd) {
        return "service deployment " + sd.statusAsString()
                + Optional.ofNullable(sd.lifecycleStageAsString()).map(s -> " at " + s).orElse("");
    }
}
