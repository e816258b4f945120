package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code rollbackOnFailure(true)}: when one service's deployment fails, every service the rollout changed, healthy
 * ones included, ends on the task definition it ran before, and {@code rolledBackServices()} names them. On the
 * virtual clock the rollout shares with the simulator.
 */
@Timeout(60)
class RollbackOnFailureIT extends ItBase {

    private static final String BAD = "web-07";

    private List<String> fleet(ServiceScript badScript) {
        List<String> services = names("web", 15);
        for (String s : services) {
            sim.createService(ServiceSpec.of("prod", s).desiredCount(2)
                    .script(s.equals(BAD) ? badScript : ServiceScript.stableAfter(Duration.ofMillis(80))));
        }
        return services;
    }

    /** Once ECS accepted {@link #BAD}'s update, only the new revision crashes: the restored old one starts fine. */
    private void badStartsFineOnceRestored() {
        sim.afterUpdateOf("prod", BAD, ServiceScript.stableAfter(Duration.ofMillis(80)));
    }

    private void assertAllOnTheirPreviousTaskDefinition(List<String> services) {
        for (String s : services) {
            String taskDefinition = sim.service("prod", s).taskDefinition();
            assertTrue(taskDefinition.endsWith(ofRevision(s, 1)), s + " runs " + taskDefinition);
            assertEquals(1, sim.service("prod", s).deploymentCount(), s + " settled");
        }
    }

    @Test
    void aFailedDeploymentPutsEveryChangedServiceBack() {
        List<String> services = fleet(ServiceScript.circuitBreakerFails(Duration.ofMillis(250), false, Duration.ZERO));
        badStartsFineOnceRestored();
        AtomicReference<List<String>> rollbackHeard = new AtomicReference<>();
        RolloutListener listener = new RolloutListener() {
            @Override
            public void onRollbackFinished(List<String> restored, List<String> notRestored) {
                rollbackHeard.set(notRestored);
            }
        };

        RolloutNotStableException e = failure(() -> rollout().rollbackOnFailure(true).listener(listener).build()
                .rollOut(toRevision("prod", services, 2)));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason(), "the original failure is what is thrown");
        assertEquals(services, e.updatedServices());
        assertEquals(new HashSet<>(services), new HashSet<>(e.rolledBackServices()));
        assertEquals(services.size(), e.rolledBackServices().size());
        assertEquals(List.of(), rollbackHeard.get(), "nothing left not restored");
        assertTrue(e.getSuppressed().length == 0, "the rollback itself went well");
        assertAllOnTheirPreviousTaskDefinition(services);
        assertEquals(2 * services.size(), sim.stats().count("UpdateService"), "one update and one restore each");
    }

    @Test
    void aServiceTheCircuitBreakerRolledBackIsOnlyWatchedNotUpdatedAgain() {
        List<String> services = fleet(ServiceScript.circuitBreakerFails(Duration.ofMillis(250), true,
                Duration.ofMillis(200)));

        RolloutNotStableException e = failure(() -> rollout().rollbackOnFailure(true).build()
                .rollOut(toRevision("prod", services, 2)));

        // The poll that sees the deployment FAILED looks its service deployment up at the same instant of the virtual
        // clock: ECS has requested its rollback, 200 ms before it is done.
        assertEquals(Reason.ROLLED_BACK, e.reason(), e.getMessage());
        assertEquals(RollbackAction.WATCHED_ECS_ROLLBACK, e.serviceState(BAD).orElseThrow().rollbackAction());
        assertEquals(new HashSet<>(services), new HashSet<>(e.rolledBackServices()));
        assertAllOnTheirPreviousTaskDefinition(services);
        List<String> restoredByUs = new ArrayList<>(services);
        restoredByUs.remove(BAD);
        assertEquals(services.size() + restoredByUs.size(), sim.stats().count("UpdateService"),
                "ECS's own rollback of " + BAD + " is watched, not raced with another update");
    }

    @Test
    void aTimedOutRolloutWithARollbackTimeoutIsPutBackToo() {
        List<String> services = fleet(ServiceScript.neverStable());
        badStartsFineOnceRestored();
        sim.stopRollbackTakes(Duration.ofMillis(100));
        Duration timeout = Duration.ofMillis(1800);

        // One budget: the forward wait ends 600 ms early to leave the rollback its time inside the timeout.
        RolloutNotStableException e = failure(() -> rollout().rollbackOnFailure(true).timeout(timeout)
                .rollbackTimeout(Duration.ofMillis(600)).build().rollOut(toRevision("prod", services, 2)));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertTrue(elapsed().compareTo(timeout) <= 0, "the rollback fitted in the timeout: " + elapsed());
        assertTrue(e.unstableServices().contains(BAD));
        assertEquals(new HashSet<>(services), new HashSet<>(e.rolledBackServices()));
        assertAllOnTheirPreviousTaskDefinition(services);
        // BAD is still in flight: ECS stops its deployment and rolls it back; the others had succeeded, in a rollout
        // that failed elsewhere: a new deployment restores each of them.
        for (String s : services) {
            assertEquals(s.equals(BAD) ? RollbackAction.STOPPED_WITH_ROLLBACK : RollbackAction.RESTORED_BY_UPDATE,
                    e.serviceState(s).orElseThrow().rollbackAction(), s + "\n" + e.getMessage());
        }
    }
}
