package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.FakeService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mockito.AdditionalAnswers;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.EcsRequest;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * rollbackOnFailure, judged from DescribeServices alone (the service-deployment calls are denied, as for a role
 * without them; FakeEcsRolloutTest covers the rollback through service deployments): services start on app:1, the
 * rollout moves them to app:2, and a rollback puts back what ECS reported, the ARN of app:1.
 */
class RollbackOnFailureTest {

    private final FakeEcs fake = FakeEcs.builder()
            .accessDenied(ListServiceDeploymentsRequest.class, DescribeServiceDeploymentsRequest.class).build();
    private final String old = fake.taskDefinitionArn("app:1");

    private FakeService service(String name) {
        return fake.service("prod", name).taskDefinition("app:1");
    }

    private ServiceRollout rollout() {
        return ServiceRollout.builder().ecsClient(fake).delay(Duration.ZERO).maxAttempts(5).fetchStoppedTasks(false)
                .rollbackOnFailure(true).build();
    }

    private static UpdateServiceRequest update(String service) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition("app:2").build();
    }

    /** The updates ECS received, as {@code service->taskDefinition}. */
    private List<String> updates() {
        return fake.updates().stream().map(r -> r.service() + "->" + r.taskDefinition()).toList();
    }

    private String runs(String service) {
        return fake.service("prod", service).describe().orElseThrow().taskDefinition();
    }

    @Test
    void aFailedDeploymentPutsBackEveryChangedServiceHealthyOnesIncluded() {
        service("a");
        service("b").circuitBreakerTripsAfter(1);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(update("a"), update("b")));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(List.of("a->app:2", "b->app:2", "a->" + old, "b->" + old), updates());
        assertEquals(List.of("a", "b"), e.rolledBackServices());
        assertEquals(old, runs("a"));
        assertEquals(old, runs("b"));
        assertTrue(e.getMessage().contains("rollback: restored [a, b]"), e.getMessage());
    }

    @Test
    void aServiceEcsAlreadyRolledBackIsWatchedNotUpdatedAgain() {
        service("a");
        service("b").circuitBreakerRollsBackAfter(1);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(update("a"), update("b")));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(List.of("a->app:2", "b->app:2", "a->" + old), updates());
        assertEquals(List.of("a", "b"), e.rolledBackServices());
    }

    @Test
    void aRejectedUpdatePartWayPutsBackTheServicesAlreadyChanged() {
        service("a");
        service("b").rejectsUpdates(InvalidParameterException.builder().message("update of b refused").build());
        service("c");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(update("a"), update("b"), update("c")));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertEquals(List.of("a->app:2", "b->app:2", "a->" + old), updates());
        assertEquals(List.of("a"), e.updatedServices());
        assertEquals(List.of("a"), e.rolledBackServices());
    }

    @Test
    void aTimeoutPutsBackTheServicesItChanged() {
        service("a").neverStable();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(update("a")));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(List.of("a"), e.rolledBackServices());
        assertEquals(old, runs("a"));
    }

    @Test
    void aRejectedRestoreIsNamedAndItsExceptionAttached() {
        service("a");
        service("b").circuitBreakerTripsAfter(1);
        // The fake never rejects a restore: wrap it and stub that one call.
        EcsClient ecs = mock(EcsClient.class, AdditionalAnswers.delegatesTo(fake));
        doThrow(InvalidParameterException.builder().message("update of a refused").build()).when(ecs).updateService(
                argThat((UpdateServiceRequest r) -> r.service().equals("a") && old.equals(r.taskDefinition())));

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().toBuilder().ecsClient(ecs).build().rollOut(update("a"), update("b")));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(List.of("b"), e.rolledBackServices());
        assertTrue(e.getMessage().contains("NOT restored"), e.getMessage());
        assertTrue(e.getMessage().contains("a (restore rejected: update of a refused)"), e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0] instanceof InvalidParameterException);
    }

    @Test
    void aMissingServiceFailsBeforeAnyUpdate() {
        service("a");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(update("a"), update("ghost")));

        assertEquals(Reason.SERVICE_MISSING, e.reason());
        assertEquals(List.of(), e.updatedServices());
        assertEquals(List.of(), fake.updates());
    }

    @Test
    void previousTaskDefinitionsAreReadTenServicesPerCall() {
        IntStream.range(0, 25).forEach(i -> service("s" + i));

        ServiceRollout.builder().ecsClient(fake).delay(Duration.ZERO).rollbackOnFailure(true).build()
                .rollOut(IntStream.range(0, 25).mapToObj(i -> update("s" + i)).toList());

        List<EcsRequest> calls = fake.calls();
        List<EcsRequest> reads = calls.subList(0, calls.indexOf(fake.updates().get(0)));
        // The task definition they all ask for (app:2) is read too, once, after the services.
        assertEquals(List.of(10, 10, 5), reads.stream().filter(r -> r instanceof DescribeServicesRequest)
                .map(r -> ((DescribeServicesRequest) r).services().size()).toList());
        assertEquals(1, reads.stream().filter(r -> r instanceof DescribeTaskDefinitionRequest).count());
    }

    @Test
    void withoutTheOptionNothingIsPutBack() {
        service("a");
        service("b").circuitBreakerTripsAfter(1);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> ServiceRollout.builder().ecsClient(fake).delay(Duration.ZERO).fetchStoppedTasks(false).build()
                        .rollOut(update("a"), update("b")));

        assertEquals(List.of("a->app:2", "b->app:2"), updates());
        assertEquals(List.of(), e.rolledBackServices());
    }

    @Test
    void anInterruptedRolloutIsNotRolledBack() {
        service("a").neverStable();
        Thread.currentThread().interrupt();
        try {
            RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                    () -> ServiceRollout.builder().ecsClient(fake).delay(Duration.ofSeconds(10))
                            .rollbackOnFailure(true).build().rollOut(update("a")));
            assertEquals(Reason.INTERRUPTED, e.reason());
        } finally {
            Thread.interrupted();
        }
        assertEquals(List.of(), updates());
    }

    @Test
    void theListenerHearsTheRollback() {
        service("a").circuitBreakerTripsAfter(1);
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        RolloutListener listener = new RolloutListener() {
            @Override
            public void onRollbackStarted(List<String> services) {
                heard.add("started " + services);
            }

            @Override
            public void onRollbackFinished(List<String> restored, List<String> notRestored) {
                heard.add("finished " + restored + " " + notRestored);
            }

            @Override
            public void onRolloutFailed(RolloutNotStableException failure) {
                heard.add("failed " + failure.rolledBackServices());
            }
        };

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> ServiceRollout.builder()
                .ecsClient(fake).delay(Duration.ZERO).fetchStoppedTasks(false).rollbackOnFailure(true)
                .listener(listener).build().rollOut(update("a")));

        assertSame(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(List.of("started [a]", "finished [a] []", "failed [a]"), heard);
    }

    @Test
    void serviceNotFoundOnUpdateIsStillAnUpdateFailure() {
        service("a").rejectsUpdates(ServiceNotFoundException.builder().message("Service not found.").build());

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(update("a")));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertEquals(List.of(), e.rolledBackServices());
    }
}
