package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mockito.AdditionalAnswers;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AccessDeniedException;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeregisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * rollOutImages and startImages on FakeEcs: what is read, registered and updated, in which order, and what is refused
 * before any registration.
 */
class ImageDeployTest {

    private final FakeEcs ecs = FakeEcs.create();

    private ServiceRollout rollout() {
        return ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).maxAttempts(5).build();
    }

    private static TaskDefinition twoContainers(String family, int revision) {
        return TaskDefinition.builder().family(family).revision(revision).cpu("256").memory("512")
                .containerDefinitions(ContainerDefinition.builder().name("app").image("repo/app:1").build(),
                        ContainerDefinition.builder().name("sidecar").image("repo/envoy:1").build())
                .build();
    }

    private List<String> operations() {
        return ecs.calls().stream().map(c -> c.getClass().getSimpleName().replace("Request", "")).toList();
    }

    @Test
    void theOnlyContainerGetsTheImageAndTheServiceRollsOutToTheNewRevision() {
        ecs.service("prod", "web").taskDefinition("web:4");

        RolloutResult result = rollout().rollOutImages(List.of(ImageUpdate.of("prod", "web", "repo/web:2.0")));

        RegisterTaskDefinitionRequest registered = ecs.calls(RegisterTaskDefinitionRequest.class).get(0);
        assertEquals("web", registered.family());
        assertEquals("repo/web:2.0", registered.containerDefinitions().get(0).image());
        assertEquals(List.of(ecs.taskDefinitionArn("web:5")),
                ecs.updates().stream().map(UpdateServiceRequest::taskDefinition).toList());
        assertEquals(Optional.of(ecs.taskDefinitionArn("web:5")), result.services().get(0).taskDefinition());
        // read before any write: the service, then its task definition with its tags, then the registration
        assertEquals(List.of("DescribeServices", "DescribeTaskDefinition", "RegisterTaskDefinition", "UpdateService"),
                operations().subList(0, 4));
        DescribeTaskDefinitionRequest read = ecs.calls(DescribeTaskDefinitionRequest.class).get(0);
        assertEquals(ecs.taskDefinitionArn("web:4"), read.taskDefinition());
        assertEquals(List.of(TaskDefinitionField.TAGS), read.include());
    }

    @Test
    void namedContainersChangeTheOthersKeepTheirImagesAndTheTagsAreCarried() {
        List<Tag> tags = List.of(Tag.builder().key("team").value("payments").build());
        ecs.taskDefinition(twoContainers("pay", 7), tags);
        ecs.service("prod", "pay").taskDefinition("pay:7");

        rollout().rollOutImages(List.of(ImageUpdate.of("prod", "pay", Map.of("sidecar", "repo/envoy:2"))));

        RegisterTaskDefinitionRequest registered = ecs.calls(RegisterTaskDefinitionRequest.class).get(0);
        assertEquals(List.of("repo/app:1", "repo/envoy:2"),
                registered.containerDefinitions().stream().map(ContainerDefinition::image).toList());
        assertEquals("256", registered.cpu());
        assertEquals(tags, registered.tags());
    }

    @Test
    void servicesSharingATaskDefinitionAndAnImageChangeShareOneRevision() {
        for (String s : List.of("a", "b", "c")) {
            ecs.service("prod", s).taskDefinition("shared:3");
        }
        ecs.service("prod", "d").taskDefinition("other:1");

        rollout().rollOutImages(List.of(ImageUpdate.of("prod", "a", "repo/x:2"), ImageUpdate.of("prod", "b", "repo/x:2"),
                ImageUpdate.of("prod", "c", Map.of("app", "repo/x:3")), ImageUpdate.of("prod", "d", "repo/x:2")));

        assertEquals(List.of("shared", "shared", "other"), ecs.calls(RegisterTaskDefinitionRequest.class).stream()
                .map(RegisterTaskDefinitionRequest::family).toList());
        assertEquals(List.of("a->shared:4", "b->shared:4", "c->shared:5", "d->other:2"), updates());
        assertEquals(2, ecs.calls(DescribeTaskDefinitionRequest.class).size(), "each current one read once");
    }

    private List<String> updates() {
        return ecs.updates().stream().map(u -> u.service() + "->" + u.taskDefinition()
                .substring(u.taskDefinition().lastIndexOf('/') + 1)).toList();
    }

    @Test
    void aContainerTheTaskDefinitionLacksIsRefusedBeforeAnyRegistration() {
        ecs.taskDefinition(twoContainers("pay", 7));
        ecs.service("prod", "pay").taskDefinition("pay:7");
        ecs.service("prod", "web");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rollout().rollOutImages(
                List.of(ImageUpdate.of("prod", "web", "repo/web:2"),
                        ImageUpdate.of("prod", "pay", Map.of("app", "repo/app:2", "envoy", "repo/envoy:2")))));

        assertTrue(e.getMessage().contains("updates[1] (pay) names container envoy that task definition "
                + ecs.taskDefinitionArn("pay:7") + " lacks; it has [app, sidecar]"), e.getMessage());
        assertEquals(List.of(), ecs.calls(RegisterTaskDefinitionRequest.class));
        assertEquals(List.of(), ecs.updates());
    }

    @Test
    void anImageWithoutAContainerNameIsRefusedForATaskDefinitionOfTwoContainers() {
        ecs.taskDefinition(twoContainers("pay", 7));
        ecs.service("prod", "pay").taskDefinition("pay:7");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rollout().rollOutImages(List.of(ImageUpdate.of("prod", "pay", "repo/app:2"))));

        assertTrue(e.getMessage().contains("has 2: [app, sidecar]"), e.getMessage());
        assertEquals(List.of(), ecs.calls(RegisterTaskDefinitionRequest.class));
        assertEquals(List.of(), ecs.updates());
    }

    @Test
    void aRegistrationEcsRefusesEndsTheDeployBeforeAnyUpdateNamingWhatWasRegistered() {
        ecs.service("prod", "a").taskDefinition("a:1");
        ecs.service("prod", "b").taskDefinition("b:1");
        EcsClient client = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        AtomicInteger registrations = new AtomicInteger();
        doAnswer(call -> {
            if (registrations.incrementAndGet() == 2) {
                throw ClientException.builder().message("Fargate requires task definition to have execution role")
                        .build();
            }
            return ecs.registerTaskDefinition(call.getArgument(0, RegisterTaskDefinitionRequest.class));
        }).when(client).registerTaskDefinition(any(RegisterTaskDefinitionRequest.class));
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(client).delay(Duration.ZERO).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout.rollOutImages(
                List.of(ImageUpdate.of("prod", "a", "repo/a:2"), ImageUpdate.of("prod", "b", "repo/b:2"))));

        assertEquals(Reason.TASK_DEFINITION_UNUSABLE, e.reason());
        assertInstanceOf(ClientException.class, e.getCause());
        assertEquals(List.of("b"), e.failedServices());
        assertEquals(List.of(), e.updatedServices());
        assertEquals(List.of(), ecs.updates());
        assertTrue(e.getMessage().contains("left registered: [" + ecs.taskDefinitionArn("a:2") + "]"),
                e.getMessage());
    }

    @Test
    void revisionsRegisteredBeforeARefusedRegistrationStayRegistered() {
        // docs/images.md: "the revisions registered before it stay registered, unused"; README: "nothing is ever
        // deregistered", not even the copies a failed deploy leaves behind.
        ecs.service("prod", "a").taskDefinition("a:1");
        ecs.service("prod", "b").taskDefinition("b:1");
        EcsClient client = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        AtomicInteger registrations = new AtomicInteger();
        doAnswer(call -> {
            if (registrations.incrementAndGet() == 2) {
                throw ClientException.builder().message("Fargate requires task definition to have execution role")
                        .build();
            }
            return ecs.registerTaskDefinition(call.getArgument(0, RegisterTaskDefinitionRequest.class));
        }).when(client).registerTaskDefinition(any(RegisterTaskDefinitionRequest.class));
        doAnswer(call -> null).when(client).deregisterTaskDefinition(any(DeregisterTaskDefinitionRequest.class));
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(client).delay(Duration.ZERO).build();

        assertThrows(RolloutNotStableException.class, () -> rollout.rollOutImages(
                List.of(ImageUpdate.of("prod", "a", "repo/a:2"), ImageUpdate.of("prod", "b", "repo/b:2"))));

        verify(client, never()).deregisterTaskDefinition(any(DeregisterTaskDefinitionRequest.class));
        assertEquals("repo/a:2", ecs.describeTaskDefinition(DescribeTaskDefinitionRequest.builder()
                .taskDefinition("a:2").build()).taskDefinition().containerDefinitions().get(0).image());
    }

    @Test
    void aRegistrationDeniedIsAnApiError() {
        ecs.service("prod", "a");
        FakeEcs denied = FakeEcs.builder().accessDenied(RegisterTaskDefinitionRequest.class).build();
        denied.service("prod", "a");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> ServiceRollout.builder()
                .ecsClient(denied).delay(Duration.ZERO).build()
                .rollOutImages(List.of(ImageUpdate.of("prod", "a", "repo/a:2"))));

        assertEquals(Reason.API_ERROR, e.reason());
        assertInstanceOf(AccessDeniedException.class, e.getCause());
        assertEquals(List.of(), denied.updates());
    }

    @Test
    void aTaskDefinitionEcsCannotDescribeIsUnusableAndNothingIsRegistered() {
        ecs.service("prod", "a").taskDefinition("a:3");
        ecs.missingTaskDefinition("a:3");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOutImages(List.of(ImageUpdate.of("prod", "a", "repo/a:2"))));

        assertEquals(Reason.TASK_DEFINITION_UNUSABLE, e.reason());
        assertEquals(List.of("a"), e.failedServices());
        assertEquals(List.of(), ecs.calls(RegisterTaskDefinitionRequest.class));
    }

    @Test
    void aMissingServiceEndsTheDeployBeforeAnyTaskDefinitionIsRead() {
        ecs.service("prod", "a");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout().rollOutImages(
                List.of(ImageUpdate.of("prod", "a", "repo/a:2"), ImageUpdate.of("prod", "ghost", "repo/g:2"))));

        assertEquals(Reason.SERVICE_MISSING, e.reason());
        assertEquals(List.of("DescribeServices"), operations());
    }

    @Test
    void startImagesReturnsACheckpointThatChecksToDone() {
        ecs.service("prod", "web").becomesStableAfter(2);
        ServiceRollout rollout = rollout();

        RolloutCheckpoint checkpoint = rollout.startImages(List.of(ImageUpdate.of("prod", "web", "repo/web:9")));
        assertEquals(1, ecs.updates().size());
        RolloutProgress progress = rollout.check(checkpoint);
        while (!progress.isDone()) {
            progress = rollout.check(progress.checkpoint());
        }
        assertEquals(Optional.of(ecs.taskDefinitionArn("web:2")), progress.services().get(0).taskDefinition());
    }

    @Test
    void registrationsArePacedFifteenAtOnceThenOneASecond() {
        VirtualClock clock = VirtualClock.create();
        FakeEcs fake = FakeEcs.builder().clock(clock).build();
        List<ImageUpdate> updates = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            fake.service("prod", "s" + i);
            updates.add(ImageUpdate.of("prod", "s" + i, "repo/s:2"));
        }
        ServiceRollout.builder().ecsClient(fake).clock(clock).delay(Duration.ZERO).build().rollOutImages(updates);

        assertEquals(18, fake.calls(RegisterTaskDefinitionRequest.class).size());
        assertTrue(clock.elapsed().compareTo(Duration.ofSeconds(3)) >= 0, clock.elapsed().toString());
        assertTrue(clock.elapsed().compareTo(Duration.ofSeconds(4)) < 0, clock.elapsed().toString());
    }

    @Test
    void theTimeoutWhilePacingRegistrationsNamesTheRevisionsRegisteredBeforeIt() {
        VirtualClock clock = VirtualClock.create();
        FakeEcs fake = FakeEcs.builder().clock(clock).build();
        List<ImageUpdate> updates = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fake.service("prod", "s" + i).taskDefinition("s" + i + ":1");
            updates.add(ImageUpdate.of("prod", "s" + i, "repo/s:2"));
        }
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(fake).clock(clock).delay(Duration.ZERO)
                .timeout(Duration.ofMillis(2500)).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout.startImages(updates));

        // 15 at once, then 1 a second: 17 registered before the deadline, s17 was waiting for its turn
        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(17, fake.calls(RegisterTaskDefinitionRequest.class).size());
        assertEquals(List.of(), fake.updates());
        assertTrue(e.getMessage().contains("left registered: [" + fake.taskDefinitionArn("s0:2")), e.getMessage());
    }

    @Test
    void badInputIsRefusedBeforeAnyCall() {
        ServiceRollout rollout = rollout();
        assertEquals("updates", assertThrows(NullPointerException.class, () -> rollout.rollOutImages(null))
                .getMessage());
        assertThrows(IllegalArgumentException.class, () -> rollout.rollOutImages(List.of()));
        List<ImageUpdate> withNull = new ArrayList<>();
        withNull.add(null);
        assertEquals("updates[0]", assertThrows(NullPointerException.class, () -> rollout.startImages(withNull))
                .getMessage());
        IllegalArgumentException badName = assertThrows(IllegalArgumentException.class,
                () -> rollout.rollOutImages(List.of(ImageUpdate.of("prod", "we b", "repo/web:2"))));
        assertTrue(badName.getMessage().contains("updates[0].service"), badName.getMessage());
        Map<String, String> twice = new LinkedHashMap<>();
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> rollout.rollOutImages(
                List.of(ImageUpdate.of("prod", "web", "r:1"), ImageUpdate.of("prod", "web", "r:2"))));
        assertTrue(dup.getMessage().startsWith("updates[1] names service web"), dup.getMessage());
        assertTrue(twice.isEmpty());
        assertEquals(List.of(), ecs.calls());
        assertFalse(ecs.toString().isEmpty());
    }
}
