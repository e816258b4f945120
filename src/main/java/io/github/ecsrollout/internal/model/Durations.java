package io.github.ecsrollout.internal.model;

import java.time.Duration;

/**
 * Durations as the library computes with them: in nanoseconds, so a {@link Duration} a caller may set (up to
 * {@code ChronoUnit.FOREVER}) is first saturated to what a {@code long} of nanoseconds holds, about 292 years.
 * Arithmetic here saturates instead of overflowing.
 */
public final class Durations {

    /** The longest duration whose nanoseconds fit a {@code long}. */
    public static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

    private Durations() {
    }

    /** {@code d}, or {@link #MAX} when {@code d} is longer; {@code null} stays {@code null}. */
    public static Duration saturate(Duration d) {
        return d == null || d.compareTo(MAX) <= 0 ? d : MAX;
    }

    /** {@code startNanos + nanos} (arithmetic on clock readings), or {@link Long#MAX_VALUE} on overflow. */
    public static long plus(long startNanos, long nanos) {
        long sum = startNanos + nanos;
        return nanos > 0 && sum < startNanos ? Long.MAX_VALUE : sum;
    }

    /** {@code d} in nanoseconds, {@link Long#MAX_VALUE} when longer. */
    public static long toNanos(Duration d) {
        return saturate(d).toNanos();
    }

    /** The shorter of two bounds, {@code null} standing for none. */
    public static Duration min(Duration a, Duration b) {
        return a == null ? b : b == null || a.compareTo(b) < 0 ? a : b;
    }

    /** {@code d * n} for {@code n >= 0}, at most {@link #MAX}. */
    public static Duration times(Duration d, long n) {
        long nanos = toNanos(d);
        return n != 0 && nanos > Long.MAX_VALUE / n ? MAX : Duration.ofNanos(nanos * n);
    }

    /** How many whole {@code step}s cover {@code d} (rounded up); {@code step} is positive. */
    public static long ceilDiv(Duration d, Duration step) {
        long s = toNanos(step);
        long n = toNanos(d);
        return n / s + (n % s == 0 ? 0 : 1);
    }
}
