package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * A rollout started in one {@code ServiceRollout} and checked or resumed in others, each built afresh from the JSON
 * string as a later Lambda invocation would, reaches the verdicts an uninterrupted {@code rollOut} reaches. The time
 * between two checks is the virtual clock's, moved by the test, as the state machine's Wait state would let it pass.
 */
class CheckpointIT extends ItBase {

    private static final String BAD = "05";

    /** How a scenario ended: {@code null} reason for success, and each service's verdict by its number. */
    private record Outcome(Reason reason, Map<String, Verdict> verdicts) {
    }

    /** Creates a fleet of 12 (two chunks) named {@code prefix-NN}; {@code bad} is service 05's script. */
    private List<String> fleet(String prefix, ServiceScript bad) {
        List<String> services = names(prefix, 12);
        for (String s : services) {
            sim.createService(ServiceSpec.of("prod", s).desiredCount(2)
                    .script(s.endsWith("-" + BAD) ? bad : ServiceScript.stableAfter(Duration.ofMillis(60))));
        }
        return services;
    }

    private static Outcome outcome(Reason reason, List<ServiceState> states) {
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        states.forEach(s -> verdicts.put(s.service().substring(s.service().lastIndexOf('-') + 1), s.verdict()));
        return new Outcome(reason, verdicts);
    }

    /** The uninterrupted rollout; {@code meanwhile} runs once ECS accepted the bad service's update. */
    private Outcome viaRollOut(ServiceScript bad, Consumer<String> meanwhile) {
        List<String> services = fleet("a", bad);
        sim.once(a -> a.operation().equals("UpdateService") && a.ok() && a.service().endsWith("-" + BAD),
                a -> meanwhile.accept(a.service()));
        try {
            return outcome(null, rollout().timeout(Duration.ofSeconds(20)).build()
                    .rollOut(toRevision("prod", services, 2)).services());
        } catch (RolloutNotStableException e) {
            return outcome(e.reason(), e.serviceStates());
        }
    }

    /**
     * The same rollout started, then checked every {@code between} (for up to 20 s) by a new {@code ServiceRollout}
     * that knows only the JSON string; {@code meanwhile} runs right after the start.
     */
    private Outcome viaChecks(ServiceScript bad, Consumer<String> meanwhile, Duration between) {
        List<String> services = fleet("b", bad);
        String json = rollout().build().start(toRevision("prod", services, 2)).toJson();
        meanwhile.accept("b-" + BAD);
        for (Duration waited = Duration.ZERO; waited.compareTo(Duration.ofSeconds(20)) < 0;
                waited = waited.plus(between)) {
            clock.advance(between);
            try (ServiceRollout invocation = rollout().build()) {
                RolloutProgress progress = invocation.check(RolloutCheckpoint.fromJson(json));
                if (progress.isDone()) {
                    return outcome(null, progress.result().orElseThrow().services());
                }
                json = progress.checkpoint().toJson();
            } catch (RolloutNotStableException e) {
                return outcome(e.reason(), e.serviceStates());
            }
        }
        throw new AssertionError("the checks never ended");
    }

    private void sameVerdicts(ServiceScript bad, Consumer<String> meanwhile, Duration between, Reason expected) {
        Outcome whole = viaRollOut(bad, meanwhile);
        Outcome checked = viaChecks(bad, meanwhile, between);
        assertEquals(expected, whole.reason(), "rollOut: " + whole);
        assertEquals(whole.reason(), checked.reason(), "checked: " + checked + "\nrollOut: " + whole);
        assertEquals(whole.verdicts().get(BAD), checked.verdicts().get(BAD));
    }

    @Test
    void aHealthyRolloutSucceedsAcrossChecks() {
        sameVerdicts(ServiceScript.stableAfter(Duration.ofMillis(150)), s -> { }, Duration.ofMillis(40), null);
    }

    @Test
    void aFailureThatShowsBetweenTwoChecksIsDeploymentFailed() {
        sameVerdicts(ServiceScript.circuitBreakerFails(Duration.ofMillis(150), false, Duration.ZERO), s -> { },
                Duration.ofMillis(300), Reason.DEPLOYMENT_FAILED);
    }

    @Test
    void aRollbackThatCompletesBetweenTwoChecksIsRolledBackNeverSuccess() {
        // ECS trips the breaker at 100 ms and is back on the old revision 60 ms later: the first check, 500 ms after
        // the start, sees only a stable service on the old task definition.
        ServiceScript script = ServiceScript.circuitBreakerFails(Duration.ofMillis(100), true, Duration.ofMillis(60));
        Outcome whole = viaRollOut(script, s -> { });
        Outcome checked = viaChecks(script, s -> { }, Duration.ofMillis(500));
        // rollOut sees the trip itself: the poll at 100 ms finds the deployment FAILED, and its service deployment,
        // looked up at the same instant of the virtual clock, saying ECS rolls back. The checks see only the end.
        assertEquals(Reason.ROLLED_BACK, whole.reason(), "" + whole);
        assertEquals(Reason.ROLLED_BACK, checked.reason(), "checked: " + checked);
        assertEquals(Verdict.ROLLED_BACK, checked.verdicts().get(BAD));
    }

