package io.github.ecsrollout.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;

/**
 * The shortest deployment docs/verdicts.md describes: the bake; for LINEAR, the steps (100 / stepPercent, rounded up;
 * 10 % by default) less one, times stepBakeTimeInMinutes (6 by default); for CANARY, canaryBakeTimeInMinutes (10 by
 * default); the bake left out at BAKE_TIME or earlier, the shifts too at PRODUCTION_TRAFFIC_SHIFT or earlier.
 */
class DeploymentEstimateTest {

    private static DeploymentConfiguration config(String strategy, Integer bake, Double stepPercent,
            Integer stepBake, Integer canaryBake) {
        DeploymentConfiguration.Builder c = DeploymentConfiguration.builder().strategy(strategy)
                .bakeTimeInMinutes(bake);
        if (stepPercent != null || stepBake != null) {
            c.linearConfiguration(l -> l.stepPercent(stepPercent).stepBakeTimeInMinutes(stepBake));
        }
        if (canaryBake != null) {
            c.canaryConfiguration(k -> k.canaryBakeTimeInMinutes(canaryBake));
        }
        return c.build();
    }

    @ParameterizedTest(name = "{0} bake {1}, step {2}% every {3} min, canary {4} min, at {5}: {6} min")
    @CsvSource(nullValues = "-", value = {
        "BLUE_GREEN, 60, -, -, -, -, 60",
        "BLUE_GREEN, 60, -, -, -, BAKE_TIME, 0",
        "LINEAR, -, -, -, -, -, 54",                      // 10 steps of 10 %, 9 waits of 6 min
        "LINEAR, 5, 30, 4, -, -, 17",                     // 4 steps (30, 60, 90, 100), 3 waits of 4 min, bake 5
        "LINEAR, 5, 30, 4, -, BAKE_TIME, 12",
        "LINEAR, 5, 30, 4, -, PRODUCTION_TRAFFIC_SHIFT, 0",
        "CANARY, -, -, -, -, -, 10",
        "CANARY, 15, -, -, 3, -, 18",
        "CANARY, 15, -, -, 3, PRODUCTION_TRAFFIC_SHIFT, 0",
        "ROLLING, 7, -, -, -, -, 7",
        "ROLLING, -, -, -, -, -, 0"})
    void theShortestDeploymentAddsUpAsDocumented(String strategy, Integer bake, Double stepPercent, Integer stepBake,
            Integer canaryBake, ServiceDeploymentLifecycleStage stage, long minutes) {
        DeploymentEstimate estimate = DeploymentEstimate.of(config(strategy, bake, stepPercent, stepBake, canaryBake),
                null, stage);

        assertEquals(DeploymentStrategy.fromValue(strategy), estimate.strategy());
        assertEquals(Duration.ofMinutes(minutes), estimate.shortest(), estimate.explanation());
    }

    @ParameterizedTest(name = "requested {0}, service {1}: {2} min")
    @CsvSource(nullValues = "-", value = {"-, 30, 30", "10, 30, 10"})
    void theRequestsSettingWinsFieldByFieldOverTheServices(Integer requestedBake, Integer serviceBake, long minutes) {
        DeploymentConfiguration requested = DeploymentConfiguration.builder().bakeTimeInMinutes(requestedBake).build();
        DeploymentConfiguration current = config("BLUE_GREEN", serviceBake, null, null, null);

        assertEquals(Duration.ofMinutes(minutes), DeploymentEstimate.of(requested, current, null).shortest());
    }
}
