package io.github.ecsrollout.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import io.github.ecsrollout.RolloutListener;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
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
                RolloutListener.NONE, false, true, FOREVER, null, null, null);

        assertEquals(Long.MAX_VALUE, settings.delay().toNanos());
        assertEquals(RolloutSettings.MIN_DEFAULT_DESCRIBE_SERVICES_PER_SECOND, settings.describeServicesPerSecond());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(50), DescribeBatcher.windowFor(FOREVER));
        Deadline never = Deadline.after(System.nanoTime(), FOREVER, mock(EcsClient.class));
        assertFalse(never.isSet());
        assertFalse(never.hasPassed());
        Deadline far = Deadline.after(System.nanoTime(), Duration.ofDays(365L * 200), mock(EcsClient.class));
        assertTrue(far.isSet() && far.remainingNanos() > 0);
    }
}
