package io.github.ecsrollout.internal.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.support.EveryField;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/** The reflective copy of a task definition into a registration: every field it accepts, nothing read-only. */
class RegistrationCopyTest {

    @Test
    void everyFieldOfATaskDefinitionWithEveryFieldSetIsCopied() {
        TaskDefinition described = EveryField.taskDefinition("web", 7, 2);
        RegisterTaskDefinitionRequest copied = RegistrationCopy.of(described, EveryField.threeTags()).build();
        EveryField.assertCopied(described, EveryField.threeTags(), Map.of(), copied);
    }

    @Test
    void theReadOnlyFieldsAreNotCopiedAndTheOthersAreFoundNotListed() {
        List<String> copied = RegistrationCopy.copiedFields();
        EveryField.READ_ONLY.forEach(f -> assertFalse(copied.contains(f), f));
        assertTrue(copied.containsAll(List.of("family", "containerDefinitions", "networkModeAsString",
                "requiresCompatibilitiesAsStrings", "enableFaultInjection", "runtimePlatform")), copied.toString());
    }

    @Test
    void anEnumValueThisSdkDoesNotKnowSurvives() {
        TaskDefinition described = TaskDefinition.builder().family("web").networkMode("awsvpc-next")
                .requiresCompatibilitiesWithStrings("FARGATE", "MANAGED_INSTANCES_NEXT")
                .containerDefinitions(ContainerDefinition.builder().name("app").image("a:1").build()).build();
        RegisterTaskDefinitionRequest copied = RegistrationCopy.of(described, List.of()).build();
        assertEquals("awsvpc-next", copied.networkModeAsString());
        assertEquals(List.of("FARGATE", "MANAGED_INSTANCES_NEXT"), copied.requiresCompatibilitiesAsStrings());
    }

    @Test
    void listsEcsDidNotReturnStayAbsentAndNoTagsMeansNone() {
        TaskDefinition described = TaskDefinition.builder().family("web")
                .containerDefinitions(ContainerDefinition.builder().name("app").image("a:1").build()).build();
        RegisterTaskDefinitionRequest copied = RegistrationCopy.of(described, List.of()).build();
        assertFalse(copied.hasVolumes());
        assertFalse(copied.hasPlacementConstraints());
        assertFalse(copied.hasTags());
        assertEquals(RegisterTaskDefinitionRequest.builder().family("web")
                .containerDefinitions(described.containerDefinitions()).build(), copied);
    }

    @Test
    void tagsAwsSetsItselfAreLeftOutForEcsRefusesThem() {
        TaskDefinition described = TaskDefinition.builder().family("web")
                .containerDefinitions(ContainerDefinition.builder().name("app").image("a:1").build()).build();
        List<Tag> tags = List.of(Tag.builder().key("team").value("payments").build(),
                Tag.builder().key("aws:cloudformation:stack-name").value("prod").build(),
                Tag.builder().key("AWS:Other").value("x").build(),
                Tag.builder().key("awsome").value("kept").build());

        assertEquals(List.of("team", "awsome"), RegistrationCopy.of(described, tags).build().tags().stream()
                .map(Tag::key).toList());
        assertFalse(RegistrationCopy.of(described, tags.subList(1, 3)).build().hasTags(), "only AWS's: none sent");
    }
}
