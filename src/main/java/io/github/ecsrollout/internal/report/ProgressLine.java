package io.github.ecsrollout.internal.report;

import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.state.Change;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The progress line of a rollout of more than {@value #ABOVE} services: "12 of 25 stable, 12 in progress, 1 failed",
 * and while updating how many are not yet updated ("0 of 25 stable, 12 in progress, 0 failed, 13 not yet updated"),
 * at most once per poll delay and only after something changed. Thread-safe.
 */
final class ProgressLine {

    /** Rollouts of more services than this (more than one chunk) log progress lines. */
    static final int ABOVE = 10;

    private final Logger log;
    private final String prefix;
    /** Whether the lines are INFO; else DEBUG (a rollback's wait). */
    private final boolean info;
    private final long everyNanos;
    private final LongSupplier nanoTime;

    private volatile int total;
    private volatile boolean waiting;
    private final AtomicInteger updates = new AtomicInteger();
    private final AtomicInteger stable = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    /** Bumped by every update accepted and every change of verdict: a progress line is due only after one. */
    private final AtomicInteger news = new AtomicInteger();
    private volatile int newsReported;
    private volatile long lastNanos;

    /**
     * @param info whether the lines are INFO, else DEBUG
     * @param everyNanos the least time between two lines: the poll delay
     * @param nanoTime the rollout's clock
     */
    ProgressLine(Logger log, String prefix, boolean info, long everyNanos, LongSupplier nanoTime) {
        this.log = log;
        this.prefix = prefix;
        this.info = info;
        this.everyNanos = everyNanos;
        this.nanoTime = nanoTime;
        this.lastNanos = nanoTime.getAsLong();
    }

    void started(int services) {
        total = services;
    }

    /**
     * The wait starts: the next line, a delay on, counts verdicts, starting from those the services already have (a
     * resumed rollout's).
     */
    synchronized void watching(List<Verdict> verdicts) {
        total = verdicts.size();
        waiting = true;
        stable.set(0);
        failed.set(0);
        for (Verdict v : verdicts) {
            AtomicInteger count = counter(v);
            if (count != null) {
                count.incrementAndGet();
            }
        }
        newsReported = news.get();
    }

    void updateAccepted() {
        updates.incrementAndGet();
        news.incrementAndGet();
        maybeLog();
    }

    /** Counts a change of verdict; call after the service's own line, so that no progress line comes before it. */
    void count(Change change) {
        if (counter(change.from()) == counter(change.to())) {
            // Still deploying (a first observation, say): the counts did not move.
            return;
        }
        if (counter(change.from()) != null) {
            counter(change.from()).decrementAndGet();
        }
        if (counter(change.to()) != null) {
            counter(change.to()).incrementAndGet();
        }
        news.incrementAndGet();
    }

    /** Logs the counts when something changed since the last line and a poll delay has passed since it. */
    void maybeLog() {
        int seen = news.get();
        if (total <= ABOVE || seen == newsReported || nanoTime.getAsLong() - lastNanos < everyNanos
                || !(info ? log.isInfoEnabled() : log.isDebugEnabled())) {
            return;
        }
        synchronized (this) {
            seen = news.get();
            if (seen == newsReported || nanoTime.getAsLong() - lastNanos < everyNanos) {
                return;
            }
            newsReported = seen;
            int done = stable.get();
            int bad = failed.get();
            // While updating, only the services whose update ECS accepted are in progress.
            int started = waiting ? total : Math.min(updates.get(), total);
            String line = prefix + done + " of " + total + " stable, " + Math.max(0, started - done - bad) + " in progress, " + bad
                    + " failed" + (waiting ? "" : ", " + (total - started) + " not yet updated");
            if (info) {
                log.info(line);
            } else {
                log.debug(line);
            }
            // Taken once the line is out, so that lines are at least a delay apart however long writing one took.
            lastNanos = nanoTime.getAsLong();
        }
    }

    /** The count a verdict is in: stable, failed, or {@code null} for deploying (the rest of the total). */
    private AtomicInteger counter(Verdict v) {
        return v == Verdict.STABLE ? stable : v.isTerminal() ? failed : null;
    }
}
