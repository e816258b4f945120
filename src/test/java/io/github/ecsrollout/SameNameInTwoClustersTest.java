package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.support.CapturedLog;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Two clusters each with a service called {@code web}, one stable and one failing: the WARN line tells of the failing
 * one, with ECS's words about it, not of the stable one that shares its name and comes first in the caller's order.
 */
class SameNameInTwoClustersTest {

    private final VirtualClock clock = VirtualClock.create();
    private final FakeEcs ecs = FakeEcs.builder().clock(clock).build();

    private static UpdateServiceRequest web(String cluster) {
        return UpdateServiceRequest.builder().cluster(cluster).service("web").taskDefinition("web:42").build();
    }

    @Test
    void theWarnLineQuotesTheFailedServiceNotItsStableNamesake() {
        ecs.service("a", "web").taskDefinition("web:41").becomesStableAfter(2);
        ecs.service("b", "web").taskDefinition("web:41").circuitBreakerTripsAfter(2);
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock).timeout(Duration.ofMinutes(20))
                .build();
        try (CapturedLog log = CapturedLog.open()) {
            RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                    () -> rollout.rollOut(List.of(web("a"), web("b"))));

            assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
            String reason = e.serviceStates().get(1).rolloutStateReason().orElseThrow();
            List<String> warn = log.lines("WARN", "ServiceRollout");
            assertEquals(1, warn.size(), warn.toString());
            assertTrue(warn.get(0).contains(reason + '"'), "b's circuit breaker, in ECS's words: " + warn.get(0));
            assertFalse(warn.get(0).contains("steady state"), "not a's words: " + warn.get(0));
        }
    }

    @Test
    void aTimeoutListsOnlyTheServiceStillDeploying() {
        ecs.service("a", "web").taskDefinition("web:41").becomesStableAfter(2);
        ecs.service("b", "web").taskDefinition("web:41").neverStable();
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock).timeout(Duration.ofMinutes(5))
                .build();
        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOut(List.of(web("a"), web("b"))));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertTrue(e.getMessage().contains("1 of 2 services not stable"), e.getMessage());
        assertFalse(e.getMessage().contains("web: STABLE"), "a's stable web is not listed as unstable: "
                + e.getMessage());
    }
}
