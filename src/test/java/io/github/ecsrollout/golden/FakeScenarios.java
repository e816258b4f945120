package io.github.ecsrollout.golden;

import static software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage.BAKE_TIME;
import static software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT;

import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.testing.FakeService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * The golden master's scenarios on {@link io.github.ecsrollout.testing.FakeEcs}: every scripted behaviour crossed
 * with the public operations. No delay and bounds in polls ({@code maxAttempts}), so that, FakeEcs counting progress
 * in polls, nothing depends on the wall clock and every count is exact; the scenarios whose chunks of services are
 * watched on several threads at once are the exception (coarse).
 */
final class FakeScenarios {

    /** Enough polls for every script below to show its outcome, few enough to keep never-stable transcripts short. */
    private static final int MAX_ATTEMPTS = 8;

    /** One way a service's next deployment goes. */
    private record Script(String name, Consumer<FakeService> apply) {
    }

    private static final Script STABLE = new Script("stable", s -> s.becomesStableAfter(2));
    private static final Script CIRCUIT_BREAKER = new Script("circuit-breaker", s -> s.circuitBreakerTripsAfter(2));
    private static final Script CIRCUIT_BREAKER_ROLLBACK = new Script("circuit-breaker-rolls-back",
            s -> s.circuitBreakerRollsBackAfter(2));
    private static final Script NEVER_STABLE = new Script("never-stable", FakeService::neverStable);
    private static final Script GOES_MISSING = new Script("goes-missing", s -> s.goesMissingAfter(2));
    private static final Script GOES_INACTIVE = new Script("goes-inactive", s -> s.goesInactiveAfter(2));
    private static final Script SUPERSEDED = new Script("superseded", s -> s.supersededAfter(2));
    private static final Script REJECTS = new Script("rejects-updates", FakeService::rejectsUpdates);
    private static final Script BLUE_GREEN = new Script("blue-green", s -> s.blueGreen(1));
    private static final Script PAUSED = new Script("blue-green-paused",
            s -> s.blueGreen(1).pausesAt(POST_PRODUCTION_TRAFFIC_SHIFT));
    private static final Script BLUE_GREEN_SUPERSEDED = new Script("blue-green-superseded",
            s -> s.blueGreen(1).supersededAfter(3));
    private static final Script BLUE_GREEN_CIRCUIT_BREAKER = new Script("blue-green-circuit-breaker",
            s -> s.blueGreen(1).circuitBreakerTripsAfter(3));
    private static final Script INACTIVE = new Script("inactive", FakeService::inactive);
    private static final Script MISSING = new Script("missing", FakeService::missing);

    private static final List<Script> ALL = List.of(STABLE, CIRCUIT_BREAKER, CIRCUIT_BREAKER_ROLLBACK, NEVER_STABLE,
            GOES_MISSING, GOES_INACTIVE, SUPERSEDED, REJECTS, BLUE_GREEN, PAUSED, BLUE_GREEN_SUPERSEDED,
            BLUE_GREEN_CIRCUIT_BREAKER, INACTIVE, MISSING);

    private FakeScenarios() {
    }

    static List<Scenario> all() {
        List<Scenario> all = new ArrayList<>();
        rollOutOne(all);
        rollOutOneVariants(all);
        fleetOfThree(all);
        fleetOfTwelve(all);
        awaitStable(all);
        startAndCheck(all);
        startAndResume(all);
        return all;
    }

    private static Scenario exact(String name, Scenario.Body body) {
        return new Scenario("fake-" + name, false, body);
    }

    private static String suffix(boolean rollback) {
        return rollback ? "-with-rollback" : "";
    }

    private static ServiceRollout rollout(ScenarioRun run, boolean rollback) {
        return run.fakeRollout().maxAttempts(MAX_ATTEMPTS).rollbackOnFailure(rollback).build();
    }

    private static UpdateServiceRequest update(String cluster, String service) {
        return UpdateServiceRequest.builder().cluster(cluster).service(service).taskDefinition(service + ":2").build();
    }

    // ---- rollOut of one service ---------------------------------------------------------------------------------

    private static void rollOutOne(List<Scenario> all) {
        for (Script script : ALL) {
            for (boolean rollback : new boolean[] {false, true}) {
                if (rollback && (script == INACTIVE || script == MISSING)) {
                    continue; // nothing is updated, so nothing to roll back: the same as without
                }
                if (rollback ? script == GOES_INACTIVE
                        : script == BLUE_GREEN_SUPERSEDED || script == BLUE_GREEN_CIRCUIT_BREAKER) {
                    continue; // much like a scenario kept: goes-missing, and the rolling ones
                }
                all.add(exact("rollout-" + script.name + suffix(rollback), run -> {
                    script.apply.accept(run.service("prod", "web"));
                    run.call("rollOut", () -> rollout(run, rollback).rollOut("prod", "web", "web:2"));
                }));
            }
        }
    }

