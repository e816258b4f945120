package io.github.ecsrollout;

import static io.github.ecsrollout.support.Model.deploying;
import static io.github.ecsrollout.support.Model.primary;
import static io.github.ecsrollout.support.Model.service;
import static io.github.ecsrollout.support.Model.stable;
import static io.github.ecsrollout.support.Model.withController;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.FakeService;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.AdditionalAnswers;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AccessDeniedException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * {@link ServiceRollout} on mocked and fake clients. The tests of a timeout run on the testkit's {@link VirtualClock}
 * and assert the deadline exactly; most others poll with no delay. The three tests of chunks watched together (the
 * first verdict stopping the others, chunks beyond the pool taking turns, turns honouring maxAttempts) are kept on
 * real time on purpose: they are about the pool of chunk threads, which only the system clock uses.
 */
class ServiceRolloutTest {

    private static final String D1 = "ecs-svc/1000000000000000001";
    private static final String CB = "ECS deployment circuit breaker: tasks failed to start.";

    private final FakeEcs ecs = FakeEcs.create();

    @AfterEach
    void noThreadOutlivesTheCall() throws InterruptedException {
        Thread.interrupted();
        // A call's own thread hands its answer over and then ends: joined, as the moment it takes is not the point
        // (the join's bound only turns a stuck call into a failure instead of a hang).
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("ecs-rollout-call-")) {
                t.join(5_000);
            }
        }
        assertEquals(List.of(), rolloutThreads());
    }

    private ServiceRollout.Builder rollout() {
        return ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO);
    }

    /**
     * A deployment someone else started on the service, as awaitStable finds it: stable on the {@code polls}-th poll,
     * or never with 0.
     */
    private void alreadyDeploying(String service, int polls) {
        FakeService s = ecs.service("prod", service);
        (polls == 0 ? s.neverStable() : s.becomesStableAfter(polls)).deploy("app:2");
    }

    private static List<String> rolloutThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).filter(n -> n.startsWith("ecs-rollout-")).collect(Collectors.toList());
    }

    private static List<String> names(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).collect(Collectors.toList());
    }

    @Test
    void singleServiceRollsOutAndReportsItsFinalState() {
        ecs.service("prod", "web").becomesStableAfter(3);

        RolloutResult result = rollout().build().rollOut("prod", "web", "app:2");

        UpdateServiceRequest sent = ecs.updates().get(0);
        assertEquals(1, ecs.updates().size());
        assertEquals("prod", sent.cluster());
        assertEquals("web", sent.service());
        assertEquals("app:2", sent.taskDefinition());
        ServiceState web = result.service("web").orElseThrow();
        assertEquals(Verdict.STABLE, web.verdict());
        assertEquals(2, web.runningCount());
        assertEquals(2, web.desiredCount());
        assertTrue(web.primaryDeploymentId().orElseThrow().startsWith("ecs-svc/"), web.toString());
        assertEquals(web.primaryDeploymentId(), web.expectedDeploymentId());
        assertEquals(Optional.of(ecs.taskDefinitionArn("app:2")), web.taskDefinition());
        assertEquals(3, result.attempts());
        assertEquals(4, ecs.service("prod", "web").polls(), "the read before the update, then 3 polls");
    }

    @Test
    void requestsPassThroughAsGivenAndANullClusterMeansDefault() {
        ecs.service("default", "web");
        UpdateServiceRequest request = UpdateServiceRequest.builder().service("web").taskDefinition("app:2")
                .desiredCount(4).forceNewDeployment(true)
                .deploymentConfiguration(c -> c.deploymentCircuitBreaker(b -> b.enable(true).rollback(true)))
                .build();

        RolloutResult result = rollout().build().rollOut(request);

        assertEquals(List.of(request), ecs.updates());
        assertEquals("default", ecs.calls(DescribeServicesRequest.class).get(0).cluster());
        assertEquals("default", result.services().get(0).cluster());
    }

    @Test
    void twentyFiveServicesAreAwaitedInChunksOfTenTenAndFive() {
        List<String> services = names("svc-", 25);
        services.forEach(s -> alreadyDeploying(s, 2));

        RolloutResult result = rollout().build().awaitStable("prod", services);

        assertEquals(25, result.services().size());
        assertTrue(result.services().stream().allMatch(ServiceState::isStable));
        List<DescribeServicesRequest> describeCalls = ecs.calls(DescribeServicesRequest.class);
        assertTrue(describeCalls.stream().allMatch(r -> r.services().size() <= 10));
        List<Integer> firstPollSizes = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (DescribeServicesRequest r : describeCalls) {
            if (!seen.contains(r.services().get(0))) {
                seen.add(r.services().get(0));
                firstPollSizes.add(r.services().size());
            }
        }
        Collections.sort(firstPollSizes);
        assertEquals(List.of(5, 10, 10), firstPollSizes);
        assertEquals(6, describeCalls.size(), "3 chunks, each polled until stable on its second poll");
        services.forEach(s -> assertEquals(2, ecs.service("prod", s).polls()));
    }

    @Test
    void aServiceConfirmedStableIsNotAskedAboutAgain() {
        ecs.service("prod", "a");
        alreadyDeploying("b", 3);

        RolloutResult result = rollout().build().awaitStable("prod", "a", "b");

        assertEquals(1, ecs.service("prod", "a").polls());
        assertEquals(3, ecs.service("prod", "b").polls());
        assertEquals(List.of(List.of("a", "b"), List.of("b"), List.of("b")),
                ecs.calls(DescribeServicesRequest.class).stream().map(DescribeServicesRequest::services).toList());
        assertTrue(result.services().stream().allMatch(ServiceState::isStable));
        assertEquals(3, result.attempts());
    }

    @Test
    void maxAttemptsBoundsEachChunksPolls() {
        alreadyDeploying("web", 0);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().maxAttempts(3).fetchStoppedTasks(false).build().awaitStable("prod", "web"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(3, ecs.service("prod", "web").polls());
        assertEquals(List.of("web"), e.unstableServices());
        assertEquals(Verdict.IN_PROGRESS, e.serviceState("web").orElseThrow().verdict());
    }

    @Test
    void aTimeoutEndsTheWaitEvenWithoutMaxAttempts() {
        alreadyDeploying("web", 0);
        VirtualClock clock = VirtualClock.create();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().clock(clock).delay(Duration.ofMillis(5)).timeout(Duration.ofMillis(100))
                        .fetchStoppedTasks(false).build().awaitStable("prod", "web"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertTrue(ecs.service("prod", "web").polls() > 1);
        // A poll every 50 ms (the default pace at a 5 ms delay is ECS's 20 DescribeServices a second): at 0, 50 and,
        // its turn falling on the deadline itself, 100 ms; and not a moment past the deadline.
        assertEquals(3, ecs.service("prod", "web").polls());
        assertEquals(Duration.ofMillis(100), clock.elapsed());
    }

    @Test
    void noUpdateIsSentOnceTheTimeoutHasPassed() {
        VirtualClock clock = VirtualClock.create();
        List.of("a", "b", "c", "d", "e").forEach(n -> ecs.service("prod", n));
        // The fake ECS, but each update takes it 30 ms of the rollout's clock.
        EcsClient slowUpdates = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        doAnswer(inv -> {
            clock.advance(Duration.ofMillis(30));
            return ecs.updateService(inv.getArgument(0, UpdateServiceRequest.class));
        }).when(slowUpdates).updateService(any(UpdateServiceRequest.class));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout()
                .ecsClient(slowUpdates).clock(clock).timeout(Duration.ofMillis(50)).build()
                .rollOut(update("a"), update("b"), update("c"), update("d"), update("e")));

        assertEquals(Reason.TIMED_OUT, e.reason());
        List<UpdateServiceRequest> sent = ecs.updates();
        // a at 0 and b at 30 ms went out before the deadline at 50 ms; c's turn came at 60 ms, after it.
        assertEquals(List.of("a", "b"), sent.stream().map(UpdateServiceRequest::service).toList(),
                "updates stop at the deadline");
        assertEquals(sent.stream().map(UpdateServiceRequest::service).toList(), e.updatedServices());
        assertEquals(List.of(), e.possiblyUpdatedServices(), "every update sent was answered");
        assertTrue(sent.get(0).overrideConfiguration().isEmpty(),
                "on a virtual clock calls take none of its time: no apiCallTimeout the SDK would count in real time "
                        + "(SyncEcsTest checks the time left on the system clock)");
        assertEquals("app:2", sent.get(0).taskDefinition());
    }

    @Test
    void rejectedUpdateStopsAtOnceAndNamesWhatWasChanged() {
        ServiceNotFoundException rejected = ServiceNotFoundException.builder().message("Service not found.").build();
        ecs.service("prod", "a");
        ecs.service("prod", "b").rejectsUpdates(rejected);
        ecs.service("prod", "c");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout().build()
                .rollOut(update("a"), update("b"), update("c")));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertSame(rejected, e.getCause());
        assertEquals(List.of("b"), e.unstableServices());
        assertEquals(List.of("a"), e.updatedServices());
        assertEquals(List.of("a", "b"), ecs.updates().stream().map(UpdateServiceRequest::service).toList());
        assertEquals(1, ecs.calls(DescribeServicesRequest.class).size(), "the read before the updates; no poll");
        assertTrue(ecs.calls().indexOf(ecs.calls(DescribeServicesRequest.class).get(0))
                < ecs.calls().indexOf(ecs.updates().get(0)));
    }

    @Test
    void failedDeploymentIsReportedOnTheNextPoll() {
        ecs.service("prod", "web").circuitBreakerTripsAfter(2);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().fetchStoppedTasks(false).build().rollOut("prod", "web", "app:2"));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(3, ecs.service("prod", "web").polls(), "the read before the update, then the 2 polls scripted");
        assertEquals(List.of("web"), e.unstableServices());
        assertEquals(List.of("web"), e.updatedServices());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(Optional.of("FAILED"), web.rolloutState());
        assertEquals(CB, web.rolloutStateReason().orElseThrow());
        assertEquals(3, web.failedTasks());
        assertTrue(e.getMessage().contains(CB), e.getMessage());
    }

    @Test
    void rollbackIsNeverASuccessEvenWhenTheServiceLooksStable() {
        // ECS's rollback already done by the first poll (a poll late enough, or a quick rollback): a new PRIMARY on
        // what ran before (app:1), ours gone; it looks stable. The fake ECS shows a rollback step by step, poll by
        // poll, so this payload is stubbed as it comes.
        EcsClient mocked = mock(EcsClient.class);
        when(mocked.describeServices(any(DescribeServicesRequest.class))).thenReturn(
                DescribeServicesResponse.builder().services(service("web", 2, 2,
                        primary("ecs-svc/before", "app:1", 2, 2, DeploymentRolloutState.COMPLETED))).build(),
                DescribeServicesResponse.builder().services(service("web", 2, 2,
                        primary("ecs-svc/rollback", "app:1", 2, 2, DeploymentRolloutState.COMPLETED))).build());
        when(mocked.updateService(any(UpdateServiceRequest.class)))
                .thenReturn(UpdateServiceResponse.builder().service(deploying("web", D1)).build());

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().ecsClient(mocked).fetchStoppedTasks(false).build().rollOut("prod", "web", "app:2"));

        assertEquals(Reason.ROLLED_BACK, e.reason());
        assertEquals(Verdict.ROLLED_BACK, e.serviceState("web").orElseThrow().verdict());
    }

    @Test
    void missingServiceIsReported() {
        ecs.service("prod", "web");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().awaitStable("prod", "web", "ghost"));

        assertEquals(Reason.SERVICE_MISSING, e.reason());
        assertEquals(List.of("ghost"), e.unstableServices());
        assertEquals(Verdict.MISSING, e.serviceState("ghost").orElseThrow().verdict());
        assertEquals(1, ecs.calls(DescribeServicesRequest.class).size());
    }

    @Test
    void drainingServiceIsReportedAsInactive() {
        // Right after DeleteService; the fake ECS has INACTIVE services, not DRAINING ones.
        EcsClient mocked = mock(EcsClient.class);
        when(mocked.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
                .services(stable("web", D1).toBuilder().status("DRAINING").desiredCount(0).build()).build());

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().ecsClient(mocked).build().awaitStable("prod", "web"));

        assertEquals(Reason.SERVICE_INACTIVE, e.reason());
        assertEquals("DRAINING", e.serviceState("web").orElseThrow().status().orElseThrow());
    }

    @Test
    void codeDeployServiceIsUnsupportedAtOnce() {
        // The fake ECS's services all have the ECS deployment controller.
        EcsClient mocked = mock(EcsClient.class);
        when(mocked.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
                .services(withController(stable("web", D1), DeploymentControllerType.CODE_DEPLOY)).build());

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().ecsClient(mocked).build().awaitStable("prod", "web"));

        assertEquals(Reason.UNSUPPORTED_SERVICE, e.reason());
        verify(mocked, times(1)).describeServices(any(DescribeServicesRequest.class));
    }

    @Test
    void ecsErrorIsAnApiErrorAtOnceWithTheEcsExceptionAsCause() {
        // Stubbed, to check that the cause is the very exception the client threw.
        ClusterNotFoundException missing = ClusterNotFoundException.builder().message("Cluster not found.").build();
        EcsClient mocked = mock(EcsClient.class);
        when(mocked.describeServices(any(DescribeServicesRequest.class))).thenThrow(missing);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().ecsClient(mocked).build().awaitStable("nope", "web"));

        assertEquals(Reason.API_ERROR, e.reason());
        assertSame(missing, e.getCause());
        assertEquals(List.of("web"), e.unstableServices());
        verify(mocked, times(1)).describeServices(any(DescribeServicesRequest.class));
    }

    @Test
    void interruptEndsTheWaitAndKeepsTheFlag() {
        alreadyDeploying("web", 0);
        Thread.currentThread().interrupt();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().delay(Duration.ofSeconds(30)).build().awaitStable("prod", "web"));

        assertEquals(Reason.INTERRUPTED, e.reason());
        assertTrue(Thread.interrupted(), "the interrupt flag is set again");
    }

    @Test
    void interruptWhileSeveralChunksAreWatchedStopsThemAll() {
        List<String> services = names("svc-", 15);
        services.forEach(s -> alreadyDeploying(s, 0));
        Thread.currentThread().interrupt();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().delay(Duration.ofSeconds(30)).build().awaitStable("prod", services));

        assertEquals(Reason.INTERRUPTED, e.reason());
        assertTrue(Thread.interrupted(), "the interrupt flag is set again");
        assertEquals(services, e.unstableServices());
    }

    @Test
    void theFirstVerdictStopsTheOtherChunksAndReportsEveryService() {
        List<String> services = names("svc-", 20);
        services.stream().filter(s -> !s.equals("svc-13")).forEach(s -> alreadyDeploying(s, 0));
        ecs.service("prod", "svc-13").circuitBreakerTripsAfter(2).deploy("app:2");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().delay(Duration.ofMillis(1)).maxAttempts(1_000_000).fetchStoppedTasks(false).build()
                        .awaitStable("prod", services));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(services, e.unstableServices());
        assertEquals(20, e.serviceStates().size());
        assertTrue(e.serviceStates().stream().allMatch(s -> s.lastObserved().isPresent()));
    }

    @Test
    void chunksBeyondThePoolAreWatchedInTurnSoAFailureAnywhereIsSeen() {
        List<String> services = names("svc-", 30);
        services.stream().filter(s -> !s.equals("svc-25")).forEach(s -> alreadyDeploying(s, 0));
        ecs.service("prod", "svc-25").circuitBreakerTripsAfter(1).deploy("app:2");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().delay(Duration.ofMillis(1)).maxAttempts(1_000).maxConcurrency(1)
                        .fetchStoppedTasks(false).build().awaitStable("prod", services));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(1, ecs.service("prod", "svc-25").polls(),
                "the third chunk was polled in its first turn, not after the first");
        int first = ecs.service("prod", "svc-0").polls();
        assertTrue(first < 10, "the first chunk did not hold the only thread: " + first);
    }

    @Test
    void chunksTakingTurnsStillHonourMaxAttempts() {
        List<String> services = names("svc-", 30);
        services.forEach(s -> alreadyDeploying(s, 0));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().maxAttempts(4).maxConcurrency(2).fetchStoppedTasks(false).build()
                        .awaitStable("prod", services));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(4, services.stream().mapToInt(s -> ecs.service("prod", s).polls()).max().orElseThrow(),
                "the first chunk to use its 4 polls ends the rollout; none polls more");
    }

    @Test
    void servicesMayBeNamedByArnAndAreReportedInTheCallersSpelling() {
        String arn = "arn:aws:ecs:us-east-1:123456789012:service/prod/web";
        alreadyDeploying("web", 0);
        ecs.service("prod", "api");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().maxAttempts(2).fetchStoppedTasks(false).build().awaitStable("prod", arn, "api"));

        assertEquals(List.of(arn), e.unstableServices());
        assertEquals(Verdict.STABLE, e.serviceState("api").orElseThrow().verdict());
        assertEquals(arn, ecs.calls(DescribeServicesRequest.class).get(0).services().get(0));
    }

    @Test
    void duplicatesAreAwaitedOnceButRejectedInARollout() {
        ecs.service("prod", "web");

        RolloutResult result = rollout().build().awaitStable("prod", "web", "web",
                "arn:aws:ecs:us-east-1:123456789012:service/prod/web");

        assertEquals(1, result.services().size());
        assertEquals(List.of("web"), ecs.calls(DescribeServicesRequest.class).get(0).services());
        ServiceRollout rollout = rollout().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rollout.rollOut(update("web"), update("arn:aws:ecs:us-east-1:123456789012:service/prod/web")));
        assertTrue(e.getMessage().contains("requests[1]"), e.getMessage());
        assertEquals(List.of(), ecs.updates());
    }

    @Test
    void servicesInSeveralClustersAreAwaitedPerCluster() {
        ecs.service("blue", "web");
        ecs.service("green", "api");

        RolloutResult result = rollout().build().rollOut(
                UpdateServiceRequest.builder().cluster("blue").service("web").taskDefinition("app:2").build(),
                UpdateServiceRequest.builder().cluster("green").service("api").taskDefinition("app:2").build());

        List<DescribeServicesRequest> calls = ecs.calls(DescribeServicesRequest.class);
        // One read per cluster before the updates, then one poll per cluster.
        assertEquals(4, calls.size());
        List<DescribeServicesRequest> polls = calls.subList(2, 4);
        assertEquals(List.of("blue", "green"), calls.subList(0, 2).stream().map(DescribeServicesRequest::cluster)
                .sorted().toList());
        assertEquals(List.of("blue", "green"), polls.stream().map(DescribeServicesRequest::cluster).sorted().toList());
        assertEquals(List.of("blue", "green"), result.services().stream().map(ServiceState::cluster).toList());
    }

    @Test
    void badInputIsRejectedBeforeAnyCallReachesEcs() {
        EcsClient ecs = mock(EcsClient.class);
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).build();
        assertNpeNaming("cluster", () -> rollout.rollOut(null, "web", "app:1"));
        assertNpeNaming("service", () -> rollout.rollOut("prod", null, "app:1"));
        assertNpeNaming("taskDefinition", () -> rollout.rollOut("prod", "web", null));
        assertIaeNaming("cluster", () -> rollout.rollOut(" ", "web", "app:1"));
        assertIaeNaming("service", () -> rollout.rollOut("prod", "", "app:1"));
        assertIaeNaming("requests", () -> rollout.rollOut(List.of()));
        assertNpeNaming("requests", () -> rollout.rollOut((UpdateServiceRequest) null));
        assertNpeNaming("requests[0].service", () -> rollout.rollOut(UpdateServiceRequest.builder().build()));
        assertIaeNaming("requests[0].cluster", () -> rollout.rollOut(
                UpdateServiceRequest.builder().cluster("").service("web").build()));
        assertIaeNaming("services", () -> rollout.awaitStable("prod", List.of()));
        assertNpeNaming("services[1]", () -> rollout.awaitStable("prod", "web", null));
        assertNpeNaming("cluster", () -> rollout.awaitStable(null, "web"));
        assertIaeNaming("maxAttempts", () -> ServiceRollout.builder().maxAttempts(0));
        assertIaeNaming("delay", () -> ServiceRollout.builder().delay(Duration.ofSeconds(-1)));
        assertNpeNaming("delay", () -> ServiceRollout.builder().delay(null));
        assertIaeNaming("timeout", () -> ServiceRollout.builder().timeout(Duration.ZERO));
        assertIaeNaming("maxConcurrency", () -> ServiceRollout.builder().maxConcurrency(0));
        assertIaeNaming("maxDescribeServicesPerSecond", () -> ServiceRollout.builder().maxDescribeServicesPerSecond(0));
        assertIaeNaming("maxUpdateServicePerSecond", () -> ServiceRollout.builder().maxUpdateServicePerSecond(0));
        assertIaeNaming("maxUpdateServicePerSecond",
                () -> ServiceRollout.builder().maxUpdateServicePerSecond(Double.POSITIVE_INFINITY));
        assertIaeNaming("maxDescribeServicesPerSecond",
                () -> ServiceRollout.builder().maxDescribeServicesPerSecond(Double.NaN));
        assertIaeNaming("rollbackTimeout", () -> ServiceRollout.builder().rollbackTimeout(Duration.ofSeconds(-1)));
        assertNpeNaming("ecsClient", () -> ServiceRollout.builder().ecsClient(null));
        assertNpeNaming("listener", () -> ServiceRollout.builder().listener(null));
        verifyNoInteractions(ecs);
    }

    @Test
    void aListenerHearsProgressAndOneThatThrowsDoesNotStopTheRollout() {
        // Poll 1 finds no task started yet, poll 2 one (an ECS event), poll 3 the other and the deployment done (three
        // events).
        ecs.service("prod", "web").becomesStableAfter(3);
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        RolloutListener listener = new RolloutListener() {
            @Override
            public void onUpdateAccepted(ServiceState state) {
                heard.add("accepted " + state.service() + " " + state.expectedDeploymentId().orElse(null));
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onObservation(ServiceState state) {
                heard.add("observed " + state.verdict());
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onServiceEvent(String cluster, String service, ServiceEvent event) {
                heard.add("event " + event.message());
            }

            @Override
            public void onServiceStable(ServiceState state) {
                heard.add("stable " + state.service());
            }

            @Override
            public void onRolloutSucceeded(RolloutResult result) {
                heard.add("succeeded " + result.services().size());
            }
        };

        RolloutResult result = rollout().listener(listener).build().rollOut("prod", "web", "app:2");

        ServiceState web = result.services().get(0);
        assertTrue(web.isStable());
        List<ServiceEvent> events = web.events();
        // ECS's events since the update, oldest first: what the fake lists newest first, less what the update's
        // answer showed.
        List<ServiceEvent> sinceTheUpdate = new ArrayList<>(ecs.service("prod", "web").describe().orElseThrow()
                .events().subList(0, 4));
        Collections.reverse(sinceTheUpdate);
        assertEquals(sinceTheUpdate, events);
        List<String> expected = List.of("has started 1 tasks", "has started 1 tasks", "deployment completed.",
                "has reached a steady state.");
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(events.get(i).message().contains(expected.get(i)), events.get(i).message());
        }
        assertEquals(List.of("accepted web " + web.expectedDeploymentId().orElseThrow(), "observed IN_PROGRESS",
                "observed IN_PROGRESS", "event " + events.get(0).message(), "observed STABLE",
                "event " + events.get(1).message(), "event " + events.get(2).message(),
                "event " + events.get(3).message(), "stable web", "succeeded 1"), heard);
    }

    @Test
    void stoppedTasksOfAFailedDeploymentAreAttached() {
        ecs.service("prod", "web").circuitBreakerTripsAfter(2);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().rollOut("prod", "web", "app:2"));

        ListTasksRequest listed = ecs.calls(ListTasksRequest.class).get(0);
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(web.expectedDeploymentId().orElseThrow(), listed.startedBy());
        assertEquals("STOPPED", listed.desiredStatusAsString());
        List<Task> described = ecs.describeTasks(r -> r.cluster("prod").tasks(ecs.listTasks(l -> l.cluster("prod")
                .desiredStatus("STOPPED")).taskArns())).tasks();
        assertEquals(3, web.stoppedTasks().size());
        assertTrue(described.containsAll(web.stoppedTasks()));
        assertTrue(e.getMessage().contains("Essential container in task exited"), e.getMessage());
        assertTrue(e.getMessage().contains("exit 1"), e.getMessage());
    }

    @Test
    void whenStoppedTasksCannotBeFetchedTheVerdictStandsAndSaysWhy() {
        FakeEcs denying = FakeEcs.builder().accessDenied(ListTasksRequest.class).build();
        denying.service("prod", "web").circuitBreakerTripsAfter(2);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().ecsClient(denying).build().rollOut("prod", "web", "app:2"));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        String why = e.serviceState("web").orElseThrow().stoppedTasksUnavailableReason().orElseThrow();
        assertTrue(why.contains("AccessDeniedException"), why);
    }

    @Test
    void stoppedTasksAreNotFetchedWhenSwitchedOff() {
        ecs.service("prod", "web").circuitBreakerTripsAfter(2);

        assertThrows(RolloutNotStableException.class,
                () -> rollout().fetchStoppedTasks(false).build().rollOut("prod", "web", "app:2"));

        assertEquals(List.of(), ecs.calls(ListTasksRequest.class));
    }

    @Test
    void aRolloutIsReusable() {
        ecs.service("prod", "web");
        ServiceRollout rollout = rollout().build();

        rollout.rollOut("prod", "web", "app:2");
        rollout.rollOut("prod", "web", "app:3");

        assertEquals(List.of("app:2", "app:3"), ecs.updates().stream().map(UpdateServiceRequest::taskDefinition)
                .toList());
    }

    @Test
    void toStringsReadWell() {
        ecs.service("prod", "web");
        RolloutResult result = rollout().build().awaitStable("prod", "web");
        assertTrue(result.toString().startsWith("RolloutResult[cluster=prod, services=1, attempts=1, elapsed=PT"),
                result.toString());
        assertTrue(result.services().get(0).toString().contains("verdict=STABLE"));
        assertFalse(rollout().build().toString().isEmpty());
    }

    @Test
    void anUnstableMessageShowsCountsAndEcsWords() {
        // No task of the new deployment can be placed; the old deployment's two keep running.
        alreadyDeploying("web", 0);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().maxAttempts(1).fetchStoppedTasks(false).build().awaitStable("prod", "web"));

        assertTrue(e.getMessage().startsWith("TIMED_OUT"), e.getMessage());
        assertTrue(e.getMessage().contains("running 2/2, pending 0"), e.getMessage());
        assertTrue(e.getMessage().contains("was unable to place a task"), e.getMessage());
        assertInstanceOf(RuntimeException.class, e);
    }

    private static UpdateServiceRequest update(String service) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition("app:2").build();
    }

    private static void assertNpeNaming(String name, Runnable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call::run);
        assertTrue(e.getMessage().startsWith(name), e.getMessage());
    }

    private static void assertIaeNaming(String name, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith(name), e.getMessage());
    }
}
