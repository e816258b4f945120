package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.SimulatedEcs;
import io.github.ecsrollout.sim.ServiceSpec;
import io.github.ecsrollout.support.CapturedLog;
import io.github.ecsrollout.support.OperatorLines;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 23-service rollout with {@code rollbackOnFailure} that fails on one circuit breaker (its tasks crash with exit
 * code 137), on the simulated ECS through the real SDK, as an operator reads it at INFO (issue 18, item 3): at most
 * four lines once the failure is seen, ECS's reason and the first stopped task's exit code on the WARN line, one line
 * for the rollback, a message under 2,000 characters.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailureInAFewLinesIT extends ItBase {

    private static final String FAILED = "svc-13";
    private static final String CRASH = "Essential container in task exited";

    /**
     * Creates svc-01 to svc-23 in cluster prod, two tasks each: {@link #FAILED}'s new tasks crash (exit code 137) until
     * the circuit breaker fails its deployment, the others are stable after 2 s; the rollback of FAILED is stable.
     */
    static List<String> oneOfTwentyThreeCrashes(SimulatedEcs sim) {
        List<String> services = names("svc", 23);
        for (String s : services) {
            sim.createService(ServiceSpec.of("prod", s).desiredCount(2).script(s.equals(FAILED)
                    ? ServiceScript.crashLoop(CRASH, 137, Duration.ofMillis(240))
                    : ServiceScript.stableAfter(Duration.ofSeconds(2))));
        }
        sim.afterUpdateOf("prod", FAILED, ServiceScript.stableAfter(Duration.ofMillis(100)));
        return services;
    }

    @Test
    void aCircuitBreakerInTwentyThreeServicesReadsInAFewLines() {
        List<String> services = oneOfTwentyThreeCrashes(sim);
        sim.stopRollbackTakes(Duration.ofMillis(200));

        try (CapturedLog log = CapturedLog.open()) {
            RolloutNotStableException e = failure(() -> rollout().timeout(Duration.ofMinutes(20))
                    .rollbackOnFailure(true).build().rollOut(toRevision("prod", services, 2)));

            assertEquals(Reason.DEPLOYMENT_FAILED, e.reason(), e.getMessage());
            assertEquals(List.of(FAILED), e.failedServices());
            assertEquals(services, e.rolledBackServices().stream().sorted().toList(), e.getMessage());
            OperatorLines.check(log.lines(), e, FAILED, services.size());
            assertTrue(log.lines("WARN", "ServiceRollout").get(0).contains("exit 137"),
                    log.lines("WARN", "ServiceRollout").toString());
            List<String> rollback = log.lines("INFO", "rollback");
            assertEquals(1, rollback.size(), "the rollback is one INFO line: " + rollback);
            assertTrue(rollback.get(0).contains("Rollback finished: restored 23 of 23 services: "), rollback.get(0));
            assertTrue(rollback.get(0).contains(FAILED + " to " + FAILED + ":1"), rollback.get(0));
        }
    }
}
