package io.github.ecsrollout.testing;

import io.github.ecsrollout.RolloutClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Virtual time for unit tests: a clock that moves only when a rollout sleeps on it (or a test calls
 * {@link #advance(Duration)}), so that a rollout with a 20-minute timeout reaches {@code TIMED_OUT} in a moment.
 * Give the same clock to the {@link FakeEcs} and to the rollout:
 *
 * <pre>{@code
 * VirtualClock clock = VirtualClock.create();
 * FakeEcs ecs = FakeEcs.builder().clock(clock).build();
 * ecs.service("prod", "web").neverStable();
 * ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock)
 *         .timeout(Duration.ofMinutes(20)).build();
 * // rollout.rollOut(...) throws TIMED_OUT at once; clock.elapsed() is 20 minutes
 * }</pre>
 *
 * <p>A sleep returns at once, the clock moved on by its length; an ECS call takes none of its time. It is also a
 * {@link java.time.Clock} (in UTC), which is what {@link FakeEcs.Builder#clock(Clock)} takes for the instants it
 * reports. Thread-safe.
 */
public final class VirtualClock extends Clock implements RolloutClock {

    private final Instant origin;
    private final AtomicLong nanos = new AtomicLong();

    private VirtualClock(Instant origin) {
        this.origin = origin;
    }

    /**
     * A virtual clock that starts at the current instant (to the millisecond), so that instants it reports look
     * recent.
     *
     * @return a new clock
     */
    public static VirtualClock create() {
        return new VirtualClock(Instant.ofEpochMilli(System.currentTimeMillis()));
    }

    /**
     * A virtual clock that starts at a given instant.
     *
     * @param start its first instant
     * @return a new clock
     */
    public static VirtualClock startingAt(Instant start) {
        return new VirtualClock(Objects.requireNonNull(start, "start"));
    }

    /**
     * Moves the clock on.
     *
     * @param duration how far, zero or more
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative: " + duration);
        }
        nanos.addAndGet(duration.toNanos());
    }

    /**
     * How far the clock has moved since it was made.
     *
     * @return the virtual time passed
     */
    public Duration elapsed() {
        return Duration.ofNanos(nanos.get());
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(nanos.get());
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    /**
     * Moves the clock on by {@code duration} (saturated to what a {@code long} of nanoseconds holds) and returns at
     * once.
     *
     * @throws InterruptedException when the calling thread's interrupt flag is set (the flag then cleared)
     */
    @Override
    public void sleep(Duration duration) throws InterruptedException {
        Objects.requireNonNull(duration, "duration");
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while sleeping on a VirtualClock");
        }
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        long step = duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : duration.toNanos();
        nanos.accumulateAndGet(step, (now, by) -> now + by < now ? Long.MAX_VALUE : now + by);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /**
     * This clock seen in another zone: the same instants.
     *
     * @param zone the zone
     * @return a clock reading this one's instants in {@code zone}
     */
    @Override
    public Clock withZone(ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        VirtualClock source = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return source.withZone(other);
            }

            @Override
            public Instant instant() {
                return source.instant();
            }
        };
    }

    @Override
    public String toString() {
        return "VirtualClock[" + instant() + ", elapsed=" + elapsed() + "]";
    }
}
