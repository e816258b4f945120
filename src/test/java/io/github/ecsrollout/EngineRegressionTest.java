package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Regressions a review of the engine's rework found before it landed, one test each: behaviour the old engine had and
 * the first cut of the new one lost.
 */
class EngineRegressionTest {

    private static UpdateServiceRequest update(String cluster, String service) {
        return UpdateServiceRequest.builder().cluster(cluster).service(service).taskDefinition("app:2").build();
    }

    @Test
    void resumingARolloutWhoseClusterIsAllStableAsksNothingOfThatCluster() {
        VirtualClock clock = VirtualClock.create();
        FakeEcs ecs = FakeEcs.builder().clock(clock).build();
        ecs.service("a", "a1").becomesStableAfter(1);
        ecs.service("b", "b1").neverStable();
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock).delay(Duration.ofSeconds(10))
                .timeout(Duration.ofMinutes(2)).build();
        RolloutCheckpoint checkpoint = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOut(List.of(update("a", "a1"), update("b", "b1")))).checkpoint().orElseThrow();
        int before = ecs.calls(DescribeServicesRequest.class).size();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout.resume(checkpoint));

        assertEquals(Reason.TIMED_OUT, e.reason(), e.getMessage());
        List<DescribeServicesRequest> polls = ecs.calls(DescribeServicesRequest.class);
        assertTrue(polls.subList(before, polls.size()).stream().allMatch(r -> r.cluster().equals("b")),
                "a1 was confirmed stable: its cluster is not asked about again, let alone with no service");
    }

    @Test
    void aVerdictIsNotHeldBackByAnotherChunksWaitForItsTurn() {
        FakeEcs ecs = FakeEcs.create();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            ecs.service("c", "s" + i).neverStable();
            names.add("s" + i);
        }
        ecs.service("c", "s0").inactive();
        // One DescribeServices call every 4 s: the second chunk's turn comes long after the first chunk's verdict.
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ofSeconds(1))
                .maxDescribeServicesPerSecond(0.25).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.awaitStable("c", names));

        assertEquals(Reason.SERVICE_INACTIVE, e.reason());
        assertEquals(1, ecs.calls(DescribeServicesRequest.class).size(), "no call after the verdict");
        assertTrue(e.getMessage().contains("; 1 poll in "), e.getMessage());
    }

    @Test
    void anInterruptWhileWaitingForADescribeTurnSaysSo() {
        VirtualClock virtual = VirtualClock.startingAt(Instant.parse("2026-06-01T12:00:00Z"));
        AtomicInteger sleeps = new AtomicInteger();
        // The third sleep is the wait for the second poll's turn (one call every 5 s, after a 100 ms delay): the
        // caller is interrupted during it. (The read before the update took the first turn, so the first poll waited
        // for its own: the first sleep; the delay after it is the second.)
        RolloutClock interrupting = new RolloutClock() {
            @Override
            public Instant instant() {
                return virtual.instant();
            }

            @Override
            public long nanoTime() {
                return virtual.nanoTime();
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                if (sleeps.incrementAndGet() == 3) {
                    throw new InterruptedException("interrupted by the test");
                }
                virtual.sleep(duration);
            }
        };
        FakeEcs ecs = FakeEcs.builder().clock(virtual).build();
        ecs.service("c", "s").neverStable();
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(interrupting)
                .delay(Duration.ofMillis(100)).maxDescribeServicesPerSecond(0.2).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOut("c", "s", "app:2"));

        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertEquals(Reason.INTERRUPTED, e.reason());
        assertTrue(e.getMessage().startsWith("INTERRUPTED: interrupted while polling DescribeServices"),
                e.getMessage());
        assertNull(e.getCause());
    }
}
