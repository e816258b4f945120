package io.github.ecsrollout.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.ImageUpdate;
import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.testing.FakeEcs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/** docs/images.md's examples, verbatim, run on FakeEcs (DocsTest checks that the page prints them as they are here). */
class ImageDeployExampleTest {

    @Test
    void theExamplesOfTheImagesPageWork() {
        FakeEcs ecs = FakeEcs.create();
        ecs.service("prod", "web");
        ecs.taskDefinition(TaskDefinition.builder().family("checkout").revision(3).containerDefinitions(
                ContainerDefinition.builder().name("app").image("checkout:1.9").build(),
                ContainerDefinition.builder().name("envoy").image("envoy:1.28").build()).build());
        ecs.service("prod", "checkout").taskDefinition("checkout:3");
        ecs.service("prod", "payments");

        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs)
                .timeout(Duration.ofMinutes(20)).rollbackOnFailure(true).build();
        RolloutResult result = rollout.rollOutImages(List.of(
                ImageUpdate.of("prod", "web", "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2.0")));

        assertEquals(Optional.of(ecs.taskDefinitionArn("web:2")), result.services().get(0).taskDefinition());

        List<ImageUpdate> updates = List.of(
                ImageUpdate.of("prod", "checkout", Map.of(
                        "app", "123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout:2.0",
                        "envoy", "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.12.0-prod")),
                ImageUpdate.of("prod", "payments", "123456789012.dkr.ecr.us-east-1.amazonaws.com/payments:2.0"));
        RolloutCheckpoint checkpoint = rollout.startImages(updates);   // as start(): go on with check, watch, resume

        assertTrue(checkpoint.toJson().contains("payments"), checkpoint.toJson());
        assertEquals(3, ecs.updates().size());
        assertEquals(List.of("web", "checkout", "payments"), ecs.calls(RegisterTaskDefinitionRequest.class).stream()
                .map(RegisterTaskDefinitionRequest::family).toList());
    }

    @Test void deploysTheNewImage() {
        FakeEcs ecs = FakeEcs.create();
        ecs.service("prod", "web").taskDefinition("web:7");          // one container, "app"
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).build();

        rollout.rollOutImages(List.of(ImageUpdate.of("prod", "web", "repo/web:2.0")));

        RegisterTaskDefinitionRequest registered = ecs.calls(RegisterTaskDefinitionRequest.class).get(0);
        assertEquals("repo/web:2.0", registered.containerDefinitions().get(0).image());
        assertEquals(ecs.taskDefinitionArn("web:8"), ecs.updates().get(0).taskDefinition());
    }
}
