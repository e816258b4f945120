package io.github.ecsrollout.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that only moves when a test says so. Scripts are timed against the model's clock, so a
 * test drives a ten-minute rollout by calling {@link #advance(Duration)} instead of sleeping. A
 * {@link #scaled(int) scaled} clock runs by itself, faster than real time, for demos whose scripts
 * are timed in ECS minutes.
 */
public final class SimClock extends Clock {

    private volatile Instant now;
    /** 0 for a manual clock; else simulated nanoseconds per real nanosecond since {@link #origin}. */
    private final int speed;
    private final long origin = System.nanoTime();

    private SimClock(Instant start) {
        this(start, 0);
    }

    private SimClock(Instant start, int speed) {
        this.now = start;
        this.speed = speed;
    }

    /** A clock that runs {@code speedup} times faster than real time from now on (and can still be advanced). */
    public static SimClock scaled(int speedup) {
        if (speedup < 1) {
            throw new IllegalArgumentException("speedup < 1");
        }
        return new SimClock(Instant.now(), speedup);
    }

    /** A manual clock starting at a fixed, recognisable instant (2024-05-01T12:00:00Z). */
    public static SimClock manual() {
        return new SimClock(Instant.parse("2024-05-01T12:00:00Z"));
    }

    public static SimClock startingAt(Instant start) {
        return new SimClock(start);
    }

    public synchronized void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + by);
        }
        now = now.plus(by);
    }

    @Override
    public Instant instant() {
        return speed == 0 ? now : now.plusNanos((System.nanoTime() - origin) * speed);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the simulated ECS works in UTC only");
    }
}
