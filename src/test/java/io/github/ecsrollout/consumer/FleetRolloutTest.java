package io.github.ecsrollout.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.testing.FakeEcs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

class FleetRolloutTest {
    private final FakeEcs ecs = FakeEcs.create();
    private final List<UpdateServiceRequest> fleet = new ArrayList<>();
    private final ServiceRollout rollout = ServiceRollout.builder()
            .ecsClient(ecs).delay(Duration.ZERO).maxAttempts(5).build();

    FleetRolloutTest() { // 25 services over 2 clusters, each stable on its second poll
        for (int i = 0; i < 25; i++) {
            String cluster = i < 12 ? "blue" : "green", service = "svc-" + i;
            ecs.service(cluster, service).becomesStableAfter(2);
            fleet.add(UpdateServiceRequest.builder()
                    .cluster(cluster).service(service).taskDefinition(service + ":2").build());
        }
    }
    private Reason failure() {
        return assertThrows(RolloutNotStableException.class, () -> rollout.rollOut(fleet)).reason();
    }

    @Test void succeeds() {
        assertEquals(25, rollout.rollOut(fleet).services().size());
        assertEquals(25, ecs.updates().size());
    }
    @Test void deploymentFailed() {
        ecs.service("green", "svc-20").circuitBreakerTripsAfter(1);
        assertEquals(Reason.DEPLOYMENT_FAILED, failure());
    }
    @Test void rolledBack() {
        ecs.service("blue", "svc-3").circuitBreakerRollsBackAfter(2);
        assertEquals(Reason.ROLLED_BACK, failure());
    }
    @Test void updateFailed() {
        ecs.service("green", "svc-13").rejectsUpdates();
        assertEquals(Reason.UPDATE_FAILED, failure());
    }
    @Test void timedOut() {
        ecs.service("blue", "svc-7").neverStable();
        assertEquals(Reason.TIMED_OUT, failure());
    }
}
