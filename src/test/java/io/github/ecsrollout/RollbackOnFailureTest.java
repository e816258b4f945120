package io.github.ecsrollout;

import static io.github.ecsrollout.support.Model.active;
import static io.github.ecsrollout.support.Model.deployment;
import static io.github.ecsrollout.support.Model.failed;
import static io.github.ecsrollout.support.Model.primary;
import static io.github.ecsrollout.support.Model.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/** rollbackOnFailure on a small stateful fake: services start on app:1, the rollout moves them to app:2. */
class RollbackOnFailureTest {

    private static final String OLD = "app:1";
    private static final String NEW = "app:2";
    private static final String CB = "ECS deployment circuit breaker: tasks failed to start.";

    /** How a service reacts to the rollout's update to app:2. */
    enum Fate { SUCCEEDS, FAILS, CIRCUIT_BREAKER_ROLLS_BACK, NEVER_STABLE, REJECTED, RESTORE_REJECTED }

    private final EcsClient ecs = mock(EcsClient.class);
    private final Map<String, Fate> fates = new ConcurrentHashMap<>();
    private final Map<String, Service> now = new ConcurrentHashMap<>();
    private final List<String> updates = Collections.synchronizedList(new ArrayList<>());

    RollbackOnFailureTest() {
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
            DescribeServicesRequest r = inv.getArgument(0);
            DescribeServicesResponse.Builder b = DescribeServicesResponse.builder();
            List<Service> services = new ArrayList<>();
            List<Failure> failures = new ArrayList<>();
            for (String name : r.services()) {
                Service s = now.get(name);
                if (s == null) {
                    failures.add(Failure.builder().arn("arn:aws:ecs:us-east-1:1:service/" + name).reason("MISSING")
                            .build());
                } else {
                    services.add(s);
                    now.put(name, next(name, s));
                }
            }
            return b.services(services).failures(failures).build();
        });
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenAnswer(inv -> {
            UpdateServiceRequest r = inv.getArgument(0);
            updates.add(r.service() + "->" + r.taskDefinition());
            Fate fate = fates.get(r.service());
            boolean restore = OLD.equals(r.taskDefinition());
            if ((fate == Fate.REJECTED && !restore) || (fate == Fate.RESTORE_REJECTED && restore)) {
                throw InvalidParameterException.builder().message("update of " + r.service() + " refused").build();
            }
            Service s = restore
                    ? deployingTo(r.service(), "ecs-svc/restore-" + r.service(), OLD)
                    : deployingTo(r.service(), "ecs-svc/new-" + r.service(), NEW);
            now.put(r.service(), s);
            return UpdateServiceResponse.builder().service(s).build();
        });
    }

    private RollbackOnFailureTest services(Object... nameAndFate) {
        for (int i = 0; i < nameAndFate.length; i += 2) {
            String name = (String) nameAndFate[i];
            fates.put(name, (Fate) nameAndFate[i + 1]);
            now.put(name, stableOn(name, "ecs-svc/old-" + name, OLD));
        }
        return this;
    }

    /** The service one poll later. */
    private Service next(String name, Service s) {
        String primaryTd = s.deployments().get(0).taskDefinition();
        String primaryId = s.deployments().get(0).id();
        if (s.deployments().size() == 1 && s.runningCount().equals(s.desiredCount())) {
            return s;
        }
        if (OLD.equals(primaryTd)) {
            return stableOn(name, primaryId, OLD);
        }
        switch (fates.get(name)) {
            case FAILS:
                return service(name, 0, 2, failed(primaryId, "PRIMARY", CB).toBuilder().taskDefinition(NEW).build());
            case CIRCUIT_BREAKER_ROLLS_BACK:
                return service(name, 1, 2, primary("ecs-svc/cb-" + name, OLD, 1, 2, DeploymentRolloutState.IN_PROGRESS),
                        failed(primaryId, "ACTIVE", CB));
            case NEVER_STABLE:
                return s;
            default:
                return stableOn(name, primaryId, NEW);
        }
    }

    private static Service stableOn(String name, String id, String td) {
        return service(name, 2, 2, deployment(id, "PRIMARY", td, 2, 2, DeploymentRolloutState.COMPLETED, null));
    }

    private static Service deployingTo(String name, String id, String td) {
        return service(name, 2, 2, primary(id, td, 0, 2, DeploymentRolloutState.IN_PROGRESS),
                active("ecs-svc/prev-" + name, td.equals(OLD) ? NEW : OLD, 2, 2, DeploymentRolloutState.COMPLETED));
    }

    private ServiceRollout rollout() {
        return ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).maxAttempts(5).fetchStoppedTasks(false)
                .rollbackOnFailure(true).build();
    }

    private static UpdateServiceRequest update(String service) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition(NEW).build();
    }

    @Test
    void aFailedDeploymentPutsBackEveryChangedServiceHealthyOnesIncluded() {
        services("a", Fate.SUCCEEDS, "b", Fate.FAILS);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(update("a"), update("b")));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(List.of("a->app:2", "b->app:2", "a->app:1", "b->app:1"), updates);
        assertEquals(List.of("a", "b"), e.rolledBackServices());
        assertEquals(OLD, now.get("a").deployments().get(0).taskDefinition());
        assertEquals(OLD, now.get("b").deployments().get(0).taskDefinition());
        assertTrue(e.getMessage().contains("rollback: restored [a, b]"), e.getMessage());
    }

    @Test
    void aServiceEcsAlreadyRolledBackIsWatchedNotUpdatedAgain() {
        services("a", Fate.SUCCEEDS, "b", Fate.CIRCUIT_BREAKER_ROLLS_BACK);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(update("a"), update("b")));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(List.of("a->app:2", "b->app:2", "a->app:1"), updates);
        assertEquals(List.of("a", "b"), e.rolledBackServices());
    }

    @Test
    void aRejectedUpdatePartWayPutsBackTheServicesAlreadyChanged() {
        services("a", Fate.SUCCEEDS, "b", Fate.REJECTED, "c", Fate.SUCCEEDS);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(update("a"), update("b"), update("c")));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertEquals(List.of("a->app:2", "b->app:2", "a->app:1"), updates);
        assertEquals(List.of("a"), e.updatedServices());
        assertEquals(List.of("a"), e.rolledBackServices());
    }

    @Test
    void aTimeoutPutsBackTheServicesItChanged() {
        services("a", Fate.NEVER_STABLE);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(update("a")));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(List.of("a"), e.rolledBackServices());
        assertEquals(OLD, now.get("a").deployments().get(0).taskDefinition());
    }

    @Test
    void aRejectedRestoreIsNamedAndItsExceptionAttached() {
        services("a", Fate.RESTORE_REJECTED, "b", Fate.FAILS);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(update("a"), update("b")));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(List.of("b"), e.rolledBackServices());
        assertTrue(e.getMessage().contains("NOT restored"), e.getMessage());
        assertTrue(e.getMessage().contains("a (restore rejected: update of a refused)"), e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0] instanceof InvalidParameterException);
    }

    @Test
    void aMissingServiceFailsBeforeAnyUpdate() {
        services("a", Fate.SUCCEEDS);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(update("a"), update("ghost")));

        assertEquals(Reason.SERVICE_MISSING, e.reason());
        assertEquals(List.of(), e.updatedServices());
        verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
    }

    @Test
    void previousTaskDefinitionsAreReadTenServicesPerCall() {
        List<DescribeServicesRequest> reads = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 25; i++) {
            services("s" + i, Fate.SUCCEEDS);
        }
        EcsClient spy = mock(EcsClient.class, inv -> {
            if (inv.getMethod().getName().equals("describeServices") && updates.isEmpty()) {
                reads.add(inv.getArgument(0));
            }
            return inv.getMethod().invoke(ecs, inv.getArguments());
        });
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            requests.add(update("s" + i));
        }

        ServiceRollout.builder().ecsClient(spy).delay(Duration.ZERO).rollbackOnFailure(true).build()
                .rollOut(requests);

        assertEquals(List.of(10, 10, 5), reads.stream().map(r -> r.services().size()).toList());
    }

    @Test
    void withoutTheOptionNothingIsPutBack() {
        services("a", Fate.SUCCEEDS, "b", Fate.FAILS);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).fetchStoppedTasks(false).build()
                        .rollOut(update("a"), update("b")));

        assertEquals(List.of("a->app:2", "b->app:2"), updates);
        assertEquals(List.of(), e.rolledBackServices());
    }

    @Test
    void anInterruptedRolloutIsNotRolledBack() {
        services("a", Fate.NEVER_STABLE);
        Thread.currentThread().interrupt();
        try {
            RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                    () -> ServiceRollout.builder().ecsClient(ecs).delay(Duration.ofSeconds(10)).rollbackOnFailure(true)
                            .build().rollOut(update("a")));
            assertEquals(Reason.INTERRUPTED, e.reason());
        } finally {
            Thread.interrupted();
        }
        assertEquals(List.of(), updates);
    }

    @Test
    void theListenerHearsTheRollback() {
        services("a", Fate.FAILS);
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
                .ecsClient(ecs).delay(Duration.ZERO).fetchStoppedTasks(false).rollbackOnFailure(true)
                .listener(listener).build().rollOut(update("a")));

        assertSame(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(List.of("started [a]", "finished [a] []", "failed [a]"), heard);
    }

    @Test
    void serviceNotFoundOnUpdateIsStillAnUpdateFailure() {
        services("a", Fate.SUCCEEDS);
        when(ecs.updateService(any(UpdateServiceRequest.class)))
                .thenThrow(ServiceNotFoundException.builder().message("Service not found.").build());

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(update("a")));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertEquals(List.of(), e.rolledBackServices());
    }
}
