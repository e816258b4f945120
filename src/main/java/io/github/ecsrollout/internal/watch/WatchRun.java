package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.internal.io.EcsPort;
import io.github.ecsrollout.internal.report.Logs;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.time.Deadline;
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
    private final PendingLookups pending;
    /** The first chunk that used up its polls: it ends the wait once every other chunk is done. */
    private WatchOutcome ranOut;
    private int maxPolls;
    /** Whether the loop waits for the turn of a DescribeServices call, and until when (a reading of the clock). */
    private boolean waitingForTurn;
    private long turnAt;

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
        this.pending = new PendingLookups(Schedule.windowFor(settings.delay()));
    }

    /** The most DescribeServices polls any one chunk made. */
    int maxPolls() {
        return maxPolls;
    }

    /** Runs the watch, and stops whatever is still in flight when it ends. */
    WatchOutcome untilDone() {
        WatchOutcome outcome = null;
        InterruptedException interrupt = null;
        try {
            outcome = loop();
        } catch (InterruptedException e) {
            interrupt = e;
        } finally {
            // The first verdict decides: the polls still in flight are not waited for (a call stuck in a read that
            // ignores interrupts ends by itself), and their answers are not judged.
            if (polls.stop() && interrupt == null) {
                interrupt = new InterruptedException("interrupted while the polls stopped");
            }
        }
        if (interrupt != null) {
            Thread.currentThread().interrupt();
            if (waitingForTurn && polls.isInline()) {
                return WatchOutcome.failure(Reason.INTERRUPTED, "interrupted while polling DescribeServices", null);
            }
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
            long wake = waitingForTurn ? turnAt : schedule.nextDue(chunks);
            if (!waitingForTurn) {
                wake = Math.min(wake, pending.dueBy());
            }
            failure = take(polls.next(settings.clock(), wake));
            if (failure != null) {
                return failure;
            }
        }
    }

    /**
     * Sends the polls of the chunks due now, each DescribeServices call when its turn comes (ECS throttles them):
     * until then the loop waits, judging answers meanwhile. A failure a chunk comes to before its poll goes out ends
     * it all.
     */
    private WatchOutcome dispatchDue() {
        waitingForTurn = false;
        for (Chunk c : chunks) {
            if (!c.isDone() && !c.inFlight && c.open().isEmpty()) {
                // Nothing left to ask about (a resumed rollout's services confirmed earlier): done without a call.
                countPoll(c);
                end(c, WatchOutcome.STABLE);
            }
        }
        long now = settings.clock().nanoTime();
        List<List<Chunk>> due = schedule.dueGroups(chunks, now);
        for (int g = 0; g < due.size(); g++) {
            List<Chunk> group = due.get(g);
            long remaining = deadline.remainingNanos();
            // A turn that fell on the deadline itself is still taken, as any turn before it; a poll not yet waiting
            // for its turn at the deadline is not sent. (Only at the deadline are the group's chunks looked at.)
            if (remaining < 0 || (remaining == 0 && !group.stream().allMatch(c -> c.awaitingTurn))) {
                // The deadline came before the poll could go out: each chunk's wait ends at it.
                WatchOutcome failure = timeOut(group);
                if (failure != null) {
                    return failure;
                }
                continue;
            }
            long wait = ecs.takeDescribeTurn();
            if (wait > 0) {
                if (remaining == 0) {
                    return timeOut(group);
                }
                // Every chunk due waits for its turn, its poll counted once; a turn after the deadline is refused at
                // the deadline.
                due.subList(g, due.size()).forEach(waiting -> waiting.forEach(c -> {
                    if (!c.awaitingTurn) {
                        c.awaitingTurn = true;
                        countPoll(c);
                    }
                }));
                waitingForTurn = true;
                turnAt = wait > remaining ? deadline.atNanos() : now + wait;
                return null;
            }
            Map<Chunk, List<TrackedService>> asked = new LinkedHashMap<>();
            for (Chunk c : group) {
                c.inFlight = true;
                if (c.awaitingTurn) {
                    c.awaitingTurn = false;
                } else {
                    countPoll(c);
                }
                asked.put(c, c.open());
            }
            polls.submit(() -> GroupPoll.poll(ecs, deadline, asked), e -> new GroupPoll.Answer(asked, null, e));
            WatchOutcome failure = take(polls.ready());
            if (failure != null) {
                return failure;
            }
        }
        return null;
    }

    /** Ends each chunk of a group at the deadline; returns the failure that ends the wait, if one does. */
    private WatchOutcome timeOut(List<Chunk> group) {
        WatchOutcome failure = null;
        for (Chunk c : group) {
            c.awaitingTurn = false;
            failure = failure != null ? failure : end(c, schedule.timedOut());
        }
        return failure;
    }

    private void countPoll(Chunk c) {
        c.polls++;
        maxPolls = Math.max(maxPolls, c.polls);
    }

    /** Looks up the pending answers' service deployments together, once that is due. */
    private WatchOutcome lookUpIfDue(long now) {
        if (!pending.isDue(now, polls.busy(), waitingForTurn)) {
            return null;
        }
        LookupPoll.Batch batch = pending.take();
        polls.submit(() -> LookupPoll.lookUp(lookup, batch), e -> new LookupPoll.Described(batch.answers(), Map.of(),
                e));
        return take(polls.ready());
    }

    /** Judges what came back; returns the failure that ends the wait, if one does. */
    private WatchOutcome take(List<PollResult> returned) {
        for (PollResult r : returned) {
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
                pending.add(answer, needs, settings.clock().nanoTime());
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
            return PollFailures.of(answer.error(), deadline, schedule, polls.isInline());
        }
        if (answer.answer() == null) {
            return WatchOutcome.failure(Reason.API_ERROR, "DescribeServices returned no answer", null);
        }
        if (lookupError != null) {
            return PollFailures.of(lookupError, deadline, schedule, polls.isInline());
        }
        Logs.POLLS.debug("Poll {} of {} service(s) in {}", c.polls, asked.size(), c.cluster());
        WatchOutcome verdict;
        try {
            verdict = judge.judge(c, asked, answer.answer(), described);
        } catch (RuntimeException e) {
            // A fault judging ECS's answer: the poll failed, as any failed DescribeServices does.
            return WatchOutcome.failure(Reason.API_ERROR, "DescribeServices failed: " + e.getClass().getSimpleName()
                    + ": " + e.getMessage(), e);
        }
        if (verdict != null) {
            return verdict;
        }
        return round ? schedule.timedOut() : schedule.next(c, now);
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
