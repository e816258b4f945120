package io.github.ecsrollout.internal.time;

import io.github.ecsrollout.RolloutClock;
import io.github.ecsrollout.internal.model.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** The real clock: the one place in the library that reads the system's time and sleeps on it. */
public enum SystemClock implements RolloutClock {
    /** The one instance. */
    INSTANCE;

    @Override
    public Instant instant() {
        return Instant.now();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(Durations.toNanos(duration));
    }

    /** Whether a clock is this one: any other is taken to be virtual (see {@link RolloutClock}). */
    public static boolean isSystem(RolloutClock clock) {
        return clock == INSTANCE;
    }
}
