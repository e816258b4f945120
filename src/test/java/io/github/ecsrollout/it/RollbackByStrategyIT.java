package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import io.github.ecsrollout.sim.SimulatedEcs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AccessDeniedException;
import software.amazon.awssdk.services.ecs.model.ConflictException;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentBrief;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * {@code rollbackOnFailure} picks its action from the state of each service's deployment (issue 10's table), through
 * the real SDK client against the simulated ECS: every row, the fallbacks when ECS refuses to stop or continue, the one
 * budget a {@code timeout} sets, and the interrupted rollout that is not rolled back.
 *
 * <p>Most tests roll out one service of the row under test beside {@link #BAD}, whose circuit breaker fails its
 * deployment (no rollback of its own) at {@link #FAILS_AT}: the rollout fails there, and the row's service is rolled
 * back in whatever state it is then. Staged deployments use stages of {@link #STAGE} and bakes of an hour, so they are
 * in the bake (or still shifting, or paused) when the rollout fails.
 *
 * <p>On the virtual clock the rollout shares with the simulator, so the one budget is checked against that clock to the
 * poll; the interrupted rollout is kept on real time on purpose ({@link RealTime}): an interrupt ends a wait only while
 * the caller really waits.
 */
@Timeout(60)
class RollbackByStrategyIT extends ItBase {

    private static final String BAD = "bad";
    private static final Duration FAILS_AT = Duration.ofMillis(400);
    private static final Duration STAGE = Duration.ofMillis(10);
    /** How long the rollbacks that StopServiceDeployment and ContinueServiceDeployment start take in the simulator. */
    private static final Duration ECS_ROLLBACK = Duration.ofMillis(200);
    private static final String[] OPERATIONS = {"StopServiceDeployment", "ContinueServiceDeployment"};

    /** A rollout that rolls back, with time enough for the restores (a blue/green one runs all its stages again). */
    private ServiceRollout.Builder rollingBack() {
        sim.stopRollbackTakes(ECS_ROLLBACK);
        return rollout().rollbackOnFailure(true).rollbackTimeout(Duration.ofSeconds(20));
    }

    /** Once ECS accepted the rollout's update of {@code service}, {@code meanwhile} runs. */
    private void onceUpdated(String service, Runnable meanwhile) {
        sim.once(a -> a.operation().equals("UpdateService") && a.ok() && a.service().equals(service),
                a -> meanwhile.run());
    }

    private void create(String service, ServiceScript script) {
        sim.createService(ServiceSpec.of("prod", service).script(script));
    }

    /** {@link #BAD}: the new revision trips the circuit breaker (ECS does not roll back); the old one starts fine. */
    private void bad() {
        bad(ServiceScript.stableAfter(Duration.ofMillis(50)));
    }

    /** {@link #BAD}, whose new revision trips the circuit breaker; its later deployments follow {@code restored}. */
    private void bad(ServiceScript restored) {
        create(BAD, ServiceScript.circuitBreakerFails(FAILS_AT, false, Duration.ZERO));
        sim.afterUpdateOf("prod", BAD, restored);
    }

    private static List<UpdateServiceRequest> toRevision2(String... services) {
        return toRevision("prod", Arrays.asList(services), 2);
    }

    private RolloutNotStableException rollOut(ServiceRollout.Builder rollout, String... services) {
        return failure(() -> rollout.build().rollOut(toRevision2(services)));
    }

    private static RollbackAction action(RolloutNotStableException e, String service) {
        return e.serviceState(service).orElseThrow().rollbackAction();
    }

    private void assertOnRevision(String service, int revision) {
        String taskDefinition = sim.service("prod", service).taskDefinition();
        assertTrue(taskDefinition.endsWith(ofRevision(service, revision)), service + " runs " + taskDefinition);
    }

    private int calls(String operation) {
        return sim.stats().count(operation);
    }

    /**
     * The status ECS gives now to the service deployment this rollout started for {@code service}: the one whose
     * target revision is the rollout's deployment ({@code ecs-svc/N} runs revision {@code N}), whatever the rollout
     * last knew of it.
     */
    private ServiceDeploymentStatus serviceDeploymentStatus(RolloutNotStableException e, String service) {
        String deployment = e.serviceState(service).orElseThrow().expectedDeploymentId().orElseThrow();
        String revision = deployment.substring(deployment.indexOf('/') + 1);
        EcsClient ecs = client();
        for (ServiceDeploymentBrief brief : ecs.listServiceDeployments(b -> b.cluster("prod").service(service)
                .maxResults(100)).serviceDeployments()) {
            if (brief.targetServiceRevisionArn().endsWith("/" + revision)) {
                return brief.status();
            }
        }
        throw new AssertionError("no service deployment of " + deployment);
    }

    // ---- in flight: StopServiceDeployment(ROLLBACK), watched to ROLLBACK_SUCCESSFUL --------------------------------

    @Test
    void aBlueGreenDeploymentInItsBakeIsStoppedWithRollbackNotDeployedAgain() {
        bad();
        create("bg", ServiceScript.blueGreen(STAGE, 60));

        RolloutNotStableException e = rollOut(rollingBack(), "bg", BAD);

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(RollbackAction.STOPPED_WITH_ROLLBACK, action(e, "bg"), e.getMessage());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, serviceDeploymentStatus(e, "bg"));
        assertEquals(Set.of("bg", BAD), Set.copyOf(e.rolledBackServices()), e.getMessage());
        assertEquals(1, calls("StopServiceDeployment"));
        assertEquals(3, calls("UpdateService"), "two updates and one restore, of " + BAD + " only");
        assertOnRevision("bg", 1);
        assertOnRevision(BAD, 1);
    }

    @Test
    void aLinearDeploymentShiftingTrafficIsStoppedWithRollback() {
        bad();
        create("lin", ServiceScript.linear(STAGE, 10, 60, 60));

        RolloutNotStableException e = rollOut(rollingBack(), "lin", BAD);

        assertEquals(RollbackAction.STOPPED_WITH_ROLLBACK, action(e, "lin"), e.getMessage());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, serviceDeploymentStatus(e, "lin"));
        assertTrue(e.rolledBackServices().contains("lin"), e.getMessage());
        assertEquals(1, calls("StopServiceDeployment"));
        assertEquals(3, calls("UpdateService"));
        assertOnRevision("lin", 1);
    }

    @Test
    void aRollingDeploymentInProgressIsStoppedWithRollback() {
        bad();
        create("roll", ServiceScript.neverStable());

        RolloutNotStableException e = rollOut(rollingBack(), "roll", BAD);

        assertEquals(RollbackAction.STOPPED_WITH_ROLLBACK, action(e, "roll"), e.getMessage());
        assertTrue(e.rolledBackServices().contains("roll"), e.getMessage());
        assertEquals(1, calls("StopServiceDeployment"));
        assertEquals(3, calls("UpdateService"));
        assertOnRevision("roll", 1);
    }

    @Test
    void aCanaryDeploymentInItsCanaryBakeIsStoppedWithRollback() {
        bad();
        create("can", ServiceScript.canary(STAGE, 10, 60, 60));

        RolloutNotStableException e = rollOut(rollingBack(), "can", BAD);

        assertEquals(RollbackAction.STOPPED_WITH_ROLLBACK, action(e, "can"), e.getMessage());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, serviceDeploymentStatus(e, "can"));
        assertTrue(e.rolledBackServices().contains("can"), e.getMessage());
        assertOnRevision("can", 1);
    }

    @Test
    void aMixedFleetGetsEachServiceItsOwnActionInOneRollback() {
        bad();
        List<String> services = new ArrayList<>(List.of(BAD));
        Map<String, RollbackAction> expected = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            create("bg-" + i, ServiceScript.blueGreen(STAGE, 60));
            expected.put("bg-" + i, RollbackAction.STOPPED_WITH_ROLLBACK);
            create("roll-" + i, ServiceScript.neverStable());
            expected.put("roll-" + i, RollbackAction.STOPPED_WITH_ROLLBACK);
            create("paused-" + i, ServiceScript.blueGreen(STAGE, 60).withPauseHook("POST_SCALE_UP", 60, "CONTINUE"));
            expected.put("paused-" + i, RollbackAction.CONTINUED_WITH_ROLLBACK);
            create("done-" + i, ServiceScript.stableAfter(Duration.ofMillis(60)));
            sim.afterUpdateOf("prod", "done-" + i, ServiceScript.stableAfter(Duration.ofMillis(60)));
            expected.put("done-" + i, RollbackAction.RESTORED_BY_UPDATE);
        }
        services.addAll(expected.keySet());
        expected.put(BAD, RollbackAction.RESTORED_BY_UPDATE);

        RolloutNotStableException e = rollOut(rollingBack(), services.toArray(String[]::new));

        expected.forEach((s, a) -> assertEquals(a, action(e, s), s + "\n" + e.getMessage()));
        assertEquals(Set.copyOf(services), Set.copyOf(e.rolledBackServices()), e.getMessage());
        assertEquals(8, calls("StopServiceDeployment"));
        assertEquals(4, calls("ContinueServiceDeployment"));
        assertEquals(services.size() + 5, calls("UpdateService"), "one update each, and 5 restores");
        services.forEach(s -> assertOnRevision(s, 1));
        assertTrue(sim.stats().count("DescribeServiceDeployments") < 3 * services.size(),
                "service deployments are described in batches: " + sim.stats().counts());
    }

    // ---- paused at a PAUSE hook: ContinueServiceDeployment(ROLLBACK) -----------------------------------------------

    @Test
    void aDeploymentPausedAtAHookIsContinuedWithRollback() {
        bad();
        create("paused", ServiceScript.blueGreen(STAGE, 60).withPauseHook("POST_SCALE_UP", 60, "CONTINUE"));

        RolloutNotStableException e = rollOut(rollingBack(), "paused", BAD);

        assertEquals(RollbackAction.CONTINUED_WITH_ROLLBACK, action(e, "paused"), e.getMessage());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, serviceDeploymentStatus(e, "paused"));
        assertTrue(e.rolledBackServices().contains("paused"), e.getMessage());
        assertEquals(1, calls("ContinueServiceDeployment"));
        assertEquals(0, calls("StopServiceDeployment"));
        assertEquals(3, calls("UpdateService"));
        assertOnRevision("paused", 1);
    }

    // ---- already rolling back: nothing sent, watched ---------------------------------------------------------------

    @Test
    void aDeploymentEcsIsAlreadyRollingBackIsOnlyWatched() {
        create("cb", ServiceScript.circuitBreakerFails(FAILS_AT, true, Duration.ofMillis(300)));

        RolloutNotStableException e = rollOut(rollingBack(), "cb");

        assertEquals(RollbackAction.WATCHED_ECS_ROLLBACK, action(e, "cb"), e.getMessage());
        assertEquals(List.of("cb"), e.rolledBackServices(), e.getMessage());
        assertEquals(0, calls("StopServiceDeployment") + calls("ContinueServiceDeployment"));
        assertEquals(1, calls("UpdateService"), "ECS's own rollback is not raced with another deployment");
        assertOnRevision("cb", 1);
    }

    @Test
    void aDeploymentAnAlarmIsRollingBackIsOnlyWatched() {
        sim.createService(ServiceSpec.of("prod", "alarm").script(ServiceScript.alarmFiresDuringBake(
                Duration.ofMillis(100), 60, Duration.ofMillis(100), true, "5xx")));

        RolloutNotStableException e = rollOut(rollingBack(), "alarm");

        assertEquals(RollbackAction.WATCHED_ECS_ROLLBACK, action(e, "alarm"), e.getMessage());
        assertEquals(List.of("alarm"), e.rolledBackServices(), e.getMessage());
        assertEquals(0, calls("StopServiceDeployment") + calls("ContinueServiceDeployment"));
        assertEquals(1, calls("UpdateService"));
        assertOnRevision("alarm", 1);
    }

    @Test
    void aDeploymentAFailedHookIsRollingBackIsOnlyWatchedWhileTheOthersAreStopped() {
        create("hook", ServiceScript.blueGreen(STAGE, 60).withLambdaHook("POST_SCALE_UP",
                ServiceScript.HookOutcome.FAILED, 5, "ROLLBACK"));
        create("bg", ServiceScript.blueGreen(STAGE, 60));

        RolloutNotStableException e = rollOut(rollingBack(), "hook", "bg");

        assertEquals(Reason.ROLLED_BACK, e.reason());
        assertEquals(RollbackAction.WATCHED_ECS_ROLLBACK, action(e, "hook"), e.getMessage());
        assertEquals(RollbackAction.STOPPED_WITH_ROLLBACK, action(e, "bg"), e.getMessage());
        assertEquals(Set.of("hook", "bg"), Set.copyOf(e.rolledBackServices()), e.getMessage());
        assertEquals(1, calls("StopServiceDeployment"), "bg's only");
        assertEquals(2, calls("UpdateService"));
        assertOnRevision("hook", 1);
        assertOnRevision("bg", 1);
    }

    // ---- SUCCESSFUL, in a rollout that failed elsewhere: UpdateService restore -------------------------------------

    @Test
    void aBlueGreenDeploymentThatSucceededIsRestoredByUpdateService() {
        bad();
        create("done", ServiceScript.blueGreen(STAGE, 0));

        RolloutNotStableException e = rollOut(rollingBack(), "done", BAD);

        assertEquals(Verdict.STABLE, e.serviceState("done").orElseThrow().verdict());
        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, "done"), e.getMessage());
        assertTrue(e.rolledBackServices().contains("done"), e.getMessage());
        assertEquals(0, calls("StopServiceDeployment") + calls("ContinueServiceDeployment"));
        assertEquals(4, calls("UpdateService"), "two updates, two restores");
        assertOnRevision("done", 1);
    }

    @Test
    void aRollingDeploymentThatEndedStableIsRestoredByUpdateService() {
        bad();
        create("done", ServiceScript.stableAfter(Duration.ofMillis(60)));

        RolloutNotStableException e = rollOut(rollingBack(), "done", BAD);

        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, "done"), e.getMessage());
        assertTrue(e.rolledBackServices().contains("done"), e.getMessage());
        assertEquals(0, calls("StopServiceDeployment"));
        assertEquals(4, calls("UpdateService"));
        assertOnRevision("done", 1);
    }

    // ---- SUPERSEDED: never touched ----------------------------------------------------------------------------------

    @Test
    void aDeploymentSomeoneElseSupersededIsLeftAloneAndNamed() {
        create("sup", ServiceScript.neverStable());
        create("bg", ServiceScript.blueGreen(STAGE, 60));
        onceUpdated("sup", () -> {
            sim.service("prod", "sup").script(ServiceScript.stableAfter(Duration.ofMillis(50)));
            sim.service("prod", "sup").deployAsSomeoneElse("sup:3");
        });

        RolloutNotStableException e = rollOut(rollingBack(), "sup", "bg");

        assertEquals(Reason.SUPERSEDED, e.reason());
        assertEquals(Verdict.SUPERSEDED, e.serviceState("sup").orElseThrow().verdict());
        assertEquals(RollbackAction.LEFT_ALONE, action(e, "sup"));
        assertFalse(e.rolledBackServices().contains("sup"));
        assertEquals(RollbackAction.STOPPED_WITH_ROLLBACK, action(e, "bg"), e.getMessage());
        assertEquals(1, calls("StopServiceDeployment"), "only bg's");
        assertEquals(2, calls("UpdateService"), "no restore over someone else's release");
        assertOnRevision("sup", 3);
        assertTrue(e.getMessage().contains("sup (superseded"), e.getMessage());
    }

    @Test
    void aDeploymentSupersededWhereOnlyDescribeServicesCanTellIsLeftAloneToo() {
        bad();
        create("sup", ServiceScript.neverStable());
        sim.faults().denyServiceDeployments();
        onceUpdated("sup", () -> {
            sim.service("prod", "sup").script(ServiceScript.stableAfter(Duration.ofMillis(50)));
            sim.service("prod", "sup").deployAsSomeoneElse("sup:3");
        });

        RolloutNotStableException e = rollOut(rollingBack(), BAD, "sup");

        // Without service deployments the verdict cannot say SUPERSEDED, but the rollback still sees another
        // deployment, on neither our task definition nor the one before, and leaves it alone.
        assertEquals(RollbackAction.LEFT_ALONE, action(e, "sup"), e.getMessage());
        assertFalse(e.rolledBackServices().contains("sup"));
        assertEquals(3, calls("UpdateService"), "two updates, and the restore of " + BAD + " only");
        assertOnRevision("sup", 3);
    }

    @Test
    void aDeploymentThatSucceededAndWasThenReleasedOverIsLeftAlone() {
        bad();
        create("done", ServiceScript.stableAfter(Duration.ofMillis(60)));
        // Someone else releases done once ECS answered the poll that shows it stable on our revision.
        sim.once(a -> a.operation().equals("DescribeServices") && showsSteadyOn(a, "done", 2),
                a -> sim.service("prod", "done").deployAsSomeoneElse("done:3"));

        RolloutNotStableException e = rollOut(rollingBack(), "done", BAD);

        assertEquals(Verdict.STABLE, e.serviceState("done").orElseThrow().verdict());
        assertEquals(RollbackAction.LEFT_ALONE, action(e, "done"), e.getMessage());
        assertEquals(3, calls("UpdateService"), "no restore over the newer release");
        assertOnRevision("done", 3);
    }

    /** Whether a DescribeServices answer shows {@code service} stable on {@code revision}: one COMPLETED deployment. */
    private static boolean showsSteadyOn(SimulatedEcs.Answered a, String service, int revision) {
        for (JsonNode s : a.answer().path("services")) {
            if (s.path("serviceName").asText().equals(service)) {
                JsonNode deployments = s.path("deployments");
                return deployments.size() == 1 && deployments.path(0).path("rolloutState").asText().equals("COMPLETED")
                        && s.path("taskDefinition").asText().endsWith(ofRevision(service, revision));
            }
        }
        return false;
    }

    // ---- no service deployment known: UpdateService restore, and the message says so ---------------------------

    @Test
    void withServiceDeploymentsDeniedAnInFlightDeploymentIsRestoredByUpdateService() {
        bad();
        create("roll", ServiceScript.neverStable());
        sim.afterUpdateOf("prod", "roll", ServiceScript.stableAfter(Duration.ofMillis(50)));
        sim.faults().denyServiceDeployments();

        RolloutNotStableException e = rollOut(rollingBack(), "roll", BAD);

        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, "roll"), e.getMessage());
        assertEquals(Set.of("roll", BAD), Set.copyOf(e.rolledBackServices()), e.getMessage());
        assertEquals(4, calls("UpdateService"));
        assertEquals(0, calls("StopServiceDeployment"), "not tried once the API is known denied");
        assertOnRevision("roll", 1);
        assertTrue(e.getMessage().contains("UpdateService back (no service deployment known")
                && e.getMessage().contains("roll to roll:1"), e.getMessage());
    }

    @Test
    void withoutServiceDeploymentHistoryAnInFlightDeploymentIsRestoredByUpdateService() {
        bad();
        sim.createService(ServiceSpec.of("prod", "roll").noServiceDeploymentHistory()
                .script(ServiceScript.neverStable()));
        sim.afterUpdateOf("prod", "roll", ServiceScript.stableAfter(Duration.ofMillis(50)));

        RolloutNotStableException e = rollOut(rollingBack(), "roll", BAD);

        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, "roll"), e.getMessage());
        assertTrue(e.rolledBackServices().contains("roll"), e.getMessage());
        assertEquals(0, calls("StopServiceDeployment"));
        assertEquals(4, calls("UpdateService"));
        assertOnRevision("roll", 1);
        assertTrue(e.getMessage().contains("UpdateService back (no service deployment known")
                && e.getMessage().contains("roll to roll:1"), e.getMessage());
    }

    // ---- the fallbacks: Stop or Continue refused ---------------------------------------------------------------

    @Test
    void aStopRefusedForAccessIsARestoreByUpdateServiceWithTheRefusalSuppressed() {
        bad();
        create("roll", ServiceScript.neverStable());
        sim.afterUpdateOf("prod", "roll", ServiceScript.stableAfter(Duration.ofMillis(50)));
        sim.faults().always("StopServiceDeployment").accessDenied();

        RolloutNotStableException e = rollOut(rollingBack(), "roll", BAD);

        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, "roll"), e.getMessage());
        assertTrue(e.rolledBackServices().contains("roll"), e.getMessage());
        assertEquals(1, Arrays.stream(e.getSuppressed()).filter(AccessDeniedException.class::isInstance).count(),
                Arrays.toString(e.getSuppressed()));
        assertEquals(4, calls("UpdateService"));
        assertOnRevision("roll", 1);
    }

    @Test
    void aStopRefusedForATerminalStateIsARestoreByUpdateServiceWithTheRefusalSuppressed() {
        bad();
        create("roll", ServiceScript.neverStable());
        sim.afterUpdateOf("prod", "roll", ServiceScript.stableAfter(Duration.ofMillis(50)));
        // As when the deployment ended between the last poll and the stop.
        sim.faults().next(1, "StopServiceDeployment").error(400, "ConflictException",
                "The service deployment is in a terminal state (SUCCESSFUL) and can't be stopped.");

        RolloutNotStableException e = rollOut(rollingBack(), "roll", BAD);

        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, "roll"), e.getMessage());
        assertTrue(e.rolledBackServices().contains("roll"), e.getMessage());
        assertTrue(Arrays.stream(e.getSuppressed()).anyMatch(ConflictException.class::isInstance),
                Arrays.toString(e.getSuppressed()));
        assertEquals(4, calls("UpdateService"));
        assertOnRevision("roll", 1);
    }

    @Test
    void aContinueRefusedIsARestoreByUpdateServiceWithTheRefusalSuppressed() {
        bad();
        create("paused", ServiceScript.blueGreen(STAGE, 60).withPauseHook("POST_SCALE_UP", 60, "CONTINUE"));
        sim.faults().always("ContinueServiceDeployment").accessDenied();

        RolloutNotStableException e = rollOut(rollingBack().rollbackTimeout(Duration.ofSeconds(2)), "paused", BAD);

        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, "paused"), e.getMessage());
        assertTrue(Arrays.stream(e.getSuppressed()).anyMatch(AccessDeniedException.class::isInstance),
                Arrays.toString(e.getSuppressed()));
        assertEquals(4, calls("UpdateService"));
        assertEquals(1, calls("ContinueServiceDeployment"));
        // The restore is a new deployment of the same service, so it pauses at the same hook: not confirmed.
        assertFalse(e.rolledBackServices().contains("paused"), e.getMessage());
        assertTrue(e.rolledBackServices().contains(BAD), e.getMessage());
    }

    // ---- every service is watched to its end -----------------------------------------------------------------

    @Test
    void aRestoreThatFailsDoesNotEndTheWatchOfTheOthersStillRollingBack() {
        bad(ServiceScript.circuitBreakerFails(Duration.ofMillis(100), false, Duration.ZERO));
        create("roll", ServiceScript.neverStable());
        ServiceRollout.Builder rollout = rollingBack();
        sim.stopRollbackTakes(Duration.ofMillis(800));

        RolloutNotStableException e = rollOut(rollout, "roll", BAD);

        assertEquals(RollbackAction.STOPPED_WITH_ROLLBACK, action(e, "roll"));
        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, BAD));
        assertEquals(List.of("roll"), e.rolledBackServices(), e.getMessage());
        assertOnRevision("roll", 1);
        assertTrue(e.getMessage().contains(BAD + " (rollback not confirmed: DEPLOYMENT_FAILED)"), e.getMessage());
    }

    // ---- one budget ------------------------------------------------------------------------------------------------

    /**
     * The rollback of a rollout that timed out watched its services until the deadline, looking a last time just before
     * it, and not past it: the whole call in its timeout, to the poll, on the virtual clock (the rollback's calls were
     * made well before the deadline, so the 2 s they may take past it were not needed).
     */
    private void assertEndedJustBefore(Duration timeout) {
        assertTrue(elapsed().compareTo(timeout) <= 0 && elapsed().compareTo(timeout.minus(DELAY)) > 0,
                "ended within the last poll delay before the timeout of " + timeout + ": " + elapsed());
    }

    @Test
    void aRollbackThatWouldOutlastTheTimeoutReturnsWithinItAndSaysWhatIsStillRollingBack() {
        create("slow", ServiceScript.neverStable());
        sim.stopRollbackTakes(Duration.ofSeconds(30));
        Duration timeout = Duration.ofMillis(1500);

        RolloutNotStableException e = rollOut(rollout().rollbackOnFailure(true).timeout(timeout)
                .rollbackTimeout(Duration.ofMillis(600)), "slow");

        assertEndedJustBefore(timeout);
        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(RollbackAction.STOPPED_WITH_ROLLBACK, action(e, "slow"));
        assertEquals(List.of(), e.rolledBackServices(), "not confirmed back");
        assertTrue(serviceDeploymentStatus(e, "slow").toString().startsWith("ROLLBACK_"), "ECS goes on with it");
        assertTrue(e.getMessage().contains("slow (still rolling back"), e.getMessage());
    }

    @Test
    void aRollbackTimeoutOfHalfTheTimeoutReturnsWithinTheTimeout() {
        create("slow", ServiceScript.neverStable());
        sim.stopRollbackTakes(Duration.ofSeconds(30));
        Duration timeout = Duration.ofSeconds(1);

        RolloutNotStableException e = rollOut(rollout().rollbackOnFailure(true).timeout(timeout)
                .rollbackTimeout(Duration.ofMillis(500)), "slow");

        assertEndedJustBefore(timeout);
        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(RollbackAction.STOPPED_WITH_ROLLBACK, action(e, "slow"));
        assertEquals(List.of(), e.rolledBackServices());
    }

    @Test
    void aTimeoutWithoutRollbackTimeoutStillSendsTheRollback() {
        create("slow", ServiceScript.neverStable());
        sim.stopRollbackTakes(Duration.ofSeconds(30));
        Duration timeout = Duration.ofSeconds(1);

        RolloutNotStableException e = rollOut(rollout().rollbackOnFailure(true).timeout(timeout), "slow");

        // The rollback's calls get 2 s even when no time is left; on the virtual clock they take none of it but their
        // turns at the pace of calls.
        assertTrue(elapsed().compareTo(timeout.plusSeconds(2)) <= 0,
                "within the timeout and the rollback's 2 s for its calls: " + elapsed());
        assertEquals(RollbackAction.STOPPED_WITH_ROLLBACK, action(e, "slow"), e.getMessage());
        assertEquals(1, calls("StopServiceDeployment"));
        assertTrue(serviceDeploymentStatus(e, "slow").toString().startsWith("ROLLBACK_"), "ECS goes on with it");
    }

    // ---- INTERRUPTED: no rollback -----------------------------------------------------------------------------------

    @RealTime("an interrupt ends a wait only while the caller really waits")
    @Test
    void anInterruptedRolloutIsNotRolledBackAndSaysWhatItChanged() throws Exception {
        create("a", ServiceScript.neverStable());
        create("b", ServiceScript.blueGreen(STAGE, 60));
        CountDownLatch watching = new CountDownLatch(2);
        ServiceRollout rollout = rollingBack().listener(new RolloutListener() {
            @Override
            public void onObservation(ServiceState state) {
                watching.countDown();
            }
        }).build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                rollout.rollOut(toRevision2("a", "b"));
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "caller");
        caller.start();
        assertTrue(watching.await(20, TimeUnit.SECONDS), "the rollout started watching");
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(20));

        RolloutNotStableException e = assertInstanceOf(RolloutNotStableException.class, thrown.get());
        assertEquals(Reason.INTERRUPTED, e.reason());
        assertEquals(List.of("a", "b"), e.updatedServices());
        assertEquals(List.of(), e.rolledBackServices());
        for (String s : List.of("a", "b")) {
            ServiceState state = e.serviceState(s).orElseThrow();
            assertEquals(RollbackAction.NONE, state.rollbackAction());
            assertTrue(state.lastObserved().isPresent(), s + " was seen");
            assertOnRevision(s, 2);
        }
        assertEquals(2, calls("UpdateService"));
        assertEquals(0, calls("StopServiceDeployment") + calls("ContinueServiceDeployment"));
        assertTrue(e.getMessage().contains("not rolled back"), e.getMessage());
    }
}
