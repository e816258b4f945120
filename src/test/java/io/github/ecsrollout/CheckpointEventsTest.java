package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.ecsrollout.testing.FakeEcs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/** Events told by one check are not told again by the next, whatever the precision of ECS's event times. */
class CheckpointEventsTest {

    @Test
    void anEventWithSubMillisecondTimeIsToldOnceAcrossChecks() {
        // Event times with a sub-millisecond part, as the system clock gives FakeEcs: the checkpoint keeps
        // milliseconds, offset by the start's own sub-millisecond part.
        Clock halfPast = new Clock() {
            @Override
            public Instant instant() {
                return Instant.now().truncatedTo(ChronoUnit.MILLIS).plusNanos(999_999);
            }

            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
        FakeEcs ecs = FakeEcs.builder().clock(halfPast).build();
        ecs.service("prod", "web").becomesStableAfter(4);
        List<String> told = new CopyOnWriteArrayList<>();
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO)
                .listener(new RolloutListener() {
                    @Override
                    public void onServiceEvent(String cluster, String service, ServiceEvent event) {
                        told.add(event.id());
                    }
                }).build();
        RolloutCheckpoint checkpoint = rollout.start(UpdateServiceRequest.builder()
                .cluster("prod").service("web").taskDefinition("web:2").build());
        for (int i = 0; i < 3; i++) {
            RolloutProgress progress = rollout.check(RolloutCheckpoint.fromJson(checkpoint.toJson()));
            assertFalse(progress.isDone());
            checkpoint = progress.checkpoint();
        }
        Map<String, Integer> times = new TreeMap<>();
        told.forEach(id -> times.merge(id, 1, Integer::sum));
        times.forEach((id, n) -> assertEquals(1, n, "event " + id + " told " + n + " times: " + times));
    }
}
