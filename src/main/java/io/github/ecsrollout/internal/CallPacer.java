package io.github.ecsrollout.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Spaces DescribeServices calls evenly so that no burst of them, from however many chunks, exceeds a rate: ECS
 * throttles describe calls per account, and that budget is shared with everything else in it. Thread-safe.
 */
final class CallPacer {

    /** Sleeps; a seam so tests can record the requested waits instead of waiting. */
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /** No pacing at all. */
    static final CallPacer UNLIMITED = new CallPacer(0, System::nanoTime, nanos -> { });

    private final long intervalNanos;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private long nextFree = Long.MIN_VALUE;

    /** A pacer allowing {@code perSecond} calls a second on the system clock; 0 or less means unlimited. */
    static CallPacer perSecond(double perSecond) {
        return perSecond <= 0 ? UNLIMITED
                : new CallPacer(Math.round(TimeUnit.SECONDS.toNanos(1) / perSecond), System::nanoTime,
                        nanos -> TimeUnit.NANOSECONDS.sleep(nanos));
    }

    CallPacer(long intervalNanos, LongSupplier clock, Sleeper sleeper) {
        this.intervalNanos = intervalNanos;
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
    boolean acquire(long maxWaitNanos) throws InterruptedException {
        if (intervalNanos <= 0) {
            return true;
        }
        long slot;
        long wait;
        boolean reserved;
        synchronized (this) {
            long now = clock.getAsLong();
            slot = nextFree == Long.MIN_VALUE || nextFree - now < 0 ? now : nextFree;
            wait = slot - now;
            reserved = wait <= maxWaitNanos;
            if (reserved) {
                nextFree = Durations.plus(slot, intervalNanos);
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
                giveBack(slot);
                throw e;
            }
        }
        return true;
    }

    /** Frees a reserved slot that will not be used, if it is still the last one reserved. */
    private synchronized void giveBack(long slot) {
        if (nextFree == Durations.plus(slot, intervalNanos)) {
            nextFree = slot;
        }
    }
}
