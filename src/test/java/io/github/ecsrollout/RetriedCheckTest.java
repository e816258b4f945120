package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.testing.FakeEcs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * The Step Functions recipe (docs/long-rollouts.md) retries a Check with the same input and says "nothing is lost or told twice".
 * A Check whose verdict rolled the rollout back, retried (its answer lost to a Lambda.ServiceException), judges the
 * world after its own rollback: it used to take the failed service's restore for someone else's deployment
 * (SUPERSEDED) and restore the healthy service with a second UpdateService.
 */
class RetriedCheckTest {

    private static UpdateServiceRequest request(String service) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition(service + ":2").build();
    }

    @Test
    void aCheckRetriedAfterItsRollbackGivesTheSameVerdictAndSendsNothingMore() {
        FakeEcs ecs = FakeEcs.create();
        ecs.service("prod", "web");
        ecs.service("prod", "api").circuitBreakerTripsAfter(2);
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO)
                .rollbackOnFailure(true).build();
        RolloutCheckpoint first = rollout.check(rollout.start(request("web"), request("api"))).checkpoint();
        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout.check(first));
        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        int updates = ecs.updates().size();

        RolloutNotStableException retried = assertThrows(RolloutNotStableException.class, () -> rollout.check(first));
        // The retry sees the world after the rollback: back on what ran before, by a deployment not the rollout's.
        // That is ROLLED_BACK (never SUPERSEDED: the restore was ours), and nothing more is sent.
        assertTrue(retried.reason() == Reason.DEPLOYMENT_FAILED || retried.reason() == Reason.ROLLED_BACK,
                retried.getMessage());
        assertEquals(updates, ecs.updates().size(), "a second rollback was sent");
        assertEquals(List.of(), ecs.calls(StopServiceDeploymentRequest.class));
    }
}
