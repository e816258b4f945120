package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutClock;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.checkpoint.CheckpointLedger;
import io.github.ecsrollout.internal.io.EcsPort;
import io.github.ecsrollout.internal.model.Durations;
import io.github.ecsrollout.internal.model.RolloutSettings;
import io.github.ecsrollout.internal.report.Notifier;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.time.Deadline;
import io.github.ecsrollout.internal.watch.DeploymentLookup;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one rollout call works with and has done: its settings, clock readings, deadline, notifier and service
 * deployment lookup; its services, which of them it updated (or may have), and its polls. The flows fill it in;
 * {@link Conclusion} reads it when the call fails. Used by the call's own thread.
 */
final class RunRecord {

    final RolloutSettings settings;
    final EcsPort ecs;
    final RolloutClock clock;
    final long startNanos;
    /** When this call started: events older than this on a first observation were there before. */
    final Instant startInstant;
    /** When the rollout started: this call's start, or the start a checkpoint carries. */
    final Instant rolloutStartedAt;
    /**
     * When the whole rollout ends if not done: written into its checkpoints (by {@code start}, then carried on), or
     * {@code null} when it has none (a {@code rollOut}, whose own timeout is the rollout's).
     */
    final Instant rolloutDeadline;
    /** Whether this call takes up a rollout a checkpoint carries (check, resume, watch, rollBack). */
    final boolean restored;
    /**
     * This call's wait ends here: its own bound (the timeout less the rollback's reserve, or a watch's budget), or
     * the rollout's deadline when that comes first.
     */
    final Deadline deadline;
    /** Whether {@link #deadline} is the rollout's own: its timeout then ends the rollout, not only this call. */
    final boolean deadlineIsTheRollouts;
    /** A {@code watch}'s budget, or {@code null} for any other call. */
    final Duration watchBudget;
    final Notifier notifier;
    final DeploymentLookup lookup;
    /**
     * Whether the services' deployments are this rollout's own (not an {@code awaitStable}, which reads nothing but
     * its polls): their service deployments are looked up, and the images their new revisions run read at success.
     */
    final boolean ownDeployments;
    final List<TrackedService> services = new ArrayList<>();
    final List<TrackedService> updated = new ArrayList<>();
    /** Services whose update was sent but whose answer was lost: ECS may have applied it. */
    final List<TrackedService> possiblyUpdated = new ArrayList<>();
    /** The most DescribeServices polls any one chunk made. */
    int maxPolls;

    /**
     * A fresh call's record.
     *
     * @param deployments whether services' deployments are looked up (a rollout's own), or judged from
     *     DescribeServices alone (a wait for services this call did not update)
     * @param writesDeadline whether the rollout's checkpoints carry its deadline ({@code start})
     */
    RunRecord(RolloutSettings settings, EcsPort ecs, boolean deployments, boolean writesDeadline) {
        this(settings, ecs, deployments, null, null, false, settings.forwardTimeout(), null, writesDeadline);
    }

    private RunRecord(RolloutSettings settings, EcsPort ecs, boolean deployments, Instant rolloutStartedAt,
            Instant rolloutDeadline, boolean restored, Duration callBound, Duration watchBudget,
            boolean writesDeadline) {
        this.settings = settings;
        this.ecs = ecs;
        this.clock = settings.clock();
        this.startNanos = clock.nanoTime();
        this.startInstant = clock.instant();
        this.rolloutStartedAt = rolloutStartedAt == null ? startInstant : rolloutStartedAt;
        this.restored = restored;
        this.watchBudget = watchBudget;
        this.rolloutDeadline = writesDeadline ? endOf(startInstant, settings.timeout()) : rolloutDeadline;
        Deadline own = Deadline.after(clock, startNanos, callBound);
        Duration toRolloutDeadline = restored && rolloutDeadline != null
                ? Duration.between(startInstant, rolloutDeadline) : null;
        // A rollout whose deadline has passed is looked at once more, on this call's own bound, before it ends.
        this.deadlineIsTheRollouts = toRolloutDeadline != null && !toRolloutDeadline.isNegative()
                && !toRolloutDeadline.isZero() && toRolloutDeadline.toNanos() <= own.remainingNanos();
        this.deadline = deadlineIsTheRollouts ? Deadline.after(clock, startNanos, toRolloutDeadline) : own;
        this.notifier = Notifier.forRollout(settings.listener(), settings.delay(), clock);
        this.ownDeployments = deployments;
        this.lookup = deployments ? new DeploymentLookup(ecs, deadline) : DeploymentLookup.none();
    }

