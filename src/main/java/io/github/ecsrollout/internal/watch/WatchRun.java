package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.internal.io.EcsErrors;
import io.github.ecsrollout.internal.io.EcsPort;
import io.github.ecsrollout.internal.model.EcsLimits;
import io.github.ecsrollout.internal.report.Logs;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.time.Deadline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;

/**
 * One watch of a list of chunks, on the calling thread: sends the polls of the chunks due, waits through the clock
 * for their answers or the next chunk's turn, looks up the service deployments the answers call for, judges every
 * answer, and ends at the first verdict that ends the wait. Used once.
 */
final class WatchRun {

    private final EcsPort ecs;
    private final Deadline deadline;
    private final DeploymentLookup lookup;
    private final WatchSettings settings;
    private final Judge judge;
    private final Schedule schedule;
    private final List<Chunk> chunks;
    private final Polls polls;
    /** Whether this is one round of a check: no sleeping, no early end, and a timeout is no failure. */
    private final boolean round;
    /** Answers waiting for their service deployments, to be looked up together. */
    private final List<GroupPoll.Answer> pending = new ArrayList<>();
    private final Map<TrackedService, Service> pendingNeeds = new LinkedHashMap<>();
    /** When the oldest pending answer came back, a reading of the clock. */
    private long pendingSince;
    /** The first chunk that used up its polls: it ends the wait once every other chunk is done. */
    private WatchOutcome ranOut;
    private int maxPolls;

    WatchRun(EcsPort ecs, Deadline deadline, DeploymentLookup lookup, WatchSettings settings, Judge judge,
            Schedule schedule, List<Chunk> chunks, Polls polls, boolean round) {
        this.ecs = ecs;
        this.deadline = deadline;
        this.lookup = lookup;
        this.settings = settings;
        this.judge = judge;
        this.schedule = schedule;
        this.chunks = chunks;
        this.polls = polls;
        this.round = round;
    }

    /** The most DescribeServices polls any one chunk made. */
    int maxPolls() {
        return maxPolls;
    }

    /** Runs the watch, and stops whatever is still in flight when it ends. */
    WatchOutcome untilDone() {
        WatchOutcome outcome;
        InterruptedException interrupt = null;
        try {
            outcome = loop();
        } catch (InterruptedException e) {
            interrupt = e;
            outcome = null;
        }
        // The first verdict decides: the polls still in flight are not waited for (a call stuck in a read that
        // ignores interrupts ends by itself), and their answers are not judged.
        if (polls.stop() || interrupt != null) {
            Thread.currentThread().interrupt();
            return WatchOutcome.failure(Reason.INTERRUPTED, "the calling thread was interrupted",
                    polls.isInline() ? interrupt : null);
        }
        return outcome;
    }

    private WatchOutcome loop() throws InterruptedException {
        while (true) {
            WatchOutcome failure = dispatchDue();
            if (failure == null) {
                failure = lookUpIfDue(settings.clock().nanoTime());
            }
            if (failure != null) {
                return failure;
            }
            if (chunks.stream().allMatch(Chunk::isDone)) {
                return round ? firstFailure() : ranOut != null ? ranOut : WatchOutcome.STABLE;
            }
            long wake = schedule.nextDue(chunks);
            if (!pending.isEmpty()) {
                wake = Math.min(wake, pendingSince + Schedule.windowFor(settings.delay()));
            }
            failure = take(polls.next(settings.clock(), wake));
            if (failure != null) {
                return failure;
            }
        }
    }

    /** Sends the polls of the chunks due now; a failure a chunk comes to before its poll goes out ends it all. */
    private WatchOutcome dispatchDue() throws InterruptedException {
        for (List<Chunk> group : schedule.dueGroups(chunks, settings.clock().nanoTime())) {
            Map<Chunk, List<TrackedService>> asked = new LinkedHashMap<>();
            for (Chunk c : group) {
                c.inFlight = true;
                c.polls++;
                maxPolls = Math.max(maxPolls, c.polls);
                asked.put(c, c.open());
            }
            if (deadline.hasPassed() || !ecs.describeTurn(deadline)) {
                // The deadline came before the poll could go out: each chunk's wait ends at it.
                WatchOutcome failure = null;
                for (Chunk c : group) {
                    c.inFlight = false;
                    failure = failure != null ? failure : end(c, schedule.timedOut());
                }
                if (failure != null) {
                    return failure;
                }
                continue;
            }
            polls.submit(() -> GroupPoll.poll(ecs, deadline, asked),
                    e -> new GroupPoll.Answer(asked, null, e));
            WatchOutcome failure = take(polls.ready());
            if (failure != null) {
                return failure;
            }
        }
        return null;
    }

    /**
     * Looks up the pending answers' service deployments, together, once they fill a call, nothing else is in
     * flight, or the oldest has waited a batch window.
     */
    private WatchOutcome lookUpIfDue(long now) {
        if (pending.isEmpty() || !(pendingNeeds.size() >= EcsLimits.SERVICE_DEPLOYMENTS_PER_DESCRIBE
                || !polls.busy() || now - pendingSince >= Schedule.windowFor(settings.delay()))) {
            return null;
        }
        List<GroupPoll.Answer> batch = List.copyOf(pending);
        Map<TrackedService, Service> needs = new LinkedHashMap<>(pendingNeeds);
        pending.clear();
        pendingNeeds.clear();
        polls.submit(() -> LookupPoll.lookUp(lookup, batch, needs),
                e -> new LookupPoll.Described(batch, Map.of(), e));
        return take(polls.ready());
    }

