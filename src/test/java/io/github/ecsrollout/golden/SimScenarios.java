package io.github.ecsrollout.golden;

import static software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage.BAKE_TIME;

import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * The golden master's scenarios on the simulated ECS, through the real SDK client over HTTP, on a virtual clock that
 * the simulator and the rollouts share ({@link ScenarioRun#sim()}): each poll delay and pacing wait moves it, and each
 * call ECS answers takes {@link ScenarioRun#SIM_CALL_TAKES} of it, so a script plays out in the same polls every run,
 * however busy the machine, and takes milliseconds. What a scenario makes happen during a rollout is staged with
 * {@code SimulatedEcs.meanwhile}, before ECS's answer goes out, not from the listener, whose thread would race a
 * rollout that no longer waits between polls.
 *
 * <p>The transcripts were recorded before the engine's refactoring, with the simulator and the rollouts on real time,
 * so they stay coarse (no poll counts, repeats collapsed, events apart from observations), and the scripts keep their
 * timings: tens of milliseconds, timeouts of a second or two. Some recorded transcripts hold what the time calls took
 * made of their scripts (the timeouts' stopped tasks not fetched, the ECS rollback outlasted in
 * {@code start-check-circuit-breaker-ecs-rollback-with-rollback}): calls taking {@link ScenarioRun#SIM_CALL_TAKES}
 * of the virtual clock reproduce them.
 */
final class SimScenarios {

    /**
     * A deployment's length: long enough for the first poll after the update to find it still deploying (in real time,
     * where the files were recorded, even on a loaded machine that polls late; on the virtual clock that poll comes
     * one delay, 20 ms, after the update, plus its calls' time, 5 ms each).
     */
    private static final Duration QUICK = Duration.ofMillis(250);
    /** When a failing deployment fails: after the healthy ones of a fleet are stable. */
    private static final Duration FAILS = Duration.ofMillis(300);
    /** A blue/green stage: about nine of them, so the deployment lasts as long as {@link #QUICK}'s. */
    private static final Duration STAGE = Duration.ofMillis(40);
    private static final String CRASH = "Essential container in task exited";
    /**
     * How long ECS's own rollback takes: ROLLBACK_REQUESTED for its first quarter, long enough for the poll that sees
     * the failure to see that status (in real time, whatever the machine's load).
     */
    private static final Duration ECS_ROLLBACK = Duration.ofMillis(800);
    /** A bound for scenarios that should end by themselves: 3 s of 20 ms polls. */
    private static final int MAX_ATTEMPTS = 150;

    private SimScenarios() {
    }

    static List<Scenario> all() {
        List<Scenario> all = new ArrayList<>();
        scripts(all);
        specs(all);
        fleetAndCheckpoints(all);
        return all;
    }

    private static Scenario sim(String name, Scenario.Body body) {
        return new Scenario("sim-" + name, true, body);
    }

    /** One service {@code web} of cluster {@code prod}, rolled out to {@code web:2}. */
    private static Scenario rollOut(String name, UnaryOperator<ServiceSpec> spec, boolean rollback,
            UnaryOperator<ServiceRollout.Builder> settings) {
        return sim(name, run -> {
            run.simService("prod", "web", spec);
            ServiceRollout rollout = settings.apply(run.simRollout().maxAttempts(MAX_ATTEMPTS)
                    .rollbackOnFailure(rollback)).build();
            run.call("rollOut", () -> rollout.rollOut("prod", "web", "web:2"));
        });
    }

    /** As {@link #rollOut}, with the service's later deployments (a restore) following {@code after}. */
    private static Scenario rollOutThen(String name, ServiceScript first, ServiceScript after,
            UnaryOperator<ServiceRollout.Builder> settings) {
        return sim(name, run -> {
            run.simService("prod", "web", s -> s.script(first));
            // Only the new revision fails: the restored one starts fine, as the integration tests script it.
            run.sim().afterUpdateOf("prod", "web", after);
            run.sim().stopRollbackTakes(Duration.ofMillis(100));
            ServiceRollout rollout = settings.apply(run.simRollout().maxAttempts(MAX_ATTEMPTS)
                    .rollbackOnFailure(true)).build();
            run.call("rollOut", () -> rollout.rollOut("prod", "web", "web:2"));
        });
    }

    private static void scripts(List<Scenario> all) {
        all.add(rollOut("stable", s -> s.script(ServiceScript.stableAfter(QUICK)), false, b -> b));
        all.add(rollOut("circuit-breaker", s -> s.script(ServiceScript.circuitBreakerFails(
                FAILS, false, Duration.ZERO)), false, b -> b));
        all.add(rollOutThen("circuit-breaker-with-rollback", ServiceScript.circuitBreakerFails(FAILS,
                false, Duration.ZERO), ServiceScript.stableAfter(QUICK), b -> b));
        all.add(rollOut("circuit-breaker-ecs-rollback", s -> s.script(ServiceScript.circuitBreakerFails(
                FAILS, true, ECS_ROLLBACK)), false, b -> b));
        all.add(rollOut("circuit-breaker-ecs-rollback-with-rollback", s -> s.script(ServiceScript.circuitBreakerFails(
                FAILS, true, ECS_ROLLBACK)), true, b -> b));
        // ECS's rollback fails 800 ms in: ROLLBACK_REQUESTED for its first 200 ms, what the failing poll sees.
        all.add(rollOut("circuit-breaker-rollback-fails-with-rollback", s -> s.desiredCount(3).script(
                ServiceScript.circuitBreakerRollbackFails(FAILS, ECS_ROLLBACK)), true, b -> b));
        all.add(rollOut("crash-loop-breaker", s -> s.script(ServiceScript.crashLoop(CRASH, 137, FAILS)), false,
                b -> b));
        // The last poll before a timeout's deadline takes at least the margin the deadline left it (SIM_CALL_TAKES):
        // the stopped tasks are not fetched, as recorded.
        all.add(rollOut("unable-to-place-timeout", s -> s.script(ServiceScript.unableToPlace(Duration.ofMillis(50))),
                false, b -> b.timeout(Duration.ofMillis(600))));
        all.add(rollOutThen("unable-to-place-timeout-with-rollback", ServiceScript.unableToPlace(Duration.ofMillis(50)),
                ServiceScript.stableAfter(QUICK), b -> b.timeout(Duration.ofMillis(2000))
                        .rollbackTimeout(Duration.ofMillis(1000))));
        all.add(rollOut("rolling-with-alarms", s -> s.script(ServiceScript.rollingWithAlarms(QUICK, 0,
                "p99-latency")), false, b -> b));
        // A bake of a minute: the library refuses fewer polls than that takes (at 20 ms), though the alarm fires first.
        all.add(rollOut("alarm-fires-during-bake", s -> s.script(ServiceScript.alarmFiresDuringBake(QUICK, 1,
                Duration.ofMillis(40), false, "p99-latency")), false, b -> b.maxAttempts(4000)));
        // ECS's alarm rollback settles over the deployment's rollsIn: long, for the failing poll to see it requested.
        all.add(rollOut("alarm-fires-during-bake-ecs-rollback-with-rollback", s -> s.script(
                ServiceScript.alarmFiresDuringBake(ECS_ROLLBACK, 1, Duration.ofMillis(40), true, "p99-latency")), true,
                b -> b.maxAttempts(4000)));
        all.add(rollOut("blue-green", s -> s.script(ServiceScript.blueGreen(STAGE, 0)), false, b -> b));
        all.add(rollOut("blue-green-succeed-at-bake-time", s -> s.script(ServiceScript.blueGreen(STAGE, 1)), false,
                b -> b.succeedAtStage(BAKE_TIME)));
        all.add(rollOut("linear", s -> s.script(ServiceScript.linear(STAGE, 50.0, 0, 0)), false, b -> b));
        all.add(rollOut("canary", s -> s.script(ServiceScript.canary(STAGE, 10.0, 0, 0)), false, b -> b));
        // Stages of 300 ms: ECS's rollback after the hook fails takes two, ROLLBACK_REQUESTED for the first 150 ms.
        all.add(rollOut("lambda-hook-fails", s -> s.script(ServiceScript.blueGreen(Duration.ofMillis(300), 0)
                .withLambdaHook("POST_SCALE_UP", ServiceScript.HookOutcome.FAILED, 5, "ROLLBACK")), false, b -> b));
        all.add(rollOut("pause-hook-timeout", s -> s.script(ServiceScript.blueGreen(STAGE, 0)
                .withPauseHook("POST_SCALE_UP", 60, "CONTINUE")), false, b -> b.timeout(Duration.ofMillis(600))));
        all.add(rollOutThen("pause-hook-timeout-with-rollback", ServiceScript.blueGreen(STAGE, 0)
                .withPauseHook("POST_SCALE_UP", 60, "CONTINUE"), ServiceScript.stableAfter(QUICK),
                b -> b.timeout(Duration.ofMillis(2000)).rollbackTimeout(Duration.ofMillis(1000))));
        all.add(rollOut("early-success", s -> s.desiredCount(4).script(ServiceScript.earlySuccess(50, "DEFERRED",
                QUICK, QUICK.multipliedBy(2))), false, b -> b));
    }

    private static void specs(List<Scenario> all) {
        all.add(sim("await-draining", run -> {
            run.simService("prod", "web", ServiceSpec::draining);
            run.call("awaitStable", () -> run.simRollout().maxAttempts(MAX_ATTEMPTS).build()
                    .awaitStable("prod", "web"));
        }));
        all.add(rollOut("inactive", ServiceSpec::inactive, false, b -> b));
        all.add(sim("await-code-deploy", run -> {
            run.simService("prod", "web", ServiceSpec::codeDeploy);
            run.call("awaitStable", () -> run.simRollout().maxAttempts(MAX_ATTEMPTS).build()
                    .awaitStable("prod", "web"));
        }));
        all.add(rollOut("no-service-deployment-history", s -> s.noServiceDeploymentHistory()
                .script(ServiceScript.rollingWithAlarms(QUICK, 0, "p99-latency")), false, b -> b));
        all.add(rollOut("stale-current-service-deployment", s -> s.staleCurrentServiceDeployment()
                .script(ServiceScript.stableAfter(QUICK)), false, b -> b));
        all.add(rollOut("stale-current-service-deployment-circuit-breaker", s -> s.staleCurrentServiceDeployment()
                .script(ServiceScript.circuitBreakerFails(FAILS, false, Duration.ZERO)), false,
                b -> b));
    }

    private static void fleetAndCheckpoints(List<Scenario> all) {
        all.add(sim("fleet3-circuit-breaker-with-rollback", run -> {
            // One service a cluster: the simulator's statistics name clusters, not services. Each its own name: the
            // rollback's account of its actions is keyed by service name alone (see the report of this master).
            List<UpdateServiceRequest> requests = new ArrayList<>();
            for (String cluster : List.of("a", "b", "c")) {
                String name = "web-" + cluster;
                ServiceScript script = cluster.equals("b")
                        ? ServiceScript.circuitBreakerFails(QUICK.plus(FAILS), false, Duration.ZERO)
                        : ServiceScript.stableAfter(QUICK);
                run.simService(cluster, name, s -> s.script(script));
                // Only b's new revision fails: every service's restored one starts fine.
                run.sim().afterUpdateOf(cluster, name, ServiceScript.stableAfter(QUICK));
                requests.add(UpdateServiceRequest.builder().cluster(cluster).service(name).taskDefinition(name + ":2")
                        .build());
            }
            run.call("rollOut", () -> run.simRollout().maxAttempts(MAX_ATTEMPTS).rollbackOnFailure(true).build()
                    .rollOut(requests));
        }));
        all.add(sim("start-check-stable", run -> checkUntilDone(run, ServiceScript.stableAfter(QUICK), false)));
        // The rollback watches ECS's own for its 40 polls, each a delay and its calls' time (SIM_CALL_TAKES): they
        // outlast ECS's 800 ms, which is restored, as recorded.
        all.add(sim("start-check-circuit-breaker-ecs-rollback-with-rollback",
                run -> checkUntilDone(run, ServiceScript.circuitBreakerFails(FAILS, true, ECS_ROLLBACK), true)));
        all.add(sim("start-resume-blue-green", run -> {
            run.simService("prod", "web", s -> s.script(ServiceScript.blueGreen(STAGE, 0)));
            ServiceRollout rollout = run.simRollout().maxAttempts(MAX_ATTEMPTS).build();
            RolloutCheckpoint started = run.call("start", () -> rollout.start(UpdateServiceRequest.builder()
                    .cluster("prod").service("web").taskDefinition("web:2").build()));
            run.call("resume", () -> rollout.resume(started));
        }));
    }

    /**
     * Starts, then checks every 30 ms until done or failed; only the last check is written down, as how many checks
     * it takes depended on timing in real time, where the transcripts were recorded.
     */
    private static void checkUntilDone(ScenarioRun run, ServiceScript script, boolean rollback) {
        run.simService("prod", "web", s -> s.script(script));
        ServiceRollout rollout = run.simRollout().rollbackOnFailure(rollback).build();
        RolloutCheckpoint checkpoint = run.call("start", () -> rollout.start(UpdateServiceRequest.builder()
                .cluster("prod").service("web").taskDefinition("web:2").build()));
        for (int i = 0; i < 100 && checkpoint != null; i++) {
            run.letPass(Duration.ofMillis(30));
            RolloutProgress progress;
            try {
                progress = rollout.check(checkpoint);
            } catch (RolloutNotStableException e) {
                run.call("last check", () -> {
                    throw e;
                });
                return;
            }
            if (progress.isDone()) {
                run.call("last check", () -> progress);
                return;
            }
            checkpoint = progress.checkpoint();
        }
        run.note("not done after 100 checks");
    }
}
