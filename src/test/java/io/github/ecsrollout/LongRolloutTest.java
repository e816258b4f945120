package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.doThrow;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.mockito.AdditionalAnswers;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.EcsRequest;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Long rollouts across calls (issue 17), on the testkit's virtual clock: the deadline a checkpoint carries, a call's
 * own bound that ends only the call, {@code watch}, and {@code rollBack} as an abort.
 */
class LongRolloutTest {

    private final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-06-01T12:00:00Z"));
    private final FakeEcs ecs = FakeEcs.builder().clock(clock).build();

    private ServiceRollout.Builder rollout() {
        return ServiceRollout.builder().ecsClient(ecs).clock(clock);
    }

    private static UpdateServiceRequest update(String service) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition(service + ":2").build();
    }

    @Test
    void theDeadlineTravelsWithTheCheckpointAndOnlyItEndsTheRollout() {
        ecs.service("prod", "web").neverStable();
        RolloutCheckpoint started = rollout().timeout(Duration.ofHours(2)).rollbackOnFailure(true).build()
                .start(List.of(update("web")));
        assertEquals(Instant.parse("2026-06-01T14:00:00Z"), started.deadline().orElseThrow());
        assertEquals(started, RolloutCheckpoint.fromJson(started.toJson()), "the deadline survives JSON");

        ServiceRollout checker = rollout().timeout(Duration.ofSeconds(10)).build();
        RolloutCheckpoint checkpoint = started;
        int checks = 0;
        while (clock.instant().isBefore(started.deadline().orElseThrow())) {
            RolloutProgress p = checker.check(checkpoint);
            assertFalse(p.isDone());
            checkpoint = p.checkpoint();
            assertEquals(started.deadline(), checkpoint.deadline(), "every later checkpoint carries the same deadline");
            checks++;
            clock.advance(Duration.ofMinutes(10));
        }
        assertEquals(12, checks);
        assertTrue(ecs.calls(UpdateServiceRequest.class).size() == 1, "nothing rolled back before the deadline");

        RolloutCheckpoint last = checkpoint;
        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> checker.check(last));

        assertEquals(Reason.TIMED_OUT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith("TIMED_OUT: the rollout's deadline of 2026-06-01T14:00:00Z passed"),
                e.getMessage());
        assertEquals(List.of("web"), e.rolledBackServices(), "the checkpoint says rollbackOnFailure");
    }

    @Test
    void aResumeWhoseOwnTimeoutRunsOutLeavesTheRolloutAliveAndRollsNothingBack() {
        ecs.service("prod", "web").blueGreen(40); // a 10-minute bake at the default 15 s delay
        RolloutCheckpoint started = rollout().timeout(Duration.ofHours(1)).rollbackOnFailure(true).build()
                .start(List.of(update("web")));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().timeout(Duration.ofMinutes(3)).build().resume(started));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(List.of(), e.rolledBackServices());
        assertEquals(1, ecs.calls(UpdateServiceRequest.class).size(), "no rollback sent");
        assertTrue(e.getMessage().contains("this call ended, not the rollout"), e.getMessage());
        RolloutResult done = rollout().timeout(Duration.ofMinutes(30)).build().resume(e.checkpoint().orElseThrow());
        assertTrue(done.services().get(0).isStable());
    }

    @Test
    void watchReturnsTheProgressWhenItsBudgetEnds() {
        ecs.service("prod", "web").blueGreen(40);
        ServiceRollout rollout = rollout().timeout(Duration.ofHours(1)).rollbackOnFailure(true).build();
        RolloutCheckpoint checkpoint = rollout.start(List.of(update("web")));

        int invocations = 0;
        RolloutProgress progress;
        do {
            progress = rollout.watch(checkpoint, Duration.ofMinutes(3));
            checkpoint = progress.checkpoint();
            invocations++;
        } while (!progress.isDone() && invocations < 10);

        assertTrue(progress.isDone(), progress::toString);
        assertEquals(4, invocations, "a 10-minute bake plus its stages, 3 minutes a watch");
        assertEquals(1, ecs.calls(UpdateServiceRequest.class).size(), "nothing rolled back");
    }

    @Test
    void aCheckThatEcsThrottlesEndsOnlyTheCheck() {
        ecs.service("prod", "web").neverStable();
        RolloutCheckpoint checkpoint = rollout().timeout(Duration.ofHours(1)).rollbackOnFailure(true).build()
                .start(List.of(update("web")));
        EcsClient throttled = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        doThrow(EcsException.builder().statusCode(400).message("Rate exceeded").awsErrorDetails(AwsErrorDetails
                .builder().errorCode("ThrottlingException").errorMessage("Rate exceeded").build()).build())
                .when(throttled).describeServices(any(DescribeServicesRequest.class));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> ServiceRollout.builder()
                .ecsClient(throttled).clock(clock).timeout(Duration.ofSeconds(10)).build().check(checkpoint));

        assertEquals(Reason.API_ERROR, e.reason());
        assertTrue(e.checkpoint().isPresent(), "alive: look again next time");
        assertEquals(List.of(), e.rolledBackServices());
        assertEquals(1, ecs.calls(UpdateServiceRequest.class).size(), "nothing rolled back");
    }

    @Test
    void rollBackTakesEachServicesActionAndASecondCallSendsNothingMore() {
        ecs.service("prod", "rolling").neverStable();
        ecs.service("prod", "baking").blueGreen(100);
        ecs.service("prod", "paused").blueGreen(0).pausesAt(ServiceDeploymentLifecycleStage.POST_SCALE_UP);
        ecs.service("prod", "done").becomesStableAfter(1);
        // Someone else deploys over it after the checkpoint: on its sixth poll, the abort's own read.
        ecs.service("prod", "theirs").supersededAfter(6);
        ServiceRollout rollout = rollout().timeout(Duration.ofHours(1)).build();
        RolloutProgress progress = rollout.check(rollout.start(List.of(update("rolling"), update("baking"),
                update("paused"), update("done"), update("theirs"))));
        for (int i = 0; i < 4; i++) {
            progress = rollout.check(progress.checkpoint());
        }
        RolloutCheckpoint midway = progress.checkpoint();

        RolloutResult back = rollout.rollBack(midway);

        Map<String, RollbackAction> actions = back.services().stream()
                .collect(Collectors.toMap(ServiceState::service, ServiceState::rollbackAction));
        assertEquals(Map.of("rolling", RollbackAction.STOPPED_WITH_ROLLBACK,
                "baking", RollbackAction.STOPPED_WITH_ROLLBACK,
                "paused", RollbackAction.CONTINUED_WITH_ROLLBACK,
                "done", RollbackAction.RESTORED_BY_UPDATE,
                "theirs", RollbackAction.LEFT_ALONE), actions);
        List<EcsRequest> writes = writes();

        RolloutResult again = rollout.rollBack(midway);

        assertEquals(writes, writes(), "a retried abort sends nothing more");
        assertEquals(5, again.services().size());
    }

    private List<EcsRequest> writes() {
        List<EcsRequest> writes = new ArrayList<>();
        writes.addAll(ecs.calls(StopServiceDeploymentRequest.class));
        writes.addAll(ecs.calls(ContinueServiceDeploymentRequest.class));
        writes.addAll(ecs.calls(UpdateServiceRequest.class));
        return writes;
    }

    @Test
    void budgetsThatCannotBothHoldAreRefused() {
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> rollout()
                .timeout(Duration.ofSeconds(10)).rollbackOnFailure(true).rollbackTimeout(Duration.ofSeconds(6))
                .build());
        assertTrue(tooLong.getMessage().startsWith("rollbackTimeout PT6S is longer than half the timeout PT10S"),
                tooLong.getMessage());
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
                () -> rollout().rollbackTimeout(Duration.ofSeconds(5)).build());
        assertTrue(alone.getMessage().contains("rollbackOnFailure is not"), alone.getMessage());
    }
}
