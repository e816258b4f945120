package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.testing.FakeEcs;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/** Every Duration setter takes any length, ChronoUnit.FOREVER included, without an ArithmeticException anywhere. */
class HugeDurationsTest {

    private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    @Test
    void foreverIsAcceptedByEverySetter() {
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(mock(EcsClient.class))
                .delay(FOREVER).timeout(FOREVER).rollbackOnFailure(true).rollbackTimeout(FOREVER).build();

        assertTrue(rollout.toString().contains("timeout=PT"), rollout.toString());
        assertEquals(rollout.toString(), rollout.toBuilder().build().toString());
    }

    @Test
    void aRolloutWithForeverDurationsSucceeds() {
        List<String> services = IntStream.range(0, 25).mapToObj(i -> "svc-" + i).toList();
        FakeEcs ecs = FakeEcs.create();
        services.forEach(s -> ecs.service("prod", s).becomesStableAfter(1));

        int revision = 1;
        for (Duration huge : List.of(FOREVER, Duration.ofDays(365L * 200), Duration.ofSeconds(Long.MAX_VALUE / 2))) {
            // Each rollout a new revision, so that each starts a deployment of its own.
            String taskDefinition = "app:" + ++revision;
            List<UpdateServiceRequest> requests = services.stream().map(s -> UpdateServiceRequest.builder()
                    .cluster("prod").service(s).taskDefinition(taskDefinition).build()).toList();
            ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs)
                    .delay(huge).timeout(huge).rollbackTimeout(huge.dividedBy(2)).rollbackOnFailure(true).build();

            assertTrue(rollout.rollOut(requests).services().stream().allMatch(ServiceState::isStable), huge::toString);
            assertTrue(rollout.awaitStable("prod", services.get(0)).services().get(0).isStable(), huge::toString);
        }
    }

    @Test
    void aForeverRollbackTimeoutStillRollsBack() {
        FakeEcs ecs = FakeEcs.create();
        ecs.service("prod", "a").taskDefinition("app:1");
        ecs.service("prod", "b").rejectsUpdates();
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO)
                .rollbackOnFailure(true).timeout(FOREVER).rollbackTimeout(FOREVER).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout.rollOut(
                UpdateServiceRequest.builder().cluster("prod").service("a").taskDefinition("app:2").build(),
                UpdateServiceRequest.builder().cluster("prod").service("b").taskDefinition("app:2").build()));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertEquals(List.of("a"), e.rolledBackServices());
        // The rollback's own read is a's first look after the update: stopped in flight, or restored once stable.
        RollbackAction action = e.serviceState("a").orElseThrow().rollbackAction();
        assertTrue(action == RollbackAction.STOPPED_WITH_ROLLBACK || action == RollbackAction.RESTORED_BY_UPDATE,
                action + "\n" + e.getMessage());
        assertEquals(action == RollbackAction.STOPPED_WITH_ROLLBACK ? 1 : 0,
                ecs.calls(StopServiceDeploymentRequest.class).size());
        assertEquals(ecs.taskDefinitionArn("app:1"), ecs.service("prod", "a").describe().orElseThrow()
                .taskDefinition());
    }
}
