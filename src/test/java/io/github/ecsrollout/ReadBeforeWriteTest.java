package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.support.CapturedLog;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mockito.AdditionalAnswers;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.EcsRequest;
import software.amazon.awssdk.services.ecs.model.ServerException;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Every {@code rollOut} and {@code start}, whatever its settings, reads before its first UpdateService: each service
 * (found, ACTIVE, deployed by ECS) and each distinct task definition (found, ACTIVE). A problem ends the rollout with
 * nothing updated, a typed reason and ECS's words. On the virtual clock: no real time passes.
 */
class ReadBeforeWriteTest {

    private final VirtualClock clock = VirtualClock.create();
    private final FakeEcs ecs = FakeEcs.builder().clock(clock).build();

    /** Default settings but the clock: no bound, no rollback, nothing that used to make the rollout read first. */
    private ServiceRollout.Builder rollout(EcsClient client) {
        return ServiceRollout.builder().ecsClient(client).clock(clock);
    }

    private ServiceRollout.Builder rollout() {
        return rollout(ecs);
    }

    /** 16 services of cluster prod, svc-00 to svc-15, each stable on its first poll after its update. */
    private List<UpdateServiceRequest> sixteen() {
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String name = String.format("svc-%02d", i);
            ecs.service("prod", name);
            requests.add(update(name, name + ":2"));
        }
        return requests;
    }

    private static UpdateServiceRequest update(String service, String taskDefinition) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition(taskDefinition).build();
    }

    private RolloutNotStableException failure(ServiceRollout rollout, List<UpdateServiceRequest> requests) {
        return assertThrows(RolloutNotStableException.class, () -> rollout.rollOut(requests));
    }

    @Test
    void aMisspelledServiceInSixteenUpdatesNothing() {
        List<UpdateServiceRequest> requests = new ArrayList<>(sixteen());
        requests.set(2, update("svc-2", "svc-02:2"));

        RolloutNotStableException e = failure(rollout().build(), requests);

        assertEquals(Reason.SERVICE_MISSING, e.reason(), e.getMessage());
        assertEquals(List.of(), ecs.updates());
        assertEquals(List.of("svc-2"), e.failedServices());
        assertEquals(List.of(), e.updatedServices());
        assertTrue(e.getMessage().startsWith("SERVICE_MISSING: service svc-2 is MISSING; nothing was updated"),
                e.getMessage());
        assertEquals(2, ecs.calls(DescribeServicesRequest.class).size(), "16 services: 2 DescribeServices calls");
        assertEquals(0, ecs.calls(DescribeTaskDefinitionRequest.class).size(), "a refused service ends it first");
        assertTrue(e.checkpoint().isEmpty(), "nothing to go on with");
    }

    @Test
    void aMissingTaskDefinitionInSixteenUpdatesNothing() {
        List<UpdateServiceRequest> requests = sixteen();
        ecs.missingTaskDefinition("svc-15:2");

        RolloutNotStableException e = failure(rollout().build(), requests);

        assertEquals(Reason.TASK_DEFINITION_UNUSABLE, e.reason(), e.getMessage());
        assertEquals(List.of(), ecs.updates());
        assertEquals(List.of("svc-15"), e.failedServices());
        assertEquals(List.of("svc-15"), e.unstableServices());
        ClientException cause = assertInstanceOf(ClientException.class, e.getCause());
        assertEquals("Unable to describe task definition.", cause.awsErrorDetails().errorMessage());
        assertTrue(e.getMessage().startsWith("TASK_DEFINITION_UNUSABLE: task definition svc-15:2 of [svc-15] cannot "
                + "be deployed: ECS cannot describe it (ClientException: Unable to describe task definition.)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("nothing was updated"), e.getMessage());
        assertEquals(16, ecs.calls(DescribeTaskDefinitionRequest.class).size(), "each one read, to name all at once");
    }

    @Test
    void anInactiveOrDeletedTaskDefinitionIsRefusedNamingEveryServiceThatAskedForIt() {
        ecs.service("prod", "web");
        ecs.service("prod", "api");
        ecs.service("prod", "worker");
        ecs.taskDefinitionStatus("app:3", TaskDefinitionStatus.INACTIVE)
                .taskDefinitionStatus("jobs:8", TaskDefinitionStatus.DELETE_IN_PROGRESS);

        RolloutNotStableException e = failure(rollout().build(), List.of(update("web", "app:3"),
                update("api", "app:3"), update("worker", "jobs:8")));

        assertEquals(Reason.TASK_DEFINITION_UNUSABLE, e.reason());
        assertEquals(List.of("web", "api", "worker"), e.failedServices());
        assertEquals(List.of(), ecs.updates());
        assertTrue(e.getMessage().contains("task definition app:3 of [web, api] cannot be deployed: it is INACTIVE "
                + "(" + ecs.taskDefinitionArn("app:3") + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("task definition jobs:8 of [worker] cannot be deployed: it is "
                + "DELETE_IN_PROGRESS"), e.getMessage());
        assertEquals(null, e.getCause(), "ECS described both: no error of its own");
    }

    @Test
    void eachDistinctTaskDefinitionIsReadOnceAndAForcedDeploymentNeedsNone() {
        List.of("web", "api", "worker", "cron").forEach(s -> ecs.service("prod", s));

        rollout().build().rollOut(List.of(update("web", "app:2"), update("api", "app:2"), update("worker", "jobs"),
                UpdateServiceRequest.builder().cluster("prod").service("cron").forceNewDeployment(true).build()));

        assertEquals(List.of("app:2", "jobs"), ecs.calls(DescribeTaskDefinitionRequest.class).stream()
                .map(DescribeTaskDefinitionRequest::taskDefinition).toList(), "a family alone is read as a family");
        List<EcsRequest> calls = ecs.calls();
        assertTrue(calls.indexOf(ecs.calls(DescribeTaskDefinitionRequest.class).get(1))
                < calls.indexOf(ecs.updates().get(0)), "read before the first update");
    }

    @Test
    void aFamilyWithNoActiveRevisionIsRefused() {
        ecs.service("prod", "web");
        ecs.missingTaskDefinition("wbe");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().rollOut("prod", "web", "wbe"));

        assertEquals(Reason.TASK_DEFINITION_UNUSABLE, e.reason());
        assertEquals(List.of(), ecs.updates());
    }

    @Test
    void aDrainingOrInactiveServiceIsRefusedBeforeAnyUpdate() {
        ecs.service("prod", "web");
        ecs.service("prod", "api").inactive();

        RolloutNotStableException e = failure(rollout().build(), List.of(update("web", "web:2"),
                update("api", "api:2")));

        assertEquals(Reason.SERVICE_INACTIVE, e.reason());
        assertEquals(List.of(), ecs.updates());
        assertEquals(List.of("api"), e.failedServices());
        ServiceState api = e.serviceState("api").orElseThrow();
        assertEquals(Verdict.INACTIVE, api.verdict());
        assertEquals("INACTIVE", api.status().orElseThrow(), "ECS's answer is kept");
        assertTrue(e.getMessage().startsWith("SERVICE_INACTIVE: service api is INACTIVE; nothing was updated"),
                e.getMessage());
    }

    @Test
    void aServiceOfAnotherDeploymentControllerIsRefusedBeforeAnyUpdate() {
        ecs.service("prod", "web");
        EcsClient codeDeploy = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        doAnswer(inv -> {
            DescribeServicesResponse answer = ecs.describeServices((DescribeServicesRequest) inv.getArgument(0));
            return answer.toBuilder().services(answer.services().stream().map(s -> s.toBuilder()
                    .deploymentController(c -> c.type(DeploymentControllerType.CODE_DEPLOY)).build()).toList())
                    .build();
        }).when(codeDeploy).describeServices(any(DescribeServicesRequest.class));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout(codeDeploy).build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.UNSUPPORTED_SERVICE, e.reason());
        assertEquals(List.of(), ecs.updates());
        assertTrue(e.getMessage().startsWith("UNSUPPORTED_SERVICE: service web uses the CODE_DEPLOY deployment "
                + "controller"), e.getMessage());
        assertTrue(e.getMessage().contains("; nothing was updated"), e.getMessage());
    }

    @Test
    void everyServiceRefusedIsNamedAndTheFirstDecidesTheReason() {
        List<UpdateServiceRequest> requests = sixteen();
        ecs.service("prod", "svc-04").inactive();
        ecs.service("prod", "svc-13").missing();

        RolloutNotStableException e = failure(rollout().build(), requests);

        assertEquals(Reason.SERVICE_INACTIVE, e.reason());
        assertEquals(List.of("svc-04", "svc-13"), e.failedServices());
        assertTrue(e.getMessage().startsWith("SERVICE_INACTIVE: service svc-04 is INACTIVE; service svc-13 is MISSING; "
                + "nothing was updated"), e.getMessage());
        assertEquals(List.of(), ecs.updates());
    }

    @Test
    void startReadsTheSameWay() {
        List<UpdateServiceRequest> requests = sixteen();
        ecs.missingTaskDefinition("svc-07:2");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().start(requests));

        assertEquals(Reason.TASK_DEFINITION_UNUSABLE, e.reason());
        assertEquals(List.of("svc-07"), e.failedServices());
        assertEquals(List.of(), ecs.updates());
    }

    @Test
    void awaitStableWritesNothingAndReadsOnlyItsPolls() {
        sixteen();

        rollout().build().awaitStable("prod", IntStream.range(0, 16).mapToObj(i -> String.format("svc-%02d", i))
                .toList());

        assertEquals(0, ecs.calls(DescribeTaskDefinitionRequest.class).size());
        assertEquals(2, ecs.calls(DescribeServicesRequest.class).size(), "one poll of 2 chunks, no read before");
    }

    @Test
    void withoutThePermissionTheTaskDefinitionsAreNotCheckedSaidOnceAtWarn() {
        FakeEcs denying = FakeEcs.builder().clock(clock).accessDenied(DescribeTaskDefinitionRequest.class).build();
        denying.service("prod", "web");
        denying.service("prod", "api");

        RolloutResult result;
        List<String> warnings;
        try (CapturedLog log = CapturedLog.open()) {
            result = rollout(denying).build().rollOut(List.of(update("web", "web:2"), update("api", "api:2")));
            warnings = log.lines("WARN", "ServiceRollout");
        }

        assertEquals(2, result.services().size());
        assertEquals(2, denying.updates().size(), "the rollout went on");
        assertEquals(1, denying.calls(DescribeTaskDefinitionRequest.class).size(), "no second denied call");
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("AccessDeniedException") && warnings.get(0).contains(
                "ecs:DescribeTaskDefinition"), warnings.get(0));
    }

    @Test
    void withoutThePermissionAMissingTaskDefinitionIsLeftToTheUpdateToRefuse() {
        FakeEcs denying = FakeEcs.builder().clock(clock).accessDenied(DescribeTaskDefinitionRequest.class).build();
        denying.service("prod", "web");
        denying.missingTaskDefinition("web:9");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout(denying).build().rollOut("prod", "web", "web:9"));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertInstanceOf(ClientException.class, e.getCause());
    }

    @Test
    void anotherErrorReadingATaskDefinitionEndsTheRolloutBeforeAnyUpdate() {
        ecs.service("prod", "web");
        EcsClient failing = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        ServerException down = (ServerException) ServerException.builder().message("Service Unavailable.")
                .statusCode(500).awsErrorDetails(AwsErrorDetails.builder().errorCode("ServerException")
                        .errorMessage("Service Unavailable.").build()).build();
        doThrow(down).when(failing).describeTaskDefinition(any(DescribeTaskDefinitionRequest.class));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout(failing).build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.API_ERROR, e.reason());
        assertEquals(down, e.getCause());
        assertEquals(List.of(), ecs.updates());
        assertTrue(e.getMessage().startsWith("API_ERROR: could not read the task definitions before any update"),
                e.getMessage());
    }

    @Test
    void theDeadlineWhileWaitingForATaskDefinitionsTurnEndsTheRolloutBeforeAnyUpdate() {
        List.of("a", "b", "c").forEach(s -> ecs.service("prod", s));
        // One DescribeTaskDefinition every 4 s: the third one's turn would come 8 s in, after the 5 s timeout.
        ServiceRollout rollout = rollout().timeout(Duration.ofSeconds(5)).maxDescribeServicesPerSecond(0.25).build();

        RolloutNotStableException e = failure(rollout, List.of(update("a", "a:2"), update("b", "b:2"),
                update("c", "c:2")));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(List.of(), ecs.updates());
        assertEquals(2, ecs.calls(DescribeTaskDefinitionRequest.class).size());
        assertTrue(e.getMessage().startsWith("TIMED_OUT: the timeout of PT5S passed while pacing the "
                + "DescribeTaskDefinition calls that read the task definitions before any update; nothing was updated"),
                e.getMessage());
    }

    @Test
    void taskDefinitionReadsArePacedInABudgetOfTheirOwn() {
        ecs.service("prod", "a");
        ecs.service("prod", "b");
        Instant before = clock.instant();

        // One call a second each: the DescribeServices read takes the first describe turn, the first
        // DescribeTaskDefinition its own first turn at once, the second one its second a second later.
        rollout().maxDescribeServicesPerSecond(1).build().start(List.of(update("a", "a:2"), update("b", "b:2")));

        assertEquals(Duration.ofSeconds(1), Duration.between(before, clock.instant()));
        assertEquals(2, ecs.updates().size());
    }

    @Test
    void aMockWhoseDescribeTaskDefinitionIsNotStubbedIsNotHeldAgainstTheRollout() {
        ecs.service("prod", "web");
        // A Mockito mock answers null for what it was not told: nothing to judge, the rollout goes on.
        EcsClient partial = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        doAnswer(inv -> null).when(partial).describeTaskDefinition(any(DescribeTaskDefinitionRequest.class));

        RolloutResult result = rollout(partial).build().rollOut("prod", "web", "web:2");

        assertEquals(1, result.services().size());
    }
}
