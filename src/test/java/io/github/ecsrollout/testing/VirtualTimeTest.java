package io.github.ecsrollout.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceRollout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * A user's test of a long rollout through the public API only: the testkit's {@link VirtualClock}, shared by the
 * {@link FakeEcs} and the rollout, runs a 20-minute timeout out in a moment. The {@code @Timeout} only catches a
 * rollout that waits in real time (it would take 20 minutes); nothing here asserts how long a test takes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtualTimeTest {

    private final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-06-01T12:00:00Z"));
    private final FakeEcs ecs = FakeEcs.builder().clock(clock).build();

    private ServiceRollout.Builder rollout() {
        return ServiceRollout.builder().ecsClient(ecs).clock(clock);
    }

    /**
     * The clock moved to the last poll, made just before the timeout (250 ms are kept for its call), and no further:
     * the verdict is the state at the deadline.
     */
    private void assertWithin(Duration timeout) {
        assertEquals(timeout.minusMillis(250), clock.elapsed());
    }

    @Test
    void aTwentyMinuteTimeoutRunsOutOnTheVirtualClock() {
        ecs.service("prod", "web").neverStable();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().timeout(Duration.ofMinutes(20)).build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.TIMED_OUT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith("TIMED_OUT: the timeout of PT20M passed"), e.getMessage());
        assertWithin(Duration.ofMinutes(20));
        // The read before the update (a timeout is checked against the deployment configuration), then a poll
        // every 15 s, the default delay, from 0 to 19:45, and one more just before the deadline.
        assertEquals(1 + 80 + 1, ecs.calls(DescribeServicesRequest.class).size());
        assertTrue(e.getMessage().contains("; 81 polls in PT19M59"), e.getMessage());
    }

    /** The virtual-time example of docs/testing.md, verbatim (DocsTest checks the page against it). */
    @Test
    void theReadmeExample() {
        VirtualClock clock = VirtualClock.create();
        FakeEcs ecs = FakeEcs.builder().clock(clock).build();   // its instants come from the same clock
        ecs.service("prod", "web").neverStable();
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock)
                .timeout(Duration.ofMinutes(20)).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOut("prod", "web", "web:2"));
        assertEquals(Reason.TIMED_OUT, e.reason());            // at once, though 20 minutes passed on the clock
        assertTrue(clock.elapsed().compareTo(Duration.ofMinutes(19)) > 0);
    }

    @Test
    void pollsAreADelayApartOnTheVirtualClock() {
        ecs.service("prod", "web").becomesStableAfter(4);
        List<Instant> polledAt = new ArrayList<>();
        FakeEcs watched = ecs;

        RolloutResult result = rollout().delay(Duration.ofSeconds(30)).listener(new io.github.ecsrollout
                .RolloutListener() {
                    @Override
                    public void onObservation(io.github.ecsrollout.ServiceState state) {
                        polledAt.add(clock.instant());
                    }
                }).build().rollOut("prod", "web", "web:2");

        assertEquals(4, result.attempts());
        assertEquals(5, watched.calls(DescribeServicesRequest.class).size(), "the read before the update, 4 polls");
        // The read took the first DescribeServices turn: the first poll's comes 0.1 s later (10 calls a second).
        assertEquals(Duration.ofMillis(90_100), clock.elapsed(), "its turn, then three delays between four polls");
    }

    @Test
    void aFleetOfManyChunksIsJudgedAloneOnTheVirtualClock() {
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ecs.service("prod", "svc-" + i).becomesStableAfter(1 + i % 3);
            requests.add(UpdateServiceRequest.builder().cluster("prod").service("svc-" + i).taskDefinition("app:2")
                    .build());
        }
        ecs.service("prod", "svc-7").neverStable();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().timeout(Duration.ofHours(2)).build().rollOut(requests));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(List.of("svc-7"), e.failedServices());
        assertWithin(Duration.ofHours(2));
    }
}
