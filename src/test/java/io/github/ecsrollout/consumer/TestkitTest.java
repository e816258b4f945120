package io.github.ecsrollout.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * The testkit as a user's tests use it, from outside the library's packages: virtual time, a service's deployment
 * configuration, errors per service and operation, and the assertion helpers, together. The {@code @Timeout} only
 * turns a rollout that waits in real time into a failure; nothing here asserts how long a test takes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TestkitTest {

    private static UpdateServiceRequest update(String service, String taskDefinition) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition(taskDefinition).build();
    }

    /** The README's example of the testkit's helpers (unit-testing section), verbatim. */
    @Test
    void aFailedDeploymentIsRolledBack() {
        VirtualClock clock = VirtualClock.create();
        FakeEcs ecs = FakeEcs.builder().clock(clock).build();
        ecs.service("prod", "web");                                  // stable on web:1, deploys in one poll
        ecs.service("prod", "api").circuitBreakerTripsAfter(2);      // api:2 fails on its second poll
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock)
                .timeout(Duration.ofMinutes(20)).rollbackOnFailure(true).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout.rollOut(
                UpdateServiceRequest.builder().cluster("prod").service("web").taskDefinition("web:2").build(),
                UpdateServiceRequest.builder().cluster("prod").service("api").taskDefinition("api:2").build()));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(List.of("prod/web", "prod/api"), ecs.updatedServices());
        ecs.service("prod", "api").assertRestoredTo("api:1");        // no ARNs compared by hand
        ecs.service("prod", "web").assertRestoredTo("web:1");
    }

    @Test
    void aTwentyMinuteTimeoutRunsOutAtOnceOnTheVirtualClock() {
        VirtualClock clock = VirtualClock.create();
        FakeEcs ecs = FakeEcs.builder().clock(clock).build();
        ecs.service("prod", "web").neverStable();
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock)
                .timeout(Duration.ofMinutes(20)).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOut("prod", "web", "web:2"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertTrue(clock.elapsed().compareTo(Duration.ofMinutes(19)) > 0, clock.elapsed().toString());
        assertTrue(clock.elapsed().compareTo(Duration.ofMinutes(20)) <= 0, clock.elapsed().toString());
        assertEquals(List.of("prod/web"), ecs.updatedServices());
    }

    @Test
    void aTimeoutShorterThanTheBakeIsRefusedBeforeAnyUpdate() {
        FakeEcs ecs = FakeEcs.create();
        ecs.service("prod", "web").blueGreen(2)
                .deploymentConfiguration(c -> c.strategy(DeploymentStrategy.BLUE_GREEN).bakeTimeInMinutes(60));
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).timeout(Duration.ofMinutes(20)).build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rollout.rollOut("prod", "web", "web:2"));

        assertTrue(e.getMessage().startsWith("timeout PT20M is shorter than the shortest possible deployment of web"),
                e.getMessage());
        assertEquals(List.of(), ecs.updatedServices());
        assertEquals(Map.of("DescribeServices", 1), ecs.callCounts(), "the read of the configuration, nothing else");
    }

    @Test
    void aBlueGreenServiceWithItsBakeDeploysOnTheVirtualClock() {
        VirtualClock clock = VirtualClock.create();
        FakeEcs ecs = FakeEcs.builder().clock(clock).build();
        ecs.service("prod", "web").blueGreen(2)
                .deploymentConfiguration(c -> c.strategy(DeploymentStrategy.BLUE_GREEN).bakeTimeInMinutes(60));
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock)
                .timeout(Duration.ofMinutes(90)).build();

        rollout.rollOut("prod", "web", "web:2");

        ecs.service("prod", "web").assertStableOn("web:2");
    }

    @Test
    void aThrottledUpdateOfOneServiceFailsTheRolloutWithECSsErrorAsTheCause() {
        FakeEcs ecs = FakeEcs.create();
        ecs.service("prod", "web");
        ecs.service("prod", "api").throttle(UpdateServiceRequest.class, 1);
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOut(update("web", "web:2"), update("api", "api:2")));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertTrue(((AwsServiceException) e.getCause()).isThrottlingException(), String.valueOf(e.getCause()));
        assertEquals(List.of("prod/web"), ecs.updatedServices());
        assertEquals(2, ecs.callCount(UpdateServiceRequest.class));
        ecs.service("prod", "api").assertStableOn("api:1");
    }

    @Test
    void aDescribeServicesThrottledOnceMoreThanTheSdkRetriesIsAnApiError() {
        FakeEcs ecs = FakeEcs.create();
        ecs.service("prod", "web").becomesStableAfter(3);
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).build();
        ecs.throttle(DescribeServicesRequest.class, 1);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOut("prod", "web", "web:2"));

        assertEquals(Reason.API_ERROR, e.reason());
        assertEquals(List.of(), ecs.updatedServices(), "the read before the update failed");
    }
}
