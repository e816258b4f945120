package io.github.ecsrollout;

import static io.github.ecsrollout.support.Model.deploying;
import static io.github.ecsrollout.support.Model.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Listener calls: whatever they throw, however long they take, the rollout goes on, and hears each call in order.
 *
 * <p>Kept on real time on purpose: listener calls are made on a thread of their own, and a rollout waits for them in
 * real time whatever its clock. The rollout whose listener never returns runs on the testkit's {@link VirtualClock}
 * all the same, so that its timeout of 100 ms is all polling gets however busy the machine is; the wait for its
 * listener is real.
 */
class ListenerDeliveryTest {

    private static final String D1 = "ecs-svc/1000000000000000001";
    /** Only bounds a wait that must end much sooner; no assertion is made on how long anything takes. */
    private static final long NEVER_SECONDS = 30;

    private final FakeEcs ecs = FakeEcs.create();
    private final List<String> heard = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> threads = ConcurrentHashMap.newKeySet();

    @AfterEach
    void noThreadOutlivesTheCall() {
        Thread.interrupted();
        assertEquals(List.of(), liveThreads("ecs-rollout-"));
    }

    @Test
    void aListenerThrowingAssertionErrorsEverywhereChangesNothing() {
        List<String> services = List.of("a", "b", "c");
        services.forEach(s -> ecs.service("prod", s).becomesStableAfter(1));

        RolloutResult result = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO)
                .listener(recording(new AssertionError("a test's listener failed"))).build()
                .rollOut(services.stream().map(ListenerDeliveryTest::update).toList());

