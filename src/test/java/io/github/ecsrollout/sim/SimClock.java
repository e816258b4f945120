package io.github.ecsrollout.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that only moves when a test says so. Scripts are timed against the model's clock, so a
 * test drives a ten-minute rollout by calling {@link #advance(Duration)} instead of sleeping.
 */
public final class SimClock extends Clock {

    private volatile Instant now;

    private SimClock(Instant start) {
        this.now = start;
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
        return now;
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
