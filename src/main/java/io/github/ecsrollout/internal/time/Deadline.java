package io.github.ecsrollout.internal.time;

import io.github.ecsrollout.RolloutClock;
import io.github.ecsrollout.internal.model.Durations;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A rollout's one deadline, read on its clock: how much time is left, if any is set. Immutable; a deadline too far
 * away to represent (about 292 years) is none.
 */
public final class Deadline {

    private static final Deadline NONE = new Deadline(null, Long.MAX_VALUE);

    private final RolloutClock clock;
    private final long atNanos;

    private Deadline(RolloutClock clock, long atNanos) {
        this.clock = clock;
        this.atNanos = atNanos;
    }

    /** No deadline. */
    public static Deadline none() {
        return NONE;
    }

    /**
     * A deadline {@code timeout} after {@code startNanos} (a reading of {@code clock}); {@code null} means none, and so
     * does one too far away to represent.
     */
    public static Deadline after(RolloutClock clock, long startNanos, Duration timeout) {
        if (timeout == null) {
            return NONE;
        }
        long at = Durations.plus(startNanos, Durations.toNanos(timeout));
        return at == Long.MAX_VALUE ? NONE : new Deadline(clock, at);
    }

    public boolean isSet() {
        return atNanos != Long.MAX_VALUE;
    }

    /** Nanoseconds left; {@link Long#MAX_VALUE} without a deadline. */
    public long remainingNanos() {
        return isSet() ? atNanos - clock.nanoTime() : Long.MAX_VALUE;
    }

    public boolean hasPassed() {
        return remainingNanos() <= 0;
    }

    /** The time left, at least 1 ms (a call needs some); {@code null} without a deadline. */
    public Duration timeLeft() {
        return isSet() ? Duration.ofNanos(Math.max(remainingNanos(), TimeUnit.MILLISECONDS.toNanos(1))) : null;
    }

    /** When it falls, as a reading of its clock; {@link Long#MAX_VALUE} without one. */
    public long atNanos() {
        return atNanos;
    }
}
