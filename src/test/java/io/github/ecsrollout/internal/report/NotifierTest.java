package io.github.ecsrollout.internal.report;

import static io.github.ecsrollout.support.Model.deploying;
import static io.github.ecsrollout.support.Model.failed;
import static io.github.ecsrollout.support.Model.service;
import static io.github.ecsrollout.support.Model.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.internal.model.ServiceId;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.testing.VirtualClock;
import io.github.ecsrollout.support.CapturedLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Service;

/** The log lines of {@link Notifier}, on a clock the test moves: progress at most once per poll delay. */
class NotifierTest {

    private static final String D1 = "ecs-svc/1";
    private static final Instant SINCE = Instant.EPOCH;

    private final VirtualClock clock = VirtualClock.create();
    private final Notifier notifier = Notifier.forRollout(RolloutListener.NONE, Duration.ofSeconds(15), clock);

    private static List<TrackedService> targets(int n) {
        return IntStream.range(0, n).mapToObj(i -> new TrackedService(ServiceId.of("prod", "svc-" + i))).toList();
    }

    private static List<ServiceId> ids(List<TrackedService> targets) {
        return targets.stream().map(TrackedService::id).toList();
    }

    private void observe(TrackedService t, Service answer) {
        notifier.observed(t, t.observe(answer, null, SINCE, null));
    }

    private void after(long seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    private static List<String> progress(CapturedLog log) {
        return log.lines("INFO", "progress").stream().map(l -> l.substring(l.indexOf(" - ") + 3)).toList();
    }

    @Test
    void progressComesAtMostOncePerDelayAndOnlyWhenSomethingChanged() {
        List<TrackedService> fleet = targets(25);
        try (CapturedLog log = CapturedLog.open()) {
            notifier.started(ids(fleet), false);
            notifier.watching(fleet);
            fleet.forEach(t -> observe(t, deploying(t.id().service(), D1)));
            after(14);
            observe(fleet.get(0), stable("svc-0", D1));
            assertEquals(List.of(), progress(log), "less than a delay since the start");

            after(1);
            observe(fleet.get(1), stable("svc-1", D1));
            assertEquals(List.of("2 of 25 stable, 23 in progress, 0 failed"), progress(log));

            after(15);
            observe(fleet.get(5), deploying("svc-5", D1));
            assertEquals(1, progress(log).size(), "a delay passed, but nothing changed");

            observe(fleet.get(2), stable("svc-2", D1));
            after(1);
            observe(fleet.get(3), service("svc-3", 0, 2, failed(D1, "PRIMARY", "circuit breaker")));
            assertEquals(List.of("2 of 25 stable, 23 in progress, 0 failed", "3 of 25 stable, 22 in progress, 0 failed"),
                    progress(log));

            after(14);
            observe(fleet.get(5), deploying("svc-5", D1));
            assertEquals("3 of 25 stable, 21 in progress, 1 failed", progress(log).get(2),
                    "a change not yet told is told on the next poll a delay on, even a poll that changed nothing");
        }
    }

    @Test
    void updatesAcceptedAreCountedWhileUpdating() {
        List<TrackedService> fleet = targets(12);
        try (CapturedLog log = CapturedLog.open()) {
            notifier.started(ids(fleet), true);
            for (int i = 0; i < fleet.size(); i++) {
                after(5);
                notifier.updateAccepted(fleet.get(i));
            }
            assertEquals(List.of("0 of 12 stable, 3 in progress, 0 failed, 9 not yet updated",
                    "0 of 12 stable, 6 in progress, 0 failed, 6 not yet updated",
                    "0 of 12 stable, 9 in progress, 0 failed, 3 not yet updated",
                    "0 of 12 stable, 12 in progress, 0 failed, 0 not yet updated"), progress(log));
            assertEquals(List.of(), log.lines("INFO", "services"), "an update accepted is DEBUG");
        }
    }

    @Test
    void aRolloutOfTenServicesLogsNoProgress() {
        List<TrackedService> fleet = targets(10);
        try (CapturedLog log = CapturedLog.open()) {
            notifier.started(ids(fleet), false);
            notifier.watching(fleet);
            for (TrackedService t : fleet) {
                after(15);
                observe(t, stable(t.id().service(), D1));
            }
            assertEquals(List.of(), progress(log));
            assertEquals(10, log.lines("INFO", "services").size());
        }
    }

    @Test
    void aChangeOfVerdictIsInfoAndOtherChangesAreDebug() {
        TrackedService web = targets(1).get(0);
        try (CapturedLog log = CapturedLog.open(Logs.SERVICES.getName())) {
            observe(web, deploying("svc-0", D1));
            observe(web, service("svc-0", 2, 2, deploying("svc-0", D1).deployments().get(0)));
            observe(web, stable("svc-0", D1));

            assertEquals(2, log.lines("DEBUG", "services").size(), "the first observation and a change of counts");
            List<String> info = log.lines("INFO", "services");
            assertEquals(1, info.size());
            assertEquals("svc-0 [prod]: STABLE, running 2/2, pending 0, 1 deployment, rolloutState COMPLETED",
                    info.get(0).substring(info.get(0).indexOf(" - ") + 3));
        }
    }
}
