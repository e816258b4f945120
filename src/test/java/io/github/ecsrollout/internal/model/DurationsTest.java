package io.github.ecsrollout.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.Mockito.mock;

import io.github.ecsrollout.internal.time.SystemClock;
import io.github.ecsrollout.RolloutListener;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;

class DurationsTest {

    private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    @Test
    void durationsBeyondALongOfNanosecondsSaturate() {
        assertEquals(Duration.ofNanos(Long.MAX_VALUE), Durations.saturate(FOREVER));
        assertEquals(Duration.ofNanos(Long.MAX_VALUE), Durations.saturate(Duration.ofNanos(Long.MAX_VALUE)));
        assertEquals(Duration.ofDays(3), Durations.saturate(Duration.ofDays(3)));
        assertNull(Durations.saturate(null));
    }

    @Test
    void sumsSaturateInsteadOfWrappingAround() {
        assertEquals(Long.MAX_VALUE, Durations.plus(10, Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE - 1, Durations.plus(-1, Long.MAX_VALUE));
        assertEquals(15, Durations.plus(10, 5));
    }

    @Test
    void everyPlaceThatComputesInNanosecondsTakesForever() {
        RolloutSettings settings = new RolloutSettings(mock(EcsClient.class), FOREVER, null, FOREVER, 10,
                RolloutListener.NONE, false, true, FOREVER, null, null, null, SystemClock.INSTANCE);

        assertEquals(Long.MAX_VALUE, settings.delay().toNanos());
        assertEquals(RolloutSettings.MIN_DEFAULT_DESCRIBE_SERVICES_PER_SECOND, settings.describeServicesPerSecond());
        // The schedule's window and the deadline, which take the same durations, are checked beside them:
        // ScheduleTest and DeadlineTest.
    }
}