    private static void rollOutOneVariants(List<Scenario> all) {
        all.add(exact("rollout-blue-green-succeed-at-bake-time", run -> {
            run.service("prod", "web").blueGreen(3);
            run.call("rollOut", () -> run.fakeRollout().succeedAtStage(BAKE_TIME).build()
                    .rollOut("prod", "web", "web:2"));
        }));
        all.add(exact("rollout-blue-green-paused-succeed-at-bake-time-rollback", run -> {
            run.service("prod", "web").blueGreen(3).pausesAt(POST_PRODUCTION_TRAFFIC_SHIFT);
            run.call("rollOut", () -> run.fakeRollout().maxAttempts(MAX_ATTEMPTS).succeedAtStage(BAKE_TIME)
                    .rollbackOnFailure(true).build().rollOut("prod", "web", "web:2"));
        }));
        all.add(exact("rollout-rolling-succeed-at-bake-time-refused", run -> {
            run.service("prod", "web").becomesStableAfter(2);
            run.call("rollOut", () -> run.fakeRollout().succeedAtStage(BAKE_TIME).build()
                    .rollOut("prod", "web", "web:2"));
        }));
        all.add(exact("rollout-circuit-breaker-without-stopped-tasks", run -> {
            run.service("prod", "web").circuitBreakerTripsAfter(2);
            run.call("rollOut", () -> run.fakeRollout().fetchStoppedTasks(false).build()
                    .rollOut("prod", "web", "web:2"));
        }));
        for (Script script : List.of(STABLE, CIRCUIT_BREAKER, PAUSED)) {
            for (boolean rollback : new boolean[] {false, true}) {
                if (rollback == (script == STABLE)) {
                    continue;
                }
                all.add(exact("rollout-service-deployments-denied-" + script.name + suffix(rollback), run -> {
                    run.fake(ScenarioRun.fakeBuilder().accessDenied(ListServiceDeploymentsRequest.class,
                            DescribeServiceDeploymentsRequest.class).build());
                    script.apply.accept(run.service("prod", "web"));
                    run.call("rollOut", () -> rollout(run, rollback).rollOut("prod", "web", "web:2"));
                }));
            }
        }
        all.add(exact("rollout-list-tasks-denied-circuit-breaker", run -> {
            run.fake(ScenarioRun.fakeBuilder().accessDenied(ListTasksRequest.class).build());
            run.service("prod", "web").circuitBreakerTripsAfter(2);
            run.call("rollOut", () -> rollout(run, false).rollOut("prod", "web", "web:2"));
        }));
        all.add(exact("rollout-describe-tasks-denied-circuit-breaker", run -> {
            run.fake(ScenarioRun.fakeBuilder().accessDenied(DescribeTasksRequest.class).build());
            run.service("prod", "web").circuitBreakerTripsAfter(2);
            run.call("rollOut", () -> rollout(run, false).rollOut("prod", "web", "web:2"));
        }));
        all.add(exact("rollout-stop-denied-never-stable-rollback", run -> {
            run.fake(ScenarioRun.fakeBuilder().accessDenied(StopServiceDeploymentRequest.class).build());
            run.service("prod", "web").neverStable();
            run.call("rollOut", () -> rollout(run, true).rollOut("prod", "web", "web:2"));
        }));
        for (Script script : List.of(CIRCUIT_BREAKER_ROLLBACK)) {
            all.add(exact("rollout-no-listener-" + script.name, run -> {
                script.apply.accept(run.service("prod", "web"));
                run.call("rollOut", () -> run.fakeRollout().listener(RolloutListener.NONE).maxAttempts(MAX_ATTEMPTS)
                        .build().rollOut("prod", "web", "web:2"));
            }));
        }
        // An update whose answer is lost: the call aborted (an interruption, which leaves a checkpoint), or the
        // connection lost (a rejected update, which rollbackOnFailure treats as a change).
        all.add(exact("fleet3-update-answer-lost-aborted", run -> {
            List<UpdateServiceRequest> requests = fleet(run, "prod", 3, null, -1);
            run.service("prod", "svc-01").rejectsUpdates(AbortedException.create("aborted"));
            // No listener: an interrupted rollout does not wait for its listener, whose calls are then dropped or
            // not as the listener thread happens to be quick (with a WARN line saying so).
            run.call("rollOut", () -> run.fakeRollout().listener(RolloutListener.NONE).maxAttempts(MAX_ATTEMPTS)
                    .rollbackOnFailure(true).build().rollOut(requests));
            // The rollout sets the interrupt flag again, as it says: not the next scenario's.
            run.note("interrupt flag set: " + Thread.interrupted());
        }));
        all.add(exact("fleet3-update-answer-lost-connection-with-rollback", run -> {
            List<UpdateServiceRequest> requests = fleet(run, "prod", 3, null, -1);
            run.service("prod", "svc-01").rejectsUpdates(SdkClientException.create("Unable to execute HTTP request: "
                    + "Connection reset"));
            run.call("rollOut", () -> rollout(run, true).rollOut(requests));
        }));
        all.add(exact("rollout-unknown-cluster", run -> {
            run.service("prod", "web");
            run.call("rollOut", () -> rollout(run, false).rollOut("staging", "web", "web:2"));
        }));
        all.add(exact("rollout-by-arn-with-desired-count-and-force", run -> {
            run.service("prod", "web").becomesStableAfter(2);
            String account = "arn:aws:ecs:us-east-1:123456789012:";
            run.call("rollOut", () -> rollout(run, true).rollOut(UpdateServiceRequest.builder()
                    .cluster(account + "cluster/prod").service(account + "service/prod/web").taskDefinition("web:2")
                    .desiredCount(3).forceNewDeployment(true).build()));
        }));
        all.add(exact("rollout-same-task-definition-forced", run -> {
            run.service("prod", "web").becomesStableAfter(3);
            run.call("rollOut", () -> rollout(run, false).rollOut(UpdateServiceRequest.builder().cluster("prod")
                    .service("web").forceNewDeployment(true).build()));
        }));
    }

