package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.support.CapturedLog;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mockito.AdditionalAnswers;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * The numbers docs/rolling-out.md and docs/reliability.md state about defaults and pacing, checked through the public
 * API on a virtual clock: each test fails if its sentence became false.
 */
class DocumentedNumbersTest {

    private final VirtualClock clock = VirtualClock.create();
    private final FakeEcs ecs = FakeEcs.builder().clock(clock).build();

    /** 200 stable services of one cluster: one round of awaitStable is 20 DescribeServices calls, one per 10. */
    private List<String> twoHundredStableServices() {
        List<String> services = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            services.add("svc-" + i);
            ecs.service("prod", "svc-" + i);
        }
        return services;
    }

    private Duration awaitAll(ServiceRollout.Builder settings) {
        List<String> services = twoHundredStableServices();
        settings.ecsClient(ecs).clock(clock).build().awaitStable("prod", services);
        assertEquals(20, ecs.calls(DescribeServicesRequest.class).size(), "one call per 10 services");
        return clock.elapsed();
    }

    /** "At the default 15 s delay that is 10 a second": 20 calls, evenly spaced, take 1.9 s. */
    @Test
    void atTheDefaultDelayDescribeCallsGoTenASecond() {
        assertEquals(Duration.ofMillis(1_900), awaitAll(ServiceRollout.builder()));
    }

    /** "150 calls per poll delay, but never more than 20 a second": at a 1 s delay, 20 calls take 0.95 s. */
    @Test
    void aShortDelayPacesDescribeCallsAtTwentyASecondAtMost() {
        assertEquals(Duration.ofMillis(950), awaitAll(ServiceRollout.builder().delay(Duration.ofSeconds(1))));
    }

    /** "Never fewer than 10 a second": a 60 s delay (2.5 a second by 150 per delay) still sends 10 a second. */
    @Test
    void aLongDelayStillSendsDescribeCallsTenASecond() {
        assertEquals(Duration.ofMillis(1_900), awaitAll(ServiceRollout.builder().delay(Duration.ofSeconds(60))));
    }

    /** "A zero delay means no pacing at all": 20 calls at once, no time passing. */
    @Test
    void aZeroDelayDoesNotPaceDescribeCalls() {
        assertEquals(Duration.ZERO, awaitAll(ServiceRollout.builder().delay(Duration.ZERO)));
    }

    /** "A rate you set applies as given", a zero delay included: 4 a second, 20 calls in 4.75 s. */
    @Test
    void aRateYouSetPacesEvenAtAZeroDelay() {
        assertEquals(Duration.ofMillis(4_750), awaitAll(ServiceRollout.builder().delay(Duration.ZERO)
                .maxDescribeServicesPerSecond(4)));
    }

    /** "maxAttempts: 40 polls, the SDK waiter's" and "delay: 15 s": a service never stable is given up after both. */
    @Test
    void withNoBoundARolloutPollsFortyTimesFifteenSecondsApart() {
        ecs.service("prod", "web").neverStable();
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock).fetchStoppedTasks(false).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOut("prod", "web", "web:2"));

        assertEquals(Reason.TIMED_OUT, e.reason(), e.getMessage());
        assertEquals(1 + 40, ecs.calls(DescribeServicesRequest.class).size(), "the read, then 40 polls");
        assertEquals(Duration.ofSeconds(15).multipliedBy(39), clock.elapsed().withNanos(0),
                "39 delays between the 40 polls");
    }

    /**
     * "When no whole delay fits before the deadline, the last poll is made just before it (250 ms before, or a quarter
     * of the time left)": polls at 0 and 15 s, then at 19.75 s for a 20 s timeout, not at 30 s.
     */
    @Test
    void theLastPollComesAQuarterSecondBeforeTheDeadline() {
        ecs.service("prod", "web").neverStable();
        List<Duration> describedAt = new ArrayList<>();
        EcsClient watched = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        doAnswer(call -> {
            describedAt.add(clock.elapsed());
            return ecs.describeServices(call.getArgument(0, DescribeServicesRequest.class));
        }).when(watched).describeServices(any(DescribeServicesRequest.class));
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(watched).clock(clock).fetchStoppedTasks(false)
                .maxDescribeServicesPerSecond(1_000_000).timeout(Duration.ofSeconds(20)).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOut("prod", "web", "web:2"));

        assertEquals(Reason.TIMED_OUT, e.reason(), e.getMessage());
        assertEquals(List.of(0L, 0L, 15_000L, 19_750L), describedAt.stream().map(Duration::toMillis).toList(),
                "the read, the first poll, one a delay later, the last just before the deadline");
    }

    /**
     * "The default 40 polls grow by the longest estimate divided by the delay: a blue/green service with a one-hour bake
     * waits 40 + 240 polls at 15 s."
     */
    @Test
    void aOneHourBakeGrowsTheDefaultBoundBy240Polls() {
        ecs.service("prod", "bg").blueGreen(10_000);
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock).fetchStoppedTasks(false).build();
        UpdateServiceRequest request = UpdateServiceRequest.builder().cluster("prod").service("bg").taskDefinition("bg:2")
                .deploymentConfiguration(c -> c.strategy(DeploymentStrategy.BLUE_GREEN).bakeTimeInMinutes(60)).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout.rollOut(request));

        assertEquals(Reason.TIMED_OUT, e.reason(), e.getMessage());
        assertEquals(1 + 40 + 240, ecs.calls(DescribeServicesRequest.class).size(), "the read, then 280 polls");
    }

    /**
     * "After 5 look-ups that find nothing, the service is judged from DescribeServices alone": a blue/green service
     * whose service deployment ECS never lists is looked for 5 times, then succeeds once one deployment is left.
     */
    @Test
    void aServiceDeploymentNotFoundInFiveLookupsIsLookedForNoMore() {
        ecs.service("prod", "bg").blueGreen(10);
        EcsClient forgetful = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        doAnswer(call -> {
            DescribeServicesResponse answer = ecs.describeServices(call.getArgument(0, DescribeServicesRequest.class));
            return answer.toBuilder().services(answer.services().stream()
                    .map(s -> s.toBuilder().currentServiceDeployment(null).build()).toList()).build();
        }).when(forgetful).describeServices(any(DescribeServicesRequest.class));
        List<Instant> createdAfter = new ArrayList<>();
        doAnswer(call -> {
            createdAfter.add(call.getArgument(0, ListServiceDeploymentsRequest.class).createdAt().after());
            return ListServiceDeploymentsResponse.builder().build();
        }).when(forgetful).listServiceDeployments(any(ListServiceDeploymentsRequest.class));
        Instant updateSent = clock.instant(); // the update goes out at once: nothing paces the first calls

        RolloutResult result = ServiceRollout.builder().ecsClient(forgetful).clock(clock).build()
                .rollOut("prod", "bg", "bg:2");

        assertTrue(result.services().get(0).isStable());
        assertTrue(result.services().get(0).serviceDeployment().isEmpty());
        assertTrue(result.attempts() > 5 + 3, "polls enough to look more than 5 times: " + result.attempts());
        verify(forgetful, times(5)).listServiceDeployments(any(ListServiceDeploymentsRequest.class));
        // "ListServiceDeployments for those created since the update (less 5 minutes for clock skew)"
        assertEquals(List.of(updateSent.minus(Duration.ofMinutes(5))), createdAfter.stream().distinct().toList());
    }

    /**
     * "An UpdateService answer that names no deployment ... the rollout waits for the PRIMARY deployment created after
     * the update was sent (allowing ECS's clock to be 5 s behind ours)": one created 4 s before the update is the
     * rollout's, one created 6 s before is not.
     */
    @ParameterizedTest(name = "created {0} s before the update: ours {1}")
    @CsvSource({"4, true", "6, false"})
    void aDeploymentCreatedUpToFiveSecondsBeforeTheUpdateIsTheRollouts(int secondsBefore, boolean ours) {
        EcsClient mock = mock(EcsClient.class);
        Instant created = clock.instant().minusSeconds(secondsBefore);
        when(mock.updateService(any(UpdateServiceRequest.class))).thenReturn(UpdateServiceResponse.builder().build());
        when(mock.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
                .services(s -> s.serviceName("web").status("ACTIVE").runningCount(2).desiredCount(2)
                        .taskDefinition("arn:aws:ecs:us-east-1:123456789012:task-definition/web:2")
                        .deployments(d -> d.id("ecs-svc/7").status("PRIMARY").runningCount(2).desiredCount(2)
                                .rolloutState(DeploymentRolloutState.COMPLETED).createdAt(created)
                                .taskDefinition("arn:aws:ecs:us-east-1:123456789012:task-definition/web:2")))
                .build());
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(mock).clock(clock).maxAttempts(3)
                .fetchStoppedTasks(false).build();

        if (ours) {
            assertTrue(rollout.rollOut("prod", "web", "web:2").services().get(0).isStable());
        } else {
            assertEquals(Reason.TIMED_OUT, assertThrows(RolloutNotStableException.class,
                    () -> rollout.rollOut("prod", "web", "web:2")).reason());
        }
    }

    /** docs/logging.md: the progress logger speaks "for more than 10 services", so 10 log no progress and 11 do. */
    @ParameterizedTest(name = "{0} services: progress logged {1}")
    @CsvSource({"10, false", "11, true"})
    void progressIsLoggedForMoreThanTenServices(int count, boolean logged) {
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ecs.service("prod", "svc-" + i).becomesStableAfter(3);
            requests.add(UpdateServiceRequest.builder().cluster("prod").service("svc-" + i).taskDefinition("app:2")
                    .build());
        }
        try (CapturedLog log = CapturedLog.open()) {
            ServiceRollout.builder().ecsClient(ecs).clock(clock).build().rollOut(requests);

            assertEquals(logged, !log.lines("INFO", "progress").isEmpty(), log.lines().toString());
        }
    }

    /** "maxConcurrency: 10" and the other defaults a builder starts from, as the rollout reports them. */
    @Test
    void theDefaultsAreTheOnesTheDocsList() {
        String defaults = ServiceRollout.builder().ecsClient(ecs).build().toString();

        assertTrue(defaults.contains("delay=PT15S, maxAttempts=default, timeout=null, maxConcurrency=10, "
                + "fetchStoppedTasks=true, rollbackOnFailure=false"), defaults);
        assertEquals(40, ServiceRollout.DEFAULT_MAX_ATTEMPTS);
        assertEquals(1.0 / 3, ServiceRollout.DEFAULT_ROLLBACK_SHARE);
    }

    /** "A rollbackTimeout longer than half the timeout, or set without rollbackOnFailure, is refused." */
    @Test
    void aRollbackTimeoutBeyondHalfTheTimeoutIsRefused() {
        ServiceRollout.Builder half = ServiceRollout.builder().ecsClient(ecs).timeout(Duration.ofMinutes(10))
                .rollbackOnFailure(true).rollbackTimeout(Duration.ofMinutes(5));
        half.build();

        assertThrows(IllegalArgumentException.class, () -> half.rollbackTimeout(Duration.ofMinutes(5).plusMillis(1))
                .build());
        assertThrows(IllegalArgumentException.class, () -> ServiceRollout.builder().ecsClient(ecs)
                .timeout(Duration.ofMinutes(10)).rollbackTimeout(Duration.ofMinutes(1)).build());
    }
}
