package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.testing.FakeEcs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * A listener hears every service, cluster and task definition as the caller spelled them, as the result and the
 * exception report them, while what ECS reports (a task definition's ARN) stays in {@link ServiceState#taskDefinition()}.
 */
class ListenerSpellingTest {

    private static final String ARN = "arn:aws:ecs:us-east-1:123456789012:";
    private static final String CLUSTER = ARN + "cluster/prod";
    private static final String SERVICE = ARN + "service/prod/web";

    private final FakeEcs ecs = FakeEcs.create();
    private final List<ServiceState> heard = Collections.synchronizedList(new ArrayList<>());
    private final List<String> named = Collections.synchronizedList(new ArrayList<>());
    private final List<ServiceState> updates = Collections.synchronizedList(new ArrayList<>());

    private final RolloutListener listener = new RolloutListener() {
        @Override
        public void onUpdateAccepted(ServiceState state) {
            // Checked by the test: what a listener throws is only logged.
            updates.add(state);
            heard.add(state);
        }

        @Override
        public void onObservation(ServiceState state) {
            heard.add(state);
        }

        @Override
        public void onServiceEvent(String cluster, String service, ServiceEvent event) {
            named.add(cluster + " " + service);
        }

        @Override
        public void onServiceStable(ServiceState state) {
            heard.add(state);
        }

        @Override
        public void onRollbackStarted(List<String> services) {
            named.addAll(services);
        }
    };

    private ServiceRollout.Builder rollout() {
        return ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).listener(listener);
    }

    private static UpdateServiceRequest update(String taskDefinition) {
        return UpdateServiceRequest.builder().cluster(CLUSTER).service(SERVICE).taskDefinition(taskDefinition).build();
    }

    @Test
    void listenerStatesSpellEverythingAsTheCallerAndTheResultDo() {
        ecs.service("prod", "web").becomesStableAfter(2);

        RolloutResult result = rollout().build().rollOut(update("web:2"));

        ServiceState last = result.service(SERVICE).orElseThrow();
        assertEquals(Optional.of("web:2"), last.requestedTaskDefinition());
        assertEquals(Optional.of(ecs.taskDefinitionArn("web:2")), last.taskDefinition(), "what ECS runs, its ARN");
        assertEquals(Optional.of(ecs.taskDefinitionArn("web:1")), last.previousTaskDefinition());
        assertEquals(1, updates.size());
        assertEquals(Verdict.UNKNOWN, updates.get(0).verdict(), "not polled yet");
        assertEquals(last.expectedDeploymentId(), updates.get(0).expectedDeploymentId(), "the deployment it started");
        assertTrue(heard.size() >= 3, "update, observations, stable: " + heard);
        for (ServiceState s : heard) {
            assertEquals(CLUSTER, s.cluster());
            assertEquals(SERVICE, s.service());
            assertEquals(last.requestedTaskDefinition(), s.requestedTaskDefinition(), s.toString());
            assertEquals(last.previousTaskDefinition(), s.previousTaskDefinition(), s.toString());
        }
        assertFalse(named.isEmpty(), "events were heard");
        assertTrue(named.stream().allMatch((CLUSTER + " " + SERVICE)::equals), named.toString());
    }

    @Test
    void aRollbackNamesServicesAsTheCallerAndTheExceptionDo() {
        ecs.service("prod", "web").circuitBreakerTripsAfter(1);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollbackOnFailure(true).build().rollOut(update(ecs.taskDefinitionArn("web:2"))));

        assertEquals(List.of(SERVICE), e.failedServices());
        assertEquals(List.of(SERVICE), e.rolledBackServices());
        assertTrue(named.contains(SERVICE), "onRollbackStarted: " + named);
        assertTrue(heard.stream().allMatch(s -> s.service().equals(SERVICE)
                && s.requestedTaskDefinition().equals(Optional.of(ecs.taskDefinitionArn("web:2")))), heard.toString());
    }

    @Test
    void awaitStableAsksForNoTaskDefinition() {
        ecs.service("prod", "web");

        RolloutResult result = rollout().build().awaitStable(CLUSTER, SERVICE);

        ServiceState web = result.service(SERVICE).orElseThrow();
        assertEquals(Optional.empty(), web.requestedTaskDefinition());
        assertEquals(Optional.empty(), web.previousTaskDefinition());
        assertTrue(heard.stream().allMatch(s -> s.requestedTaskDefinition().isEmpty()), heard.toString());
    }
}
