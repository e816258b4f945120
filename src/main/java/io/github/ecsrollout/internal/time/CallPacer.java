package io.github.ecsrollout.internal.time;

import io.github.ecsrollout.RolloutClock;
import io.github.ecsrollout.internal.model.Durations;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Paces calls the way ECS throttles them, a token bucket per account: up to {@code burst} calls at once, then one per
 * interval. DescribeServices calls, from however many chunks, are spaced evenly (a burst of 1): that budget is shared
 * with everything else in the account. UpdateService calls go out 40 at once (ECS's bucket holds 50), then at ECS's
 * sustained rate, so that no update is refused for throttling. Thread-safe.
 */
public final class CallPacer {

    /** Sleeps; a seam so tests can record the requested waits instead of waiting. */
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /** No pacing at all. */
    public static final CallPacer UNLIMITED = new CallPacer(0, () -> 0L, nanos -> { });

    private final long intervalNanos;
    /** How far ahead of now the schedule may run and a call still go at once: (burst - 1) intervals. */
    private final long burstNanos;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    /**
     * When the bucket is next full again, give or take: each call moves it one interval on, and it never lies in the
     * past (an idle bucket holds no more than its burst). {@link Long#MIN_VALUE} before the first call.
     */
    private long nextFree = Long.MIN_VALUE;

    /** A pacer allowing {@code perSecond} calls a second, evenly spaced, on the clock; 0 or less: unlimited. */
    public static CallPacer perSecond(RolloutClock clock, double perSecond) {
        return perSecond(clock, perSecond, 1);
    }

    /**
     * A pacer allowing {@code burst} calls at once and {@code perSecond} a second after that, on the clock; a rate of 0
     * or less means unlimited.
     */
    public static CallPacer perSecond(RolloutClock clock, double perSecond, int burst) {
        return perSecond <= 0 ? UNLIMITED
                : new CallPacer(Math.round(TimeUnit.SECONDS.toNanos(1) / perSecond), burst, clock::nanoTime,
                        nanos -> clock.sleep(Duration.ofNanos(nanos)));
    }

    CallPacer(long intervalNanos, LongSupplier clock, Sleeper sleeper) {
        this(intervalNanos, 1, clock, sleeper);
    }

    CallPacer(long intervalNanos, int burst, LongSupplier clock, Sleeper sleeper) {
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1: " + burst);
        }
        this.intervalNanos = intervalNanos;
        this.burstNanos = intervalNanos <= 0 ? 0
                : Durations.toNanos(Durations.times(Duration.ofNanos(intervalNanos), burst - 1L));
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * Waits until the next call may go out and reserves that slot, unless the slot lies more than
     * {@code maxWaitNanos} away: then it waits {@code maxWaitNanos} (until the caller's deadline) and returns false,
     * leaving the slot to the next caller. An interrupted wait gives its slot back too, if no later one was taken.
     *
     * @param maxWaitNanos the time left before the caller's deadline; {@link Long#MAX_VALUE} for none
     * @return whether the call may go out now
     */
    public boolean acquire(long maxWaitNanos) throws InterruptedException {
        if (intervalNanos <= 0) {
            return true;
        }
        long full;
        long wait;
        boolean reserved;
        synchronized (this) {
            long now = clock.getAsLong();
            full = nextFree == Long.MIN_VALUE || nextFree - now < 0 ? now : nextFree;
            // The call may go once the schedule is no more than a burst ahead of now.
            wait = Math.max(0, full - now - burstNanos);
            reserved = wait <= maxWaitNanos;
            if (reserved) {
                nextFree = Durations.plus(full, intervalNanos);
            }
        }
        if (!reserved) {
            if (maxWaitNanos > 0) {
                sleeper.sleep(maxWaitNanos);
            }
            return false;
        }
        if (wait > 0) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                giveBack(full);
                throw e;
            }
        }
        return true;
    }

    /**
     * Takes the next slot if it is free now, without waiting: for a caller that waits for it in its own way (and may
     * have other things to do meanwhile).
     *
     * @return 0 when the call may go out now, its slot taken; else how many nanoseconds until a slot is free, nothing
     *     taken
     */
    public synchronized long tryAcquire() {
        if (intervalNanos <= 0) {
            return 0;
        }
        long now = clock.getAsLong();
        long full = nextFree == Long.MIN_VALUE || nextFree - now < 0 ? now : nextFree;
        long wait = Math.max(0, full - now - burstNanos);
        if (wait == 0) {
            nextFree = Durations.plus(full, intervalNanos);
        }
        return wait;
    }

    /** Frees a reserved slot that will not be used, if it is still the last one reserved. */
    private synchronized void giveBack(long full) {
        if (nextFree == Durations.plus(full, intervalNanos)) {
            nextFree = full;
        }
    }
}
