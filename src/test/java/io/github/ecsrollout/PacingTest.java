package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Waiting for a DescribeServices or UpdateService call's turn ends at the deadline, wherever the call is made: on the
 * testkit's {@link VirtualClock}, exactly at it.
 */
class PacingTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final VirtualClock clock = VirtualClock.create();
    private final FakeEcs ecs = FakeEcs.builder().clock(clock).build();

    @Test
    void readingTheTaskDefinitionsToRestoreEndsAtTheDeadline() {
        List<String> services = IntStream.range(0, 25).mapToObj(i -> "svc-" + i).toList();
        services.forEach(s -> ecs.service("prod", s));
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock).delay(Duration.ZERO)
                .maxDescribeServicesPerSecond(0.1).timeout(TIMEOUT).rollbackOnFailure(true).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout.rollOut(
                services.stream().map(s -> UpdateServiceRequest.builder().cluster("prod").service(s)
                        .taskDefinition("app:2").build()).toList()));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(1, ecs.calls(DescribeServicesRequest.class).size(),
                "the second chunk's turn came 10 s after the first: " + e.getMessage());
        assertEquals(List.of(), ecs.updates());
        // With rollbackOnFailure a third of the timeout is the rollback's: the forward part ends at two thirds.
        assertEquals(TIMEOUT.minus(TIMEOUT.dividedBy(3)), clock.elapsed(),
                "the turn was waited for until the forward part's deadline, and no longer");
    }

    @Test
    void pollingEndsAtTheDeadline() {
        ecs.service("prod", "web").neverStable();
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock).delay(Duration.ZERO)
                .maxDescribeServicesPerSecond(0.1).timeout(TIMEOUT).fetchStoppedTasks(false).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOut("prod", "web", "app:2"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(1, ecs.calls(DescribeServicesRequest.class).size(),
                "the read before the update; the first poll's turn is 10 s later");
        assertEquals(TIMEOUT, clock.elapsed());
    }

    @Test
    void updatesGoFortyAtOnceThenWaitTheirTurnUntilTheDeadline() {
        List<String> services = IntStream.range(0, 42).mapToObj(i -> "svc-" + i).toList();
        services.forEach(s -> ecs.service("prod", s));
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).clock(clock).delay(Duration.ZERO)
                .maxUpdateServicePerSecond(0.1).timeout(TIMEOUT).fetchStoppedTasks(false).build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout.rollOut(
                services.stream().map(s -> UpdateServiceRequest.builder().cluster("prod").service(s)
                        .taskDefinition("app:2").build()).toList()));

        assertEquals(Reason.TIMED_OUT, e.reason(), e.getMessage());
        assertEquals(services.subList(0, 40), e.updatedServices(), "40 at once; the 41st's turn is 10 s on");
        assertEquals(40, ecs.updates().size());
        assertEquals(TIMEOUT, clock.elapsed());
    }
}
