package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.support.EveryField;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.AdditionalAnswers;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DeregisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/** Issue 19's acceptance tests for the image deploy, on FakeEcs. */
class ImageDeployAcceptanceTest {

    @Test
    void theRegisteredRequestEqualsTheDescribedTaskDefinitionExceptForTheOneImage() {
        FakeEcs ecs = FakeEcs.create();
        // every field of TaskDefinition set, found by walking its builder: fields this library never names included
        TaskDefinition described = EveryField.taskDefinition("checkout", 12, 3);
        ecs.taskDefinition(described, EveryField.threeTags());
        ecs.service("prod", "checkout").taskDefinition("checkout:12");

        ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).build()
                .rollOutImages(List.of(ImageUpdate.of("prod", "checkout", Map.of("c1", "repo/c1:2"))));

        List<RegisterTaskDefinitionRequest> registered = ecs.calls(RegisterTaskDefinitionRequest.class);
        assertEquals(1, registered.size());
        assertEquals(described, ecs.describeTaskDefinition(r -> r.taskDefinition("checkout:12")).taskDefinition());
        EveryField.assertCopied(described, EveryField.threeTags(), Map.of("c1", "repo/c1:2"), registered.get(0));
        assertEquals(ecs.taskDefinitionArn("checkout:13"), ecs.updates().get(0).taskDefinition());
    }

    @Test
    void aFleetOf25WhoseOneDeploymentTheCircuitBreakerRollsBackIsRestoredAndNothingIsDeregistered() {
        VirtualClock clock = VirtualClock.create();
        FakeEcs ecs = FakeEcs.builder().clock(clock).build();
        List<ImageUpdate> updates = new ArrayList<>();
        List<String> previous = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String name = "svc-" + i;
            ecs.service("prod", name).taskDefinition(name + ":3").becomesStableAfter(2);
            previous.add(ecs.taskDefinitionArn(name + ":3"));
            updates.add(ImageUpdate.of("prod", name, "repo/app:2.0"));
        }
        ecs.service("prod", "svc-17").circuitBreakerRollsBackAfter(2);
        // The fake answers no DeregisterTaskDefinition: a spy on it is what can see one sent.
        EcsClient client = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(client).clock(clock)
                .delay(Duration.ofSeconds(15)).timeout(Duration.ofMinutes(30)).rollbackOnFailure(true).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOutImages(updates));

        assertEquals(Reason.ROLLED_BACK, e.reason());
        assertEquals(List.of("svc-17"), e.failedServices());
        assertEquals(25, ecs.calls(RegisterTaskDefinitionRequest.class).size());
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String name = "svc-" + i;
            assertEquals(previous.get(i), ecs.service("prod", name).describe().orElseThrow().taskDefinition(), name);
            if (i != 17) {
                others.add(name);
            }
        }
        assertTrue(e.rolledBackServices().containsAll(others), e.rolledBackServices().toString());
        // the 24 healthy ones were sent back to their previous revision; none to anything else
        List<String> restores = ecs.updates().stream().skip(25).map(UpdateServiceRequest::taskDefinition).toList();
        assertTrue(previous.containsAll(restores), restores.toString());
        assertEquals(List.of(), ecs.calls(DeregisterTaskDefinitionRequest.class));
        verify(client, never()).deregisterTaskDefinition(any(DeregisterTaskDefinitionRequest.class));
    }
}
