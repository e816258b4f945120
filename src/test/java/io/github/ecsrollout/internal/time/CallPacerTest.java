package io.github.ecsrollout.internal.time;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CallPacerTest {

    private static final long NO_DEADLINE = Long.MAX_VALUE;
    private static final long INTERVAL = 100_000_000L;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Long> sleeps = new ArrayList<>();
    private final CallPacer pacer = new CallPacer(INTERVAL, now::get, sleeps::add);

    @Test
    void theFirstCallGoesAtOnceAndABurstIsSpacedByTheInterval() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            assertTrue(pacer.acquire(NO_DEADLINE));
        }
        assertEquals(List.of(100_000_000L, 200_000_000L, 300_000_000L), sleeps);
    }

    @Test
    void callsFurtherApartThanTheIntervalNeverWait() throws InterruptedException {
        pacer.acquire(NO_DEADLINE);
        now.addAndGet(150_000_000L);
        pacer.acquire(NO_DEADLINE);
        now.addAndGet(100_000_000L);
        pacer.acquire(NO_DEADLINE);
        assertEquals(List.of(), sleeps);
    }

    @Test
    void idleTimeIsNotSavedUpForALaterBurst() throws InterruptedException {
        pacer.acquire(NO_DEADLINE);
        now.addAndGet(5_000_000_000L);
        pacer.acquire(NO_DEADLINE);
        pacer.acquire(NO_DEADLINE);
        assertEquals(List.of(100_000_000L), sleeps);
    }

    @Test
    void aCallPartWayThroughTheIntervalWaitsOnlyTheRest() throws InterruptedException {
        pacer.acquire(NO_DEADLINE);
        now.addAndGet(30_000_000L);
        pacer.acquire(NO_DEADLINE);
        assertEquals(List.of(70_000_000L), sleeps);
    }

    @Test
    void ratesBecomeIntervals() throws InterruptedException {
        assertTrue(CallPacer.UNLIMITED.acquire(0));
        assertEquals(CallPacer.UNLIMITED, CallPacer.perSecond(SystemClock.INSTANCE, 0));
    }

    @Test
    void aSlotBeyondTheDeadlineEndsTheWaitAtTheDeadlineAndIsNotTaken() throws InterruptedException {
        pacer.acquire(NO_DEADLINE);

        assertFalse(pacer.acquire(40_000_000L), "the next slot is 100 ms away, the deadline 40 ms");
        assertEquals(List.of(40_000_000L), sleeps, "waited until the deadline, not for the slot");

        now.addAndGet(40_000_000L);
        assertTrue(pacer.acquire(NO_DEADLINE));
        assertEquals(List.of(40_000_000L, 60_000_000L), sleeps, "the slot abandoned went to the next caller");
    }

    @Test
    void aSlotAtTheDeadlineIsStillTaken() throws InterruptedException {
        pacer.acquire(NO_DEADLINE);

        assertTrue(pacer.acquire(INTERVAL));
        assertEquals(List.of(INTERVAL), sleeps);
    }

    @Test
    void aPassedDeadlineEndsTheWaitAtOnce() throws InterruptedException {
        pacer.acquire(NO_DEADLINE);

        assertFalse(pacer.acquire(-5));
        assertEquals(List.of(), sleeps);
    }

    @Test
    void anInterruptedWaitGivesItsSlotBack() throws InterruptedException {
        CallPacer interrupted = new CallPacer(INTERVAL, now::get, nanos -> {
            sleeps.add(nanos);
            if (sleeps.size() == 1) {
                throw new InterruptedException();
            }
        });
        interrupted.acquire(NO_DEADLINE);

        assertThrows(InterruptedException.class, () -> interrupted.acquire(NO_DEADLINE));
        interrupted.acquire(NO_DEADLINE);

        assertEquals(List.of(INTERVAL, INTERVAL), sleeps, "the second call waits for the slot the first gave back");
    }

    @Test
    void aRateTooSlowToRepresentStillPaces() throws InterruptedException {
        CallPacer slowest = CallPacer.perSecond(SystemClock.INSTANCE, Double.MIN_VALUE);

        assertTrue(slowest.acquire(NO_DEADLINE));
        assertFalse(slowest.acquire(0), "the next slot is as far away as a long of nanoseconds goes");
    }

    @Test
    void aBucketLetsItsBurstGoAtOnceThenPacesAtItsRate() throws InterruptedException {
        CallPacer bucket = new CallPacer(INTERVAL, 3, now::get, sleeps::add);

        for (int i = 0; i < 5; i++) {
            assertTrue(bucket.acquire(NO_DEADLINE));
        }

        assertEquals(List.of(INTERVAL, 2 * INTERVAL), sleeps, "three at once, then one an interval");
    }

    @Test
    void anIdleBucketRefillsUpToItsBurstAndNoMore() throws InterruptedException {
        CallPacer bucket = new CallPacer(INTERVAL, 3, now::get, sleeps::add);
        for (int i = 0; i < 3; i++) {
            bucket.acquire(NO_DEADLINE);
        }
        now.addAndGet(INTERVAL); // one call's worth back
        bucket.acquire(NO_DEADLINE);
        now.addAndGet(100 * INTERVAL); // a full bucket, not 100 calls' worth
        for (int i = 0; i < 4; i++) {
            bucket.acquire(NO_DEADLINE);
        }

        assertEquals(List.of(INTERVAL), sleeps);
    }

    @Test
    void aBucketSlotBeyondTheDeadlineIsNotTaken() throws InterruptedException {
        CallPacer bucket = new CallPacer(INTERVAL, 2, now::get, sleeps::add);
        bucket.acquire(NO_DEADLINE);
        bucket.acquire(NO_DEADLINE);

        assertFalse(bucket.acquire(INTERVAL / 2));
        now.addAndGet(INTERVAL / 2);
        assertTrue(bucket.acquire(NO_DEADLINE));

        assertEquals(List.of(INTERVAL / 2, INTERVAL / 2), sleeps);
    }
}
