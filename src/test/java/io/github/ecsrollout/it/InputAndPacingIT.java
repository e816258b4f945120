package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.sim.ServiceScript;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * What the caller hands in, through the real SDK client: names ECS would refuse (or take for another service) never
 * reach it, any Duration works on the wire, and pacing never outlasts the timeout. On the virtual clock the rollout
 * shares with the simulator.
 */
@Timeout(60)
class InputAndPacingIT extends ItBase {

    /** The simulated ECS's region and account; the client calls us-east-1. */
    private static final String ARN = "arn:aws:ecs:us-east-1:123456789012:";

    @Test
    void namesEcsWouldRefuseOrMisreadNeverReachIt() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ZERO));
        ServiceRollout rollout = rollout().build();
        for (String bad : List.of("web app", "web\n", "web\u00a0", "w".repeat(256), ARN + "service/stage/web",
                "arn:aws:ecs:eu-west-1:123456789012:service/prod/web", ARN + "service/web")) {
            assertRefused("requests[1].service", () -> rollout.rollOut(update("web"), update(bad)));
            assertRefused("services[0]", () -> rollout.awaitStable("prod", bad));
        }
        assertRefused("cluster", () -> rollout.rollOut("arn:aws:ecs:eu-west-1:123456789012:cluster/prod", "web",
                "web:2"));
        assertRefused("taskDefinition", () -> rollout.rollOut("prod", "web", "web:0"));

        assertEquals(0, sim.stats().total(), "no call reached ECS");
    }

    @Test
    void arnsOfTheClusterUsedWorkEndToEnd() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMillis(50)));

        RolloutResult result = rollout().build().rollOut(ARN + "cluster/prod", ARN + "service/prod/web",
                ARN + "task-definition/web:2");

        assertEquals(List.of(ARN + "service/prod/web"), result.serviceNames());
        assertTrue(result.services().get(0).isStable());
    }

    @Test
    void anyDurationWorksOnTheWire() {
        List<String> services = names("web", 12);
        services.forEach(s -> sim.createService("prod", s, ServiceScript.stableAfter(Duration.ofMillis(50))));
        for (Duration huge : List.of(ChronoUnit.FOREVER.getDuration(), Duration.ofDays(365L * 200))) {
            RolloutResult result = rollout().timeout(huge).rollbackTimeout(huge.dividedBy(2)).rollbackOnFailure(true)
                    .build()
                    .rollOut(toRevision("prod", services, 2));

            assertTrue(result.services().stream().allMatch(ServiceState::isStable), huge::toString);
        }
    }

    @Test
    void pacingEndsAtTheTimeoutNotAtTheNextSlot() {
        sim.createService("prod", "web", ServiceScript.neverStable());

        RolloutNotStableException e = failure(() -> rollout().maxDescribeServicesPerSecond(0.1)
                .timeout(Duration.ofSeconds(1)).fetchStoppedTasks(false).build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(1, polls().size(), "the second DescribeServices would have been 10 s after the first");
        assertEquals(Duration.ofSeconds(1), elapsed(), "the turn was waited for until the deadline, and no longer");
    }

    private static UpdateServiceRequest update(String service) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition("web:2").build();
    }

    private static void assertRefused(String parameter, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(parameter + " "), e.getMessage());
    }
}
