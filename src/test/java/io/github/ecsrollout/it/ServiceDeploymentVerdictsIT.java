package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.sim.Faults;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import io.github.ecsrollout.sim.SimStats;
import io.github.ecsrollout.support.CapturedLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookAction;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Issue 9 end to end: every row of its verdict table, the DescribeServices rules without a service deployment,
 * {@code succeedAtStage} and the bound that fits the deployment, through the real SDK client over HTTP against the
 * simulated ECS.
 *
 * <p>ECS time here is the virtual clock the rollout shares with the simulator, and the rollout polls every 15 s of it
 * (the SDK waiter's default delay): scripts keep ECS's own minutes (bakes, linear steps, hook timeouts), a rollout sees
 * them pass as it would at AWS, in milliseconds, and no verdict depends on how busy the machine is. What someone else
 * does meanwhile (a deployment over ours, an operator's stop or continue) happens in the simulator between two of the
 * rollout's calls ({@code SimulatedEcs.meanwhile}). Asserts types and getters; a message is looked at only for the
 * words the issue asks for (alarm names, "paused", "unknown", the rollback's reason).
 */
@Timeout(60)
class ServiceDeploymentVerdictsIT extends ItBase {

    /** ECS time between polls: the SDK waiter's default delay. */
    static final Duration ECS_POLL = Duration.ofSeconds(15);
    static final Duration STAGE = Duration.ofSeconds(15);

    /** The client the rollouts use. */
    private EcsClient ecs;

    @BeforeEach
    void prodCluster() {
        ecs = client();
        sim.createCluster("prod");
    }

    /** The defaults (neither timeout nor maxAttempts, a poll every 15 s), on the tests' fast pace of calls. */
    private ServiceRollout.Builder ecsPaced() {
        return rollout(ecs).delay(ECS_POLL);
    }

    /** The rollout's first poll comes {@code late} after its update (ECS's time passes before the rollout looks). */
    private void firstPollAfter(Duration late) {
        sim.once(a -> a.operation().equals("UpdateService") && a.ok(), a -> clock.advance(late));
    }

    /** Once ECS answered the rollout's first poll after its update, {@code meanwhile} runs (before the next poll). */
    private void afterTheFirstPoll(Runnable meanwhile) {
        sim.once(a -> a.operation().equals("DescribeServices") && sim.stats().count("UpdateService") > 0,
                a -> meanwhile.run());
    }

    /** Every state the listener heard, and the pauses. */
    private static final class Heard implements RolloutListener {
        final List<ServiceState> observed = Collections.synchronizedList(new ArrayList<>());
        final List<ServiceState> stable = Collections.synchronizedList(new ArrayList<>());
        final List<ServiceState> paused = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onObservation(ServiceState state) {
            observed.add(state);
        }

        @Override
        public void onServiceStable(ServiceState state) {
            stable.add(state);
        }

        @Override
        public void onDeploymentPaused(ServiceState state) {
            paused.add(state);
        }

        boolean saw(Predicate<ServiceState> what) {
            synchronized (observed) {
                return observed.stream().anyMatch(what);
            }
        }
    }

    private static ServiceDeploymentStatus status(ServiceState s) {
        return s.serviceDeployment().orElseThrow(() -> new AssertionError("no service deployment: " + s)).status();
    }

    private static ServiceDeploymentStatus statusIfAny(ServiceState s) {
        return s.serviceDeployment().map(ServiceDeployment::status).orElse(null);
    }

    /** One deployment, every desired task running, yet ECS still judging it: the waiter's rule would say stable. */
    private static boolean stableByTheWaitersRuleButInProgress(ServiceState s) {
        return s.deployments().size() == 1 && s.runningCount() == s.desiredCount() && s.desiredCount() > 0
                && s.rolloutState().filter("IN_PROGRESS"::equals).isPresent();
    }

    /** DescribeServices polls answered after {@code at} (at the instant they arrived: calls take no ECS time). */
    private long pollsAfter(Instant at) {
        return polls().stream().map(SimStats.Call::simTime).filter(t -> t.isAfter(at)).count();
    }

    // ---- SUCCESSFUL ----------------------------------------------------------------------------------------------

    @Test
    void aSuccessfulServiceDeploymentIsSuccessNotTheWaitersRuleInTheAlarmBake() {
        sim.createService(ServiceSpec.of("prod", "web")
                .script(ServiceScript.rollingWithAlarms(Duration.ofMinutes(2), 3, "p99-latency")));
        Heard heard = new Heard();

        RolloutResult result = ecsPaced().listener(heard).build().rollOut("prod", "web", "web:2");

        ServiceState web = result.service("web").orElseThrow();
        assertTrue(web.isStable());
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, status(web));
        assertFalse(web.isConverging());
        assertTrue(heard.saw(s -> s.verdict() == Verdict.IN_PROGRESS && stableByTheWaitersRuleButInProgress(s)
                        && statusIfAny(s) == ServiceDeploymentStatus.IN_PROGRESS),
                "watched through the bake, one deployment all running, without calling it stable: " + heard.observed);
        assertEquals(1, heard.stable.size());
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, status(heard.stable.get(0)));
    }

    @ParameterizedTest(name = "healthyPercent {0}, cleanup {1}")
    @CsvSource({"100, DEFERRED", "50, BLOCKING"})
    void earlySuccessIsSuccessWhileTheServiceStillConverges(int healthyPercent, String cleanup) {
        sim.createService(ServiceSpec.of("prod", "web").desiredCount(4).script(ServiceScript.earlySuccess(
                healthyPercent, cleanup, Duration.ofMinutes(1), Duration.ofHours(2))));

        RolloutResult result = ecsPaced().build().rollOut("prod", "web", "web:2");

        ServiceState web = result.service("web").orElseThrow();
        assertTrue(web.isStable());
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, status(web));
        assertTrue(web.isConverging(), web.toString());
        if (cleanup.equals("DEFERRED")) {
            assertEquals(2, web.deployments().size(), "the old revision is still listed");
        } else {
            assertTrue(web.runningCount() < web.desiredCount(), web.toString());
        }
    }

    // ---- ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL -------------------------------------------------------------

    @Test
    void aRollbackInProgressIsRolledBackWithTheRollbacksReason() {
        // Stages of 1 min: the hook fails 1 min in and the rollback takes 2, ROLLBACK_IN_PROGRESS 30 s into it.
        sim.createService(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(Duration.ofMinutes(1), 0)
                .withLambdaHook("PRE_SCALE_UP", ServiceScript.HookOutcome.FAILED, 30, "ROLLBACK")));

        RolloutNotStableException e = failure(() -> ecsPaced().build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.ROLLED_BACK, e.reason());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(Verdict.ROLLED_BACK, web.verdict());
        ServiceDeployment sd = web.serviceDeployment().orElseThrow();
        assertEquals(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, sd.status());
        assertTrue(e.getMessage().contains(sd.rollback().reason()), e.getMessage());
        assertEquals(List.of("web"), e.unstableServices());
    }

    @Test
    void aRollbackAlreadySuccessfulIsRolledBackNeverASuccess() {
        // The hook fails 15 s in and ECS's rollback is done 30 s later; the first poll comes 5 minutes in.
        sim.createService(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(STAGE, 0)
                .withLambdaHook("PRE_SCALE_UP", ServiceScript.HookOutcome.FAILED, 30, "ROLLBACK")));
        firstPollAfter(Duration.ofMinutes(5));

        RolloutNotStableException e = failure(() -> ecsPaced().build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.ROLLED_BACK, e.reason());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(Verdict.ROLLED_BACK, web.verdict());
        assertEquals(1, web.deployments().size(), "stable again by the waiter's rule, on the old revision");
        assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, status(web));
        assertTrue(e.getMessage().contains(web.serviceDeployment().orElseThrow().rollback().reason()), e.getMessage());
        assertEquals(1 + 1, polls().size(), "the read before the update, then the poll that shows it");
    }

    // ---- ROLLBACK_FAILED -----------------------------------------------------------------------------------------

    @Test
    void aFailedRollbackIsDeploymentFailedSayingTheServicesStateIsUnknown() {
        sim.createService(ServiceSpec.of("prod", "web").desiredCount(3).script(
                ServiceScript.circuitBreakerRollbackFails(Duration.ofMinutes(1), Duration.ofMinutes(4))));
        // The breaker's rollback is itself terminal at once (next test): the first poll comes once it has failed.
        firstPollAfter(Duration.ofMinutes(10));

        RolloutNotStableException e = failure(() -> ecsPaced().build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(Verdict.DEPLOYMENT_FAILED, web.verdict());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_FAILED, status(web));
        assertTrue(e.getMessage().contains("unknown"), e.getMessage());
    }

    // ---- circuit breaker and alarms TRIGGERED: terminal at once --------------------------------------------------

    @ParameterizedTest(name = "rollback = {0}")
    @ValueSource(booleans = {false, true})
    void aTrippedCircuitBreakerEndsTheRolloutOnThePollThatShowsIt(boolean rollback) {
        Duration failAfter = Duration.ofMinutes(2);
        sim.createService(ServiceSpec.of("prod", "web").desiredCount(3)
                .script(ServiceScript.circuitBreakerFails(failAfter, rollback, Duration.ofMinutes(30))));

        RolloutNotStableException e = failure(() -> ecsPaced().build().rollOut("prod", "web", "web:2"));

        assertEquals(rollback ? Reason.ROLLED_BACK : Reason.DEPLOYMENT_FAILED, e.reason(), e.getMessage());
        ServiceState web = e.serviceState("web").orElseThrow();
        ServiceDeployment sd = web.serviceDeployment().orElseThrow();
        assertEquals(ServiceDeploymentRollbackMonitorsStatus.TRIGGERED, sd.deploymentCircuitBreaker().status());
        assertEquals(rollback ? ServiceDeploymentStatus.ROLLBACK_REQUESTED : ServiceDeploymentStatus.STOPPED,
                sd.status());
        Instant tripped = sd.createdAt().plus(failAfter);
        assertTrue(pollsAfter(tripped) <= 1, "one poll after the breaker tripped at most: " + polls());
        assertTrue(polls().size() > pollsAfter(tripped), "watched before it tripped");
    }

    @ParameterizedTest(name = "rollback = {0}")
    @ValueSource(booleans = {false, true})
    void aTriggeredAlarmEndsTheRolloutAtOnceNamingTheAlarm(boolean rollback) {
        Duration rollsIn = Duration.ofMinutes(1);
        Duration alarmAfter = Duration.ofMinutes(2);
        sim.createService(ServiceSpec.of("prod", "web").script(ServiceScript.alarmFiresDuringBake(rollsIn, 10,
                alarmAfter, rollback, "p99-latency", "5xx-rate")));

        RolloutNotStableException e = failure(() -> ecsPaced().build().rollOut("prod", "web", "web:2"));

        assertEquals(rollback ? Reason.ROLLED_BACK : Reason.DEPLOYMENT_FAILED, e.reason(), e.getMessage());
        ServiceDeployment sd = e.serviceState("web").orElseThrow().serviceDeployment().orElseThrow();
        assertEquals(ServiceDeploymentRollbackMonitorsStatus.TRIGGERED, sd.alarms().status());
        assertEquals(List.of("p99-latency"), sd.alarms().triggeredAlarmNames());
        assertTrue(e.getMessage().contains("p99-latency"), e.getMessage());
        Instant fired = sd.createdAt().plus(rollsIn).plus(alarmAfter);
        assertTrue(pollsAfter(fired) <= 1, "one poll after the alarm fired at most: " + polls());
        assertTrue(polls().size() > pollsAfter(fired), "watched in the bake before it fired");
    }

    // ---- ROLLBACK_REQUESTED: not terminal ------------------------------------------------------------------------

    @Test
    void aRequestedRollbackIsNotTerminalAndCanStillEndSuccessful() {
        sim.createService(ServiceSpec.of("prod", "web").alarms(false, "p99-latency").script(
                ServiceScript.rollbackRequestedButCompletes(Duration.ofMinutes(1), Duration.ofMinutes(3))));
        Heard heard = new Heard();

        RolloutResult result = ecsPaced().listener(heard).build().rollOut("prod", "web", "web:2");

        assertTrue(heard.saw(s -> s.verdict() == Verdict.IN_PROGRESS
                && statusIfAny(s) == ServiceDeploymentStatus.ROLLBACK_REQUESTED), "the listener heard the request");
        ServiceState web = result.service("web").orElseThrow();
        assertTrue(web.isStable());
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, status(web));
    }

    // ---- replaced by a newer deployment: SUPERSEDED --------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ROLLING", "BLUE_GREEN"})
    void aDeploymentReplacedBySomeoneElseIsSupersededAndLeftAlone(String strategy) {
        ServiceScript script = strategy.equals("ROLLING") ? ServiceScript.stableAfter(Duration.ofMinutes(30))
                : ServiceScript.blueGreen(Duration.ofMinutes(1), 10);
        sim.createService(ServiceSpec.of("prod", "web").script(script));
        // Someone else deploys once the rollout saw web:2 deploying.
        afterTheFirstPoll(() -> sim.service("prod", "web").deployAsSomeoneElse("web:3"));

        RolloutNotStableException e = failure(() -> ecsPaced().rollbackOnFailure(true).build()
                .rollOut("prod", "web", "web:2"));

        assertEquals(Reason.SUPERSEDED, e.reason(), e.getMessage());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(Verdict.SUPERSEDED, web.verdict());
        assertTrue(Set.of(ServiceDeploymentStatus.STOP_REQUESTED, ServiceDeploymentStatus.STOPPED)
                .contains(status(web)), web.toString());
        assertEquals(List.of(), e.rolledBackServices());
        assertEquals(1, sim.stats().count("UpdateService"), "nothing sent over the newer deployment");
        assertTrue(sim.service("prod", "web").taskDefinition().endsWith(ofRevision("web", 3)));
    }

    // ---- STOPPED otherwise: DEPLOYMENT_FAILED --------------------------------------------------------------------

    @Test
    void aDeploymentStoppedForItsOwnSakeIsDeploymentFailed() {
        sim.createService(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(Duration.ofMinutes(1), 10)));
        EcsClient operator = sim.client();
        // An operator aborts the deployment once the rollout has described its service deployment.
        sim.once(a -> a.operation().equals("DescribeServiceDeployments") && a.ok(),
                a -> operator.stopServiceDeployment(b -> b.stopType(StopServiceDeploymentStopType.ABORT)
                        .serviceDeploymentArn(a.answer().path("serviceDeployments").path(0)
                                .path("serviceDeploymentArn").asText())));

        RolloutNotStableException e = failure(() -> ecsPaced().build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason(), e.getMessage());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(Verdict.DEPLOYMENT_FAILED, web.verdict());
        assertTrue(Set.of(ServiceDeploymentStatus.STOP_REQUESTED, ServiceDeploymentStatus.STOPPED)
                .contains(status(web)), web.toString());
    }

    // ---- PAUSE hook AWAITING_ACTION ------------------------------------------------------------------------------

    @Test
    void eachPauseIsHeardOnceAndTheRolloutGoesOnWhenContinued() {
        sim.createService(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(STAGE, 0)
                .withPauseHook("POST_SCALE_UP", 60, "ROLLBACK")
                .withPauseHook("POST_TEST_TRAFFIC_SHIFT", 60, "ROLLBACK")));
        EcsClient operator = sim.client();
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        RolloutListener listener = new RolloutListener() {
            @Override
            public void onDeploymentPaused(ServiceState state) {
                heard.add(state.pausedHook().orElseThrow().hookId());
            }
        };
        // The operator takes a few polls to look: each pause is continued six polls after ECS first showed it.
        Map<String, Integer> pausedAtPoll = new HashMap<>();
        sim.meanwhile(a -> a.operation().equals("DescribeServiceDeployments") && a.ok(), a -> {
            for (JsonNode sd : a.answer().path("serviceDeployments")) {
                for (JsonNode hook : sd.path("lifecycleHookDetails")) {
                    String hookId = hook.path("hookId").asText();
                    int poll = sim.stats().count("DescribeServices");
                    if (hook.path("status").asText().equals("AWAITING_ACTION")
                            && poll - pausedAtPoll.computeIfAbsent(hookId, h -> poll) == 6) {
                        operator.continueServiceDeployment(b -> b.hookId(hookId)
                                .action(DeploymentLifecycleHookAction.CONTINUE)
                                .serviceDeploymentArn(sd.path("serviceDeploymentArn").asText()));
                    }
                }
            }
            return false;
        });

        RolloutResult result = ecsPaced().listener(listener).build().rollOut("prod", "web", "web:2");

        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, status(result.service("web").orElseThrow()));
        assertEquals(2, heard.size(), "once per pause: " + heard);
        assertNotEquals(heard.get(0), heard.get(1));
    }

    @Test
    void aPauseNobodyAnswersIsNotTerminalAndTheTimeoutSaysSo() {
        sim.createService(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(STAGE, 0)
                .withPauseHook("POST_SCALE_UP", 60, "ROLLBACK")));
        Heard heard = new Heard();

        // 20 polls: under 5 minutes of ECS time, well inside the hook's 60.
        RolloutNotStableException e = failure(() -> ecsPaced().maxAttempts(20).listener(heard).build()
                .rollOut("prod", "web", "web:2"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(Verdict.IN_PROGRESS, web.verdict());
        String hookId = web.pausedHook().orElseThrow().hookId();
        assertEquals(1, heard.paused.size(), "heard once, over many polls of the same pause");
        assertEquals(hookId, heard.paused.get(0).pausedHook().orElseThrow().hookId());
        assertTrue(heard.observed.stream().filter(s -> s.pausedHook().isPresent()).count() > 1);
        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("paused") && e.getMessage().contains(hookId),
                e.getMessage());
    }

    // ---- item 4: without a service deployment, DescribeServices rules with the two fixes -------------------------

    @Test
    void deniedServiceDeploymentsAreWarnedOnceAndTheRolloutGoesOnFromDescribeServices() {
        List<String> services = names("web", 12); // two chunks
        services.forEach(s -> sim.createService(ServiceSpec.of("prod", s)
                .script(ServiceScript.rollingWithAlarms(Duration.ofMinutes(1), 3, "p99-latency"))));
        sim.faults().denyServiceDeployments();
        Heard heard = new Heard();
        RolloutResult result;
        List<String> log;
        try (CapturedLog captured = CapturedLog.open()) {
            result = ecsPaced().listener(heard).build().rollOut(toRevision("prod", services, 2));
            log = captured.lines();
        }

        assertTrue(result.services().stream().allMatch(s -> s.isStable() && s.serviceDeployment().isEmpty()));
        long warnings = log.stream()
                .filter(l -> l.contains("WARN") && l.contains("ecs:DescribeServiceDeployments")).count();
        assertEquals(1, warnings, String.join("\n", log));
        int denied = Faults.SERVICE_DEPLOYMENT_OPERATIONS.stream().mapToInt(op -> sim.stats().count(op)).sum();
        assertTrue(denied >= 1 && denied <= 2, "asked once per chunk at most, then never again: " + denied);
        assertTrue(heard.saw(s -> s.verdict() == Verdict.IN_PROGRESS && stableByTheWaitersRuleButInProgress(s)),
                "rolloutState IN_PROGRESS is never STABLE");
        assertTrue(heard.stable.stream().allMatch(s -> s.rolloutState().filter("COMPLETED"::equals).isPresent()));
    }

    @Test
    void withoutServiceDeploymentsRollbackOnFailureWatchesTheBreakersRollbackToItsEnd() {
        sim.createService(ServiceSpec.of("prod", "web").desiredCount(3)
                .script(ServiceScript.circuitBreakerFails(Duration.ofMinutes(2), true, Duration.ofMinutes(5))));
        sim.faults().denyServiceDeployments();

        RolloutNotStableException e = failure(() -> ecsPaced().rollbackOnFailure(true).build()
                .rollOut("prod", "web", "web:2"));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason(), "from DescribeServices alone: rolloutState FAILED");
        assertEquals(ServiceState.RollbackAction.WATCHED_ECS_ROLLBACK,
                e.serviceState("web").orElseThrow().rollbackAction());
        assertEquals(List.of("web"), e.rolledBackServices(), e.getMessage());
        assertEquals(1, sim.stats().count("UpdateService"), "ECS's own rollback, not another deployment");
        assertTrue(sim.service("prod", "web").taskDefinition().endsWith(ofRevision("web", 1)));
    }

    @Test
    void withoutServiceDeploymentHistoryTheRolloutIsJudgedFromDescribeServices() {
        sim.createService(ServiceSpec.of("prod", "web").noServiceDeploymentHistory()
                .script(ServiceScript.rollingWithAlarms(Duration.ofMinutes(1), 3, "p99-latency")));
        Heard heard = new Heard();

        RolloutResult result = ecsPaced().listener(heard).build().rollOut("prod", "web", "web:2");

        ServiceState web = result.service("web").orElseThrow();
        assertTrue(web.isStable());
        assertTrue(web.serviceDeployment().isEmpty());
        assertEquals(Optional.of("COMPLETED"), web.rolloutState());
        assertTrue(heard.saw(s -> s.verdict() == Verdict.IN_PROGRESS && stableByTheWaitersRuleButInProgress(s)));
        // Not found is never success: looked for on a few polls (ECS is eventually consistent), then given up.
        assertTrue(sim.stats().count("ListServiceDeployments") <= 5, sim.stats().counts().toString());
    }

    @Test
    void awaitStableIsNotStableWhileThePrimarysRolloutStateIsInProgress() {
        sim.createService(ServiceSpec.of("prod", "web").deployingFromCreation()
                .script(ServiceScript.rollingWithAlarms(Duration.ofMinutes(1), 3, "p99-latency")));
        Heard heard = new Heard();

        RolloutResult result = ecsPaced().listener(heard).build().awaitStable("prod", "web");

        assertEquals(Optional.of("COMPLETED"), result.service("web").orElseThrow().rolloutState());
        assertTrue(heard.saw(s -> s.verdict() == Verdict.IN_PROGRESS && stableByTheWaitersRuleButInProgress(s)));
        assertEquals(0, sim.stats().count("ListServiceDeployments") + sim.stats().count("DescribeServiceDeployments"),
                "awaitStable has no deployment of its own to look up");
    }

    @Test
    void awaitStableDuringTheCircuitBreakersRollbackIsDeploymentFailed() {
        sim.createService(ServiceSpec.of("prod", "web").desiredCount(3)
                .script(ServiceScript.circuitBreakerFails(Duration.ofSeconds(30), true, Duration.ofHours(1))));
        someoneUpdates();
        clock.advance(Duration.ofSeconds(31)); // the breaker tripped, ECS is rolling back


        RolloutNotStableException e = failure(() -> ecsPaced().build().awaitStable("prod", "web"));

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason(), e.getMessage());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertTrue(web.deployments().stream().anyMatch(d -> d.rolloutState() == DeploymentRolloutState.FAILED));
        assertEquals(List.of(), e.updatedServices());
        assertEquals(1, polls().size(), "on the first poll");
    }

    @Test
    void awaitStableAfterAFixForwardBesideAnOlderFailureIsSuccess() {
        sim.createService(ServiceSpec.of("prod", "web").earlySuccessCriteria(100, "DEFERRED")
                .script(ServiceScript.circuitBreakerFails(Duration.ofSeconds(30), false, Duration.ZERO)));
        someoneUpdates();
        clock.advance(Duration.ofSeconds(31)); // the breaker failed it, no rollback
        // The fix forward: ECS calls it COMPLETED early, the FAILED one still listed beside it (cleanup deferred).
        sim.service("prod", "web").script(ServiceScript.earlySuccess(100, "DEFERRED", Duration.ofMinutes(1),
                Duration.ofMinutes(3)));
        sim.service("prod", "web").deployAsSomeoneElse("web:3");
        Heard heard = new Heard();

        RolloutResult result = ecsPaced().listener(heard).build().awaitStable("prod", "web");

        assertTrue(result.service("web").orElseThrow().taskDefinition().orElseThrow().endsWith(ofRevision("web", 3)));
        assertTrue(heard.saw(s -> s.verdict() == Verdict.IN_PROGRESS
                && s.primaryDeployment().map(d -> d.rolloutState() == DeploymentRolloutState.COMPLETED).orElse(false)
                && s.deployments().stream().anyMatch(d -> d.rolloutState() == DeploymentRolloutState.FAILED)),
                "a COMPLETED PRIMARY beside the older FAILED deployment was seen, and not called failed: "
                        + heard.observed);
    }

    /** Someone else's UpdateService of web to web:2. */
    private void someoneUpdates() {
        sim.client().updateService(b -> b.cluster("prod").service("web").taskDefinition("web:2"));
    }

    // ---- item 5: succeedAtStage ----------------------------------------------------------------------------------

    @Test
    void succeedAtBakeTimeEndsWithSuccessDuringTheBake() {
        sim.createService(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(STAGE, 60)));

        RolloutResult result = ecsPaced().succeedAtStage(ServiceDeploymentLifecycleStage.BAKE_TIME).build()
                .rollOut("prod", "web", "web:2");

        ServiceState web = result.service("web").orElseThrow();
        assertTrue(web.isStable());
        ServiceDeployment sd = web.serviceDeployment().orElseThrow();
        assertEquals(ServiceDeploymentStatus.IN_PROGRESS, sd.status());
        assertEquals(ServiceDeploymentLifecycleStage.BAKE_TIME, sd.lifecycleStage());
        assertTrue(web.isConverging(), "blue and green both run in the bake");
        assertEquals(2, sim.service("prod", "web").deploymentCount(), "ECS is still baking");
    }

    @Test
    void succeedAtAStageARollingRequestLacksIsRefusedWithNoEcsCall() {
        sim.createService(ServiceSpec.of("prod", "web"));
        UpdateServiceRequest rolling = UpdateServiceRequest.builder().cluster("prod").service("web")
                .taskDefinition("web:2").deploymentConfiguration(c -> c.strategy(DeploymentStrategy.ROLLING)).build();

        assertThrows(IllegalArgumentException.class, () -> ecsPaced()
                .succeedAtStage(ServiceDeploymentLifecycleStage.BAKE_TIME).build().rollOut(rolling));

        assertEquals(0, sim.stats().total(), sim.stats().counts().toString());
    }

    @Test
    void succeedAtAStageARollingServiceLacksIsRefusedBeforeAnyUpdate() {
        sim.createService(ServiceSpec.of("prod", "web"));

        assertThrows(IllegalArgumentException.class, () -> ecsPaced()
                .succeedAtStage(ServiceDeploymentLifecycleStage.PRODUCTION_TRAFFIC_SHIFT).build()
                .rollOut("prod", "web", "web:2"));

        assertEquals(0, sim.stats().count("UpdateService"));
        assertEquals(Set.of("DescribeServices"), sim.stats().counts().keySet(), "only the service's strategy read");
    }

    // ---- item 6: a bound that fits the deployment ----------------------------------------------------------------

    @Test
    void healthyBlueGreenLinearAndCanaryRolloutsSucceedWithDefaultSettings() {
        // Each longer than the 10 minutes that 40 polls of 15 s, the default bound, would wait.
        sim.createService(ServiceSpec.of("prod", "bg").script(ServiceScript.blueGreen(STAGE, 15)));
        sim.createService(ServiceSpec.of("prod", "linear").script(ServiceScript.linear(STAGE, 25.0, 4, 1)));
        sim.createService(ServiceSpec.of("prod", "canary").script(ServiceScript.canary(STAGE, 10.0, 12, 1)));

        RolloutResult result = ecsPaced().build().rollOut(toRevision("prod", List.of("bg", "linear", "canary"), 2));

        for (ServiceState s : result.services()) {
            assertEquals(ServiceDeploymentStatus.SUCCESSFUL, status(s), s.toString());
        }
        assertTrue(result.attempts() > ServiceRollout.DEFAULT_MAX_ATTEMPTS,
                "the default 40 polls would have timed out: " + result.attempts());
    }

    @Test
    void aTimeoutTooShortForTheServicesBakeIsRefusedBeforeAnyUpdate() {
        sim.createService(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(STAGE, 60)));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ecsPaced()
                .timeout(Duration.ofMinutes(10)).build().rollOut("prod", "web", "web:2"));

        assertTrue(e.getMessage().contains("web") && e.getMessage().contains(Duration.ofHours(1).toString())
                && e.getMessage().contains("timeout"), e.getMessage());
        assertEquals(0, sim.stats().count("UpdateService"));
    }

    @Test
    void maxAttemptsTooFewForTheRequestsLinearStepsIsRefusedBeforeAnyUpdate() {
        sim.createService(ServiceSpec.of("prod", "web"));
        UpdateServiceRequest linear = UpdateServiceRequest.builder().cluster("prod").service("web")
                .taskDefinition("web:2").deploymentConfiguration(DeploymentConfiguration.builder()
                        .strategy(DeploymentStrategy.LINEAR).build()).build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rollout()
                .delay(Duration.ofSeconds(15)).maxAttempts(40).build().rollOut(linear));

        // ECS's default linear steps: 10 of 10 %, 6 minutes between them (the service sets none of its own).
        assertTrue(e.getMessage().contains("web") && e.getMessage().contains(Duration.ofMinutes(54).toString())
                && e.getMessage().contains("maxAttempts"), e.getMessage());
        // The services are read first (a field the request leaves out is the service's), then nothing more.
        assertEquals(Map.of("DescribeServices", 1), sim.stats().counts());
    }
}
