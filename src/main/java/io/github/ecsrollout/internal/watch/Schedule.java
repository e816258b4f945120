package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.internal.model.Durations;
import io.github.ecsrollout.internal.model.EcsLimits;
import io.github.ecsrollout.internal.time.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * When each chunk of a watch polls: a poll delay after its last answer, one last poll just before the deadline, never
 * more than its maxAttempts; and which due chunks share a DescribeServices call. Pure: it reads the time it is given,
 * and the deadline's.
 */
final class Schedule {

    /** The time left for the HTTP call of the poll made just before the deadline. */
    static final long LAST_POLL_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final long delayNanos;
    private final int attempts;
    private final String deadlineWords;
    private final Deadline deadline;
    private final long windowNanos;

    /**
     * @param attempts polls per chunk
     * @param deadlineWords what the deadline is, for the message of a timeout ("the timeout of PT20M")
     */
    Schedule(Duration delay, int attempts, String deadlineWords, Deadline deadline) {
        this.delayNanos = Durations.toNanos(delay);
        this.attempts = attempts;
        this.deadlineWords = deadlineWords;
        this.deadline = deadline;
        this.windowNanos = windowFor(delay);
    }

    /**
     * How far ahead a chunk may be due and still join the call of the chunks due now: a twentieth of the delay, at
     * most 50 ms, so that chunks polling in step share calls and a verdict is never held back for it.
     */
    static long windowFor(Duration delay) {
        return Math.min(Durations.toNanos(delay) / 20, TimeUnit.MILLISECONDS.toNanos(50));
    }

    /**
     * The chunks due by {@code now} (or within the window), grouped into DescribeServices calls: the chunks of one
     * cluster join the latest call of that cluster while their services fit in 10; one that does not fit leads the
     * next call. The chunk due longest goes first (the chunks' order among those due at once), so that when calls
     * wait for their turn no chunk is passed over by one that polls again sooner.
     */
    List<List<Chunk>> dueGroups(List<Chunk> chunks, long now) {
        List<List<Chunk>> groups = new ArrayList<>();
        Map<String, List<Chunk>> latest = new HashMap<>();
        Map<String, Integer> sizes = new HashMap<>();
        List<Chunk> due = chunks.stream().filter(c -> !c.isDone() && !c.inFlight && c.dueAt - now <= windowNanos)
                .sorted(Comparator.comparingLong(c -> c.dueAt - now)).toList();
        for (Chunk c : due) {
            int open = c.open().size();
            List<Chunk> group = latest.get(c.clusterKey());
            if (group == null || sizes.get(c.clusterKey()) + open > EcsLimits.SERVICES_PER_DESCRIBE) {
                group = new ArrayList<>();
                groups.add(group);
                latest.put(c.clusterKey(), group);
                sizes.put(c.clusterKey(), 0);
            }
            group.add(c);
            sizes.merge(c.clusterKey(), open, Integer::sum);
        }
        return groups;
    }

    /** When the next chunk is due, or {@link Long#MAX_VALUE} when none is waiting for its turn. */
    long nextDue(List<Chunk> chunks) {
        return chunks.stream().filter(c -> !c.isDone() && !c.inFlight).mapToLong(c -> c.dueAt).min()
                .orElse(Long.MAX_VALUE);
    }

    /**
     * Schedules a chunk's next poll after one that did not end its wait, or says how its wait ends: with its polls
     * used up; or at the deadline, once the poll just before it is made (no delay fits before the deadline, so it
     * looks once more then: the verdict is the state at the deadline, and none of the caller's time is given away).
     *
     * @return {@code null} when the chunk polls again at {@link Chunk#dueAt}, else its timeout
     */
    WatchOutcome next(Chunk c, long now) {
        if (c.polls >= attempts) {
            return timedOut();
        }
        long left = deadline.remainingNanos();
        if (deadline.isSet() && left <= delayNanos) {
            long margin = Math.min(LAST_POLL_MARGIN_NANOS, left / 4);
            if (c.lastPollDone || left <= margin) {
                return timedOut();
            }
            c.lastPollDone = true;
            c.dueAt = now + (left - margin);
            return null;
        }
        c.dueAt = Durations.plus(now, delayNanos);
        return null;
    }

    /**
     * The timeout of a chunk: at the deadline, the caller's timeout passed; before it, the chunk used up its polls,
     * which ends no other chunk's wait.
     */
    WatchOutcome timedOut() {
        boolean atDeadline = deadline.isSet() && deadline.remainingNanos() <= delayNanos;
        return atDeadline ? WatchOutcome.failure(Reason.TIMED_OUT, deadlineWords + " passed", null)
                : new WatchOutcome(Reason.TIMED_OUT, "a chunk used up its " + attempts + " polls (maxAttempts)", null,
                        true);
    }
}