    /**
     * A record of a rollout read back from a checkpoint: its services as the process that wrote it left them.
     *
     * @param following the calling rollout's settings with the verdict settings the checkpoint carries
     * @param callBound how long this call may wait, or {@code null} for its maxAttempts alone
     * @param watchBudget a {@code watch}'s budget, or {@code null}
     */
    static RunRecord restored(RolloutSettings following, EcsPort ecs, CheckpointLedger.Restored checkpoint,
            Duration callBound, Duration watchBudget) {
        RunRecord run = new RunRecord(following, ecs, true, checkpoint.startedAt(), checkpoint.deadline(), true,
                callBound, watchBudget, false);
        for (TrackedService t : checkpoint.services()) {
            run.services.add(t);
            (t.possiblyUpdated() ? run.possiblyUpdated : run.updated).add(t);
        }
        return run;
    }

    /** Whether the rollout's deadline has passed (not only this call's bound). */
    boolean rolloutDeadlinePassed() {
        return rolloutDeadline != null && !clock.instant().isBefore(rolloutDeadline);
    }

    /** What this call's deadline is, for the message of a timeout. */
    String deadlineWords() {
        return deadlineIsTheRollouts || (restored && rolloutDeadlinePassed())
                ? "the rollout's deadline of " + rolloutDeadline : "the timeout of " + settings.timeout();
    }

    /** {@code start + timeout}, or {@code null} without a timeout or past what an Instant holds. */
    private static Instant endOf(Instant start, Duration timeout) {
        if (timeout == null || timeout.compareTo(Durations.MAX) >= 0) {
            return null;
        }
        try {
            return start.plus(timeout);
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    List<ServiceState> states() {
        return services.stream().map(TrackedService::state).toList();
    }

    /** The services not judged STABLE, as the caller spelled them. */
    List<String> unstable() {
        return services.stream().filter(t -> t.verdict() != Verdict.STABLE).map(t -> t.id().service()).toList();
    }

    List<String> names(List<TrackedService> some) {
        return some.stream().map(t -> t.id().service()).toList();
    }

    Duration elapsed() {
        return Duration.ofNanos(clock.nanoTime() - startNanos);
    }

    /** Nanoseconds left of the whole call's timeout (rollback included); {@link Long#MAX_VALUE} without one. */
    long remainingOfTimeoutNanos() {
        return settings.timeout() == null ? Long.MAX_VALUE
                : Durations.plus(startNanos, Durations.toNanos(settings.timeout())) - clock.nanoTime();
    }

    /**
     * Each changed service's task definition before the rollout (read before the updates with rollbackOnFailure,
     * else as ECS's answer to the update listed it), in the rollout's order: what a rollback puts back.
     */
    Map<TrackedService, String> changedWithPrevious() {
        Map<TrackedService, String> changed = new LinkedHashMap<>();
        updated.forEach(t -> changed.put(t, t.previousTaskDefinition()));
        possiblyUpdated.forEach(t -> changed.put(t, t.previousTaskDefinition()));
        return changed;
    }

    /** The rollout written down: the services it changed, as known now; {@code null} when it changed none. */
    RolloutCheckpoint checkpoint() {
        Set<TrackedService> changed = new HashSet<>(updated);
        changed.addAll(possiblyUpdated);
        return CheckpointLedger.write(services, changed, rolloutStartedAt, settings.succeedAtStage(),
                settings.rollbackOnFailure(), rolloutDeadline);
    }
}
