package io.github.ecsrollout;

import java.time.Duration;
import java.time.Instant;

/**
 * The time a rollout reads and waits on: every poll delay, pacing wait and deadline of a {@link ServiceRollout} goes
 * through one clock, so that a test can run a 20-minute rollout in a moment ({@code VirtualClock} in the testkit).
 *
 * <p>Production code needs none: a rollout uses the system clock unless
 * {@link ServiceRollout.Builder#clock(RolloutClock)} says otherwise. A clock given there is taken to be virtual: ECS
 * calls are taken to need none of its time, so a rollout waits for a call in flight without reading the clock, makes
 * its calls one at a time on the calling thread, and the clock moves only when the rollout sleeps on it. Waits for a
 * stuck HTTP call or for a slow listener to return count real time whatever the clock.
 */
public interface RolloutClock {

    /**
     * The current instant, compared with the times ECS reports (when a deployment or an event was created).
     *
     * @return now
     */
    Instant instant();

    /**
     * A reading of a monotonic clock in nanoseconds, for deadlines and delays; only differences between two readings
     * mean anything.
     *
     * @return the reading
     */
    long nanoTime();

    /**
     * Waits this long; a virtual clock moves itself on by it instead.
     *
     * @param duration how long, zero or more
     * @throws InterruptedException when the calling thread is interrupted while it waits (its flag then cleared)
     */
    void sleep(Duration duration) throws InterruptedException;
}
