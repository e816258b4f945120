package io.github.ecsrollout;

import static io.github.ecsrollout.support.Model.deployment;
import static io.github.ecsrollout.support.Model.service;
import static io.github.ecsrollout.support.Model.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.support.ScriptedEcs;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/** Every Duration setter takes any length, ChronoUnit.FOREVER included, without an ArithmeticException anywhere. */
class HugeDurationsTest {

    private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();
    private static final String D1 = "ecs-svc/1000000000000000001";

    @Test
    void foreverIsAcceptedByEverySetter() {
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(mock(EcsClient.class))
                .delay(FOREVER).timeout(FOREVER).rollbackTimeout(FOREVER).build();

        assertTrue(rollout.toString().contains("timeout=PT"), rollout.toString());
        assertEquals(rollout.toString(), rollout.toBuilder().build().toString());
    }

    @Test
    void aRolloutWithForeverDurationsSucceeds() {
        List<String> services = IntStream.range(0, 25).mapToObj(i -> "svc-" + i).toList();
        ScriptedEcs fake = new ScriptedEcs().acceptUpdates();
        services.forEach(s -> fake.script(s, stable(s, D1)));
        List<UpdateServiceRequest> requests = services.stream().map(s -> UpdateServiceRequest.builder()
                .cluster("prod").service(s).taskDefinition("app:2").build()).toList();

        for (Duration huge : List.of(FOREVER, Duration.ofDays(365L * 200), Duration.ofSeconds(Long.MAX_VALUE / 2))) {
            ServiceRollout rollout = ServiceRollout.builder().ecsClient(fake.ecs)
                    .delay(huge).timeout(huge).rollbackTimeout(huge).rollbackOnFailure(true).build();

            assertTrue(rollout.rollOut(requests).services().stream().allMatch(ServiceState::isStable), huge::toString);
            assertTrue(rollout.awaitStable("prod", services.get(0)).services().get(0).isStable(), huge::toString);
        }
    }

    @Test
    void aForeverRollbackTimeoutStillRollsBack() {
        EcsClient ecs = mock(EcsClient.class);
        List<String> updates = Collections.synchronizedList(new ArrayList<>());
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
            String td = updates.isEmpty() ? "app:1" : updates.get(updates.size() - 1);
            DescribeServicesRequest r = inv.getArgument(0);
            return DescribeServicesResponse.builder().services(r.services().stream()
                    .map(name -> onDeployment(name, "ecs-svc/" + updates.size(), td)).toList()).build();
        });
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenAnswer(inv -> {
            UpdateServiceRequest r = inv.getArgument(0);
            if (r.service().equals("b")) {
                throw InvalidParameterException.builder().message("no").build();
            }
            updates.add(r.taskDefinition());
            return UpdateServiceResponse.builder().service(onDeployment("a", "ecs-svc/" + updates.size(),
                    r.taskDefinition())).build();
        });
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO)
                .rollbackOnFailure(true).timeout(FOREVER).rollbackTimeout(FOREVER).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout.rollOut(
                UpdateServiceRequest.builder().cluster("prod").service("a").taskDefinition("app:2").build(),
                UpdateServiceRequest.builder().cluster("prod").service("b").taskDefinition("app:2").build()));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertEquals(List.of("app:2", "app:1"), updates);
        assertEquals(List.of("a"), e.rolledBackServices());
    }

    private static Service onDeployment(String name, String id, String taskDefinition) {
        return service(name, 2, 2, deployment(id, "PRIMARY", taskDefinition, 2, 2, DeploymentRolloutState.COMPLETED,
                null));
    }
}
