package io.github.ecsrollout.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ecsrollout.internal.time.SystemClock;
import io.github.ecsrollout.RolloutListener;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The default DescribeServices pace: 150 per delay, never below 10 a second nor above ECS's sustained 20. */
class RolloutSettingsTest {

    private static RolloutSettings withDelay(Duration delay, Double rate) {
        return new RolloutSettings(null, delay, null, null, 10, RolloutListener.NONE, false, false, null, rate, null,
                null, SystemClock.INSTANCE);
    }

    @ParameterizedTest(name = "delay {0} ms: {1} a second")
    @CsvSource({"15000, 10", "60000, 10", "10000, 15", "7500, 20", "5000, 20", "1000, 20", "20, 20", "0, 0"})
    void theDefaultPaceFollowsTheDelayWithinTenToTwentyASecond(long delayMillis, double perSecond) {
        assertEquals(perSecond, withDelay(Duration.ofMillis(delayMillis), null).describeServicesPerSecond(), 1e-9);
    }

    @ParameterizedTest(name = "set to {0}")
    @CsvSource({"0.5", "100", "5000"})
    void aRateTheCallerSetsIsKeptAsSet(double perSecond) {
        assertEquals(perSecond, withDelay(Duration.ofSeconds(1), perSecond).describeServicesPerSecond(), 1e-9);
    }
}
