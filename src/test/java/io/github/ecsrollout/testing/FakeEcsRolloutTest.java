package io.github.ecsrollout.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.AdditionalAnswers;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookAction;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceNotActiveException;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/** What the library makes of each scripted behaviour: the fake is only useful if these are the verdicts users get. */
class FakeEcsRolloutTest {

    private static final String ACCOUNT = "arn:aws:ecs:us-east-1:123456789012:";

    private final FakeEcs ecs = FakeEcs.create();

    private ServiceRollout.Builder rollout() {
        return ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).maxAttempts(10);
    }

    private static UpdateServiceRequest update(String cluster, String service) {
        return UpdateServiceRequest.builder().cluster(cluster).service(service).taskDefinition(service + ":2").build();
    }

    static Stream<Arguments> scripts() {
        return Stream.of(
                Arguments.of("circuit breaker", (Consumer<FakeService>) s -> s.circuitBreakerTripsAfter(2),
                        Reason.DEPLOYMENT_FAILED),
                Arguments.of("circuit breaker with rollback", (Consumer<FakeService>) s ->
                        s.circuitBreakerRollsBackAfter(2), Reason.ROLLED_BACK),
                Arguments.of("never stable", (Consumer<FakeService>) FakeService::neverStable, Reason.TIMED_OUT),
                Arguments.of("rejected", (Consumer<FakeService>) FakeService::rejectsUpdates, Reason.UPDATE_FAILED),
                // Every rollout reads the services first: an inactive or missing one fails before any update.
                Arguments.of("inactive now", (Consumer<FakeService>) FakeService::inactive, Reason.SERVICE_INACTIVE),
                Arguments.of("missing now", (Consumer<FakeService>) FakeService::missing, Reason.SERVICE_MISSING),
                Arguments.of("goes missing", (Consumer<FakeService>) s -> s.goesMissingAfter(2),
                        Reason.SERVICE_MISSING),
                Arguments.of("goes inactive", (Consumer<FakeService>) s -> s.goesInactiveAfter(2),
                        Reason.SERVICE_INACTIVE),
                Arguments.of("superseded, rolling", (Consumer<FakeService>) s -> s.supersededAfter(2),
                        Reason.SUPERSEDED),
                Arguments.of("superseded, blue/green", (Consumer<FakeService>) s -> s.blueGreen(1).supersededAfter(2),
                        Reason.SUPERSEDED),
                Arguments.of("paused", (Consumer<FakeService>) s -> s.blueGreen(1)
                        .pausesAt(ServiceDeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT), Reason.TIMED_OUT));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("scripts")
    void eachScriptedBehaviourIsTheReasonTheRolloutReports(String label, Consumer<FakeService> script, Reason reason) {
        for (int i = 0; i < 12; i++) {
            ecs.service(i % 2 == 0 ? "blue" : "green", "svc-" + i).becomesStableAfter(2);
        }
        script.accept(ecs.service("green", "svc-7"));
        List<UpdateServiceRequest> requests = Stream.iterate(0, i -> i + 1).limit(12)
                .map(i -> update(i % 2 == 0 ? "blue" : "green", "svc-" + i)).toList();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().rollOut(requests));

        assertEquals(reason, e.reason(), e::getMessage);
        assertTrue(e.unstableServices().contains("svc-7"), e.unstableServices()::toString);
    }

    @Test
    void aHealthyFleetOverTwoClustersSucceedsOnTheScriptedPoll() {
        for (int i = 0; i < 25; i++) {
            ecs.service(i < 12 ? "blue" : "green", "svc-" + i).becomesStableAfter(3);
        }

        RolloutResult result = rollout().build().rollOut(Stream.iterate(0, i -> i + 1).limit(25)
                .map(i -> update(i < 12 ? "blue" : "green", "svc-" + i)).toList());

        assertEquals(25, result.services().size());
        assertTrue(result.services().stream().allMatch(ServiceState::isStable));
        assertEquals(3, result.attempts());
        assertEquals(25, ecs.updates().size());
        assertEquals(ecs.taskDefinitionArn("svc-3:2"), result.service("svc-3").orElseThrow().taskDefinition().orElseThrow());
    }

    @Test
    void clustersAndServicesMayBeGivenByArn() {
        ecs.service("prod", "web").becomesStableAfter(2);
        String cluster = ACCOUNT + "cluster/prod";
        String service = ACCOUNT + "service/prod/web";

        RolloutResult result = rollout().build().rollOut(cluster, service, "web:2");

        assertEquals(service, result.services().get(0).service(), "reported in the caller's spelling");
        assertEquals(cluster, ecs.updates().get(0).cluster());
        assertEquals(ecs.taskDefinitionArn("web:2"), ecs.service("prod", "web").describe().orElseThrow()
                .taskDefinition());
        assertTrue(rollout().build().awaitStable(cluster, service).services().get(0).isStable());
    }

    @Test
    void aFailedDeploymentsStoppedTasksAreAttached() {
        ecs.service("prod", "web").circuitBreakerTripsAfter(1);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().rollOut("prod", "web", "web:2"));

        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(Verdict.DEPLOYMENT_FAILED, web.verdict());
        assertEquals(3, web.stoppedTasks().size());
        assertEquals("Essential container in task exited", web.stoppedTasks().get(0).stoppedReason());
        assertEquals("ECS deployment circuit breaker: tasks failed to start.", web.rolloutStateReason().orElseThrow());
    }

    @Test
    void anInactiveServiceIsRefusedBeforeAnyUpdate() {
        ecs.service("prod", "web").inactive();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.SERVICE_INACTIVE, e.reason());
        assertEquals(List.of(), ecs.updates());
        assertEquals(Verdict.INACTIVE, e.serviceState("web").orElseThrow().verdict());
    }

    @Test
    void anUpdateOfAServiceThatWentInactiveSinceTheReadFailsWithEcsOwnException() {
        FakeService web = ecs.service("prod", "web");
        // Deleted between the read before the update and the update itself.
        EcsClient racing = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        doAnswer(inv -> {
            web.inactive();
            return ecs.updateService((UpdateServiceRequest) inv.getArgument(0));
        }).when(racing).updateService(any(UpdateServiceRequest.class));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> ServiceRollout.builder()
                .ecsClient(racing).delay(Duration.ZERO).maxAttempts(10).build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertInstanceOf(ServiceNotActiveException.class, e.getCause());
    }

    @Test
    void theRollbackPutsBackThePreviousTaskDefinitionByItsArn() {
        ecs.service("prod", "a").becomesStableAfter(1);
        ecs.service("prod", "b").taskDefinition("b:7").circuitBreakerTripsAfter(2);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollbackOnFailure(true).build().rollOut(update("prod", "a"), update("prod", "b")));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(List.of("a", "b"), e.rolledBackServices());
        assertEquals(List.of("a:2", "b:2", ecs.taskDefinitionArn("a:1"), ecs.taskDefinitionArn("b:7")),
                ecs.updates().stream().map(UpdateServiceRequest::taskDefinition).toList(),
                "the rollback sends what ECS reported before the rollout: ARNs");
        assertEquals(ecs.taskDefinitionArn("a:1"), ecs.service("prod", "a").describe().orElseThrow().taskDefinition());
        assertEquals(ecs.taskDefinitionArn("b:7"), ecs.service("prod", "b").describe().orElseThrow().taskDefinition());
        assertEquals(1, ecs.service("prod", "b").describe().orElseThrow().deployments().size());
    }

    @Test
    void theRollbackStopsDeploymentsInFlightAndAnswersPausesWithRollback() {
        ecs.service("prod", "slow").neverStable();
        ecs.service("prod", "paused").blueGreen(0).pausesAt(ServiceDeploymentLifecycleStage.POST_SCALE_UP);
        ecs.service("prod", "bad").circuitBreakerTripsAfter(4);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout()
                .rollbackOnFailure(true).build()
                .rollOut(update("prod", "slow"), update("prod", "paused"), update("prod", "bad")));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(List.of("slow", "paused", "bad"), e.rolledBackServices());
        assertEquals(RollbackAction.STOPPED_WITH_ROLLBACK, e.serviceState("slow").orElseThrow().rollbackAction());
        assertEquals(RollbackAction.CONTINUED_WITH_ROLLBACK, e.serviceState("paused").orElseThrow().rollbackAction());
        assertEquals(1, ecs.calls(StopServiceDeploymentRequest.class).size());
        ContinueServiceDeploymentRequest answered = ecs.calls(ContinueServiceDeploymentRequest.class).get(0);
        assertEquals(DeploymentLifecycleHookAction.ROLLBACK, answered.action());
        for (String s : List.of("slow", "paused", "bad")) {
            assertEquals(ecs.taskDefinitionArn(s + ":1"), ecs.service("prod", s).describe().orElseThrow()
                    .taskDefinition(), s);
        }
    }

    @Test
    void ecsOwnRollbackIsWatchedNotRepeated() {
        ecs.service("prod", "a").becomesStableAfter(1);
        ecs.service("prod", "b").circuitBreakerRollsBackAfter(2);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollbackOnFailure(true).build().rollOut(update("prod", "a"), update("prod", "b")));

        assertEquals(Reason.ROLLED_BACK, e.reason());
        assertEquals(RollbackAction.WATCHED_ECS_ROLLBACK, e.serviceState("b").orElseThrow().rollbackAction());
        assertEquals(List.of("a", "b"), e.rolledBackServices());
        assertEquals(3, ecs.updates().size(), "a's restore only");
    }

    @Test
    void aBlueGreenRolloutCanSucceedOnceTrafficIsShifted() {
        ecs.service("prod", "web").blueGreen(50);

        RolloutResult result = rollout().succeedAtStage(ServiceDeploymentLifecycleStage.BAKE_TIME).build()
                .rollOut("prod", "web", "web:2");

        assertEquals(4, result.attempts(), "SCALE_UP, TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME");
        assertTrue(result.services().get(0).isConverging(), "both revisions still run");
    }

    /** docs/verdicts.md's succeedAtStage example, verbatim, run without waiting between polls. */
    @Test
    void theVerdictsPageExampleSucceedsOnceProductionTrafficIsShifted() {
        ServiceRollout rollout = ServiceRollout.builder()
                .ecsClient(ecs)
                .succeedAtStage(ServiceDeploymentLifecycleStage.BAKE_TIME)   // production traffic is on the new revision
                .build();
        ecs.service("prod", "web").blueGreen(50);

        RolloutResult result = rollout.toBuilder().delay(Duration.ZERO).build().rollOut("prod", "web", "web:2");

        assertEquals(4, result.attempts(), "SCALE_UP, TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME");
        assertEquals(ServiceDeploymentLifecycleStage.BAKE_TIME,
                result.services().get(0).serviceDeployment().orElseThrow().lifecycleStage());
    }

    @Test
    void withoutPermissionForServiceDeploymentsABlueGreenRolloutIsJudgedFromDescribeServices() {
        FakeEcs denying = FakeEcs.builder().accessDenied(ListServiceDeploymentsRequest.class,
                DescribeServiceDeploymentsRequest.class).build();
        denying.service("prod", "web").blueGreen(2);

        RolloutResult result = ServiceRollout.builder().ecsClient(denying).delay(Duration.ZERO).build()
                .rollOut("prod", "web", "web:2");

        ServiceState web = result.service("web").orElseThrow();
        assertTrue(web.isStable());
        assertTrue(web.serviceDeployment().isEmpty());
        assertEquals(6, result.attempts(), "stable only once the bake is over and one deployment is left");
        assertEquals(1, denying.calls(ListServiceDeploymentsRequest.class).size()
                + denying.calls(DescribeServiceDeploymentsRequest.class).size(), "asked once, then not again");
    }

    @Test
    void awaitStableWaitsForADeploymentSomeoneElseStarted() {
        ecs.service("prod", "web").becomesStableAfter(4).deploy("web:2");

        RolloutResult result = rollout().build().awaitStable("prod", "web");

        assertEquals(4, result.attempts());
        assertEquals(List.of(), ecs.updates());
    }
}
