package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.internal.report.Messages;
import io.github.ecsrollout.support.CapturedLog;
import io.github.ecsrollout.support.OperatorLines;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * The README's many-services rollout (23 services, a 20-minute timeout, {@code rollbackOnFailure}) failing on one
 * circuit breaker, as an operator reads it at INFO (issue 18, item 3): at most four lines once the failure is seen,
 * ECS's reason and the first stopped task's exit code on the WARN line, one line for the whole rollback, a message
 * under 2,000 characters.
 */
class FailureInAFewLinesTest {

    private static final String FAILED = "svc-b3";

    private final VirtualClock clock = VirtualClock.create();
    private final FakeEcs ecs = FakeEcs.builder().clock(clock).build();
    private final List<String> services = new ArrayList<>();

    private RolloutNotStableException rollOut() {
        for (int i = 0; i < 23; i++) {
            services.add("svc-" + (char) ('a' + i / 10) + (i % 10));
        }
        services.forEach(s -> ecs.service("prod", s).taskDefinition(s + ":41").becomesStableAfter(4));
        ecs.service("prod", FAILED).circuitBreakerTripsAfter(2);
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock).timeout(Duration.ofMinutes(20))
                .rollbackOnFailure(true).build();
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (String service : services) {
            requests.add(UpdateServiceRequest.builder().cluster("prod").service(service)
                    .taskDefinition(service + ":42").forceNewDeployment(true).build());
        }
        return assertThrows(RolloutNotStableException.class, () -> rollout.rollOut(requests));
    }

    @Test
    void aCircuitBreakerInTwentyThreeServicesReadsInAFewLines() {
        try (CapturedLog log = CapturedLog.open()) {
            RolloutNotStableException e = rollOut();
            List<String> lines = log.lines();

            assertEquals(Reason.DEPLOYMENT_FAILED, e.reason(), e.getMessage());
            assertEquals(List.of(FAILED), e.failedServices());
            assertEquals(services, e.rolledBackServices().stream().sorted().toList(), e.getMessage());
            OperatorLines.check(lines, e, FAILED, services.size());

            List<String> rollback = log.lines("INFO", "rollback");
            assertEquals(1, rollback.size(), "the rollback is one INFO line: " + rollback);
            assertTrue(rollback.get(0).contains("Rollback finished: restored 23 of 23 services: "), rollback.get(0));
            assertTrue(rollback.get(0).contains("StopServiceDeployment(ROLLBACK) (22): svc-a0 to svc-a0:41, "),
                    "per action, what each was restored to: " + rollback.get(0));
            assertTrue(rollback.get(0).contains("UpdateService back (1): svc-b3 to svc-b3:41"), rollback.get(0));
            assertEquals(List.of(), log.lines("WARN", "rollback"), "nothing was left unrestored");
            assertTrue(log.lines("INFO", "progress").stream().anyMatch(l -> l.endsWith(" 1 failed")),
                    "the failure is counted: " + log.lines("INFO", "progress"));
        }
    }

    @Test
    void theMessageNamesTheBystandersOnceAndGroupsTheRollbackByAction() {
        RolloutNotStableException e = rollOut();
        String message = e.getMessage();

        assertTrue(message.contains("\n  svc-b3: DEPLOYMENT_FAILED, "), message);
        assertTrue(message.contains("\n  also IN_PROGRESS (22): [svc-a0, svc-a1, "), message);
        assertEquals(1, message.split("StopServiceDeployment\\(ROLLBACK\\)", -1).length - 1,
                "one group for the 22 stopped deployments: " + message);
        assertTrue(message.contains("UpdateService back (its service deployment is STOPPED): svc-b3 to svc-b3:41"),
                message);
        assertTrue(!message.contains("task-definition/"), "task definitions as family:revision: " + message);
    }
    /** 23 services, each scripted alike, with a 20-minute timeout and rollbackOnFailure. */
    private RolloutNotStableException rollOutAll(java.util.function.Consumer<io.github.ecsrollout.testing.FakeService>
            script) {
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            String service = "service-with-a-longer-name-" + i;
            script.accept(ecs.service("prod", service).taskDefinition(service + ":41"));
            requests.add(UpdateServiceRequest.builder().cluster("prod").service(service)
                    .taskDefinition(service + ":42").build());
        }
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock).timeout(Duration.ofMinutes(20))
                .rollbackOnFailure(true).build();
        return assertThrows(RolloutNotStableException.class, () -> rollout.rollOut(requests));
    }

    @Test
    void twentyThreeServicesTimingOutStillMakeAShortMessage() {
        RolloutNotStableException e = rollOutAll(io.github.ecsrollout.testing.FakeService::neverStable);

        assertEquals(Reason.TIMED_OUT, e.reason(), e.getMessage());
        assertEquals(23, e.unstableServices().size());
        assertTrue(e.getMessage().length() < 2_000, e.getMessage().length() + " characters: " + e.getMessage());
        assertTrue(e.getMessage().contains("\n  and IN_PROGRESS ("), "the rest named by verdict: " + e.getMessage());
        assertTrue(e.getMessage().lines().filter(l -> l.startsWith("  service-with-a-longer-name-")).count() <= 5,
                e.getMessage());
    }

    @Test
    void twentyThreeCircuitBreakersAtOnceStillMakeAShortMessage() {
        RolloutNotStableException e = rollOutAll(s -> s.circuitBreakerTripsAfter(2));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason(), e.getMessage());
        assertTrue(e.failedServices().size() > Messages.BRIEFED, e.getMessage());
        assertTrue(e.getMessage().length() < 2_000, e.getMessage().length() + " characters: " + e.getMessage());
        assertTrue(e.getMessage().contains("\n  and DEPLOYMENT_FAILED ("), e.getMessage());
    }
}
