package io.github.ecsrollout.internal.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.internal.io.SyncEcs;
import io.github.ecsrollout.internal.model.RolloutSettings;
import io.github.ecsrollout.internal.model.ServiceId;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.time.Deadline;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;

/**
 * When chunks poll and which share a DescribeServices call, on a clock the test moves: chunks due together share a
 * call while their services fit in 10, one that does not fit leads the next call, clusters never share one.
 */
class ScheduleTest {

    private static final Duration DELAY = Duration.ofSeconds(15);

    private final VirtualClock clock = VirtualClock.create();

    private Chunk chunk(String cluster, String prefix, int services, long dueAt) {
        return new Chunk(IntStream.range(0, services)
                .mapToObj(i -> new TrackedService(ServiceId.of(cluster, prefix + i))).toList(), dueAt);
    }

    private Schedule schedule(int attempts, Duration timeout) {
        return new Schedule(DELAY, attempts, "the timeout of " + timeout, Deadline.after(clock, clock.nanoTime(),
                timeout));
    }

    @Test
    void chunksDueTogetherShareOneCall() {
        Chunk a = chunk("prod", "a", 3, 0);
        Chunk b = chunk("prod", "b", 2, 0);

        assertEquals(List.of(List.of(a, b)), schedule(40, null).dueGroups(List.of(a, b), 0));
    }

    @Test
    void aChunkThatDoesNotFitLeadsTheNextCall() {
        Chunk a = chunk("prod", "a", 8, 0);
        Chunk b = chunk("prod", "b", 5, 0);
        Chunk c = chunk("prod", "c", 2, 0);

        List<List<Chunk>> groups = schedule(40, null).dueGroups(List.of(a, b, c), 0);

        assertEquals(List.of(List.of(a), List.of(b, c)), groups,
                "five services do not fit beside eight: they lead the next call, which the two-service chunk joins");
    }

    @Test
    void clustersAreBatchedApart() {
        Chunk blue = chunk("blue", "a", 1, 0);
        Chunk green = chunk("green", "b", 1, 0);

        assertEquals(List.of(List.of(blue), List.of(green)), schedule(40, null).dueGroups(List.of(blue, green), 0));
    }

    @Test
    void aChunkDueWithinTheWindowJoinsAndOneDueLaterDoesNot() {
        long window = Schedule.windowFor(DELAY);
        Chunk now = chunk("prod", "a", 1, 0);
        Chunk soon = chunk("prod", "b", 1, window);
        Chunk later = chunk("prod", "c", 1, window + 1);

        assertEquals(List.of(List.of(now, soon)), schedule(40, null).dueGroups(List.of(now, soon, later), 0));
        assertEquals(window + 1, schedule(40, null).nextDue(List.of(later)));
    }

    @Test
    void theWindowIsATwentiethOfTheDelayAtMostFiftyMilliseconds() {
        assertEquals(TimeUnit.MILLISECONDS.toNanos(50), Schedule.windowFor(ChronoUnit.FOREVER.getDuration()));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1), Schedule.windowFor(Duration.ofMillis(20)));
        assertEquals(0, Schedule.windowFor(Duration.ZERO));
    }

    @Test
    void aChunkPollsAgainADelayAfterItsAnswer() {
        Chunk c = chunk("prod", "a", 1, 0);
        c.polls = 1;

        assertNull(schedule(40, null).next(c, 1_000));
        assertEquals(1_000 + DELAY.toNanos(), c.dueAt);
    }

    @Test
    void aChunkThatUsedUpItsPollsEndsOnlyItsOwnWait() {
        Chunk c = chunk("prod", "a", 1, 0);
        c.polls = 3;

        WatchOutcome out = schedule(3, null).next(c, 0);

        assertEquals(Reason.TIMED_OUT, out.reason());
        assertTrue(out.pollsUsedUp());
        assertEquals("a chunk used up its 3 polls (maxAttempts)", out.headline());
    }

    @Test
    void noDelayFitsBeforeTheDeadlineSoTheLastPollIsMadeJustBeforeIt() {
        Schedule schedule = schedule(Integer.MAX_VALUE, Duration.ofSeconds(20));
        Chunk c = chunk("prod", "a", 1, 0);
        c.polls = 1;
        clock.advance(Duration.ofSeconds(10));

        assertNull(schedule.next(c, clock.nanoTime()));
        assertEquals(clock.nanoTime() + Duration.ofSeconds(10).toNanos() - Schedule.LAST_POLL_MARGIN_NANOS, c.dueAt);

        clock.advance(Duration.ofNanos(c.dueAt - clock.nanoTime()));
        c.polls++;
        WatchOutcome out = schedule.next(c, clock.nanoTime());
        assertEquals(Reason.TIMED_OUT, out.reason());
        assertEquals("the timeout of PT20S passed", out.headline());
    }

    @Test
    void anEcsErrorReachesEveryChunkOfTheCall() {
        EcsClient client = mock(EcsClient.class);
        ClusterNotFoundException missing = ClusterNotFoundException.builder().message("Cluster not found.").build();
        when(client.describeServices(any(DescribeServicesRequest.class))).thenThrow(missing);
        SyncEcs ecs = new SyncEcs(new RolloutSettings(client, DELAY, null, null, 10, RolloutListener.NONE, false,
                false, null, null, null, null, clock));
        Chunk a = chunk("prod", "a", 1, 0);
        Chunk b = chunk("prod", "b", 1, 0);
        Map<Chunk, List<TrackedService>> asked = new LinkedHashMap<>();
        asked.put(a, a.open());
        asked.put(b, b.open());

        GroupPoll.Answer answer = GroupPoll.poll(ecs, Deadline.none(), asked);

        assertSame(missing, answer.error());
        assertEquals(List.of(a, b), List.copyOf(answer.asked().keySet()));
    }
}
