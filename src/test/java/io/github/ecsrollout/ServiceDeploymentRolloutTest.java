package io.github.ecsrollout;

import static io.github.ecsrollout.support.Model.active;
import static io.github.ecsrollout.support.Model.primary;
import static io.github.ecsrollout.support.Model.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AccessDeniedException;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentBrief;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Rollouts judged from service deployments. Most run on the testkit's {@link FakeEcs}; those that need an exact shape
 * (a bake time in minutes, a hook's own failure reason, answers without {@code currentServiceDeployment}) run on a
 * mocked client where each service has a script of (DescribeServices, service deployment) pairs, one per poll, the
 * last one repeating. On the testkit's {@link VirtualClock}.
 */
class ServiceDeploymentRolloutTest {

    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private static final DeploymentConfiguration BLUE_GREEN = DeploymentConfiguration.builder()
            .strategy(DeploymentStrategy.BLUE_GREEN).bakeTimeInMinutes(60).build();

    /** The rollouts' clock, and the fake's: polls 50 ms apart (at ECS's 20 DescribeServices a second), in no time. */
    private final VirtualClock clock = VirtualClock.create();
    private final EcsClient ecs = mock(EcsClient.class);
    private final FakeEcs fake = FakeEcs.builder().clock(clock).build();
    private final Map<String, List<Step>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Integer> polls = new ConcurrentHashMap<>();
    private final List<String> updates = Collections.synchronizedList(new ArrayList<>());

    /** One poll's truth about a service. */
    record Step(Service service, ServiceDeployment deployment) {
    }

    ServiceDeploymentRolloutTest() {
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenAnswer(inv -> {
            UpdateServiceRequest r = inv.getArgument(0);
            updates.add(r.service() + "->" + r.taskDefinition());
            return UpdateServiceResponse.builder().service(scripts.get(r.service()).get(0).service()).build();
        });
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
            DescribeServicesRequest r = inv.getArgument(0);
            List<Service> answer = new ArrayList<>();
            for (String name : r.services()) {
                polls.merge(name, 1, Integer::sum);
                answer.add(current(name).service());
            }
            return DescribeServicesResponse.builder().services(answer).build();
        });
        when(ecs.listServiceDeployments(any(ListServiceDeploymentsRequest.class))).thenAnswer(inv -> {
            ListServiceDeploymentsRequest r = inv.getArgument(0);
            ServiceDeployment sd = current(r.service()).deployment();
            return ListServiceDeploymentsResponse.builder().serviceDeployments(sd == null ? List.of()
                    : List.of(ServiceDeploymentBrief.builder().serviceDeploymentArn(sd.serviceDeploymentArn())
                            .targetServiceRevisionArn(sd.targetServiceRevision().arn()).status(sd.status()).build()))
                    .build();
        });
        when(ecs.describeServiceDeployments(any(DescribeServiceDeploymentsRequest.class))).thenAnswer(inv -> {
            DescribeServiceDeploymentsRequest r = inv.getArgument(0);
            List<ServiceDeployment> answer = new ArrayList<>();
            for (String arn : r.serviceDeploymentArns()) {
                String name = arn.substring(arn.lastIndexOf(':') + 1).split("/")[2];
                answer.add(current(name).deployment());
            }
            return DescribeServiceDeploymentsResponse.builder().serviceDeployments(answer).build();
        });
    }

    /** The step of the poll under way: DescribeServices moves a service on, the calls after it see the same step. */
    private Step current(String name) {
        List<Step> script = scripts.get(name);
        return script.get(Math.min(Math.max(polls.getOrDefault(name, 0) - 1, 0), script.size() - 1));
    }

    private static String id(String name) {
        return "ecs-svc/" + Math.abs((long) name.hashCode()) + "1";
    }

    private static ServiceDeployment sd(String name, ServiceDeploymentStatus status,
            ServiceDeploymentLifecycleStage stage) {
        String n = id(name).substring("ecs-svc/".length());
        return ServiceDeployment.builder()
                .serviceDeploymentArn("arn:aws:ecs:us-east-1:1:service-deployment/prod/" + name + "/tok" + n)
                .targetServiceRevision(r -> r.arn("arn:aws:ecs:us-east-1:1:service-revision/prod/" + name + "/" + n))
                .status(status).lifecycleStage(stage).createdAt(T0).build();
    }

    /** Blue/green mid-flight: both revisions listed, all tasks running. */
    private static Service twoRevisions(String name, DeploymentConfiguration config) {
        return service(name, 4, 2,
                primary(id(name), "app:2", 2, 2, DeploymentRolloutState.IN_PROGRESS).toBuilder().createdAt(T0).build(),
                active("ecs-svc/old", "app:1", 2, 2, DeploymentRolloutState.COMPLETED))
                .toBuilder().deploymentConfiguration(config).build();
    }

    private static Service oneRevision(String name, String deploymentId, DeploymentConfiguration config) {
        return service(name, 2, 2, primary(deploymentId, "app:2", 2, 2, DeploymentRolloutState.COMPLETED))
                .toBuilder().deploymentConfiguration(config).build();
    }

    private void script(String name, Step... steps) {
        scripts.put(name, List.of(steps));
    }

    private void blueGreen(String name, Function<String, Step> last) {
        script(name,
                new Step(twoRevisions(name, BLUE_GREEN), sd(name, ServiceDeploymentStatus.IN_PROGRESS,
                        ServiceDeploymentLifecycleStage.SCALE_UP)),
                new Step(twoRevisions(name, BLUE_GREEN), sd(name, ServiceDeploymentStatus.IN_PROGRESS,
                        ServiceDeploymentLifecycleStage.BAKE_TIME)),
                last.apply(name));
    }

    private static Step successful(String name) {
        return new Step(oneRevision(name, id(name), BLUE_GREEN), sd(name, ServiceDeploymentStatus.SUCCESSFUL,
                ServiceDeploymentLifecycleStage.CLEAN_UP));
    }

    private ServiceRollout.Builder rollout() {
        return ServiceRollout.builder().ecsClient(ecs).clock(clock).delay(Duration.ofMillis(1))
                .fetchStoppedTasks(false);
    }

    private ServiceRollout.Builder rolloutOnFake() {
        return rollout().ecsClient(fake);
    }

    @Test
    void aHealthyBlueGreenRolloutWithItsBakeSucceedsWithDefaultSettings() {
        blueGreen("web", ServiceDeploymentRolloutTest::successful);

        RolloutResult result = rollout().build().rollOut("prod", "web", "app:2");

        ServiceState web = result.service("web").orElseThrow();
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, web.serviceDeployment().orElseThrow().status());
        verify(ecs, atLeastOnce()).describeServiceDeployments(any(DescribeServiceDeploymentsRequest.class));
    }

    @Test
    void succeedAtStageEndsTheWaitOnceProductionTrafficIsShifted() {
        blueGreen("web", name -> new Step(twoRevisions(name, BLUE_GREEN),
                sd(name, ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.BAKE_TIME)));

        RolloutResult result = rollout().timeout(Duration.ofMinutes(5))
                .succeedAtStage(ServiceDeploymentLifecycleStage.BAKE_TIME).build().rollOut("prod", "web", "app:2");

        ServiceState web = result.service("web").orElseThrow();
        assertTrue(web.isStable());
        assertTrue(web.isConverging(), "both revisions still run in the bake");
    }

    @Test
    void aBoundTooShortForTheBakeIsRefusedBeforeAnyUpdate() {
        blueGreen("web", ServiceDeploymentRolloutTest::successful);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rollout().timeout(Duration.ofMinutes(10)).build().rollOut("prod", "web", "app:2"));

        assertTrue(e.getMessage().contains("web") && e.getMessage().contains("PT1H")
                && e.getMessage().contains("timeout"), e.getMessage());
        assertEquals(List.of(), updates);
    }

    @Test
    void maxAttemptsTooFewForTheBakeIsRefusedBeforeAnyUpdate() {
        blueGreen("web", ServiceDeploymentRolloutTest::successful);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rollout().delay(Duration.ofSeconds(15)).maxAttempts(40).build().rollOut("prod", "web", "app:2"));

        assertTrue(e.getMessage().contains("maxAttempts"), e.getMessage());
        assertEquals(List.of(), updates);
    }

    @Test
    void succeedAtStageOnARollingServiceIsRefusedBeforeAnyUpdate() {
        fake.service("prod", "web");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rolloutOnFake()
                .succeedAtStage(ServiceDeploymentLifecycleStage.BAKE_TIME).build().rollOut("prod", "web", "app:2"));

        assertTrue(e.getMessage().contains("ROLLING"), e.getMessage());
        assertEquals(List.of(), fake.updates());
    }

    @Test
    void aDeploymentSupersededBySomeoneElseIsNeitherSuccessNorOursToUndo() {
        fake.service("prod", "web").blueGreen(5).supersededAfter(2);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rolloutOnFake().rollbackOnFailure(true).timeout(Duration.ofHours(2)).build()
                        .rollOut("prod", "web", "app:2"));

        assertEquals(Reason.SUPERSEDED, e.reason());
        assertEquals(Verdict.SUPERSEDED, e.serviceState("web").orElseThrow().verdict());
        assertEquals(List.of("app:2"), fake.updates().stream().map(UpdateServiceRequest::taskDefinition).toList(),
                "no restore over someone else's release");
        assertEquals(List.of(), e.rolledBackServices());
        assertTrue(e.getMessage().contains("superseded"), e.getMessage());
    }

    @Test
    void aRollingDeploymentSupersededBySomeoneElseIsNotRestoredOverTheirs() {
        fake.service("prod", "a");
        fake.service("prod", "web").supersededAfter(1);
        List<String> heard = Collections.synchronizedList(new ArrayList<>());

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rolloutOnFake()
                .rollbackOnFailure(true).listener(new RolloutListener() {
                    @Override
                    public void onRollbackStarted(List<String> services) {
                        heard.add("started " + services);
                    }
                }).build().rollOut(request("a"), request("web")));

        // DescribeServices shows ours no longer PRIMARY on the poll someone else's update lands, and the new PRIMARY
        // neither runs what ran before nor says it rolls back: replaced, not ours to undo.
        assertEquals(Reason.SUPERSEDED, e.reason());
        assertEquals(List.of("a->app:2", "web->app:2", "a->" + fake.taskDefinitionArn("a:1")), fake.updates().stream()
                .map(r -> r.service() + "->" + r.taskDefinition()).toList(), "no restore over someone else's release");
        assertEquals(List.of(), fake.calls(StopServiceDeploymentRequest.class));
        assertEquals(RollbackAction.LEFT_ALONE, e.serviceState("web").orElseThrow().rollbackAction());
        assertEquals(fake.taskDefinitionArn("app:3"), fake.service("prod", "web").describe().orElseThrow()
                .taskDefinition());
        assertEquals(List.of("started [a]"), heard);
        assertTrue(e.getMessage().contains("left alone: web"), e.getMessage());
    }

    @Test
    void aRollingDeploymentSupersededBySomeoneElseIsSupersededOnThePollThatShowsIt() {
        // DescribeServices alone says "no longer PRIMARY"; the service's currentServiceDeployment names the newer one,
        // so ours must be found by ListServiceDeployments in the same poll, or the verdict is ROLLED_BACK.
        String theirsArn = "arn:aws:ecs:us-east-1:1:service-deployment/prod/web/theirs";
        ServiceDeployment theirsSd = ServiceDeployment.builder().serviceDeploymentArn(theirsArn)
                .targetServiceRevision(r -> r.arn("arn:aws:ecs:us-east-1:1:service-revision/prod/web/999"))
                .status(ServiceDeploymentStatus.IN_PROGRESS).createdAt(T0.plusSeconds(30)).build();
        Service theirs = service("web", 2, 2,
                primary("ecs-svc/999", "app:3", 1, 2, DeploymentRolloutState.IN_PROGRESS).toBuilder()
                        .createdAt(T0.plusSeconds(30)).build(),
                active(id("web"), "app:2", 1, 2, DeploymentRolloutState.IN_PROGRESS).toBuilder().createdAt(T0)
                        .build()).toBuilder().currentServiceDeployment(theirsArn).build();
        script("web",
                new Step(service("web", 2, 2, primary(id("web"), "app:2", 1, 2, DeploymentRolloutState.IN_PROGRESS)
                        .toBuilder().createdAt(T0).build(),
                        active("ecs-svc/old", "app:1", 1, 2, DeploymentRolloutState.COMPLETED)), null),
                new Step(theirs, sd("web", ServiceDeploymentStatus.STOPPED, null).toBuilder()
                        .statusReason("Replaced by a new service deployment").build()));
        when(ecs.describeServiceDeployments(any(DescribeServiceDeploymentsRequest.class))).thenAnswer(inv -> {
            DescribeServiceDeploymentsRequest r = inv.getArgument(0);
            return DescribeServiceDeploymentsResponse.builder().serviceDeployments(r.serviceDeploymentArns().stream()
                    .map(arn -> arn.equals(theirsArn) ? theirsSd : current("web").deployment()).toList()).build();
        });

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().rollOut("prod", "web", "app:2"));

        assertEquals(Reason.SUPERSEDED, e.reason(), e.getMessage());
        assertEquals(2, polls.get("web"), "on the poll that shows it");
    }

    @Test
    void aRollbackEcsStartsIsReportedOnThePollThatShowsIt() {
        blueGreen("web", name -> new Step(twoRevisions(name, BLUE_GREEN),
                sd(name, ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, ServiceDeploymentLifecycleStage.SCALE_UP)
                        .toBuilder().rollback(r -> r.reason("Lifecycle hook failed: smoke-tests")).build()));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().rollOut("prod", "web", "app:2"));

        assertEquals(Reason.ROLLED_BACK, e.reason());
        assertTrue(e.getMessage().contains("smoke-tests"), e.getMessage());
    }

    @Test
    void aPauseIsHeardOnceAndTheTimeoutSaysTheDeploymentWasPaused() {
        fake.service("prod", "web").blueGreen(0).pausesAt(ServiceDeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT);
        List<String> pauses = Collections.synchronizedList(new ArrayList<>());

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rolloutOnFake()
                .maxAttempts(8).listener(new RolloutListener() {
                    @Override
                    public void onDeploymentPaused(ServiceState state) {
                        pauses.add(state.pausedHook().orElseThrow().hookId());
                    }
                }).build().rollOut("prod", "web", "app:2"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(1, pauses.size(), pauses::toString);
        assertTrue(pauses.get(0).startsWith("ecs-pause-"), pauses.get(0));
        assertTrue(e.getMessage().contains("PAUSED at hook " + pauses.get(0)), e.getMessage());
    }

    @Test
    void withoutPermissionForServiceDeploymentsTheRolloutGoesOnFromDescribeServices() {
        when(ecs.listServiceDeployments(any(ListServiceDeploymentsRequest.class))).thenThrow(
                AccessDeniedException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("AccessDeniedException").errorMessage("not authorized").build()).build());
        script("web",
                new Step(twoRevisions("web", BLUE_GREEN), null),
                new Step(oneRevision("web", id("web"), BLUE_GREEN), null));

        RolloutResult result = rollout().build().rollOut("prod", "web", "app:2");

        assertTrue(result.service("web").orElseThrow().isStable());
        assertFalse(result.service("web").orElseThrow().serviceDeployment().isPresent());
        verify(ecs, never()).describeServiceDeployments(any(DescribeServiceDeploymentsRequest.class));
    }

    @Test
    void plainRollingServicesCostNoServiceDeploymentCall() {
        List.of("a", "b", "c").forEach(name -> fake.service("prod", name).becomesStableAfter(2));

        rolloutOnFake().build().rollOut(List.of(request("a"), request("b"), request("c")));

        assertEquals(List.of(), fake.calls(ListServiceDeploymentsRequest.class));
        assertEquals(List.of(), fake.calls(DescribeServiceDeploymentsRequest.class));
    }

    @Test
    void serviceDeploymentsOfManyChunksAreDescribedAtMostTwentyACall() {
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            fake.service("prod", "svc-" + i).blueGreen(1);
            requests.add(request("svc-" + i));
        }

        // Unpaced, as with the 150-per-delay default at a 1 ms delay before its 20-a-second ceiling: paced calls
        // 50 ms apart would each go out alone, past the batch window of a twentieth of the delay.
        rolloutOnFake().maxDescribeServicesPerSecond(1e6).build().rollOut(requests);

        List<Integer> describedPerCall = fake.calls(DescribeServiceDeploymentsRequest.class).stream()
                .map(r -> r.serviceDeploymentArns().size()).toList();
        assertTrue(describedPerCall.stream().allMatch(n -> n <= 20), describedPerCall.toString());
        assertTrue(describedPerCall.stream().anyMatch(n -> n > 10), "chunks share calls: " + describedPerCall);
    }

    /**
     * 25 blue/green services at the default pace (10 DescribeServices a second at the default 15 s delay): the chunks
     * of a round go out 100 ms apart, further apart than the batch window, yet their service deployments share calls
     * of 20.
     */
    @Test
    void aPacedRoundOfChunksStillSharesServiceDeploymentCallsOfTwenty() {
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            fake.service("prod", "svc-" + i).blueGreen(1);
            requests.add(request("svc-" + i));
        }

        ServiceRollout.builder().ecsClient(fake).clock(clock).build().rollOut(requests);

        List<Integer> describedPerCall = fake.calls(DescribeServiceDeploymentsRequest.class).stream()
                .map(r -> r.serviceDeploymentArns().size()).toList();
        assertTrue(describedPerCall.stream().allMatch(n -> n <= 20), describedPerCall.toString());
        assertEquals(20, describedPerCall.get(0), "the round's first call is full: " + describedPerCall);
    }

    private static UpdateServiceRequest request(String name) {
        return UpdateServiceRequest.builder().cluster("prod").service(name).taskDefinition("app:2").build();
    }
}