    @Test
    void aDeploymentSupersededBetweenChecksIsSuperseded() {
        sameVerdicts(ServiceScript.neverStable(), s -> sim.service("prod", s).deployAsSomeoneElse(s + ":3"),
                Duration.ofMillis(100), Reason.SUPERSEDED);
    }

    @Test
    void aTimedOutRolloutCarriesACheckpointAndARollbackWhileNobodyWatchesIsRolledBack() {
        sim.createService(ServiceSpec.of("prod", "c").desiredCount(2).script(ServiceScript.circuitBreakerFails(
                Duration.ofMillis(1000), true, Duration.ofMillis(60))));
        RolloutNotStableException timedOut = failure(() -> rollout().timeout(Duration.ofMillis(500)).build()
                .rollOut("prod", "c", "c:2"));
        assertEquals(Reason.TIMED_OUT, timedOut.reason());
        assertEquals(Verdict.IN_PROGRESS, timedOut.serviceState("c").orElseThrow().verdict());
        String json = timedOut.checkpoint().orElseThrow().toJson();

        // ECS rolls c back while nobody watches: it ends stable on its old task definition.
        awaitInSim(() -> sim.service("prod", "c").taskDefinition().endsWith(ofRevision("c", 1))
                && sim.service("prod", "c").deploymentCount() == 1);
        assertEquals(1, sim.service("prod", "c").deploymentCount());
        RolloutNotStableException next = failure(() -> rollout().build().check(RolloutCheckpoint.fromJson(json)));
        assertEquals(Reason.ROLLED_BACK, next.reason());
        assertEquals(Verdict.ROLLED_BACK, next.serviceState("c").orElseThrow().verdict());
    }

    @Test
    void resumeWaitsFromWhereATimeoutLeftOff() {
        List<String> services = fleet("d", ServiceScript.stableAfter(Duration.ofMillis(1500)));
        RolloutNotStableException timedOut = failure(() -> rollout().timeout(Duration.ofMillis(700)).build()
                .rollOut(toRevision("prod", services, 2)));
        RolloutCheckpoint checkpoint = timedOut.checkpoint().orElseThrow();
        int updates = sim.stats().count("UpdateService");

        ServiceRollout next = rollout().timeout(Duration.ofSeconds(10)).build();
        // The checkpoint holds what was updated before the timeout (all of it, unless the timeout came first).
        assertEquals(new HashSet<>(timedOut.updatedServices()), new HashSet<>(next.resume(checkpoint).serviceNames()));
        assertEquals(checkpoint.services().size(), timedOut.updatedServices().size());
        assertEquals(updates, sim.stats().count("UpdateService"), "resuming sends no update");
    }

    @Test
    void aCheckPollsOnlyServicesNotYetConfirmedOnePollPerTenAndNeverSleeps() {
        List<String> services = fleet("e", ServiceScript.neverStable());
        RolloutCheckpoint started = rollout().delay(Duration.ofHours(1)).build()
                .start(toRevision("prod", services, 2));
        assertEquals(12, sim.stats().count("UpdateService"));
        awaitStableInSim(services, "e-" + BAD);

        int before = polls().size();
        Duration at = elapsed();
        RolloutProgress first = rollout().delay(Duration.ofHours(1)).build().check(started);
        assertFalse(first.isDone());
        assertEquals(2, polls().size() - before, "12 services: two DescribeServices calls, no sleep of an hour");
        assertEquals(Duration.ofNanos(Math.round(1e9 / DESCRIBES_PER_SECOND)), elapsed().minus(at),
                "the check waited only for its second call's turn at the DescribeServices pace, never a poll delay");
        assertEquals(11, first.services().stream().filter(s -> s.verdict() == Verdict.STABLE).count());

        before = polls().size();
        RolloutProgress second = rollout().build().check(RolloutCheckpoint.fromJson(first.checkpoint().toJson()));
        assertFalse(second.isDone());
        assertEquals(1, polls().size() - before, "only the unconfirmed service is asked about");
        assertEquals(1, polls().get(polls().size() - 1).services());
    }