    // ---- fleets -------------------------------------------------------------------------------------------------

    private static void fleetOfThree(List<Scenario> all) {
        all.add(exact("fleet3-all-stable", run -> {
            List<UpdateServiceRequest> requests = fleet(run, "prod", 3, null, -1);
            run.call("rollOut", () -> rollout(run, false).rollOut(requests));
        }));
        for (Script bad : List.of(CIRCUIT_BREAKER, CIRCUIT_BREAKER_ROLLBACK, NEVER_STABLE, SUPERSEDED, REJECTS,
                PAUSED)) {
            for (boolean rollback : new boolean[] {false, true}) {
                if (!rollback && bad != CIRCUIT_BREAKER && bad != NEVER_STABLE) {
                    continue; // the single-service scenarios have them without rollback
                }
                all.add(exact("fleet3-" + bad.name + suffix(rollback), run -> {
                    List<UpdateServiceRequest> requests = fleet(run, "prod", 3, bad, 1);
                    run.call("rollOut", () -> rollout(run, rollback).rollOut(requests));
                }));
            }
        }
    }

    /**
     * Services {@code svc-00}... of one cluster, healthy but one: each becomes stable after 2 polls, the one at
     * {@code badIndex} goes as {@code bad} says.
     */
    private static List<UpdateServiceRequest> fleet(ScenarioRun run, String cluster, int size, Script bad,
            int badIndex) {
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String name = String.format("svc-%02d", i);
            FakeService s = run.service(cluster, name).becomesStableAfter(2);
            if (i == badIndex) {
                bad.apply.accept(s);
            }
            requests.add(update(cluster, name));
        }
        return requests;
    }

    private static void fleetOfTwelve(List<Scenario> all) {
        // One thread: the two chunks of 10 and 2 take turns of one poll each, so every count stays exact.
        all.add(exact("fleet12-one-thread-all-stable", run -> {
            List<UpdateServiceRequest> requests = fleet(run, "prod", 12, null, -1);
            run.call("rollOut", () -> run.fakeRollout().maxConcurrency(1).build().rollOut(requests));
        }));
        for (Script bad : List.of(CIRCUIT_BREAKER, NEVER_STABLE)) {
            for (boolean rollback : new boolean[] {false, true}) {
                all.add(exact("fleet12-one-thread-" + bad.name + suffix(rollback), run -> {
                    List<UpdateServiceRequest> requests = fleet(run, "prod", 12, bad, 11);
                    run.call("rollOut", () -> run.fakeRollout().maxConcurrency(1).maxAttempts(MAX_ATTEMPTS)
                            .rollbackOnFailure(rollback).build().rollOut(requests));
                }));
            }
        }
        all.add(exact("fleet12-one-thread-rejects-updates-rollback", run -> {
            List<UpdateServiceRequest> requests = fleet(run, "prod", 12, REJECTS, 5);
            run.call("rollOut", () -> run.fakeRollout().maxConcurrency(1).rollbackOnFailure(true).build()
                    .rollOut(requests));
        }));
        all.add(exact("fleet12-two-clusters-one-thread-circuit-breaker-rollback", run -> {
            List<UpdateServiceRequest> requests = new ArrayList<>(fleet(run, "blue", 6, null, -1));
            requests.addAll(fleet(run, "green", 6, CIRCUIT_BREAKER_ROLLBACK, 2));
            run.call("rollOut", () -> run.fakeRollout().maxConcurrency(1).rollbackOnFailure(true).build()
                    .rollOut(requests));
        }));
        // Several threads: each service's own calls are still in order, but how far one chunk got when another's
        // verdict ended the rollout depends on timing, hence coarse transcripts.
        all.add(new Scenario("fake-fleet12-threads-all-stable", true, run -> {
            List<UpdateServiceRequest> requests = fleet(run, "prod", 12, null, -1);
            run.call("rollOut", () -> run.fakeRollout().build().rollOut(requests));
        }));
        all.add(new Scenario("fake-fleet12-threads-circuit-breaker-rollback", true, run -> {
            // The healthy chunk is stable on its first poll; the bad service fails on its third, 40 ms later at the
            // least, so every healthy service is stable (and restored by update) whatever the threads do.
            List<UpdateServiceRequest> requests = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String name = String.format("svc-%02d", i);
                FakeService s = run.service("prod", name).becomesStableAfter(1);
                if (i == 11) {
                    s.circuitBreakerTripsAfter(3);
                }
                requests.add(update("prod", name));
            }
            run.call("rollOut", () -> run.fakeRollout().delay(Duration.ofMillis(20)).rollbackOnFailure(true).build()
                    .rollOut(requests));
        }));
    }

    // ---- awaitStable --------------------------------------------------------------------------------------------

    private static void awaitStable(List<Scenario> all) {
        for (Script script : List.of(STABLE, CIRCUIT_BREAKER, CIRCUIT_BREAKER_ROLLBACK, NEVER_STABLE, GOES_MISSING,
                SUPERSEDED, PAUSED)) {
            all.add(exact("await-" + script.name, run -> {
                FakeService web = run.service("prod", "web");
                script.apply.accept(web);
                // Deployed from outside the rollout: awaitStable only watches.
                web.deploy("web:2");
                run.call("awaitStable", () -> rollout(run, false).awaitStable("prod", "web"));
            }));
        }
        for (Script script : List.of(INACTIVE, MISSING)) {
            all.add(exact("await-" + script.name, run -> {
                script.apply.accept(run.service("prod", "web"));
                run.call("awaitStable", () -> rollout(run, false).awaitStable("prod", "web"));
            }));
        }
        all.add(exact("await-already-stable", run -> {
            run.service("prod", "web");
            run.call("awaitStable", () -> rollout(run, false).awaitStable("prod", "web", "web"));
        }));
        all.add(exact("await-circuit-breaker-rollback-on-failure", run -> {
            run.service("prod", "web").circuitBreakerTripsAfter(2).deploy("web:2");
            run.call("awaitStable", () -> rollout(run, true).awaitStable("prod", "web"));
        }));
        all.add(exact("await-fleet3-circuit-breaker", run -> {
            for (int i = 0; i < 3; i++) {
                FakeService s = run.service("prod", "svc-0" + i).becomesStableAfter(2);
                if (i == 1) {
                    s.circuitBreakerTripsAfter(2);
                }
                s.deploy("svc-0" + i + ":2");
            }
            run.call("awaitStable", () -> rollout(run, false).awaitStable("prod", List.of("svc-00", "svc-01",
                    "svc-02")));
        }));
    }

    // ---- start, check, resume -----------------------------------------------------------------------------------

    private static void startAndCheck(List<Scenario> all) {
        for (Script script : List.of(STABLE, CIRCUIT_BREAKER, CIRCUIT_BREAKER_ROLLBACK, NEVER_STABLE, SUPERSEDED,
                REJECTS, BLUE_GREEN, PAUSED)) {
            for (boolean rollback : new boolean[] {false, true}) {
                boolean both = script == CIRCUIT_BREAKER || script == PAUSED;
                if (rollback ? !both && script != SUPERSEDED && script != REJECTS
                        : script == SUPERSEDED || script == REJECTS) {
                    continue;
                }
                all.add(exact("start-check-" + script.name + suffix(rollback), run -> {
                    script.apply.accept(run.service("prod", "web"));
                    ServiceRollout rollout = rollout(run, rollback);
                    RolloutCheckpoint started = run.call("start", () -> rollout.start(update("prod", "web")));
                    if (started != null) {
                        run.checkUntilDone(rollout, started, 6);
                    }
                }));
            }
        }
        all.add(exact("start-check-blue-green-succeed-at-bake-time", run -> {
            run.service("prod", "web").blueGreen(3);
            ServiceRollout rollout = run.fakeRollout().succeedAtStage(BAKE_TIME).build();
            RolloutCheckpoint started = run.call("start", () -> rollout.start(update("prod", "web")));
            run.checkUntilDone(rollout, started, 8);
        }));
        all.add(exact("start-check-fleet3-circuit-breaker-rollback", run -> {
            List<UpdateServiceRequest> requests = fleet(run, "prod", 3, CIRCUIT_BREAKER, 1);
            ServiceRollout rollout = rollout(run, true);
            RolloutCheckpoint started = run.call("start", () -> rollout.start(requests));
            run.checkUntilDone(rollout, started, 6);
        }));
        all.add(exact("start-check-with-another-rollouts-settings", run -> {
            // The checkpoint's succeedAtStage and rollbackOnFailure apply, whatever the checking rollout says.
            run.service("prod", "web").blueGreen(3).pausesAt(POST_PRODUCTION_TRAFFIC_SHIFT);
            RolloutCheckpoint started = run.call("start", () -> run.fakeRollout().succeedAtStage(BAKE_TIME)
                    .rollbackOnFailure(true).build().start(update("prod", "web")));
            run.checkUntilDone(run.fakeRollout().build(), started, 8);
        }));
    }

    private static void startAndResume(List<Scenario> all) {
        for (Script script : List.of(STABLE, CIRCUIT_BREAKER, PAUSED)) {
            for (boolean rollback : new boolean[] {false, true}) {
                if (rollback == (script == STABLE)) {
                    continue;
                }
                all.add(exact("start-resume-" + script.name + suffix(rollback), run -> {
                    script.apply.accept(run.service("prod", "web"));
                    ServiceRollout rollout = rollout(run, rollback);
                    RolloutCheckpoint started = run.call("start", () -> rollout.start(update("prod", "web")));
                    run.call("resume", () -> rollout.resume(started));
                }));
            }
        }
        all.add(exact("start-resume-never-stable-timed-out-twice", run -> {
            run.service("prod", "web").neverStable();
            ServiceRollout rollout = run.fakeRollout().maxAttempts(3).build();
            RolloutCheckpoint started = run.call("start", () -> rollout.start(update("prod", "web")));
            run.call("resume#1", () -> rollout.resume(started));
            RolloutNotStableException timedOut = run.lastFailure();
            RolloutCheckpoint left = timedOut == null ? null : timedOut.checkpoint().orElse(null);
            if (left != null) {
                run.call("check", () -> rollout.check(left));
                run.call("resume#2", () -> rollout.resume(left));
            }
        }));
        all.add(exact("rollout-timed-out-then-resumed-with-rollback", run -> {
            run.service("prod", "web").neverStable();
            run.call("rollOut", () -> run.fakeRollout().maxAttempts(2).build().rollOut("prod", "web", "web:2"));
            RolloutNotStableException timedOut = run.lastFailure();
            RolloutCheckpoint left = timedOut == null ? null : timedOut.checkpoint().orElse(null);
            if (left != null) {
                // The checkpoint's rollbackOnFailure (false) applies, not the resuming rollout's.
                run.call("resume", () -> run.fakeRollout().maxAttempts(2).rollbackOnFailure(true).build()
                        .resume(left));
            }
        }));
        all.add(exact("start-fleet12-rejects-updates-rollback", run -> {
            List<UpdateServiceRequest> requests = fleet(run, "prod", 12, REJECTS, 7);
            run.call("start", () -> rollout(run, true).start(requests));
        }));
        all.add(exact("start-resume-fleet12-one-thread", run -> {
            List<UpdateServiceRequest> requests = fleet(run, "prod", 12, null, -1);
            ServiceRollout rollout = run.fakeRollout().maxConcurrency(1).build();
            RolloutCheckpoint started = run.call("start", () -> rollout.start(requests));
            run.call("resume", () -> rollout.resume(started));
        }));
        // A check polls the two chunks on threads of their own: their progress lines interleave, hence coarse.
        all.add(new Scenario("fake-start-check-fleet12-circuit-breaker", true, run -> {
            List<UpdateServiceRequest> requests = fleet(run, "prod", 12, CIRCUIT_BREAKER, 10);
            ServiceRollout rollout = rollout(run, false);
            RolloutCheckpoint started = run.call("start", () -> rollout.start(requests));
            run.checkUntilDone(rollout, started, 5);
        }));
    }
}
