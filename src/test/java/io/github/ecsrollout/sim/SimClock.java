package io.github.ecsrollout.sim;

import io.github.ecsrollout.RolloutClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that only moves when a test says so. Scripts are timed against the model's clock, so a test drives a
 * ten-minute rollout by calling {@link #advance(Duration)} instead of sleeping.
 *
 * <p>A manual clock is also a {@link RolloutClock}: given to a rollout as well as to the simulator, each of the
 * rollout's sleeps advances it ({@link #sleep(Duration)}), so a rollout whose scripts are timed in ECS minutes runs at
 * once through the real SDK client and HTTP, and what it sees does not depend on how busy the machine is.
 *
 * <p>A {@link #scaled(int) scaled} clock runs by itself, faster than real time, for demos whose scripts are timed in
 * ECS minutes. It is no rollout's clock: a rollout takes any clock but the system's to be virtual, one whose time ECS
 * calls do not use, while a scaled clock moves during every call; its {@link #nanoTime()} and {@link #sleep} refuse.
 */
public final class SimClock extends Clock implements RolloutClock {

    private final Instant start;
    /** How far {@link #advance} and {@link #sleep} moved the clock, in nanoseconds (saturated). */
    private final AtomicLong advanced = new AtomicLong();
    /** 0 for a manual clock; else simulated nanoseconds per real nanosecond since {@link #origin}. */
    private final int speed;
    private final long origin = System.nanoTime();

    private SimClock(Instant start, int speed) {
        this.start = start;
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
        return startingAt(Instant.parse("2024-05-01T12:00:00Z"));
    }

    /** A manual clock starting at {@code start}. */
    public static SimClock startingAt(Instant start) {
        return new SimClock(start, 0);
    }

    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + by);
        }
        long step = by.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : by.toNanos();
        advanced.accumulateAndGet(step, (now, plus) -> now + plus < now ? Long.MAX_VALUE : now + plus);
    }

    /** How far the clock was moved on since it was made (a scaled clock's own running not counted). */
    public Duration advanced() {
        return Duration.ofNanos(advanced.get());
    }

    @Override
    public Instant instant() {
        Instant moved = start.plusNanos(advanced.get());
        return speed == 0 ? moved : moved.plusNanos((System.nanoTime() - origin) * speed);
    }

    /** The time the clock was moved on, in nanoseconds: a rollout's deadlines and delays read it. */
    @Override
    public long nanoTime() {
        requireManual();
        return advanced.get();
    }

    /** Moves a manual clock on by {@code duration} and returns at once: the rollout's wait, in ECS's time. */
    @Override
    public void sleep(Duration duration) throws InterruptedException {
        requireManual();
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while sleeping on a SimClock");
        }
        if (!duration.isNegative()) {
            advance(duration);
        }
    }

    private void requireManual() {
        if (speed != 0) {
            throw new UnsupportedOperationException("a scaled SimClock runs by itself: ECS calls take its time, so it "
                    + "is no rollout's clock; give the rollout the system clock");
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the simulated ECS works in UTC only");
    }

    @Override
    public String toString() {
        return speed == 0 ? "SimClock[" + instant() + "]" : "SimClock[" + speed + "x, " + instant() + "]";
    }
}
