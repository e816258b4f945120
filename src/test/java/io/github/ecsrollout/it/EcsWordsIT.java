package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * A failure says what ECS said: the failed deployment's rolloutStateReason, the "unable to place a task" event, the
 * stopped tasks' stoppedReason and exit code (fetched with ListTasks and DescribeTasks), in the message and in
 * {@link RolloutNotStableException#serviceStates()}. The only tests that look at message text, and only for ECS's
 * words. On the virtual clock the rollout shares with the simulator.
 */
@Timeout(60)
class EcsWordsIT extends ItBase {

    private static final String BREAKER_REASON = "ECS deployment circuit breaker: tasks failed to start.";

    @Test
    void aCircuitBreakerFailureCarriesTheRolloutStateReasonAndTheStoppedTasks() {
        String crash = "Essential container in task exited";
        sim.createService(ServiceSpec.of("prod", "web").desiredCount(2)
                .script(ServiceScript.crashLoop(crash, 137, Duration.ofMillis(240))));

        RolloutNotStableException e = failure(() -> rollout().build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(BREAKER_REASON, web.rolloutStateReason().orElseThrow());
        assertTrue(e.getMessage().contains(BREAKER_REASON), e.getMessage());

        List<Task> stopped = web.stoppedTasks();
        assertFalse(stopped.isEmpty(), "stopped tasks fetched: " + web.stoppedTasksUnavailableReason());
        assertTrue(stopped.size() <= 3);
        assertTrue(web.stoppedTasksUnavailableReason().isEmpty());
        for (Task t : stopped) {
            assertEquals(crash, t.stoppedReason());
            assertEquals(137, t.containers().get(0).exitCode());
            assertEquals(web.expectedDeploymentId().orElseThrow(), t.startedBy(), "a task of the failed deployment");
        }
        assertTrue(e.getMessage().contains(crash), e.getMessage());
        assertTrue(e.getMessage().contains("137"), e.getMessage());
        assertEquals(1, sim.stats().count("ListTasks"));
        assertEquals(1, sim.stats().count("DescribeTasks"));
    }

    /**
     * ECS lists events newest first. When the breaker trips, "deployment failed" and "rolling back to deployment" are
     * written at the same instant, "deployment failed" first; the rollout sorts new events by createdAt only, with a
     * stable sort over ECS's newest-first list, so equal timestamps keep the newest-first order and the listener hears
     * "rolling back" before the failure that caused it. onServiceEvent and ServiceState.events() promise oldest first.
     */
    @Test
    void eventsOfTheSameInstantAreHeardOldestFirst() {
        sim.createService("prod", "web", ServiceScript.circuitBreakerFails(Duration.ofMillis(200), true,
                Duration.ofSeconds(2)));
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        RolloutListener listener = new RolloutListener() {
            @Override
            public void onServiceEvent(String cluster, String service, ServiceEvent event) {
                heard.add(event.message());
            }
        };

        RolloutNotStableException e = failure(() -> rollout().listener(listener).build()
                .rollOut("prod", "web", "web:2"));

        assertEquals(Reason.ROLLED_BACK, e.reason(), "ECS rolls it back");
        int failed = indexOf(heard, "deployment failed");
        int rollingBack = indexOf(heard, "rolling back to deployment");
        assertTrue(failed >= 0 && rollingBack >= 0, heard.toString());
        assertTrue(failed < rollingBack, "the failure before the rollback it caused: " + heard);
        List<String> kept = e.serviceState("web").orElseThrow().events().stream().map(ServiceEvent::message).toList();
        assertTrue(indexOf(kept, "deployment failed") < indexOf(kept, "rolling back to deployment"), kept.toString());
    }

    private static int indexOf(List<String> messages, String fragment) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aTaskThatCannotBePlacedIsExplainedWithEcsOwnEvent() {
        sim.createService("prod", "web", ServiceScript.unableToPlace(Duration.ofMillis(50)));

        // Bounded by polls: the event is there from the first poll.
        RolloutNotStableException e = failure(() -> rollout().maxAttempts(8).build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        String words = "was unable to place a task because no container instance met all of its requirements";
        assertTrue(e.getMessage().contains(words), e.getMessage());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertTrue(web.events().stream().anyMatch(ev -> ev.message().contains(words)), web.events().toString());
        assertEquals(0, web.primaryDeployment().orElseThrow().runningCount(), "nothing of the new deployment runs");
        assertEquals(2, web.deployments().size(), "the old deployment still serves");
    }

    @Test
    void aCrashLoopWithoutCircuitBreakerTimesOutWithTheStoppedTasksReasons() {
        // A task that never starts: no exit code, ECS says why in stoppedReason and the container's reason.
        String pull = "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
                + "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2: not found";
        sim.createService("prod", "web", ServiceScript.crashLoop(pull, -1));

        // The simulator's crash loop fails a task every second, the first half a second after the deployment
        // started; 12 polls 100 ms apart outlast that.
        RolloutNotStableException e = failure(() -> rollout().delay(Duration.ofMillis(100)).maxAttempts(12).build()
                .rollOut("prod", "web", "web:2"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertFalse(web.stoppedTasks().isEmpty(), "stopped tasks fetched: " + web.stoppedTasksUnavailableReason());
        Task task = web.stoppedTasks().get(0);
        assertEquals(pull, task.stoppedReason());
        assertEquals("TaskFailedToStart", task.stopCodeAsString());
        assertNull(task.containers().get(0).exitCode());
        assertTrue(e.getMessage().contains(pull), e.getMessage());
        assertTrue(web.failedTasks() >= 1);
    }
}