        assertTrue(result.services().stream().allMatch(ServiceState::isStable));
        assertEquals(3, ecs.updates().size());
        assertEquals(List.of("accepted a", "accepted b", "accepted c"), heard.subList(0, 3));
        assertEquals(3, heard.stream().filter(h -> h.startsWith("stable")).count());
        assertEquals("succeeded", heard.get(heard.size() - 1), "heard in full before rollOut returned");
    }

    @Test
    void aFailureStaysTheRolloutsOwnWhenItsListenerThrows() {
        ecs.service("prod", "web").circuitBreakerTripsAfter(1);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).fetchStoppedTasks(false)
                        .listener(recording(new AssertionError("listener"))).build().rollOut("prod", "web", "app:2"));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals("failed DEPLOYMENT_FAILED", heard.get(heard.size() - 1));
    }

    @Test
    void listenerCallsAreMadeOnOneThreadOfOurOwn() {
        List<String> services = IntStream.range(0, 25).mapToObj(i -> "svc-" + i).toList();
        services.forEach(s -> ecs.service("prod", s).becomesStableAfter(2).deploy("app:2"));

        ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).listener(recording(null)).build()
                .awaitStable("prod", services);

        assertEquals(1, threads.size(), threads::toString);
        assertTrue(threads.iterator().next().startsWith("ecs-rollout-listener-"), threads::toString);
        assertEquals(25, heard.stream().filter(h -> h.startsWith("stable")).count());
    }

    @Test
    void aSlowListenerDoesNotSlowThePolling() throws InterruptedException {
        EcsClient ecs = mock(EcsClient.class);
        AtomicInteger polls = new AtomicInteger();
        // The first DescribeServices call is the read before the update; polls 1 to 4 are calls 2 to 5.
        CountDownLatch threeMorePolls = new CountDownLatch(5);
        when(ecs.updateService(any(UpdateServiceRequest.class)))
                .thenReturn(UpdateServiceResponse.builder().service(deploying("web", D1)).build());
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
            int n = polls.incrementAndGet();
            threeMorePolls.countDown();
            return DescribeServicesResponse.builder().services(n < 7 ? deploying("web", D1) : stable("web", D1))
                    .build();
        });
        List<Boolean> pollingWentOn = Collections.synchronizedList(new ArrayList<>());
        RolloutListener slow = new RolloutListener() {
            @Override
            public void onObservation(ServiceState state) {
                heard.add("observed " + state.verdict());
                if (pollingWentOn.isEmpty()) {
                    // Blocks the first observation until the rollout has polled three more times.
                    try {
                        pollingWentOn.add(threeMorePolls.await(NEVER_SECONDS, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void onRolloutSucceeded(RolloutResult result) {
                heard.add("succeeded");
            }
        };

        RolloutResult result = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ofMillis(1)).listener(slow)
                .build().rollOut("prod", "web", "app:2");

        assertTrue(result.services().get(0).isStable());
        assertEquals(List.of(true), pollingWentOn, "polls 2 to 4 were made while the listener was busy with poll 1");
        assertEquals(7, polls.get(), "the read before the update, then 6 polls");
        List<String> expected = new ArrayList<>(Collections.nCopies(5, "observed IN_PROGRESS"));
        expected.add("observed STABLE");
        expected.add("succeeded");
        assertEquals(expected, heard, "every call, in order, before rollOut returned");
    }

    @Test
    void aListenerThatNeverReturnsDoesNotHoldTheCallerAndLaterCallsAreDropped() throws InterruptedException {
        ecs.service("prod", "web").becomesStableAfter(1);
        CountDownLatch release = new CountDownLatch(1);
        RolloutListener stuck = new RolloutListener() {
            @Override
            public void onServiceStable(ServiceState state) {
                heard.add("stable");
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onRolloutSucceeded(RolloutResult result) {
                heard.add("succeeded");
            }
        };
        // On the virtual clock the poll takes none of the timeout, whatever the machine; the listener is then waited
        // for in real time, for the timeout but at least a second.
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(VirtualClock.create())
                .delay(Duration.ZERO).timeout(Duration.ofMillis(100)).listener(stuck).build();

        try {
            RolloutResult result = assertTimeoutPreemptively(Duration.ofSeconds(NEVER_SECONDS),
                    () -> rollout.rollOut("prod", "web", "app:2"));
            assertTrue(result.services().get(0).isStable());
        } finally {
            release.countDown();
        }
        for (Thread t : listenerThreads()) {
            t.join(TimeUnit.SECONDS.toMillis(NEVER_SECONDS));
        }
        assertEquals(List.of("stable"), heard, "onRolloutSucceeded came after the call returned: dropped");
    }

    @Test
    void aVirtualMachineErrorIsNotSwallowed() {
        ecs.service("prod", "web");
        RolloutListener overflowing = new RolloutListener() {
            @Override
            public void onUpdateAccepted(ServiceState state) {
                throw new StackOverflowError("listener recursed");
            }
        };

        assertThrows(StackOverflowError.class, () -> ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO)
                .listener(overflowing).build().rollOut("prod", "web", "app:2"));
        assertEquals(1, ecs.updates().size());
    }

    /** A listener that records each call and its thread, then throws {@code thrown} (unless null). */
    private RolloutListener recording(Error thrown) {
        return new RolloutListener() {
            private void hear(String what) {
                heard.add(what);
                threads.add(Thread.currentThread().getName());
                if (thrown != null) {
                    throw thrown;
                }
            }

            @Override
            public void onUpdateAccepted(ServiceState state) {
                hear("accepted " + state.service());
            }

            @Override
            public void onObservation(ServiceState state) {
                hear("observed " + state.service());
            }

            @Override
            public void onServiceEvent(String cluster, String service, ServiceEvent event) {
                hear("event " + service);
            }

            @Override
            public void onServiceStable(ServiceState state) {
                hear("stable " + state.service());
            }

            @Override
            public void onRolloutSucceeded(RolloutResult result) {
                hear("succeeded");
            }

            @Override
            public void onRolloutFailed(RolloutNotStableException failure) {
                hear("failed " + failure.reason());
            }
        };
    }

    private static UpdateServiceRequest update(String service) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition("app:2").build();
    }

    private static List<Thread> listenerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("ecs-rollout-listener-")).collect(Collectors.toList());
    }

    private static List<String> liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).collect(Collectors.toList());
    }
}
