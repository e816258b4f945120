package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * One call of {@code rollOut} or {@code awaitStable}, or a rollback's wait: its services, its deadline, the updates it
 * sends, and the wait ({@link ChunkWatcher}). It ends with a result or a {@link Failed} that says why; what a failure
 * then leads to (diagnostics, a rollback, the exception) is decided a level up ({@link Conclusion}). Used once.
 */
final class RolloutRun {

    /** What DescribeServices takes at most. */
    static final int CHUNK_SIZE = ChunkWatcher.CHUNK_SIZE;

    /** How a run failed, before any diagnosis or rollback: control flow to the level above. */
    static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Reason reason;
        final String headline;
        /** The services to name as not stable, or {@code null} for every service not judged STABLE. */
        final transient List<String> unstable;

        Failed(Reason reason, String headline, Throwable cause, List<String> unstable) {
            super(headline, cause, false, false);
            this.reason = reason;
            this.headline = headline;
            this.unstable = unstable;
        }
    }

    private final RolloutSettings settings;
    private final CallPacer pacer;
    private final CallPacer updatePacer;
    private final EcsClient ecs;
    private final Notifier notifier;
    private final DescribeBatcher batcher;
    private final ServiceDeployments deployments;
    private final Judge judge;
    private final long startNanos = System.nanoTime();
    private final Instant startInstant = Instant.now();
    private final Deadline deadline;
    private final List<Target> targets = new ArrayList<>();
    private final List<Target> updated = new ArrayList<>();
    /** Services whose update was sent but whose answer was lost: ECS may have applied it. */
    private final List<Target> possiblyUpdated = new ArrayList<>();
    private int attempts;
    /** When the rollout started: this run's start, or the start a checkpoint carries. */
    private Instant rolloutStartedAt = startInstant;
    private ChunkWatcher watcher;

    /**
     * @param deploymentsPacer paces the service-deployment calls, or {@code null} to judge from DescribeServices alone
     * @param label names the run in the log: {@code Rollout}, or {@code Rollback}
     */
    RolloutRun(RolloutSettings settings, CallPacer pacer, CallPacer deploymentsPacer, String label) {
        this(settings, pacer, deploymentsPacer, CallPacer.UNLIMITED, label);
    }

    /** @param updatePacer paces the UpdateService calls of {@link #rollOut} */
    RolloutRun(RolloutSettings settings, CallPacer pacer, CallPacer deploymentsPacer, CallPacer updatePacer,
            String label) {
        this.settings = settings;
        this.pacer = pacer;
        this.updatePacer = updatePacer;
        this.ecs = settings.ecs();
        this.notifier = new Notifier(settings.listener(), label, settings.delay());
        this.deadline = Deadline.after(startNanos, settings.forwardTimeout(), ecs);
        long window = DescribeBatcher.windowFor(settings.delay());
        this.batcher = new DescribeBatcher(ecs, pacer, window, deadline);
        this.deployments = deploymentsPacer == null ? null
                : new ServiceDeployments(ecs, deploymentsPacer, deadline, window);
        this.judge = new Judge(notifier, startInstant, deployments, settings.succeedAtStage());
        this.attempts = settings.attempts();
    }

    RolloutResult rollOut(List<UpdateServiceRequest> requests) {
        sendUpdates(requests, true);
        growBoundIfUnset(requests);
        return await();
    }

    /** Sends the updates as {@link #rollOut} does, and returns the rollout written down instead of waiting. */
    RolloutCheckpoint start(List<UpdateServiceRequest> requests) {
        // This call's timeout bounds only the updates: the deployments are waited for by later calls.
        sendUpdates(requests, false);
        return checkpoint();
    }

    /**
     * Takes up a rollout where a checkpoint left it: its services, the deployments it started, what was confirmed and
     * told. Call once, before {@link #check()} or {@link #resume()}.
     */
    void restore(RolloutCheckpoint checkpoint) {
        rolloutStartedAt = Instant.parse(checkpoint.startedAt());
        for (String line : checkpoint.services()) {
            CheckpointEntry entry = CheckpointEntry.parse(line, rolloutStartedAt,
                    checkpoint.serviceDeploymentArnPrefix());
            Target t = Target.restore(entry);
            targets.add(t);
            (entry.possiblyUpdated() ? possiblyUpdated : updated).add(t);
        }
    }

    /** Waits like {@link #rollOut} from where the restored checkpoint left off. */
    RolloutResult resume() {
        Notifier.log().info("Resuming the rollout of {} service(s) started at {}: {}", targets.size(),
                rolloutStartedAt, names(targets));
        return await();
    }

    /**
     * One round of observation of a restored rollout, without sleeping: one DescribeServices per 10 services not yet
     * confirmed (and their service deployments where they decide).
     *
     * @throws Failed on a terminal verdict, as {@link #rollOut} would
     */
    RolloutProgress check() {
        watcher = new ChunkWatcher(settings, 1, deadline, batcher, deployments, judge);
        notifier.watching(targets);
        List<Target> open = targets.stream().filter(t -> t.verdict() != Verdict.STABLE).toList();
        ChunkWatcher.ChunkOutcome failure = open.isEmpty() ? null : watcher.round(open);
        if (failure != null) {
            throw new Failed(failure.reason, failure.headline, failure.cause, null);
        }
        RolloutResult result = null;
        if (targets.stream().allMatch(t -> t.verdict() == Verdict.STABLE)) {
            result = new RolloutResult(states(), maxPolls(), elapsed());
            notifier.succeeded(result);
        }
        return new RolloutProgress(result, checkpoint(), states());
    }

    /**
     * The rollout written down: the services it updated (or may have), with everything learned about them so far;
     * {@code null} when it updated none.
     */
    RolloutCheckpoint checkpoint() {
        Set<Target> changed = new HashSet<>(updated);
        changed.addAll(possiblyUpdated);
        List<CheckpointEntry> entries = targets.stream().filter(changed::contains).map(Target::toEntry).toList();
        if (entries.isEmpty()) {
            return null;
        }
        String prefix = entries.stream().map(e -> CheckpointEntry.prefixOf(e.serviceDeploymentArn()))
                .filter(p -> p != null).findFirst().orElse(null);
        List<String> lines = entries.stream().map(e -> e.format(rolloutStartedAt, prefix)).toList();
        return new RolloutCheckpoint(RolloutCheckpoint.CURRENT_VERSION, rolloutStartedAt.toString(),
                settings.succeedAtStage() == null ? null : settings.succeedAtStage().toString(),
                settings.rollbackOnFailure(), prefix, lines);
    }

    /** @param waits whether this call waits for the deployments too, so that its bound must leave room for them */
    private void sendUpdates(List<UpdateServiceRequest> requests, boolean waits) {
        Map<String, Target> byKey = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            UpdateServiceRequest r = requests.get(i);
            Target t = new Target(r.cluster() == null ? "default" : r.cluster(), r.service());
            Target clash = byKey.putIfAbsent(t.clusterKey + "/" + t.key, t);
            if (clash != null) {
                throw new IllegalArgumentException("requests[" + i + "] names service " + t.service + " in cluster "
                        + t.cluster + " again (already as " + clash.service + "); roll out each service once");
            }
            targets.add(t);
        }
        notifier.started(targets, true);
        Map<Target, Service> before = needsServicesBeforeUpdating(requests, waits) ? readServices() : Map.of();
        checkBounds(requests, before, waits);
        for (int i = 0; i < requests.size(); i++) {
            Target t = targets.get(i);
            if (Thread.currentThread().isInterrupted()) {
                throw new Failed(Reason.INTERRUPTED, "interrupted before updating " + t.service, null, null);
            }
            if (deadline.hasPassed()) {
                throw new Failed(Reason.TIMED_OUT, "the timeout of " + settings.timeout() + " passed after " + i
                        + " of " + targets.size() + " updates; not updated: "
                        + names(targets.subList(i, targets.size())), null, null);
            }
            paceUpdate(i);
            UpdateServiceResponse answer;
            try {
                t.updateSent(Instant.now(), requests.get(i).taskDefinition());
                answer = ecs.updateService(deadline.bound(requests.get(i)));
            } catch (RuntimeException e) {
                if (Causes.find(e, AwsServiceException.class) == null) {
                    // No answer from ECS: the request may have reached it and been applied all the same.
                    possiblyUpdated.add(t);
                    t.updateAnswerLost();
                }
                if (deadline.cutShort(e)) {
                    Thread.interrupted();
                    throw new Failed(Reason.TIMED_OUT, "the timeout of " + settings.timeout()
                            + " passed while updating " + t.service + " (ECS may or may not have applied that update)"
                            + "; not updated: " + names(targets.subList(i + 1, targets.size())), e, null);
                }
                if (Causes.isInterruption(e)) {
                    Thread.currentThread().interrupt();
                    throw new Failed(Reason.INTERRUPTED, "interrupted while updating " + t.service
                            + " (ECS may or may not have applied that update); not updated: "
                            + names(targets.subList(i + 1, targets.size())), e, null);
                }
                throw updateRejected(t, e);
            }
            t.updateAccepted(answer == null ? null : answer.service());
            updated.add(t);
            notifier.updateAccepted(t);
        }
    }

    /** Waits for the turn of update {@code i}, at most until the deadline. */
    private void paceUpdate(int i) {
        boolean turn;
        try {
            turn = updatePacer.acquire(deadline.remainingNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed(Reason.INTERRUPTED, "interrupted before updating " + targets.get(i).service, e, null);
        }
        if (!turn) {
            throw new Failed(Reason.TIMED_OUT, "the timeout of " + settings.timeout() + " passed while pacing the "
                    + "UpdateService calls (maxUpdateServicePerSecond) after " + i + " of " + targets.size()
                    + " updates; not updated: " + names(targets.subList(i, targets.size())), null, null);
        }
    }

    RolloutResult awaitStable(String cluster, List<String> services) {
        Map<String, Target> byKey = new LinkedHashMap<>();
        for (String s : services) {
            Target t = new Target(cluster, s);
            byKey.putIfAbsent(t.key, t);
        }
        targets.addAll(byKey.values());
        notifier.started(targets, false);
        return await();
    }

    /** Ends the run's listener calls once it has returned or thrown: see {@link Notifier#finish}. */
    void finish() {
        notifier.finish(deadline, settings.delay());
    }

    /** Waits for targets whose expected deployments are already known (a rollback's restores). */
    RolloutResult awaitTargets(List<Target> restored) {
        targets.addAll(restored);
        return await();
    }

    /**
     * Whether the services must be read before any update: for the task definitions a rollback puts back, or for the
     * deployment configurations that {@code succeedAtStage} and a set bound are checked against (unless every
     * request names its strategy itself).
     */
    private boolean needsServicesBeforeUpdating(List<UpdateServiceRequest> requests, boolean waits) {
        if (settings.rollbackOnFailure()) {
            return true;
        }
        boolean checks = settings.succeedAtStage() != null || (waits && settings.isBounded());
        return checks && requests.stream().anyMatch(r -> r.deploymentConfiguration() == null
                || r.deploymentConfiguration().strategy() == null);
    }

    /**
     * Reads every service before anything changes, 10 services per DescribeServices call: its PRIMARY task definition
     * (kept for a rollback) and its deployment configuration. A service that is missing, or an error, fails the
     * rollout before any update.
     */
    private Map<Target, Service> readServices() {
        Map<Target, Service> read = new HashMap<>();
        for (List<Target> chunk : ChunkWatcher.chunks(targets)) {
            DescribeServicesResponse answer;
            try {
                if (!pacer.acquire(deadline.remainingNanos())) {
                    throw new Failed(Reason.TIMED_OUT, "the timeout of " + settings.timeout() + " passed while pacing "
                            + "the DescribeServices calls that read the services before updating them; nothing was "
                            + "updated", null, null);
                }
                answer = ecs.describeServices(deadline.bound(DescribeServicesRequest.builder()
                        .cluster(chunk.get(0).cluster).services(chunk.stream().map(t -> t.service).toList())).build());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failed(Reason.INTERRUPTED, "interrupted while reading the services before updating them", e,
                        null);
            } catch (Failed e) {
                throw e;
            } catch (RuntimeException e) {
                if (deadline.cutShort(e)) {
                    Thread.interrupted();
                    throw new Failed(Reason.TIMED_OUT, "the timeout of " + settings.timeout() + " passed while "
                            + "reading the services before updating them; nothing was updated", e, null);
                }
                if (Causes.isInterruption(e)) {
                    Thread.currentThread().interrupt();
                    throw new Failed(Reason.INTERRUPTED, "interrupted while reading the services before updating them",
                            e, null);
                }
                throw new Failed(Reason.API_ERROR, "could not read the services before updating them: "
                        + e.getMessage(), e, null);
            }
            Map<String, Service> byKey = new HashMap<>();
            if (answer != null) {
                answer.services().forEach(s -> byKey.put(Target.keyOf(s), s));
            }
            for (Target t : chunk) {
                Service s = byKey.get(t.key);
                if (s == null) {
                    t.observeMissing();
                    throw new Failed(Reason.SERVICE_MISSING, "service " + t.service + " is MISSING; nothing was updated",
                            null, null);
                }
                read.put(t, s);
                if (settings.rollbackOnFailure()) {
                    t.previousTaskDefinition(Verdicts.primary(s.deployments()).map(d -> d.taskDefinition())
                            .orElse(s.taskDefinition()));
                }
            }
        }
        return read;
    }

    /**
     * Before any update: {@code succeedAtStage} must be a stage every service's strategy has, and a set timeout or
     * maxAttempts must leave room for each service's shortest possible deployment.
     */
    private void checkBounds(List<UpdateServiceRequest> requests, Map<Target, Service> before, boolean waits) {
        if (settings.succeedAtStage() == null && !(waits && settings.isBounded())) {
            return;
        }
        Duration byAttempts = settings.maxAttempts() == null || settings.delay().isZero() ? null
                : Durations.times(settings.delay(), settings.maxAttempts());
        for (int i = 0; i < requests.size(); i++) {
            Target t = targets.get(i);
            Service current = before.get(t);
            DeploymentEstimate estimate = DeploymentEstimate.of(requests.get(i).deploymentConfiguration(),
                    current == null ? null : current.deploymentConfiguration(), settings.succeedAtStage());
            if (settings.succeedAtStage() != null && !estimate.hasStages()) {
                throw new IllegalArgumentException("succeedAtStage(" + settings.succeedAtStage() + ") cannot apply to "
                        + t.service + " in cluster " + t.cluster + ": its deployment strategy is "
                        + estimate.strategy() + ", which has no lifecycle stages (only BLUE_GREEN, LINEAR and CANARY)");
            }
            String fix = "; raise it" + (settings.succeedAtStage() == null
                    ? ", or set succeedAtStage(BAKE_TIME) to succeed once production traffic is on the new revision"
                    : "");
            if (!waits) {
                continue;
            }
            if (settings.timeout() != null && settings.timeout().compareTo(estimate.shortest()) < 0) {
                throw new IllegalArgumentException("timeout " + settings.timeout() + " is shorter than the shortest "
                        + "possible deployment of " + t.service + " in cluster " + t.cluster + ", "
                        + estimate.shortest() + " (" + estimate.explanation() + ")" + fix);
            }
            if (byAttempts != null && byAttempts.compareTo(estimate.shortest()) < 0) {
                throw new IllegalArgumentException("maxAttempts " + settings.maxAttempts() + " x delay "
                        + settings.delay() + " = " + byAttempts + " is shorter than the shortest possible deployment of "
                        + t.service + " in cluster " + t.cluster + ", " + estimate.shortest() + " ("
                        + estimate.explanation() + ")" + fix);
            }
        }
    }

    /**
     * With neither timeout nor maxAttempts set, makes the default bound (maxAttempts polls) cover the longest shortest
     * deployment, read from ECS's UpdateService answers: a healthy blue/green rollout must not time out in its bake.
     */
    private void growBoundIfUnset(List<UpdateServiceRequest> requests) {
        if (settings.isBounded() || settings.delay().isZero()) {
            return;
        }
        Duration longest = Duration.ZERO;
        for (int i = 0; i < requests.size(); i++) {
            Service answered = targets.get(i).last();
            DeploymentEstimate estimate = DeploymentEstimate.of(requests.get(i).deploymentConfiguration(),
                    answered == null ? null : answered.deploymentConfiguration(), settings.succeedAtStage());
            longest = estimate.shortest().compareTo(longest) > 0 ? estimate.shortest() : longest;
        }
        if (!longest.isZero()) {
            long extra = Durations.ceilDiv(longest, settings.delay());
            attempts = (int) Math.min(Integer.MAX_VALUE, (long) attempts + extra);
            Notifier.log().info("The longest deployment takes at least {}: waiting up to {} polls", longest, attempts);
        }
    }

    private RolloutResult await() {
        watcher = new ChunkWatcher(settings, attempts, deadline, batcher, deployments, judge);
        notifier.watching(targets);
        ChunkWatcher.ChunkOutcome failure = watcher.watch(targets);
        if (failure != null) {
            throw new Failed(failure.reason, failure.headline, failure.cause, null);
        }
        RolloutResult result = new RolloutResult(states(), maxPolls(), elapsed());
        notifier.succeeded(result);
        return result;
    }

    private Failed updateRejected(Target t, RuntimeException e) {
        List<Target> notAttempted = targets.subList(targets.indexOf(t) + 1, targets.size());
        String headline = (possiblyUpdated.contains(t) ? "the update of " + t.service + " failed without an answer "
                + "from ECS (it may or may not have been applied): " : "ECS rejected the update of " + t.service + ": ")
                + e.getMessage()
                + (notAttempted.isEmpty() ? "" : "; not attempted: " + names(notAttempted));
        return new Failed(Reason.UPDATE_FAILED, headline, e, List.of(t.service));
    }

    // ---- what the level above needs to conclude a failure ------------------------------------------------------

    RolloutSettings settings() {
        return settings;
    }

    Notifier notifier() {
        return notifier;
    }

    Deadline deadline() {
        return deadline;
    }

    List<Target> targets() {
        return targets;
    }

    List<Target> updated() {
        return updated;
    }

    /** The services whose update was sent but whose answer was lost. */
    List<Target> possiblyUpdated() {
        return possiblyUpdated;
    }

    /**
     * Each service's task definition before the rollout: read before the updates with rollbackOnFailure, else as ECS's
     * answer to the update listed it.
     */
    Map<Target, String> previousTaskDefinitions() {
        Map<Target, String> previous = new LinkedHashMap<>();
        targets.forEach(t -> {
            if (t.previousTaskDefinition() != null) {
                previous.put(t, t.previousTaskDefinition());
            }
        });
        return previous;
    }

    /** Why service deployments could not be read in this run, or {@code null}. */
    String whyNoServiceDeployments() {
        return deployments == null ? null : deployments.whyUnavailable();
    }

    int maxPolls() {
        return watcher == null ? 0 : watcher.maxPolls();
    }

    List<ServiceState> states() {
        return targets.stream().map(Target::state).toList();
    }

    /** The services not judged STABLE, as the caller spelled them. */
    List<String> unstable() {
        return targets.stream().filter(t -> t.verdict() != Verdict.STABLE).map(t -> t.service).toList();
    }

    /** Nanoseconds left of the whole call's timeout (rollback included); {@link Long#MAX_VALUE} without one. */
    long remainingOfTimeoutNanos() {
        return settings.timeout() == null ? Long.MAX_VALUE
                : Durations.plus(startNanos, Durations.toNanos(settings.timeout())) - System.nanoTime();
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** The services' names for a log line or message: all of a few, the first ones of many. */
    static String names(List<Target> targets) {
        List<String> names = new ArrayList<>(targets.stream().limit(Messages.MAX_LISTED).map(t -> t.service).toList());
        if (targets.size() > Messages.MAX_LISTED) {
            names.add("... and " + (targets.size() - Messages.MAX_LISTED) + " more");
        }
        return names.toString();
    }
}
