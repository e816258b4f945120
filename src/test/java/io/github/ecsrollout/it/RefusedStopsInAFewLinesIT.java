package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.support.OperatorLines;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The 23-service failure of {@link FailureInAFewLinesIT} when ECS fails every StopServiceDeployment (HTTP 500 past
 * the SDK's retries), through the real SDK: each refused stop's error carries its own request id, and the rollback's
 * lines group them by ECS's error all the same, so that the message stays a few lines long.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RefusedStopsInAFewLinesIT extends ItBase {

    @Test
    void stopsRefusedWithTheSameErrorAreOneGroupThoughEachHasItsRequestId() {
        List<String> services = FailureInAFewLinesIT.oneOfTwentyThreeCrashes(sim);
        sim.faults().always("StopServiceDeployment").serverError();

        RolloutNotStableException e = failure(() -> rollout().timeout(Duration.ofMinutes(20))
                .rollbackOnFailure(true).build().rollOut(toRevision("prod", services, 2)));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason(), e.getMessage());
        assertEquals(services, e.rolledBackServices().stream().sorted().toList(), e.getMessage());
        String actions = e.getMessage().substring(e.getMessage().indexOf("rollback actions: "));
        assertEquals(1, actions.split("ECS refused to stop it", -1).length - 1,
                "one group for the stops refused with the same error: " + actions);
        assertTrue(e.getMessage().length() < OperatorLines.MAX_MESSAGE_CHARS,
                e.getMessage().length() + " characters: " + e.getMessage());
    }
}
