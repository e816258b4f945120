package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ecsrollout.ImageUpdate;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import io.github.ecsrollout.support.EveryField;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;

/**
 * The image deploy end to end: the real SDK client over HTTP against the simulated ECS, which keeps what a
 * registration sends as sent, so the copy is checked on the wire, every field the SDK sends included. On the virtual
 * clock.
 */
@Timeout(60)
class ImageDeployIT extends ItBase {

    private static final Duration SOON = Duration.ofMillis(40);

    @Test
    void theWireRegistrationEqualsTheOneThatMadeTheTaskDefinitionExceptForTheImage() {
        EcsClient client = client();
        client.registerTaskDefinition(EveryField.registration("checkout", 3));
        sim.createService(ServiceSpec.of("prod", "checkout").taskDefinition("checkout:1")
                .script(ServiceScript.stableAfter(SOON)));

        RolloutResult result = rollout().build()
                .rollOutImages(List.of(ImageUpdate.of("prod", "checkout", Map.of("c1", "repo/c1:2"))));

        List<JsonNode> registrations = sim.registrations();
        assertEquals(2, registrations.size());
        ObjectNode expected = registrations.get(0).deepCopy();
        ((ObjectNode) expected.get("containerDefinitions").get(1)).put("image", "repo/c1:2");
        assertEquals(expected, registrations.get(1));
        assertTrue(result.services().get(0).taskDefinition().orElseThrow().endsWith("task-definition/checkout:2"));
        DescribeTaskDefinitionResponse now = client.describeTaskDefinition(
                r -> r.taskDefinition("checkout:2").include(TaskDefinitionField.TAGS));
        assertEquals(EveryField.threeTags(), now.tags());
        assertEquals("repo/c1:2", now.taskDefinition().containerDefinitions().get(1).image());
    }

    @Test
    void servicesOnOneTaskDefinitionShareOneNewRevision() {
        for (String s : List.of("a", "b")) {
            sim.createService(ServiceSpec.of("prod", s).taskDefinition("shared:5").script(ServiceScript.stableAfter(SOON)));
        }

        rollout().build().rollOutImages(List.of(ImageUpdate.of("prod", "a", "repo/app:2"),
                ImageUpdate.of("prod", "b", "repo/app:2")));

        assertEquals(1, sim.registrations().size());
        assertEquals("repo/app:2", sim.registrations().get(0).get("containerDefinitions").get(0).get("image").asText());
        client().describeServices(r -> r.cluster("prod").services("a", "b")).services()
                .forEach(s -> assertTrue(s.taskDefinition().endsWith("task-definition/shared:6"), s.taskDefinition()));
    }

    @Test
    void anUnknownContainerRegistersAndUpdatesNothing() {
        sim.createService("prod", "web", ServiceScript.stableAfter(SOON));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rollout().build()
                .rollOutImages(List.of(ImageUpdate.of("prod", "web", Map.of("web", "repo/web:2")))));

        assertTrue(e.getMessage().contains("lacks; it has [app]"), e.getMessage());
        assertEquals(List.of(), sim.registrations());
        assertEquals(0, sim.stats().count("UpdateService"));
    }

    @Test
    void aRegistrationEcsRefusesUpdatesNothing() {
        sim.createService("prod", "web", ServiceScript.stableAfter(SOON));
        sim.faults().next(1, "RegisterTaskDefinition").error(400, "ClientException", "Too many concurrent attempts "
                + "to create a new revision of the specified family.");

        RolloutNotStableException e = failure(() -> rollout().build()
                .rollOutImages(List.of(ImageUpdate.of("prod", "web", "repo/web:2"))));

        assertEquals(Reason.TASK_DEFINITION_UNUSABLE, e.reason(), e.getMessage());
        assertEquals(0, sim.stats().count("UpdateService"));
    }
}
