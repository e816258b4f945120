package io.github.ecsrollout.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** The simulator's clock as a rollout's clock: a manual one moves by what the rollout sleeps, a scaled one refuses. */
class SimClockTest {

    private final Instant start = Instant.parse("2026-06-01T12:00:00Z");
    private final SimClock clock = SimClock.startingAt(start);

    @Test
    void aSleepOnAManualClockMovesItAtOnceAndTheModelSeesIt() throws InterruptedException {
        clock.sleep(Duration.ofMinutes(20));
        clock.advance(Duration.ofSeconds(15));

        assertEquals(Duration.ofSeconds(20 * 60 + 15).toNanos(), clock.nanoTime());
        assertEquals(start.plusSeconds(20 * 60 + 15), clock.instant());
        assertEquals(Duration.ofSeconds(20 * 60 + 15), clock.advanced());
    }

    @Test
    void anInterruptedSleepThrowsClearsTheFlagAndLeavesTheClock() {
        Thread.currentThread().interrupt();

        assertThrows(InterruptedException.class, () -> clock.sleep(Duration.ofSeconds(1)));

        assertTrue(!Thread.currentThread().isInterrupted(), "the flag is cleared, as Thread.sleep clears it");
        assertEquals(0, clock.nanoTime());
    }

    @Test
    void aSleepBeyondWhatNanosecondsHoldSaturates() throws InterruptedException {
        clock.sleep(ChronoUnit.FOREVER.getDuration());
        clock.sleep(Duration.ofSeconds(1));

        assertEquals(Long.MAX_VALUE, clock.nanoTime());
    }

    @Test
    void aScaledClockIsNoRolloutsClock() {
        SimClock scaled = SimClock.scaled(60);

        assertThrows(UnsupportedOperationException.class, scaled::nanoTime);
        assertThrows(UnsupportedOperationException.class, () -> scaled.sleep(Duration.ofSeconds(1)));
        assertTrue(!scaled.instant().isBefore(Instant.now().minusSeconds(1)), "it still tells the time");
    }
}
