package io.github.ecsrollout.internal.rollback;

import io.github.ecsrollout.RolloutClock;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.io.EcsPort;
import io.github.ecsrollout.internal.model.RolloutSettings;
import io.github.ecsrollout.internal.report.Messages;
import io.github.ecsrollout.internal.report.Notifier;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.time.Deadline;
import io.github.ecsrollout.internal.watch.DeploymentLookup;
import io.github.ecsrollout.internal.watch.PollLoop;
import io.github.ecsrollout.internal.watch.WatchSettings;
import io.github.ecsrollout.internal.watch.WatchOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Waits for each service a rollback acted on until it is confirmed back, fails, or the rollback's time is up. One that
 * fails does not end the wait for the others: the wait goes on for those still rolling back. It tells no listener
 * and logs to the rollback's logger.
 */
final class RollbackWait {

    private static final String STILL_ROLLING_BACK = "still rolling back when the time ran out; ECS goes on with it";

    private final RolloutSettings settings;
    private final EcsPort ecs;
    private final Deadline deadline;
    private final Map<String, String> notRestored;
    private final List<String> restored = new ArrayList<>();
    private RuntimeException error;

    /** @param notRestored where services not confirmed back go, with why */
    RollbackWait(RolloutSettings settings, EcsPort ecs, Deadline deadline, Map<String, String> notRestored) {
        this.settings = settings;
        this.ecs = ecs;
        this.deadline = deadline;
        this.notRestored = notRestored;
    }

    /** The services confirmed back, in the order they were. */
    List<String> restored() {
        return restored;
    }

    /** The first wait's failure, or {@code null}. */
    RuntimeException error() {
        return error;
    }

    void await(List<TrackedService> toWatch) {
        List<TrackedService> pending = toWatch;
        if (deadline.hasPassed()) {
            // The actions took what was left (or were sent after the time was up): nothing can be confirmed.
            pending.forEach(t -> notRestored.put(t.id().service(), STILL_ROLLING_BACK));
            return;
        }
        while (!pending.isEmpty()) {
            pending = awaitOnce(pending);
        }
    }

    /** One wait for the services still pending; returns those still rolling back when it ended early. */
    private List<TrackedService> awaitOnce(List<TrackedService> pending) {
        RolloutSettings wait = settings.forRollbackWait(deadline.timeLeft());
        RolloutClock clock = settings.clock();
        long start = clock.nanoTime();
        Deadline waitDeadline = Deadline.after(clock, start, wait.timeout());
        Notifier notifier = Notifier.forRollbackWait(wait.delay(), clock);
        PollLoop loop = new PollLoop(ecs, waitDeadline, notifier, new DeploymentLookup(ecs, waitDeadline),
                new WatchSettings(wait.delay(), "the timeout of " + wait.timeout(), wait.maxConcurrency(), null,
                        clock.instant(), clock));
        try {
            notifier.watching(pending);
            WatchOutcome outcome = loop.watch(pending, wait.attempts());
            if (outcome.succeeded()) {
                notifier.succeeded(new RolloutResult(pending.stream().map(TrackedService::state).toList(),
                        loop.maxPolls(), Duration.ofNanos(clock.nanoTime() - start)));
                pending.forEach(t -> restored.add(t.id().service()));
                return List.of();
            }
            List<TrackedService> stillRollingBack = new ArrayList<>();
            for (TrackedService t : pending) {
                if (t.verdict() == Verdict.STABLE) {
                    restored.add(t.id().service());
                } else if (t.verdict().isTerminal()) {
                    notRestored.put(t.id().service(), "rollback not confirmed: " + t.verdict());
                } else {
                    stillRollingBack.add(t);
                }
            }
            Reason reason = outcome.reason();
            boolean waitOver = reason == Reason.TIMED_OUT || reason == Reason.INTERRUPTED
                    || reason == Reason.API_ERROR || stillRollingBack.size() == pending.size();
            if (waitOver) {
                stillRollingBack.forEach(t -> notRestored.put(t.id().service(), reason == Reason.TIMED_OUT
                        ? STILL_ROLLING_BACK
                        : "not confirmed back: the wait ended " + reason + "; ECS goes on with it"));
                stillRollingBack.clear();
            }
            if (error == null) {
                List<ServiceState> states = pending.stream().map(TrackedService::state).toList();
                List<String> unstable = pending.stream().filter(t -> t.verdict() != Verdict.STABLE)
                        .map(t -> t.id().service()).toList();
                Duration elapsed = Duration.ofNanos(clock.nanoTime() - start);
                error = new RolloutNotStableException(reason, Messages.failure(reason, "rollback: "
                        + outcome.headline(), states, unstable, List.of(), loop.maxPolls(), elapsed, null),
                        outcome.cause(), unstable, List.of(), List.of(), List.of(), states, null, loop.maxPolls(),
                        elapsed);
            }
            return stillRollingBack;
        } finally {
            notifier.finish(waitDeadline, wait.delay());
        }
    }
}
