package io.github.ecsrollout.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CallPacerTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Long> sleeps = new ArrayList<>();
    private final CallPacer pacer = new CallPacer(100_000_000L, now::get, sleeps::add);

    @Test
    void theFirstCallGoesAtOnceAndABurstIsSpacedByTheInterval() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            pacer.acquire();
        }
        assertEquals(List.of(100_000_000L, 200_000_000L, 300_000_000L), sleeps);
    }

    @Test
    void callsFurtherApartThanTheIntervalNeverWait() throws InterruptedException {
        pacer.acquire();
        now.addAndGet(150_000_000L);
        pacer.acquire();
        now.addAndGet(100_000_000L);
        pacer.acquire();
        assertEquals(List.of(), sleeps);
    }

    @Test
    void idleTimeIsNotSavedUpForALaterBurst() throws InterruptedException {
        pacer.acquire();
        now.addAndGet(5_000_000_000L);
        pacer.acquire();
        pacer.acquire();
        assertEquals(List.of(100_000_000L), sleeps);
    }

    @Test
    void aCallPartWayThroughTheIntervalWaitsOnlyTheRest() throws InterruptedException {
        pacer.acquire();
        now.addAndGet(30_000_000L);
        pacer.acquire();
        assertEquals(List.of(70_000_000L), sleeps);
    }

    @Test
    void ratesBecomeIntervals() throws InterruptedException {
        CallPacer.UNLIMITED.acquire();
        assertEquals(CallPacer.UNLIMITED, CallPacer.perSecond(0));
    }
}
