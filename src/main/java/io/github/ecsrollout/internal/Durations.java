package io.github.ecsrollout.internal;

import java.time.Duration;

/**
 * Durations as the library computes with them: in nanoseconds, so a {@link Duration} a caller may set (up to
 * {@code ChronoUnit.FOREVER}) is first saturated to what a {@code long} of nanoseconds holds, about 292 years.
 */
final class Durations {

    /** The longest duration whose nanoseconds fit a {@code long}. */
    static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

    private Durations() {
    }

    /** {@code d}, or {@link #MAX} when {@code d} is longer; {@code null} stays {@code null}. */
    static Duration saturate(Duration d) {
        return d == null || d.compareTo(MAX) <= 0 ? d : MAX;
    }

    /** {@code startNanos + nanos} ({@link System#nanoTime()} arithmetic), or {@link Long#MAX_VALUE} on overflow. */
    static long plus(long startNanos, long nanos) {
        long sum = startNanos + nanos;
        return nanos > 0 && sum < startNanos ? Long.MAX_VALUE : sum;
    }
}
