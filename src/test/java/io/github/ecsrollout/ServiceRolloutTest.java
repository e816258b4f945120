package io.github.ecsrollout;

import static io.github.ecsrollout.support.Model.deploying;
import static io.github.ecsrollout.support.Model.failed;
import static io.github.ecsrollout.support.Model.primary;
import static io.github.ecsrollout.support.Model.service;
import static io.github.ecsrollout.support.Model.stable;
import static io.github.ecsrollout.support.Model.withController;
import static io.github.ecsrollout.support.Model.withEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.support.ScriptedEcs;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AccessDeniedException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * {@link ServiceRollout} on mocked and fake clients. The tests of a timeout run on the testkit's {@link VirtualClock}
 * and assert the deadline exactly; most others poll with no delay. The three tests of chunks watched together (the
 * first verdict stopping the others, chunks beyond the pool taking turns, turns honouring maxAttempts) are kept on
 * real time on purpose: they are about the pool of chunk threads, which only the system clock uses.
 */
class ServiceRolloutTest {

    private static final String D1 = "ecs-svc/1000000000000000001";
    private static final String CB = "ECS deployment circuit breaker: tasks failed to start.";

    private final ScriptedEcs fake = new ScriptedEcs();
    /** For the tests a scripted fleet says more simply than hand-built answers. */
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
        return ServiceRollout.builder().ecsClient(fake.ecs).delay(Duration.ZERO);
    }

    private ServiceRollout.Builder rolloutOnFake() {
        return ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO);
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

        RolloutResult result = rolloutOnFake().build().rollOut("prod", "web", "app:2");

        UpdateServiceRequest sent = ecs.updates().get(0);
        assertEquals(1, ecs.updates().size());
        assertEquals("prod", sent.cluster());
        assertEquals("web", sent.service());
        assertEquals("app:2", sent.taskDefinition());
        ServiceState web = result.service("web").orElseThrow();
        assertEquals(Verdict.STABLE, web.verdict());
        assertEquals(2, web.runningCount());
        assertEquals(2, web.desiredCount());
        assertTrue(web.primaryDeploymentId().startsWith("ecs-svc/"), web.primaryDeploymentId());
        assertEquals(web.primaryDeploymentId(), web.expectedDeploymentId().orElseThrow());
        assertEquals(ecs.taskDefinitionArn("app:2"), web.taskDefinition());
        assertEquals(3, result.attempts());
        assertEquals(4, ecs.service("prod", "web").polls(), "the read before the update, then 3 polls");
    }

    @Test
    void requestsPassThroughAsGivenAndANullClusterMeansDefault() {
        fake.script("web", stable("web", D1)).acceptUpdates();
        UpdateServiceRequest request = UpdateServiceRequest.builder().service("web").taskDefinition("app:2")
                .desiredCount(4).forceNewDeployment(true)
                .deploymentConfiguration(c -> c.deploymentCircuitBreaker(b -> b.enable(true).rollback(true)))
                .build();

        RolloutResult result = rollout().build().rollOut(request);

        verify(fake.ecs).updateService(request);
        assertEquals("default", fake.describeCalls.get(0).cluster());
        assertEquals("default", result.services().get(0).cluster());
    }

    @Test
    void twentyFiveServicesAreAwaitedInChunksOfTenTenAndFive() {
        List<String> services = names("svc-", 25);
        services.forEach(s -> fake.script(s, deploying(s, D1), stable(s, D1)));

        RolloutResult result = rollout().build().awaitStable("prod", services);

        assertEquals(25, result.services().size());
        assertTrue(result.services().stream().allMatch(ServiceState::isStable));
        assertTrue(fake.describeCalls.stream().allMatch(r -> r.services().size() <= 10));
        List<Integer> firstPollSizes = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (DescribeServicesRequest r : fake.describeCalls) {
            if (!seen.contains(r.services().get(0))) {
                seen.add(r.services().get(0));
                firstPollSizes.add(r.services().size());
            }
        }
        Collections.sort(firstPollSizes);
        assertEquals(List.of(5, 10, 10), firstPollSizes);
        assertEquals(6, fake.describeCallCount(), "3 chunks, each polled until stable on its second poll");
        services.forEach(s -> assertEquals(2, fake.polls(s)));
    }

    @Test
    void aServiceConfirmedStableIsNotAskedAboutAgain() {
        fake.script("a", stable("a", D1)).script("b", deploying("b", D1), deploying("b", D1), stable("b", D1));

        RolloutResult result = rollout().build().awaitStable("prod", "a", "b");

        assertEquals(1, fake.polls("a"));
        assertEquals(3, fake.polls("b"));
        assertEquals(List.of(List.of("a", "b"), List.of("b"), List.of("b")),
                fake.describeCalls.stream().map(DescribeServicesRequest::services).toList());
        assertTrue(result.services().stream().allMatch(ServiceState::isStable));
        assertEquals(3, result.attempts());
    }

    @Test
    void maxAttemptsBoundsEachChunksPolls() {
        fake.script("web", deploying("web", D1));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().maxAttempts(3).fetchStoppedTasks(false).build().awaitStable("prod", "web"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(3, fake.polls("web"));
        assertEquals(List.of("web"), e.unstableServices());
        assertEquals(Verdict.IN_PROGRESS, e.serviceState("web").orElseThrow().verdict());
    }

    @Test
    void aTimeoutEndsTheWaitEvenWithoutMaxAttempts() {
        fake.script("web", deploying("web", D1));
        VirtualClock clock = VirtualClock.create();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().clock(clock).delay(Duration.ofMillis(5)).timeout(Duration.ofMillis(100))
                        .fetchStoppedTasks(false).build().awaitStable("prod", "web"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertTrue(fake.polls("web") > 1);
        // A poll every 50 ms (the default pace at a 5 ms delay is ECS's 20 DescribeServices a second): at 0, 50 and,
        // its turn falling on the deadline itself, 100 ms; and not a moment past the deadline.
        assertEquals(3, fake.polls("web"));
        assertEquals(Duration.ofMillis(100), clock.elapsed());
    }

    @Test
    void noUpdateIsSentOnceTheTimeoutHasPassed() {
        VirtualClock clock = VirtualClock.create();
        List.of("a", "b", "c", "d", "e").forEach(n -> fake.script(n, stable(n, D1)));
        fake.acceptUpdates(r -> {
            clock.advance(Duration.ofMillis(30)); // each update takes ECS 30 ms
            return software.amazon.awssdk.services.ecs.model.UpdateServiceResponse.builder()
                    .service(stable(r.service(), D1)).build();
        });

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout().clock(clock)
                .timeout(Duration.ofMillis(50)).build()
                .rollOut(update("a"), update("b"), update("c"), update("d"), update("e")));

        assertEquals(Reason.TIMED_OUT, e.reason());
        ArgumentCaptor<UpdateServiceRequest> sent = ArgumentCaptor.forClass(UpdateServiceRequest.class);
        verify(fake.ecs, org.mockito.Mockito.atLeastOnce()).updateService(sent.capture());
        // a at 0 and b at 30 ms went out before the deadline at 50 ms; c's turn came at 60 ms, after it.
        assertEquals(List.of("a", "b"), sent.getAllValues().stream().map(UpdateServiceRequest::service).toList(),
                "updates stop at the deadline");
        assertEquals(sent.getAllValues().stream().map(UpdateServiceRequest::service).toList(), e.updatedServices());
        assertEquals(List.of(), e.possiblyUpdatedServices(), "every update sent was answered");
        assertTrue(sent.getAllValues().get(0).overrideConfiguration().isEmpty(),
                "on a virtual clock calls take none of its time: no apiCallTimeout the SDK would count in real time "
                        + "(SyncEcsTest checks the time left on the system clock)");
        assertEquals("app:2", sent.getAllValues().get(0).taskDefinition());
    }

    @Test
    void rejectedUpdateStopsAtOnceAndNamesWhatWasChanged() {
        ServiceNotFoundException rejected = ServiceNotFoundException.builder().message("Service not found.").build();
        ecs.service("prod", "a");
        ecs.service("prod", "b").rejectsUpdates(rejected);
        ecs.service("prod", "c");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rolloutOnFake().build()
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
                () -> rolloutOnFake().fetchStoppedTasks(false).build().rollOut("prod", "web", "app:2"));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(3, ecs.service("prod", "web").polls(), "the read before the update, then the 2 polls scripted");
        assertEquals(List.of("web"), e.unstableServices());
        assertEquals(List.of("web"), e.updatedServices());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals("FAILED", web.rolloutState());
        assertEquals(CB, web.rolloutStateReason());
        assertEquals(3, web.failedTasks());
        assertTrue(e.getMessage().contains(CB), e.getMessage());
    }

    @Test
    void rollbackIsNeverASuccessEvenWhenTheServiceLooksStable() {
        // ECS's rollback: a new PRIMARY on what ran before (app:1), ours gone; it looks stable.
        fake.script("web", deploying("web", D1), service("web", 2, 2,
                primary("ecs-svc/rollback", "app:1", 2, 2, DeploymentRolloutState.COMPLETED))).acceptUpdates();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().fetchStoppedTasks(false).build().rollOut("prod", "web", "app:2"));

        assertEquals(Reason.ROLLED_BACK, e.reason());
        assertEquals(Verdict.ROLLED_BACK, e.serviceState("web").orElseThrow().verdict());
    }

    @Test
    void missingServiceIsReported() {
        fake.script("web", stable("web", D1));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().awaitStable("prod", "web", "ghost"));

        assertEquals(Reason.SERVICE_MISSING, e.reason());
        assertEquals(List.of("ghost"), e.unstableServices());
        assertEquals(Verdict.MISSING, e.serviceState("ghost").orElseThrow().verdict());
        assertEquals(1, fake.describeCallCount());
    }

    @Test
    void drainingServiceIsReportedAsInactive() {
        fake.script("web", stable("web", D1).toBuilder().status("DRAINING").desiredCount(0).build());

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().awaitStable("prod", "web"));

        assertEquals(Reason.SERVICE_INACTIVE, e.reason());
        assertEquals("DRAINING", e.serviceState("web").orElseThrow().status().orElseThrow());
    }

    @Test
    void codeDeployServiceIsUnsupportedAtOnce() {
        fake.script("web", withController(stable("web", D1), DeploymentControllerType.CODE_DEPLOY));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().awaitStable("prod", "web"));

        assertEquals(Reason.UNSUPPORTED_SERVICE, e.reason());
        assertEquals(1, fake.polls("web"));
    }

    @Test
    void ecsErrorIsAnApiErrorAtOnceWithTheEcsExceptionAsCause() {
        ClusterNotFoundException missing = ClusterNotFoundException.builder().message("Cluster not found.").build();
        when(fake.ecs.describeServices(any(DescribeServicesRequest.class))).thenThrow(missing);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().awaitStable("nope", "web"));

        assertEquals(Reason.API_ERROR, e.reason());
        assertSame(missing, e.getCause());
        assertEquals(List.of("web"), e.unstableServices());
        verify(fake.ecs, times(1)).describeServices(any(DescribeServicesRequest.class));
    }

    @Test
    void interruptEndsTheWaitAndKeepsTheFlag() {
        fake.script("web", deploying("web", D1));
        Thread.currentThread().interrupt();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().delay(Duration.ofSeconds(30)).build().awaitStable("prod", "web"));

        assertEquals(Reason.INTERRUPTED, e.reason());
        assertTrue(Thread.interrupted(), "the interrupt flag is set again");
    }

    @Test
    void interruptWhileSeveralChunksAreWatchedStopsThemAll() {
        List<String> services = names("svc-", 15);
        services.forEach(s -> fake.script(s, deploying(s, D1)));
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
        services.forEach(s -> fake.script(s, deploying(s, D1)));
        fake.script("svc-13", deploying("svc-13", D1), service("svc-13", 0, 2, failed("ecs-svc/x", "PRIMARY", CB)));

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
        services.forEach(s -> fake.script(s, deploying(s, D1)));
        fake.script("svc-25", service("svc-25", 0, 2, failed("ecs-svc/x", "PRIMARY", CB)));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().delay(Duration.ofMillis(1)).maxAttempts(1_000).maxConcurrency(1)
                        .fetchStoppedTasks(false).build().awaitStable("prod", services));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(1, fake.polls("svc-25"), "the third chunk was polled in its first turn, not after the first");
        assertTrue(fake.polls("svc-0") < 10, "the first chunk did not hold the only thread: " + fake.polls("svc-0"));
    }

    @Test
    void chunksTakingTurnsStillHonourMaxAttempts() {
        List<String> services = names("svc-", 30);
        services.forEach(s -> fake.script(s, deploying(s, D1)));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().maxAttempts(4).maxConcurrency(2).fetchStoppedTasks(false).build()
                        .awaitStable("prod", services));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(4, services.stream().mapToInt(fake::polls).max().orElseThrow(),
                "the first chunk to use its 4 polls ends the rollout; none polls more");
    }

    @Test
    void servicesMayBeNamedByArnAndAreReportedInTheCallersSpelling() {
        String arn = "arn:aws:ecs:us-east-1:123456789012:service/prod/web";
        fake.script("web", deploying("web", D1)).script("api", stable("api", D1));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().maxAttempts(2).fetchStoppedTasks(false).build().awaitStable("prod", arn, "api"));

        assertEquals(List.of(arn), e.unstableServices());
        assertEquals(Verdict.STABLE, e.serviceState("api").orElseThrow().verdict());
        assertEquals(arn, fake.describeCalls.get(0).services().get(0));
    }

    @Test
    void duplicatesAreAwaitedOnceButRejectedInARollout() {
        fake.script("web", stable("web", D1));

        RolloutResult result = rollout().build().awaitStable("prod", "web", "web",
                "arn:aws:ecs:us-east-1:123456789012:service/prod/web");

        assertEquals(1, result.services().size());
        assertEquals(List.of("web"), fake.describeCalls.get(0).services());
        ServiceRollout rollout = rollout().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rollout.rollOut(update("web"), update("arn:aws:ecs:us-east-1:123456789012:service/prod/web")));
        assertTrue(e.getMessage().contains("requests[1]"), e.getMessage());
        verify(fake.ecs, never()).updateService(any(UpdateServiceRequest.class));
    }

    @Test
    void servicesInSeveralClustersAreAwaitedPerCluster() {
        ecs.service("blue", "web");
        ecs.service("green", "api");

        RolloutResult result = rolloutOnFake().build().rollOut(
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
        ServiceEvent started = ServiceEvent.builder().id("ev1").createdAt(java.time.Instant.now().plusSeconds(1))
                .message("(service web) has started 2 tasks: (task a) (task b).").build();
        // The first answer is the read before the update's; the polls see the next three.
        fake.script("web", deploying("web", D1), deploying("web", D1),
                deploying("web", D1).toBuilder().events(started).build(),
                stable("web", D1).toBuilder().events(started).build()).acceptUpdates();
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        RolloutListener listener = new RolloutListener() {
            @Override
            public void onUpdateAccepted(String cluster, String service, String deploymentId) {
                heard.add("accepted " + service + " " + deploymentId);
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

        assertTrue(result.services().get(0).isStable());
        assertEquals(List.of("accepted web " + D1, "observed IN_PROGRESS", "observed IN_PROGRESS",
                "event " + started.message(), "observed STABLE", "stable web", "succeeded 1"), heard);
        assertEquals(List.of(started), result.services().get(0).events());
    }

    @Test
    void stoppedTasksOfAFailedDeploymentAreAttached() {
        ecs.service("prod", "web").circuitBreakerTripsAfter(2);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rolloutOnFake().build().rollOut("prod", "web", "app:2"));

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
                () -> rolloutOnFake().ecsClient(denying).build().rollOut("prod", "web", "app:2"));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        String why = e.serviceState("web").orElseThrow().stoppedTasksUnavailableReason().orElseThrow();
        assertTrue(why.contains("AccessDeniedException"), why);
    }

    @Test
    void stoppedTasksAreNotFetchedWhenSwitchedOff() {
        ecs.service("prod", "web").circuitBreakerTripsAfter(2);

        assertThrows(RolloutNotStableException.class,
                () -> rolloutOnFake().fetchStoppedTasks(false).build().rollOut("prod", "web", "app:2"));

        assertEquals(List.of(), ecs.calls(ListTasksRequest.class));
    }

    @Test
    void aRolloutIsReusable() {
        ecs.service("prod", "web");
        ServiceRollout rollout = rolloutOnFake().build();

        rollout.rollOut("prod", "web", "app:2");
        rollout.rollOut("prod", "web", "app:3");

        assertEquals(List.of("app:2", "app:3"), ecs.updates().stream().map(UpdateServiceRequest::taskDefinition)
                .toList());
    }

    @Test
    void toStringsReadWell() {
        fake.script("web", stable("web", D1));
        RolloutResult result = rollout().build().awaitStable("prod", "web");
        assertTrue(result.toString().startsWith("RolloutResult[cluster=prod, services=1, attempts=1, elapsed=PT"),
                result.toString());
        assertTrue(result.services().get(0).toString().contains("verdict=STABLE"));
        assertFalse(rollout().build().toString().isEmpty());
    }

    @Test
    void anUnstableMessageShowsCountsAndEcsWords() {
        fake.script("web", withEvents(service("web", 0, 2, primary(D1, "app:2", 0, 2,
                DeploymentRolloutState.IN_PROGRESS)), "(service web) was unable to place a task because no container"
                + " instance met all of its requirements."));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().maxAttempts(1).fetchStoppedTasks(false).build().awaitStable("prod", "web"));

        assertTrue(e.getMessage().startsWith("TIMED_OUT"), e.getMessage());
        assertTrue(e.getMessage().contains("running 0/2"), e.getMessage());
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
