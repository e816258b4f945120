package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.support.CapturedLog;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * What a rollout logs, and at which level on which logger: {@code io.github.ecsrollout.ServiceRollout} and its children
 * ({@code .services}, {@code .progress}, {@code .events}, {@code .polls}, {@code .listener}), read back from
 * slf4j-simple's output ({@link CapturedLog}), which shows a logger by the last part of its name. The fleet rolls out
 * on the testkit's {@link VirtualClock}, so its chunks poll in turn on the calling thread and what each poll saw
 * before payments failed is the same in every run.
 */
class LoggingTest {

    private static final String ROOT = "io.github.ecsrollout.ServiceRollout";
    private static final Pattern PROGRESS = Pattern.compile(
            "progress - (\\d+) of 25 stable, (\\d+) in progress, (\\d+) failed(, (\\d+) not yet updated)?$");

    /**
     * 25 services (chunks of 10, 10 and 5) that settle over 1 to 4 polls, with ECS's events of tasks started, the
     * deployment completed and a steady state; payments fails on its second poll, with ECS's event saying so.
     */
    private static RolloutNotStableException rollOutFleet() {
        VirtualClock clock = VirtualClock.create();
        FakeEcs ecs = FakeEcs.builder().clock(clock).build();
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String name = i == 17 ? "payments" : "svc-" + i;
            if (name.equals("payments")) {
                ecs.service("prod", name).circuitBreakerTripsAfter(1 + i % 4);
            } else {
                ecs.service("prod", name).becomesStableAfter(1 + i % 4);
            }
            requests.add(UpdateServiceRequest.builder().cluster("prod").service(name).taskDefinition("app:2").build());
        }
        return assertThrows(RolloutNotStableException.class, () -> ServiceRollout.builder().ecsClient(ecs)
                .clock(clock).delay(Duration.ZERO).fetchStoppedTasks(false).build().rollOut(requests));
    }

    @Test
    void atInfoAFailedFleetLogsItsStartEachVerdictProgressAndOneWarnLine() {
        RolloutNotStableException e;
        List<String> lines;
        try (CapturedLog log = CapturedLog.open()) {
            e = rollOutFleet();
            lines = log.lines();

            assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
            assertEquals(1, log.lines("INFO", "ServiceRollout").size(), lines.toString());
            assertTrue(log.lines("INFO", "ServiceRollout").get(0).contains("Rolling out 25 services in prod"));

            List<String> warn = log.lines("WARN", "ServiceRollout");
            assertEquals(1, warn.size(), "the failure is logged once");
            ServiceState payments = e.serviceState("payments").orElseThrow();
            assertTrue(warn.get(0).endsWith("Rollout failed: " + e.getMessage().lines().findFirst().orElseThrow()
                    + "; failed: payments (ECS: \"circuit breaker triggered (3 of 3 tasks failed); "
                    + payments.rolloutStateReason().orElseThrow() + "\")"), "the failed service with ECS's words: " + warn.get(0));
            assertTrue(e.getMessage().lines().count() > 1, "the detail stays in the exception");

            List<String> services = log.lines("INFO", "services");
            assertEquals(1, services.stream().filter(l -> l.contains("payments [prod]: DEPLOYMENT_FAILED")).count());
            assertTrue(services.stream().allMatch(l -> l.contains(": STABLE, ") || l.contains(": DEPLOYMENT_FAILED, ")),
                    "a first observation that finds a service deploying is no news: " + services);
            assertEquals(services.size(), services.stream().map(l -> l.substring(0, l.indexOf(" [prod]"))
                    .replaceAll(".* - ", "")).distinct().count(), "one line per change of verdict");

            List<String> progress = log.lines("INFO", "progress");
            assertFalse(progress.isEmpty(), "25 services are more than one chunk: progress is logged");
            for (String line : progress) {
                Matcher m = PROGRESS.matcher(line);
                assertTrue(m.find(), line);
                assertEquals(25, Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2))
                        + Integer.parseInt(m.group(3)) + (m.group(5) == null ? 0 : Integer.parseInt(m.group(5))), line);
            }
        }
        assertTrue(lines.stream().noneMatch(l -> l.contains(" DEBUG ")), "nothing at DEBUG by default");
        assertTrue(lines.stream().noneMatch(l -> l.contains("ECS: (service")), "ECS events are not INFO");
        assertTrue(lines.stream().noneMatch(l -> l.startsWith(" ") || l.startsWith("\t")), "every line is one line");
    }

    @Test
    void ecsEventsPollsAndUpdatesAreDebugEachOnItsOwnLogger() {
        try (CapturedLog log = CapturedLog.open(ROOT + ".events", ROOT + ".polls", ROOT + ".services")) {
            RolloutNotStableException e = rollOutFleet();
            String failedDeployment = e.serviceState("payments").orElseThrow().expectedDeploymentId().orElseThrow();
            String svc3Deployment = e.serviceState("svc-3").orElseThrow().expectedDeploymentId().orElseThrow();

            // svc-0 is stable on its first poll after the update, payments fails on its second.
            assertTrue(log.lines("DEBUG", "events").stream()
                    .anyMatch(l -> l.endsWith("svc-0 [prod]: ECS: (service svc-0) has reached a steady state.")));
            assertTrue(log.lines("DEBUG", "events").stream().anyMatch(l -> l.endsWith(
                    "payments [prod]: ECS: (service payments) (deployment " + failedDeployment
                            + ") deployment failed: tasks failed to start.")));
            assertTrue(log.lines("DEBUG", "polls").stream()
                    .anyMatch(l -> l.contains("Poll 1 of 10 service(s) in prod")));
            assertTrue(log.lines("DEBUG", "services").stream()
                    .anyMatch(l -> l.endsWith("svc-3 [prod]: update accepted, deployment " + svc3Deployment)));
            assertTrue(log.lines("DEBUG", "services").stream()
                    .anyMatch(l -> l.contains("svc-3 [prod]: IN_PROGRESS, running 2/2")));
            assertTrue(log.lines("INFO", "events").isEmpty());
        }
    }

    @Test
    void aListenerThatThrowsIsWarnedAboutOnTheListenerLogger() {
        FakeEcs ecs = FakeEcs.create();
        ecs.service("prod", "web");
        RolloutListener throwing = new RolloutListener() {
            @Override
            public void onServiceStable(ServiceState state) {
                throw new IllegalStateException("listener bug");
            }
        };
        try (CapturedLog log = CapturedLog.open()) {
            ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).listener(throwing).build()
                    .awaitStable("prod", "web");

            assertEquals(1, log.lines("WARN", "listener").size(), log.lines().toString());
            assertTrue(log.lines("WARN", "listener").get(0).contains("RolloutListener.onServiceStable threw"));
            assertTrue(log.lines("INFO", "ServiceRollout").stream()
                    .anyMatch(l -> l.contains("Rollout succeeded: RolloutResult[cluster=prod, services=1")));
        }
    }
}
