package io.github.ecsrollout.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.support.EveryField;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/** The simulator's RegisterTaskDefinition and DescribeTaskDefinition, as the real SDK client sees them. */
class TaskDefinitionApiTest extends SimTestBase {

    @Test
    void aRegistrationGetsTheFamilysNextRevisionAndIsDescribedWithEveryFieldAndItsTags() {
        ecs.registerTaskDefinition("checkout", 4);
        RegisterTaskDefinitionRequest request = EveryField.registration("checkout", 2);

        RegisterTaskDefinitionResponse registered = client.registerTaskDefinition(request);

        TaskDefinition td = registered.taskDefinition();
        assertEquals(5, td.revision());
        assertEquals("arn:aws:ecs:us-east-1:123456789012:task-definition/checkout:5", td.taskDefinitionArn());
        assertEquals(TaskDefinitionStatus.ACTIVE, td.status());
        assertEquals(EveryField.threeTags(), registered.tags());
        DescribeTaskDefinitionResponse described = client.describeTaskDefinition(
                r -> r.taskDefinition("checkout:5").include(TaskDefinitionField.TAGS));
        assertEquals(td, described.taskDefinition());
        assertEquals(EveryField.threeTags(), described.tags());
        EveryField.assertCopied(described.taskDefinition(), EveryField.threeTags(), java.util.Map.of(), request);
        assertFalse(client.describeTaskDefinition(r -> r.taskDefinition("checkout:5")).hasTags(),
                "no tags unless asked");
        assertEquals(1, ecs.registrations().size());
        assertEquals("checkout", ecs.registrations().get(0).get("family").asText());
        assertEquals(6, client.registerTaskDefinition(request).taskDefinition().revision());
    }

    @Test
    void aRevisionNobodyRegisteredHasOneContainerApp() {
        TaskDefinition td = client.describeTaskDefinition(r -> r.taskDefinition("web:3")).taskDefinition();
        assertEquals(List.of("app"), td.containerDefinitions().stream().map(ContainerDefinition::name).toList());
        assertEquals("123456789012.dkr.ecr.us-east-1.amazonaws.com/web:3", td.containerDefinitions().get(0).image());
    }

    @Test
    void aRegistrationWithoutAnImageIsRefusedAsEcsRefusesIt() {
        ClientException e = assertThrows(ClientException.class, () -> client.registerTaskDefinition(
                r -> r.family("web").containerDefinitions(ContainerDefinition.builder().name("app").build())));
        assertEquals("Container.image should not be null or empty.", e.awsErrorDetails().errorMessage());
        assertThrows(ClientException.class, () -> client.registerTaskDefinition(r -> r.family("web")));
        assertTrue(ecs.registrations().isEmpty());
    }
}
