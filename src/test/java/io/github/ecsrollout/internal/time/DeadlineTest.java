package io.github.ecsrollout.internal.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** A deadline read on a clock the test moves. */
class DeadlineTest {

    private final VirtualClock clock = VirtualClock.create();

    @Test
    void theTimeLeftIsReadOnTheClockAndNeverLessThanAMillisecond() {
        Deadline d = Deadline.after(clock, clock.nanoTime(), Duration.ofMinutes(20));

        assertEquals(Duration.ofMinutes(20), d.timeLeft());
        clock.advance(Duration.ofMinutes(19));
        assertEquals(Duration.ofMinutes(1), d.timeLeft());
        assertFalse(d.hasPassed());
        clock.advance(Duration.ofMinutes(1));
        assertTrue(d.hasPassed());
        assertEquals(Duration.ofMillis(1), d.timeLeft(), "a call made at the deadline still gets a millisecond");
    }

    @Test
    void aTimeoutBeyondALongOfNanosecondsIsNoDeadline() {
        Deadline never = Deadline.after(clock, clock.nanoTime(), ChronoUnit.FOREVER.getDuration());
        assertFalse(never.isSet());
        assertFalse(never.hasPassed());
        assertNull(never.timeLeft());
        assertEquals(Long.MAX_VALUE, never.remainingNanos());

        Deadline far = Deadline.after(clock, clock.nanoTime(), Duration.ofDays(365L * 200));
        assertTrue(far.isSet() && far.remainingNanos() > 0);
    }

    @Test
    void withoutATimeoutThereIsNoDeadline() {
        assertFalse(Deadline.after(clock, clock.nanoTime(), null).isSet());
        assertFalse(Deadline.none().hasPassed());
    }
}