    /** Judges what came back; returns the failure that ends the wait, if one does. */
    private WatchOutcome take(List<Polls.Returned> returned) {
        for (Polls.Returned r : returned) {
            WatchOutcome failure = r instanceof GroupPoll.Answer answer ? answered(answer)
                    : described((LookupPoll.Described) r);
            if (failure != null) {
                return failure;
            }
        }
        return null;
    }

    /** A DescribeServices answer: judged now, or once its service deployments are looked up. */
    private WatchOutcome answered(GroupPoll.Answer answer) {
        if (answer.error() == null && answer.answer() != null) {
            Map<TrackedService, Service> needs = lookup.needed(GroupPoll.answered(answer),
                    settings.succeedAtStage());
            if (!needs.isEmpty()) {
                if (pending.isEmpty()) {
                    pendingSince = settings.clock().nanoTime();
                }
                pending.add(answer);
                pendingNeeds.putAll(needs);
                return null;
            }
        }
        return judgeAll(answer, Map.of(), null);
    }

    private WatchOutcome described(LookupPoll.Described d) {
        WatchOutcome failure = null;
        for (GroupPoll.Answer answer : d.answers()) {
            WatchOutcome f = judgeAll(answer, d.described(), d.error());
            failure = failure != null ? failure : f;
        }
        return failure;
    }

    /** Judges each chunk of a poll; returns the failure that ends the wait, if one does. */
    private WatchOutcome judgeAll(GroupPoll.Answer answer, Map<TrackedService, ServiceDeployment> described,
            Exception lookupError) {
        long now = settings.clock().nanoTime();
        WatchOutcome failure = null;
        for (Map.Entry<Chunk, List<TrackedService>> e : answer.asked().entrySet()) {
            Chunk c = e.getKey();
            c.inFlight = false;
            WatchOutcome outcome = judged(c, e.getValue(), answer, described, lookupError, now);
            WatchOutcome ended = outcome == null ? null : end(c, outcome);
            failure = failure != null ? failure : ended;
        }
        return failure;
    }

    /** How one chunk's poll came out: {@code null} to poll again (scheduled), else how its wait ends. */
    private WatchOutcome judged(Chunk c, List<TrackedService> asked, GroupPoll.Answer answer,
            Map<TrackedService, ServiceDeployment> described, Exception lookupError, long now) {
        if (answer.error() != null) {
            return failed(answer.error());
        }
        if (answer.answer() == null) {
            return WatchOutcome.failure(Reason.API_ERROR, "DescribeServices returned no answer", null);
        }
        if (lookupError != null) {
            return failed(lookupError);
        }
        Logs.POLLS.debug("Poll {} of {} service(s) in {}", c.polls, asked.size(), c.cluster());
        WatchOutcome verdict = judge.judge(c, asked, answer.answer(), described);
        if (verdict != null) {
            return verdict;
        }
        return round ? schedule.timedOut() : schedule.next(c, now);
    }

    /** What a failed call means, from its exception's types. */
    private WatchOutcome failed(Exception error) {
        if (error instanceof Polls.Unexpected) {
            return WatchOutcome.failure(Reason.API_ERROR, "unexpected failure while waiting: " + error.getCause(),
                    error.getCause());
        }
        if (error instanceof InterruptedException) {
            if (polls.isInline()) {
                Thread.currentThread().interrupt();
            }
            return WatchOutcome.failure(Reason.INTERRUPTED, "interrupted while describing service deployments",
                    null);
        }
        EcsErrors.Kind kind = EcsErrors.kind(error, deadline);
        if (kind == EcsErrors.Kind.CUT_SHORT) {
            // The SDK ends an overdue call by interrupting the thread making it: not the caller's interrupt.
            if (polls.isInline()) {
                Thread.interrupted();
            }
            return schedule.timedOut();
        }
        if (kind == EcsErrors.Kind.INTERRUPTED || (polls.isInline() && Thread.currentThread().isInterrupted())) {
            if (polls.isInline()) {
                Thread.currentThread().interrupt();
            }
            return WatchOutcome.failure(Reason.INTERRUPTED, "the calling thread was interrupted", error);
        }
        return WatchOutcome.failure(Reason.API_ERROR, "DescribeServices failed: "
                + error.getClass().getSimpleName() + ": " + error.getMessage(), error);
    }

    /**
     * Ends a chunk's wait; returns the failure that ends the whole wait: any but a chunk that used up its own
     * polls (and, in a round, nothing: the check simply is not done yet).
     */
    private WatchOutcome end(Chunk c, WatchOutcome outcome) {
        c.outcome = outcome;
        if (outcome.succeeded() || round) {
            return null;
        }
        if (outcome.pollsUsedUp()) {
            ranOut = ranOut != null ? ranOut : outcome;
            return null;
        }
        return outcome;
    }

    /** A round's outcome: its first failure in the chunks' order, a timeout (its one poll used) not one. */
    private WatchOutcome firstFailure() {
        return chunks.stream().map(c -> c.outcome)
                .filter(o -> !o.succeeded() && o.reason() != Reason.TIMED_OUT)
                .findFirst().orElse(WatchOutcome.STABLE);
    }
}
