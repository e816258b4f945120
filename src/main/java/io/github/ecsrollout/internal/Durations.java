package io.github.ecsrollout.internal;

import java.time.Duration;

/** Duration arithmetic that saturates instead of overflowing: callers may pass any Duration, however long. */
final class Durations {

    /** About 292 years: the longest time {@link System#nanoTime()} arithmetic can hold. */
    static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);

    private Durations() {
    }

    /** {@code d} in nanoseconds, {@link Long#MAX_VALUE} when longer. */
    static long toNanos(Duration d) {
        return d.compareTo(MAX_NANOS) >= 0 ? Long.MAX_VALUE : d.toNanos();
    }

    /** {@code d * n}, at most {@link #MAX_NANOS}. */
    static Duration times(Duration d, long n) {
        long nanos = toNanos(d);
        return n != 0 && nanos > Long.MAX_VALUE / n ? MAX_NANOS : Duration.ofNanos(nanos * n);
    }

    /** How many whole {@code step}s cover {@code d} (rounded up); {@code step} is positive. */
    static long ceilDiv(Duration d, Duration step) {
        long s = toNanos(step);
        long n = toNanos(d);
        return n / s + (n % s == 0 ? 0 : 1);
    }
}
