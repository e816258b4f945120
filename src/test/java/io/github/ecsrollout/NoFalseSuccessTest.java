package io.github.ecsrollout;

import static io.github.ecsrollout.support.Model.primary;
import static io.github.ecsrollout.support.Model.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Issue 11: an answer that names no deployment, an update whose answer is lost, and the poll at the deadline (on the
 * testkit's {@link VirtualClock}, to the millisecond).
 */
class NoFalseSuccessTest {

    private static final String TD_ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/";
    private final EcsClient ecs = mock(EcsClient.class);
    private final List<String> updates = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static Service on(String name, String id, String taskDefinition, Instant created) {
        return service(name, 2, 2, primary(id, TD_ARN + taskDefinition, 2, 2, DeploymentRolloutState.COMPLETED)
                .toBuilder().createdAt(created).build());
    }

    private void describeAs(Service s) {
        when(ecs.describeServices(any(DescribeServicesRequest.class)))
                .thenReturn(DescribeServicesResponse.builder().services(s).build());
    }

    @Test
    void anEmptyUpdateAnswerNeverMakesTheOldStableDeploymentASuccess() {
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenReturn(UpdateServiceResponse.builder().build());
        describeAs(on("web", "ecs-svc/old", "web:1", Instant.now().minusSeconds(3600)));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> ServiceRollout.builder()
                .ecsClient(ecs).delay(Duration.ZERO).maxAttempts(3).fetchStoppedTasks(false).build()
                .rollOut("prod", "web", "web:2"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(List.of("web"), e.unstableServices());
    }

    @Test
    void anEmptyUpdateAnswerStillSucceedsOnTheDeploymentTheUpdateStarted() {
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenReturn(UpdateServiceResponse.builder().build());
        describeAs(on("web", "ecs-svc/new", "web:2", Instant.now()));

        RolloutResult result = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).maxAttempts(3).build()
                .rollOut("prod", "web", "web:2");

        assertEquals("ecs-svc/new", result.service("web").orElseThrow().primaryDeploymentId().orElseThrow());
    }

    @Test
    void anUpdateWhoseAnswerWasLostToAnInterruptIsReportedAsPossiblyApplied() {
        // The read before the updates finds every service.
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> DescribeServicesResponse
                .builder().services(((DescribeServicesRequest) inv.getArgument(0)).services().stream()
                        .map(n -> on(n, "ecs-svc/" + n + "-1", "x:1", Instant.now())).toList()).build());
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenAnswer(inv -> {
            UpdateServiceRequest r = inv.getArgument(0);
            updates.add(r.service());
            if (r.service().equals("b")) {
                // ECS got and applied it; the SDK then saw the interrupt and threw.
                Thread.currentThread().interrupt();
                throw AbortedException.builder().message("Thread was interrupted").build();
            }
            return UpdateServiceResponse.builder().service(on(r.service(), "ecs-svc/" + r.service(), "x:2",
                    Instant.now())).build();
        });

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> ServiceRollout.builder()
                .ecsClient(ecs).delay(Duration.ZERO).build().rollOut(request("a"), request("b"), request("c")));

        assertEquals(Reason.INTERRUPTED, e.reason());
        assertEquals(List.of("a"), e.updatedServices());
        assertEquals(List.of("b"), e.possiblyUpdatedServices());
        assertEquals(List.of("a", "b"), updates, "c was never sent");
        assertTrue(e.getMessage().contains("may have applied"), e.getMessage());
    }

    @Test
    void aLostConnectionIsAPossiblyAppliedUpdateThatTheRollbackPutsBack() {
        AtomicInteger calls = new AtomicInteger();
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
            DescribeServicesRequest r = inv.getArgument(0);
            calls.incrementAndGet();
            return DescribeServicesResponse.builder().services(r.services().stream()
                    .map(n -> on(n, "ecs-svc/" + n + "-1", "x:1", Instant.now())).toList()).build();
        });
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenAnswer(inv -> {
            UpdateServiceRequest r = inv.getArgument(0);
            updates.add(r.service() + "->" + r.taskDefinition());
            if (r.service().equals("b") && r.taskDefinition().equals("x:2")) {
                throw SdkClientException.create("Connection reset");
            }
            return UpdateServiceResponse.builder().service(on(r.service(), "ecs-svc/" + r.service() + "-1", "x:1",
                    Instant.now())).build();
        });

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> ServiceRollout.builder()
                .ecsClient(ecs).delay(Duration.ZERO).rollbackOnFailure(true).fetchStoppedTasks(false).build()
                .rollOut(request("a"), request("b")));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertEquals(List.of("b"), e.possiblyUpdatedServices());
        assertTrue(updates.contains("b->" + TD_ARN + "x:1"), "b is put back too: " + updates);
    }

    @Test
    void aTimeoutShorterThanTheDelayStillLooksAtEcsJustBeforeTheDeadline() {
        VirtualClock clock = VirtualClock.create();
        Instant now = clock.instant();
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenReturn(UpdateServiceResponse.builder()
                .service(on("web", "ecs-svc/new", "web:2", now)).build());
        Service deploying = service("web", 1, 2, primary("ecs-svc/new", TD_ARN + "web:2", 1, 2,
                DeploymentRolloutState.IN_PROGRESS));
        // The first answer is the read before the update (a timeout is set), the second the first poll.
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(
                DescribeServicesResponse.builder().services(deploying).build(),
                DescribeServicesResponse.builder().services(deploying).build(),
                DescribeServicesResponse.builder().services(on("web", "ecs-svc/new", "web:2", now)).build());

        RolloutResult result = ServiceRollout.builder().ecsClient(ecs).clock(clock).delay(Duration.ofSeconds(10))
                .timeout(Duration.ofMillis(400)).build().rollOut("prod", "web", "web:2");

        assertEquals(2, result.attempts(), "one poll at once, one just before the deadline");
        // At once: after its DescribeServices turn, 1/15 s after the read before the update (the default pace at a
        // 10 s delay). Just before the deadline: a quarter of the time left then is kept for that poll's call.
        Duration turn = Duration.ofNanos(Math.round(1e9 / 15));
        Duration left = Duration.ofMillis(400).minus(turn);
        assertEquals(turn.plus(left).minus(left.dividedBy(4)), clock.elapsed());
    }

    private static UpdateServiceRequest request(String name) {
        return UpdateServiceRequest.builder().cluster("prod").service(name).taskDefinition("x:2").build();
    }
}
