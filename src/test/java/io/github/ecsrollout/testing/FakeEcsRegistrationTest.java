package io.github.ecsrollout.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.support.EveryField;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/** FakeEcs's RegisterTaskDefinition and the content and tags DescribeTaskDefinition then shows, as ECS does. */
class FakeEcsRegistrationTest {

    private final Instant now = Instant.parse("2026-12-01T10:00:00Z");
    private final FakeEcs ecs = FakeEcs.builder().clock(java.time.Clock.fixed(now, ZoneOffset.UTC)).build();

    @Test
    void aRegistrationIsTheFamilysNextRevisionHoldingEveryFieldOfTheRequest() {
        ecs.service("prod", "checkout").taskDefinition("checkout:7");
        RegisterTaskDefinitionRequest request = EveryField.registration("checkout", 2);

        TaskDefinition td = ecs.registerTaskDefinition(request).taskDefinition();

        assertEquals(8, td.revision());
        assertEquals(ecs.taskDefinitionArn("checkout:8"), td.taskDefinitionArn());
        assertEquals(TaskDefinitionStatus.ACTIVE, td.status());
        assertFalse(td.registeredAt().isBefore(now), "registered at the fake clock's time");
        assertEquals("arn:aws:iam::123456789012:role/fake", td.registeredBy());
        DescribeTaskDefinitionResponse described = ecs.describeTaskDefinition(
                r -> r.taskDefinition("checkout:8").include(TaskDefinitionField.TAGS));
        assertEquals(td, described.taskDefinition());
        EveryField.assertCopied(described.taskDefinition(), EveryField.threeTags(), Map.of(), request);
        assertFalse(ecs.describeTaskDefinition(r -> r.taskDefinition("checkout:8")).hasTags(), "tags when asked");
        assertEquals(List.of(request), ecs.calls(RegisterTaskDefinitionRequest.class));
        assertEquals(9, ecs.registerTaskDefinition(request).taskDefinition().revision());
        assertEquals(ecs.taskDefinitionArn("checkout:9"),
                ecs.describeTaskDefinition(r -> r.taskDefinition("checkout")).taskDefinition().taskDefinitionArn());
    }

    @Test
    void aRevisionNobodyGaveContentHasOneContainerAppAndATestMayGiveItAny() {
        TaskDefinition byDefault = ecs.describeTaskDefinition(r -> r.taskDefinition("web:3")).taskDefinition();
        assertEquals(List.of(ContainerDefinition.builder().name("app").essential(true)
                .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/web:3").build()),
                byDefault.containerDefinitions());

        TaskDefinition given = EveryField.taskDefinition("web", 4, 2);
        ecs.taskDefinition(given, EveryField.threeTags());
        DescribeTaskDefinitionResponse described = ecs.describeTaskDefinition(
                r -> r.taskDefinition("web:4").include(TaskDefinitionField.TAGS));
        assertEquals(given, described.taskDefinition());
        assertEquals(EveryField.threeTags(), described.tags());
        assertThrows(IllegalArgumentException.class,
                () -> ecs.taskDefinition(TaskDefinition.builder().family("web").build()));
    }

    @Test
    void aRegistrationEcsWouldRefuseIsAClientException() {
        ClientException noImage = assertThrows(ClientException.class, () -> ecs.registerTaskDefinition(
                r -> r.family("web").containerDefinitions(ContainerDefinition.builder().name("app").build())));
        assertEquals("Container.image should not be null or empty.", noImage.awsErrorDetails().errorMessage());
        assertEquals(400, noImage.statusCode());
        assertThrows(ClientException.class, () -> ecs.registerTaskDefinition(r -> r.family("web")));
        assertThrows(ClientException.class, () -> ecs.registerTaskDefinition(r -> r.family("we b")
                .containerDefinitions(ContainerDefinition.builder().name("app").image("a:1").build())));
        assertTrue(ecs.calls(RegisterTaskDefinitionRequest.class).size() == 3);
    }
}
