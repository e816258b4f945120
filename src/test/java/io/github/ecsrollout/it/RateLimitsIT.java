package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.sim.ServiceScript;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ecs.model.EcsException;

/**
 * ECS's request throttling on, at ECS's own rates on the virtual clock the rollout shares with the simulator: 55
 * services, 5 more updates than UpdateService's bucket holds. The rollout's default pacing keeps every call within
 * ECS's limits, so no call is refused, with a client whose retries give up within milliseconds; without it, the same
 * client's 51st update fails. (The benchmark runs 5,000 services on a faster clock.)
 */
@Timeout(60)
class RateLimitsIT extends ItBase {

    private final List<String> services = names("svc", 55);

    @BeforeEach
    void fleetWithEcsLimits() {
        sim.rateLimits(true);
        services.forEach(s -> sim.createService("prod", s, ServiceScript.stableAfter(Duration.ofMillis(100))));
    }

    /**
     * The library's defaults: a poll every 15 s, at most 10 DescribeServices a second (ECS sustains 20), UpdateService
     * 40 at once and then 5 a second; the SDK's retries of a throttled call take milliseconds of real time, in which
     * the buckets, on the virtual clock, do not refill.
     */
    private ServiceRollout.Builder atEcsRates() {
        return onTheClock(ServiceRollout.builder().ecsClient(fastRetryClient(3)));
    }

    @Test
    void theDefaultPacingKeepsEveryCallWithinEcsLimits() {
        RolloutResult result = atEcsRates().build().rollOut(toRevision("prod", services, 2));

        assertEquals(services, result.serviceNames());
        assertTrue(result.services().stream().allMatch(ServiceState::isStable));
        assertEquals(Map.of(), sim.rateLimits().throttled(), "no call of any kind was throttled");
        assertEquals(55, sim.stats().count("UpdateService"), "one call per update, none retried");
        for (String s : services) {
            assertTrue(sim.service("prod", s).taskDefinition().endsWith(ofRevision(s, 2)));
        }
    }

    @Test
    void withoutItUpdatesBeyondEcsBurstAreRefused() {
        RolloutNotStableException e = failure(() -> atEcsRates().maxUpdateServicePerSecond(1_000).build()
                .rollOut(toRevision("prod", services, 2)));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertTrue(assertInstanceOf(EcsException.class, e.getCause()).isThrottlingException());
        assertEquals(services.subList(0, 50), e.updatedServices(), "ECS's burst, and not one more in 11 ms");
        assertEquals(3, sim.rateLimits().throttled("UpdateService"), "three attempts of the refused update");
    }
}
