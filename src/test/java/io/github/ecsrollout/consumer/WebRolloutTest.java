package io.github.ecsrollout.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.testing.FakeEcs;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebRolloutTest {
    private final FakeEcs ecs = FakeEcs.create();              // an EcsClient: give it to your code
    private final ServiceRollout rollout = ServiceRollout.builder()
            .ecsClient(ecs).delay(Duration.ZERO).build();      // no waiting between polls

    @Test void succeeds() {
        ecs.service("prod", "web").becomesStableAfter(2);      // the second poll after the update shows it stable
        rollout.rollOut("prod", "web", "web:2");
        assertEquals("web:2", ecs.updates().get(0).taskDefinition());
    }

    @Test void reportsTheCircuitBreakersRollback() {
        ecs.service("prod", "web").circuitBreakerRollsBackAfter(2);
        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOut("prod", "web", "web:2"));
        assertEquals(Reason.ROLLED_BACK, e.reason());
    }
}
