package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookAction;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Puts the services a failed rollout changed back as they were, with the action that fits each one's deployment
 * ({@link Verdicts#rollbackAction}), and waits until each is confirmed back:
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
 * until it is confirmed back, fails, or the time is up, whatever happens to the others; the outcome names each
 * service not confirmed back and why.
 */
final class Rollback {

    /**
     * How long the rollback's calls (the reads that choose the actions, and the actions) may take at least, even
     * when the rollout's time is already up: a rollback that is never sent is worse than one sent a moment late. Only
     * the calls get it; the wait for their effect ends with the rollback's bound.
     */
    static final Duration MIN_TIME_FOR_ACTIONS = Duration.ofSeconds(2);

    private static final String STILL_ROLLING_BACK = "still rolling back when the time ran out; ECS goes on with it";

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

    private final RolloutSettings settings;
    private final EcsClient ecs;
    private final CallPacer pacer;
    private final CallPacer deploymentsPacer;
    /** Ends the wait for the rollback's effect: the rollback's bound. */
    private final Deadline deadline;
    /** Ends the rollback's calls: the bound, but at least {@link #MIN_TIME_FOR_ACTIONS}. */
    private final Deadline actionsDeadline;
    /** Finds and describes the service deployments the rollout started, as they are now. */
    private final ServiceDeployments lookup;
    private final List<String> restored = new ArrayList<>();
    // Written by the actions, which run concurrently: synchronized, and put back in the services' order after them.
    private final Map<String, String> notRestored = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, String> leftAlone = new LinkedHashMap<>();
    private final Map<String, String> paths = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<RuntimeException> refusals = Collections.synchronizedList(new ArrayList<>());
    private RuntimeException error;

    private Rollback(RolloutSettings settings, CallPacer pacer, CallPacer deploymentsPacer, Duration bound) {
        this.settings = settings;
        this.ecs = settings.ecs();
        this.pacer = pacer;
        this.deploymentsPacer = deploymentsPacer;
        long start = System.nanoTime();
        this.deadline = Deadline.after(start, bound, ecs);
        this.actionsDeadline = Deadline.after(start, bound == null || bound.compareTo(MIN_TIME_FOR_ACTIONS) >= 0
                ? bound : MIN_TIME_FOR_ACTIONS, ecs);
        this.lookup = new ServiceDeployments(ecs, deploymentsPacer, actionsDeadline, 0);
    }

    /**
     * Rolls back the given services.
     *
     * @param previous each changed service's task definition before the rollout, by target
     * @param bound how long the rollback (its calls and its wait) may take, or {@code null} for maxAttempts alone;
     *     its calls get at least {@link #MIN_TIME_FOR_ACTIONS}
     */
    static Outcome run(RolloutSettings settings, CallPacer pacer, CallPacer deploymentsPacer, Notifier notifier,
            Map<Target, String> previous, Duration bound) {
        return new Rollback(settings, pacer, deploymentsPacer, bound).rollBack(notifier, previous);
    }

    private Outcome rollBack(Notifier notifier, Map<Target, String> previous) {
        Map<Target, Service> now = describeNow(previous.keySet());
        Map<Target, ServiceDeployment> deployments = serviceDeploymentsNow(now);
        Map<Target, RollbackAction> actions = new LinkedHashMap<>();
        previous.forEach((t, taskDefinition) -> {
            RollbackAction action = Verdicts.rollbackAction(t.verdict(), now.get(t), deployments.get(t),
                    t.expectedDeploymentId(), taskDefinition);
            t.rollbackAction(action);
            if (action == RollbackAction.LEFT_ALONE) {
                leftAlone.put(t.service, "superseded by another deployment"
                        + Optional.ofNullable(now.get(t)).flatMap(s -> Verdicts.primary(s.deployments()))
                                .map(d -> " (now " + d.taskDefinition() + ")").orElse("")
                        + ", not ours to undo");
            } else {
                actions.put(t, action);
            }
        });
        notifier.rollbackStarted(actions.keySet().stream().map(t -> t.service).toList());
        List<Target> toWatch = actAll(actions, previous, deployments);
        await(toWatch);
        notifier.rollbackFinished(List.copyOf(restored), List.copyOf(notRestored.keySet()));
        return new Outcome(List.copyOf(restored), notRestored, leftAlone, paths, error, List.copyOf(refusals));
    }

    /**
     * Takes the chosen action for one service; returns the target that watches its effect, or {@code null} when
     * there is nothing to watch (the restore failed).
     */
    private Target act(Target changed, RollbackAction action, String taskDefinition, ServiceDeployment sd) {
        Target watch = new Target(changed.cluster, changed.service);
        if (action == RollbackAction.RESTORED_BY_UPDATE) {
            return restore(changed, watch, taskDefinition, whyUpdate(changed, sd));
        }
        if (action == RollbackAction.WATCHED_ECS_ROLLBACK) {
            paths.put(changed.service, sd != null ? "ECS was already rolling back " + describe(sd) + "; watched"
                    : "already back on " + taskDefinition + " (ECS rolled it back); watched");
            watch.watchRollback(taskDefinition, sd == null ? null : sd.serviceDeploymentArn());
            return watch;
        }
        String verb = action == RollbackAction.STOPPED_WITH_ROLLBACK ? "stop" : "continue";
        try {
            switch (action) {
                case STOPPED_WITH_ROLLBACK:
                    ecs.stopServiceDeployment(actionsDeadline.bound(StopServiceDeploymentRequest.builder()
                            .serviceDeploymentArn(sd.serviceDeploymentArn())
                            .stopType(StopServiceDeploymentStopType.ROLLBACK)).build());
                    paths.put(changed.service, "StopServiceDeployment(ROLLBACK) of " + describe(sd));
                    watch.watchRollback(taskDefinition, sd.serviceDeploymentArn());
                    return watch;
                case CONTINUED_WITH_ROLLBACK:
                    DeploymentLifecycleHookDetail hook = Verdicts.pausedHook(sd).orElseThrow();
                    ecs.continueServiceDeployment(actionsDeadline.bound(ContinueServiceDeploymentRequest.builder()
                            .serviceDeploymentArn(sd.serviceDeploymentArn()).hookId(hook.hookId())
                            .action(DeploymentLifecycleHookAction.ROLLBACK)).build());
                    paths.put(changed.service, "ContinueServiceDeployment(ROLLBACK) at hook " + hook.hookId()
                            + " of " + describe(sd));
                    watch.watchRollback(taskDefinition, sd.serviceDeploymentArn());
                    return watch;
                default:
                    throw new IllegalArgumentException("not an action on a service deployment: " + action);
            }
        } catch (RuntimeException refused) {
            if (actionsDeadline.cutShort(refused) || Causes.isInterruption(refused)) {
                // No answer: ECS may have taken it, and then a restore would start a second deployment behind it.
                if (Causes.isInterruption(refused)) {
                    Thread.currentThread().interrupt();
                }
                notRestored.put(changed.service, "the " + verb + " was cut short; ECS may or may not have taken it");
                noteError(refused);
                return null;
            }
            // AccessDenied, a deployment that ended meanwhile, an ECS without the API: restore the old way.
            refusals.add(refused);
            changed.rollbackAction(RollbackAction.RESTORED_BY_UPDATE);
            return restore(changed, watch, taskDefinition, "ECS refused to " + verb + " it ("
                    + refused.getClass().getSimpleName() + ": " + refused.getMessage() + ")");
        }
    }

    /** UpdateService back to the previous task definition; {@code null} when ECS did not take it. */
    private Target restore(Target changed, Target watch, String taskDefinition, String why) {
        paths.put(changed.service, "UpdateService back to " + taskDefinition + " (" + why + ")");
        try {
            watch.updateSent(Instant.now(), taskDefinition);
            UpdateServiceResponse answer = ecs.updateService(actionsDeadline.bound(UpdateServiceRequest.builder()
                    .cluster(changed.cluster).service(changed.service).taskDefinition(taskDefinition).build()));
            watch.updateAccepted(answer == null ? null : answer.service());
            return watch;
        } catch (RuntimeException ex) {
            notRestored.put(changed.service, actionsDeadline.cutShort(ex)
                    ? "restore cut short by the time left; ECS may or may not have applied it"
                    : "restore rejected: " + ex.getMessage());
            noteError(ex);
            return null;
        }
    }

    /**
     * Takes every service's action at once, on up to maxConcurrency threads, so that a call ECS never answers holds
     * back no other service's rollback: each call is bounded by the same deadline.
     *
     * @return the services to watch, in the services' order
     */
    private List<Target> actAll(Map<Target, RollbackAction> actions, Map<Target, String> previous,
            Map<Target, ServiceDeployment> deployments) {
        List<Target> order = new ArrayList<>(actions.keySet());
        Target[] watched = new Target[order.size()];
        if (order.size() <= 1) {
            for (int i = 0; i < order.size(); i++) {
                Target t = order.get(i);
                watched[i] = act(t, actions.get(t), previous.get(t), deployments.get(t));
            }
        } else {
            AtomicInteger n = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(order.size(), settings.maxConcurrency()),
                    r -> {
                        Thread thread = new Thread(r, "ecs-rollout-rollback-" + n.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
            List<Future<Target>> taken = new ArrayList<>();
            for (Target t : order) {
                taken.add(pool.submit(() -> act(t, actions.get(t), previous.get(t), deployments.get(t))));
            }
            pool.shutdown();
            boolean interrupted = false;
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
                    notRestored.put(order.get(i).service, "the rollback failed: " + cause);
                    noteError(cause);
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        inOrder(paths, order);
        inOrder(notRestored, order);
        List<Target> toWatch = new ArrayList<>();
        for (Target w : watched) {
            if (w != null) {
                toWatch.add(w);
            }
        }
        return toWatch;
    }

    /** Puts a map keyed by service back in the services' order (concurrent actions fill it in any order). */
    private static void inOrder(Map<String, String> byService, List<Target> order) {
        synchronized (byService) {
            Map<String, String> sorted = new LinkedHashMap<>();
            order.forEach(t -> {
                if (byService.containsKey(t.service)) {
                    sorted.put(t.service, byService.get(t.service));
                }
            });
            byService.forEach(sorted::putIfAbsent);
            byService.clear();
            byService.putAll(sorted);
        }
    }

    private synchronized void noteError(RuntimeException e) {
        error = error == null ? e : error;
    }

    /**
     * Waits for each watched service until it is confirmed back, fails, or the time is up. One that fails does not
     * end the wait for the others: the wait goes on for those still rolling back.
     */
    private void await(List<Target> toWatch) {
        List<Target> pending = toWatch;
        if (deadline.hasPassed()) {
            // The actions took what was left (or were sent after the time was up): nothing can be confirmed.
            pending.forEach(t -> notRestored.put(t.service, STILL_ROLLING_BACK));
            return;
        }
        while (!pending.isEmpty()) {
            RolloutRun wait = new RolloutRun(settings.forRollbackWait(deadline.isSet()
                    ? Duration.ofNanos(Math.max(deadline.remainingNanos(), TimeUnit.MILLISECONDS.toNanos(1)))
                    : null), pacer, deploymentsPacer, "Rollback");
            try {
                wait.awaitTargets(pending);
                pending.forEach(t -> restored.add(t.service));
                pending = List.of();
            } catch (RolloutRun.Failed ex) {
                List<Target> stillRollingBack = new ArrayList<>();
                for (Target t : pending) {
                    if (t.verdict() == Verdict.STABLE) {
                        restored.add(t.service);
                    } else if (t.verdict().isTerminal()) {
                        notRestored.put(t.service, "rollback not confirmed: " + t.verdict());
                    } else {
                        stillRollingBack.add(t);
                    }
                }
                boolean waitOver = ex.reason == Reason.TIMED_OUT || ex.reason == Reason.INTERRUPTED
                        || ex.reason == Reason.API_ERROR || stillRollingBack.size() == pending.size();
                if (waitOver) {
                    stillRollingBack.forEach(t -> notRestored.put(t.service, ex.reason == Reason.TIMED_OUT
                            ? STILL_ROLLING_BACK
                            : "not confirmed back: the wait ended " + ex.reason + "; ECS goes on with it"));
                    stillRollingBack.clear();
                }
                if (error == null) {
                    List<String> unstable = wait.unstable();
                    error = new RolloutNotStableException(ex.reason, Messages.failure(ex.reason, "rollback: "
                            + ex.headline, wait.states(), unstable, List.of(), wait.maxPolls(), wait.elapsed(), null),
                            ex.getCause(), unstable, List.of(), List.of(), wait.states());
                }
                pending = stillRollingBack;
            } finally {
                wait.finish();
            }
        }
    }

    /**
     * What DescribeServices says of the services now, 10 a call; a service it cannot say (an error, no time left) is
     * taken as last seen in the rollout.
     */
    private Map<Target, Service> describeNow(Iterable<Target> targets) {
        Map<Target, Service> now = new HashMap<>();
        Map<String, List<Target>> byCluster = new LinkedHashMap<>();
        for (Target t : targets) {
            if (t.last() != null) {
                now.put(t, t.last());
            }
            byCluster.computeIfAbsent(t.clusterKey, k -> new ArrayList<>()).add(t);
        }
        for (List<Target> cluster : byCluster.values()) {
            for (List<Target> chunk : ChunkWatcher.chunks(cluster)) {
                try {
                    if (!pacer.acquire(actionsDeadline.remainingNanos())) {
                        return now;
                    }
                    DescribeServicesResponse answer = ecs.describeServices(actionsDeadline.bound(
                            DescribeServicesRequest.builder().cluster(chunk.get(0).cluster)
                                    .services(chunk.stream().map(t -> t.service).toList())).build());
                    for (Service s : answer == null ? List.<Service>of() : answer.services()) {
                        chunk.stream().filter(t -> t.key.equals(Target.keyOf(s))).findFirst()
                                .ifPresent(t -> now.put(t, s));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return now;
                } catch (RuntimeException e) {
                    Notifier.log().debug("Could not read services before rolling them back; using the last poll", e);
                }
            }
        }
        return now;
    }

    /**
     * The service deployments the rollout started, as ECS describes them now (20 a call), where they can be found;
     * else as last described in the rollout, if at all.
     */
    private Map<Target, ServiceDeployment> serviceDeploymentsNow(Map<Target, Service> now) {
        Map<Target, ServiceDeployment> known = new HashMap<>();
        Map<Target, Service> toLookUp = new LinkedHashMap<>();
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
            Notifier.log().debug("Could not describe service deployments before rolling back; using the last poll", e);
        }
        return known;
    }

    private String whyUpdate(Target t, ServiceDeployment sd) {
        if (sd != null) {
            return "its service deployment is " + sd.statusAsString();
        }
        if (lookup.whyUnavailable() != null) {
            return "no service deployment known: " + lookup.whyUnavailable();
        }
        if (t.whyNoServiceDeployment() != null) {
            return "no service deployment known: " + t.whyNoServiceDeployment();
        }
        if (t.expectedDeploymentId() == null) {
            return "no service deployment known: ECS's answer to the update was lost";
        }
        return t.verdict() == Verdict.STABLE ? "its deployment had ended stable; no service deployment known"
                : "no service deployment known";
    }

    private static String describe(ServiceDeployment sd) {
        String arn = sd.serviceDeploymentArn();
        return "service deployment " + (arn == null ? "?" : arn.substring(arn.lastIndexOf('/') + 1)) + " ("
                + sd.statusAsString() + Optional.ofNullable(sd.lifecycleStageAsString()).map(s -> " at " + s)
                        .orElse("") + ")";
    }
}