    @Test
    void eventsAreToldOnceAcrossChecks() {
        List<String> services = fleet("f", ServiceScript.neverStable(Duration.ofMillis(40)));
        String json = rollout().build().start(toRevision("prod", services, 2)).toJson();
        List<String> told = new ArrayList<>();
        RolloutListener listener = new RolloutListener() {
            @Override
            public void onServiceEvent(String cluster, String service, ServiceEvent event) {
                synchronized (told) {
                    told.add(event.id());
                }
            }
        };
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofMillis(120));
            try (ServiceRollout invocation = rollout().listener(listener).build()) {
                json = invocation.check(RolloutCheckpoint.fromJson(json)).checkpoint().toJson();
            }
        }
        synchronized (told) {
            assertTrue(told.size() > 3, "events happened meanwhile: " + told);
            assertEquals(new HashSet<>(told).size(), told.size(), "no event told twice: " + told);
        }
    }

    @Test
    void theVerdictSettingsTheRolloutStartedWithApplyToEveryCheck() {
        sim.createService(ServiceSpec.of("prod", "bg").desiredCount(2)
                .script(ServiceScript.blueGreen(Duration.ofSeconds(10), 30)));
        sim.createService(ServiceSpec.of("prod", "bg2").desiredCount(2)
                .script(ServiceScript.blueGreen(Duration.ofSeconds(10), 30)));
        RolloutCheckpoint plain = onTheClock(ServiceRollout.builder().ecsClient(client())).build()
                .start(toRevision("prod", List.of("bg"), 2));
        RolloutCheckpoint atBake = onTheClock(ServiceRollout.builder().ecsClient(client()))
                .succeedAtStage(ServiceDeploymentLifecycleStage.BAKE_TIME).build()
                .start(toRevision("prod", List.of("bg2"), 2));

        clock.advance(Duration.ofMinutes(3));
        // A later invocation, built without succeedAtStage: the checkpoint's own setting decides.
        ServiceRollout later = onTheClock(ServiceRollout.builder().ecsClient(client())).build();
        RolloutProgress inBake = later.check(RolloutCheckpoint.fromJson(plain.toJson()));
        assertFalse(inBake.isDone(), "a blue/green deployment in its bake is not done");
        ServiceState bg = inBake.services().get(0);
        assertEquals(ServiceDeploymentLifecycleStage.BAKE_TIME,
                bg.serviceDeployment().orElseThrow().lifecycleStage());
        assertTrue(later.check(RolloutCheckpoint.fromJson(atBake.toJson())).isDone(),
                "succeedAtStage(BAKE_TIME) travels with the checkpoint");

        clock.advance(Duration.ofMinutes(35));
        RolloutProgress done = later.check(inBake.checkpoint());
        assertTrue(done.isDone());
        assertNull(done.result().orElseThrow().services().get(0).pausedHook().orElse(null));
    }

    @Test
    void startsTimeoutBoundsOnlyTheUpdatesNotTheDeploymentsBake() {
        sim.createService(ServiceSpec.of("prod", "h").desiredCount(2)
                .script(ServiceScript.blueGreen(Duration.ofSeconds(10), 60)));
        ServiceRollout lambda = rollout().timeout(Duration.ofSeconds(5)).build();
        assertThrows(IllegalArgumentException.class, () -> lambda.rollOut("prod", "h", "h:2"),
                "rollOut waits: a 5 s timeout cannot cover a 60-minute bake");
        assertEquals(0, sim.stats().count("UpdateService"));
        RolloutCheckpoint started = lambda.start(toRevision("prod", List.of("h"), 2));
        assertEquals(1, started.services().size());
        assertEquals(1, sim.stats().count("UpdateService"));
    }

    @Test
    void anotherJvmGoesOnFromTheJsonString(@TempDir Path dir) throws Exception {
        List<String> services = fleet("g", ServiceScript.circuitBreakerFails(Duration.ofMillis(150), false,
                Duration.ZERO));
        RolloutCheckpoint started = rollout().build().start(toRevision("prod", services, 2));
        Path json = dir.resolve("checkpoint.json");
        Files.writeString(json, started.toJson(), StandardCharsets.UTF_8);
        clock.advance(Duration.ofMillis(400)); // g-05 fails 150 ms in

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CheckpointChecker.class.getName(),
                sim.endpoint().toString(), json.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the other JVM ended");
        String out = Files.readString(dir.resolve("out.txt"));
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("FAILED DEPLOYMENT_FAILED g-" + BAD), out);
        assertNotEquals(-1, out.indexOf("CHECKPOINT none"), "a terminal verdict leaves no checkpoint: " + out);
    }

    /** Lets ECS's time pass (in steps of 20 ms, up to 10 s) until every service but {@code except} is stable. */
    private void awaitStableInSim(List<String> services, String except) {
        Set<String> waiting = new HashSet<>(services);
        waiting.remove(except);
        awaitInSim(() -> {
            waiting.removeIf(s -> sim.service("prod", s).deploymentCount() == 1
                    && sim.service("prod", s).runningCount() == 2);
            return waiting.isEmpty();
        });
        assertTrue(waiting.isEmpty(), "not stable in the simulator: " + waiting);
    }

    /** Lets ECS's time pass, in steps of 20 ms and up to 10 s, until {@code done}. */
    private void awaitInSim(BooleanSupplier done) {
        for (Duration waited = Duration.ZERO; !done.getAsBoolean() && waited.compareTo(Duration.ofSeconds(10)) < 0;
                waited = waited.plusMillis(20)) {
            clock.advance(Duration.ofMillis(20));
        }
    }
}
