package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.testing.FakeEcs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * {@link RolloutNotStableException#failedServices()}: the services whose own state ended the rollout, the same in every
 * run of a scenario, where {@link RolloutNotStableException#unstableServices()} depends on which services happened to
 * be polled before the first verdict stopped the other chunks.
 */
class FailedServicesTest {

    private static final int RUNS = 30;

    /** 23 services over 2 clusters (chunks of 10, 5 and 8); {@code payments} fails 3 polls in, the rest settle. */
    private static RolloutNotStableException fleetWithOneFailure() {
        FakeEcs ecs = FakeEcs.create();
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            String name = i == 12 ? "payments" : "svc-" + i;
            String cluster = i < 15 ? "prod" : "staging";
            if (name.equals("payments")) {
                ecs.service(cluster, name).circuitBreakerTripsAfter(2);
            } else {
                // Settles after 1 to 6 polls: which of them are confirmed stable when payments fails is up to timing.
                ecs.service(cluster, name).becomesStableAfter(1 + i % 6);
            }
            requests.add(UpdateServiceRequest.builder().cluster(cluster).service(name).taskDefinition("app:2").build());
        }
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO)
                .fetchStoppedTasks(false).build();
        return assertThrows(RolloutNotStableException.class, () -> rollout.rollOut(requests));
    }

    @Test
    void failedServicesAreTheSameInEveryRunOfAMultiChunkScenario() {
        Set<List<String>> unstableSeen = new HashSet<>();
        for (int run = 0; run < RUNS; run++) {
            RolloutNotStableException e = fleetWithOneFailure();

            assertEquals(Reason.DEPLOYMENT_FAILED, e.reason(), "run " + run);
            assertEquals(List.of("payments"), e.failedServices(), "run " + run);
            assertTrue(e.unstableServices().containsAll(e.failedServices()), "run " + run);
            unstableSeen.add(e.unstableServices());
        }
        // Not asserted, as it depends on timing: how many different unstableServices lists the runs gave.
        System.out.println("failedServices stayed [payments] over " + RUNS + " runs; unstableServices took "
                + unstableSeen.size() + " different values");
    }

    @Test
    void aTimeoutNamesTheServicesStillDeployingNotThoseNeverPolled() {
        List<String> services = IntStream.range(0, 15).mapToObj(i -> "svc-" + i).collect(Collectors.toList());
        List<String> all = new ArrayList<>(services);
        all.add(7, "slow");

        for (int run = 0; run < 5; run++) {
            FakeEcs fresh = FakeEcs.create();
            // Deployments someone else started, as awaitStable finds them: stable on the second poll, or never.
            services.forEach(s -> fresh.service("prod", s).becomesStableAfter(2).deploy("app:2"));
            fresh.service("prod", "slow").neverStable().deploy("app:2");
            RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> ServiceRollout.builder()
                    .ecsClient(fresh).delay(Duration.ZERO).maxAttempts(4).fetchStoppedTasks(false).build()
                    .awaitStable("prod", all));

            assertEquals(Reason.TIMED_OUT, e.reason());
            assertEquals(List.of("slow"), e.failedServices());
        }
    }

    @Test
    void aRejectedUpdateIsTheFailedService() {
        FakeEcs ecs = FakeEcs.create();
        // b is found by the read before the updates (a missing one would end the rollout there): ECS rejects its
        // update.
        ecs.service("prod", "a");
        ecs.service("prod", "b").rejectsUpdates(InvalidParameterException.builder().message("Invalid desired count.")
                .build());
        ecs.service("prod", "c");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> ServiceRollout.builder()
                .ecsClient(ecs).delay(Duration.ZERO).build().rollOut(update("a"), update("b"), update("c")));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertEquals(List.of("b"), e.failedServices());
    }

    @Test
    void anApiErrorOrInterruptNamesNoFailedService() {
        FakeEcs ecs = FakeEcs.create();
        ecs.service("prod", "web").neverStable().deploy("app:2");
        Thread.currentThread().interrupt();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> ServiceRollout.builder()
                .ecsClient(ecs).delay(Duration.ofSeconds(30)).build().awaitStable("prod", "web"));

        assertTrue(Thread.interrupted());
        assertEquals(Reason.INTERRUPTED, e.reason());
        assertEquals(List.of(), e.failedServices());
        assertEquals(List.of("web"), e.unstableServices());
    }

    @Test
    void anExceptionBuiltByHandDerivesItsFailedServicesFromTheStates() {
        List<ServiceState> states = List.of(
                ServiceState.builder().cluster("prod").service("web").verdict(Verdict.STABLE).build(),
                ServiceState.builder().cluster("prod").service("api").verdict(Verdict.ROLLED_BACK).build(),
                ServiceState.builder().cluster("prod").service("worker").verdict(Verdict.UNKNOWN).build());

        RolloutNotStableException e = new RolloutNotStableException(Reason.ROLLED_BACK, "api rolled back", null,
                List.of("api", "worker"), List.of("web", "api", "worker"), List.of(), states);

        assertEquals(List.of("api"), e.failedServices());
    }

    private static UpdateServiceRequest update(String service) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition("app:2").build();
    }
}
