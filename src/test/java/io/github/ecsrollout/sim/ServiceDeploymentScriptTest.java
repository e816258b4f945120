package io.github.ecsrollout.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookAction;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookStatus;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;

/** What a poller of DescribeServices and DescribeServiceDeployments sees, stage by stage, for each script. */
class ServiceDeploymentScriptTest extends SimTestBase {

    private static final String TD = "arn:aws:ecs:us-east-1:123456789012:task-definition/";
    private static final Duration STAGE = Duration.ofSeconds(10);

    private String arn;

    private void create(ServiceSpec spec) {
        ecs.createService(spec);
        arn = client.updateService(b -> b.cluster("prod").service(spec.name).taskDefinition(spec.name + ":2")).service()
                .currentServiceDeployment();
    }

    private Service service() {
        return client.describeServices(b -> b.cluster("prod").services("web")).services().get(0);
    }

    private ServiceDeployment sd() {
        return client.describeServiceDeployments(b -> b.serviceDeploymentArns(arn)).serviceDeployments().get(0);
    }

    private ServiceDeployment after(Duration d) {
        clock.advance(d);
        return sd();
    }

    @Test
    void stableAfterIsSuccessfulWithTheBreakerMonitoringUntilDone() {
        create(ServiceSpec.of("prod", "web").circuitBreaker(true, true).script(ServiceScript.stableAfter(Duration.ofSeconds(20))));
        ServiceDeployment going = after(Duration.ofSeconds(1));
        assertEquals(ServiceDeploymentStatus.IN_PROGRESS, going.status());
        assertEquals(ServiceDeploymentRollbackMonitorsStatus.MONITORING, going.deploymentCircuitBreaker().status());
        assertEquals(3, going.deploymentCircuitBreaker().threshold(), "at least 3");
        ServiceDeployment done = after(Duration.ofSeconds(19));
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, done.status());
        assertEquals(ServiceDeploymentRollbackMonitorsStatus.MONITORING_COMPLETE, done.deploymentCircuitBreaker().status());
        assertEquals(0, done.deploymentCircuitBreaker().failureCount());
    }

    @Test
    void breakerWithRollbackGoesThroughTheRollbackStates() {
        create(ServiceSpec.of("prod", "web").taskDefinition("web:1")
                .script(ServiceScript.circuitBreakerFails(Duration.ofSeconds(20), true, Duration.ofSeconds(12))));
        assertEquals(ServiceDeploymentStatus.IN_PROGRESS, after(Duration.ofSeconds(19)).status());
        ServiceDeployment tripped = after(Duration.ofSeconds(1));
        assertEquals(ServiceDeploymentStatus.ROLLBACK_REQUESTED, tripped.status());
        assertEquals(ServiceDeploymentRollbackMonitorsStatus.TRIGGERED, tripped.deploymentCircuitBreaker().status());
        assertEquals(tripped.deploymentCircuitBreaker().threshold(), tripped.deploymentCircuitBreaker().failureCount());
        assertTrue(tripped.rollback().reason().startsWith("ECS deployment circuit breaker: "), tripped.rollback().reason());
        assertEquals(tripped.rollback().reason(), tripped.statusReason());
        assertEquals(clock.instant(), tripped.rollback().startedAt());
        String rollbackDeployment = service().deployments().get(0).id();
        assertTrue(service().currentServiceDeployment().length() > 0);

        assertEquals(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, after(Duration.ofSeconds(3)).status());
        ServiceDeployment back = after(Duration.ofSeconds(9));
        assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, back.status());
        assertEquals(clock.instant(), back.finishedAt());
        Service s = service();
        assertEquals(TD + "web:1", s.taskDefinition());
        assertEquals(1, s.deployments().size());
        ServiceDeployment rollbackSd = client.describeServiceDeployments(b -> b.serviceDeploymentArns(s.currentServiceDeployment()))
                .serviceDeployments().get(0);
        assertTrue(rollbackSd.targetServiceRevision().arn().endsWith("/" + rollbackDeployment.substring(8)),
                "the rollback deployment has its own service deployment, linked by its id");
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, rollbackSd.status());
    }

    @Test
    void theBreakersRollbackSaysWhatItRollsBackBesideTheFailedDeployment() {
        create(ServiceSpec.of("prod", "web")
                .script(ServiceScript.circuitBreakerFails(Duration.ofSeconds(20), true, Duration.ofSeconds(12))));
        String failedId = service().deployments().get(0).id();
        clock.advance(Duration.ofSeconds(20));
        Service s = service();
        assertEquals(3, s.deployments().size(), "the rollback, the failed deployment, the old one still running");
        assertEquals(DeploymentRolloutState.IN_PROGRESS, s.deployments().get(0).rolloutState());
        String reason = s.deployments().get(0).rolloutStateReason();
        assertTrue(reason.startsWith("ECS deployment circuit breaker: rolling back to deploymentId "), reason);
        assertEquals(failedId, s.deployments().get(1).id());
        assertEquals(DeploymentRolloutState.FAILED, s.deployments().get(1).rolloutState());
    }

    @Test
    void aRollbackThatFailsTooEndsRollbackFailed() {
        create(ServiceSpec.of("prod", "web").desiredCount(3)
                .script(ServiceScript.circuitBreakerRollbackFails(Duration.ofSeconds(20), Duration.ofSeconds(40))));
        assertEquals(ServiceDeploymentStatus.ROLLBACK_REQUESTED, after(Duration.ofSeconds(20)).status());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, after(Duration.ofSeconds(10)).status());
        ServiceDeployment failed = after(Duration.ofSeconds(30));
        assertEquals(ServiceDeploymentStatus.ROLLBACK_FAILED, failed.status());
        assertEquals(ServiceDeploymentRollbackMonitorsStatus.TRIGGERED, failed.deploymentCircuitBreaker().status());
        assertNotNull(failed.statusReason());
        assertNotNull(failed.finishedAt());
        Service s = service();
        assertEquals(DeploymentRolloutState.FAILED, s.deployments().get(0).rolloutState(), "the rollback");
        assertEquals(DeploymentRolloutState.FAILED, s.deployments().get(1).rolloutState(), "the deployment");
        assertEquals(TD + "web:1", s.taskDefinition(), "the rollback's task definition, not running");
    }

    @Test
    void aRequestedRollbackCanStillEndSuccessful() {
        create(ServiceSpec.of("prod", "web").alarms(false, "p99-latency")
                .script(ServiceScript.rollbackRequestedButCompletes(Duration.ofSeconds(10), Duration.ofSeconds(30))));
        assertEquals(ServiceDeploymentStatus.IN_PROGRESS, after(Duration.ofSeconds(9)).status());
        ServiceDeployment requested = after(Duration.ofSeconds(1));
        assertEquals(ServiceDeploymentStatus.ROLLBACK_REQUESTED, requested.status());
        assertNotNull(requested.rollback().reason());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_REQUESTED, after(Duration.ofSeconds(19)).status());
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, after(Duration.ofSeconds(1)).status());
        Service s = service();
        assertEquals(1, s.deployments().size());
        assertEquals(TD + "web:2", s.taskDefinition());
    }

    @Test
    void breakerWithoutRollbackStopsTheServiceDeployment() {
        create(ServiceSpec.of("prod", "web").script(ServiceScript.circuitBreakerFails(Duration.ofSeconds(10), false, Duration.ZERO)));
        ServiceDeployment failed = after(Duration.ofSeconds(10));
        assertEquals(ServiceDeploymentStatus.STOPPED, failed.status());
        assertEquals(ServiceDeploymentRollbackMonitorsStatus.TRIGGERED, failed.deploymentCircuitBreaker().status());
        assertTrue(failed.statusReason().contains("circuit breaker"), failed.statusReason());
        assertNull(failed.rollback());
        assertEquals(DeploymentRolloutState.FAILED, service().deployments().get(0).rolloutState());
    }

    @Test
    void rollingWithAlarmsBakesBeforeItCompletes() {
        create(ServiceSpec.of("prod", "web").desiredCount(3)
                .script(ServiceScript.rollingWithAlarms(Duration.ofSeconds(30), 5, "p99-latency", "5xx")));
        assertEquals(ServiceDeploymentRollbackMonitorsStatus.MONITORING, after(Duration.ofSeconds(1)).alarms().status());
        ServiceDeployment baking = after(Duration.ofSeconds(29));
        Service s = service();
        assertEquals(1, s.deployments().size(), "the old deployment is gone");
        assertEquals(3, s.runningCount());
        assertEquals(DeploymentRolloutState.IN_PROGRESS, s.deployments().get(0).rolloutState(), "yet not judged");
        assertEquals(ServiceDeploymentStatus.IN_PROGRESS, baking.status());
        assertEquals(List.of("p99-latency", "5xx"), baking.alarms().alarmNames());
        assertEquals(5, baking.deploymentConfiguration().bakeTimeInMinutes());

        assertEquals(ServiceDeploymentStatus.IN_PROGRESS, after(Duration.ofMinutes(5).minusSeconds(1)).status());
        ServiceDeployment done = after(Duration.ofSeconds(1));
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, done.status());
        assertEquals(ServiceDeploymentRollbackMonitorsStatus.MONITORING_COMPLETE, done.alarms().status());
        assertEquals(DeploymentRolloutState.COMPLETED, service().deployments().get(0).rolloutState());
        assertEquals("(service web) has reached a steady state.", service().events().get(0).message());
    }

    @Test
    void anAlarmDuringTheBakeRollsBack() {
        create(ServiceSpec.of("prod", "web").script(ServiceScript.alarmFiresDuringBake(Duration.ofSeconds(20), 5,
                Duration.ofMinutes(2), true, "p99-latency")));
        clock.advance(Duration.ofSeconds(20).plusMinutes(2));
        ServiceDeployment triggered = sd();
        assertEquals(ServiceDeploymentRollbackMonitorsStatus.TRIGGERED, triggered.alarms().status());
        assertEquals(List.of("p99-latency"), triggered.alarms().triggeredAlarmNames());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_REQUESTED, triggered.status());
        assertEquals(DeploymentRolloutState.FAILED, service().deployments().get(1).rolloutState());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, after(Duration.ofSeconds(20)).status());
        assertEquals(TD + "web:1", service().taskDefinition());
    }

    @Test
    void anAlarmWithoutRollbackLeavesAFailedDeployment() {
        create(ServiceSpec.of("prod", "web").script(ServiceScript.alarmFiresDuringBake(Duration.ofSeconds(20), 5,
                Duration.ofMinutes(1), false, "p99-latency")));
        ServiceDeployment stopped = after(Duration.ofSeconds(80));
        assertEquals(ServiceDeploymentStatus.STOPPED, stopped.status());
        assertEquals(List.of("p99-latency"), stopped.alarms().triggeredAlarmNames());
        Service s = service();
        assertEquals(DeploymentRolloutState.FAILED, s.deployments().get(0).rolloutState());
        assertEquals(TD + "web:2", s.taskDefinition());
    }

    @Test
    void blueGreenWalksEveryStageWithTwoDeploymentsUntilCleanUp() {
        create(ServiceSpec.of("prod", "web").desiredCount(2).script(ServiceScript.blueGreen(STAGE, 3)));
        List<ServiceDeploymentLifecycleStage> seen = new ArrayList<>();
        ServiceDeployment now = after(Duration.ZERO);
        assertEquals("BLUE_GREEN", now.deploymentConfiguration().strategyAsString());
        assertEquals("BLUE_GREEN", service().deploymentConfiguration().strategyAsString());
        for (int i = 0; i < 8; i++) {
            seen.add(now.lifecycleStage());
            Service s = service();
            assertEquals(2, s.deployments().size(), "blue and green side by side at " + now.lifecycleStage());
            assertEquals(2, s.deployments().get(1).runningCount(), "blue keeps all its tasks");
            assertEquals(ServiceDeploymentStatus.IN_PROGRESS, now.status());
            now = after(STAGE);
        }
        assertEquals(List.of(ServiceDeploymentLifecycleStage.PRE_SCALE_UP, ServiceDeploymentLifecycleStage.SCALE_UP,
                ServiceDeploymentLifecycleStage.POST_SCALE_UP, ServiceDeploymentLifecycleStage.TEST_TRAFFIC_SHIFT,
                ServiceDeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT, ServiceDeploymentLifecycleStage.PRODUCTION_TRAFFIC_SHIFT,
                ServiceDeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT, ServiceDeploymentLifecycleStage.BAKE_TIME), seen);
        assertEquals(4, service().runningCount(), "green at full size beside blue during the bake");
        assertEquals(100.0, now.targetServiceRevision().requestedProductionTrafficWeight());
        assertEquals(0.0, now.sourceServiceRevisions().get(0).requestedProductionTrafficWeight());

        ServiceDeployment cleanUp = after(Duration.ofMinutes(3).minus(STAGE));
        assertEquals(ServiceDeploymentLifecycleStage.CLEAN_UP, cleanUp.lifecycleStage());
        assertEquals(2, service().deployments().size());
        ServiceDeployment done = after(STAGE);
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, done.status());
        Service s = service();
        assertEquals(1, s.deployments().size());
        assertEquals(DeploymentRolloutState.COMPLETED, s.deployments().get(0).rolloutState());
        assertEquals(2, s.runningCount());
    }

    @Test
    void linearShiftsProductionTrafficInStepsWithBakesBetween() {
        create(ServiceSpec.of("prod", "web").script(ServiceScript.linear(STAGE, 30.0, 2, 1)));
        clock.advance(STAGE.multipliedBy(5)); // PRE_SCALE_UP .. POST_TEST_TRAFFIC_SHIFT
        ServiceDeployment shifting = sd();
        assertEquals(ServiceDeploymentLifecycleStage.PRODUCTION_TRAFFIC_SHIFT, shifting.lifecycleStage());
        assertEquals(0.0, shifting.targetServiceRevision().requestedProductionTrafficWeight());
        assertEquals(100.0, shifting.targetServiceRevision().requestedTestTrafficWeight());
        List<Double> weights = new ArrayList<>();
        weights.add(after(STAGE).targetServiceRevision().requestedProductionTrafficWeight());
        for (int i = 0; i < 3; i++) {
            weights.add(after(Duration.ofMinutes(2)).targetServiceRevision().requestedProductionTrafficWeight());
        }
        assertEquals(List.of(30.0, 60.0, 90.0, 100.0), weights, "ceil(100 / 30) = 4 steps");
        assertEquals(ServiceDeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT, sd().lifecycleStage(),
                "no step bake after 100%");
        assertEquals(0.0, sd().sourceServiceRevisions().get(0).requestedProductionTrafficWeight());
    }

    @Test
    void canaryShiftsTheCanaryThenTheRest() {
        create(ServiceSpec.of("prod", "web").script(ServiceScript.canary(STAGE, 5.0, 4, 1)));
        clock.advance(STAGE.multipliedBy(6));
        ServiceDeployment canary = sd();
        assertEquals(ServiceDeploymentLifecycleStage.PRODUCTION_TRAFFIC_SHIFT, canary.lifecycleStage());
        assertEquals(5.0, canary.targetServiceRevision().requestedProductionTrafficWeight());
        assertEquals(95.0, canary.sourceServiceRevisions().get(0).requestedProductionTrafficWeight());
        assertEquals(5.0, after(Duration.ofMinutes(4).minusSeconds(1)).targetServiceRevision().requestedProductionTrafficWeight());
        ServiceDeployment all = after(Duration.ofSeconds(1));
        assertEquals(100.0, all.targetServiceRevision().requestedProductionTrafficWeight());
        assertEquals(ServiceDeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT, all.lifecycleStage());
    }

    @Test
    void aLambdaHookThatSucceedsLetsTheDeploymentGoOn() {
        create(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(STAGE, 0)
                .withLambdaHook("POST_SCALE_UP", ServiceScript.HookOutcome.SUCCEEDED, 30, "ROLLBACK")));
        ServiceDeployment running = after(STAGE.multipliedBy(2));
        assertEquals(ServiceDeploymentLifecycleStage.POST_SCALE_UP, running.lifecycleStage());
        DeploymentLifecycleHookDetail hook = running.lifecycleHookDetails().get(0);
        assertEquals(DeploymentLifecycleHookStatus.IN_PROGRESS, hook.status());
        assertEquals("AWS_LAMBDA", hook.targetTypeAsString());
        assertTrue(hook.targetArn().startsWith("arn:aws:lambda:"), hook.targetArn());
        ServiceDeployment next = after(STAGE);
        assertEquals(DeploymentLifecycleHookStatus.SUCCEEDED, next.lifecycleHookDetails().get(0).status());
        assertEquals(ServiceDeploymentLifecycleStage.POST_SCALE_UP, next.lifecycleStage(), "the stage's own time follows the hook");
        assertEquals(ServiceDeploymentLifecycleStage.TEST_TRAFFIC_SHIFT, after(STAGE).lifecycleStage());
    }

    @Test
    void aLambdaHookThatFailsRollsBackNamingTheHook() {
        create(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(STAGE, 0)
                .withLambdaHook("TEST_TRAFFIC_SHIFT", ServiceScript.HookOutcome.FAILED, 30, "CONTINUE")));
        ServiceDeployment failed = after(STAGE.multipliedBy(4));
        assertEquals(DeploymentLifecycleHookStatus.FAILED, failed.lifecycleHookDetails().get(0).status());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_REQUESTED, failed.status());
        assertTrue(failed.rollback().reason().contains(failed.lifecycleHookDetails().get(0).targetArn()), failed.rollback().reason());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, after(STAGE.dividedBy(2)).status());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, after(STAGE.multipliedBy(2)).status());
        assertEquals(TD + "web:1", service().taskDefinition());
        assertEquals(1, service().deployments().size());
    }

    @Test
    void aLambdaHookThatTimesOutDoesItsTimeoutAction() {
        create(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(STAGE, 0)
                .withLambdaHook("PRE_SCALE_UP", ServiceScript.HookOutcome.TIMED_OUT, 15, "CONTINUE")));
        assertEquals(DeploymentLifecycleHookStatus.IN_PROGRESS, after(Duration.ofMinutes(15).minusSeconds(1))
                .lifecycleHookDetails().get(0).status());
        ServiceDeployment continued = after(Duration.ofSeconds(1));
        assertEquals(DeploymentLifecycleHookStatus.TIMED_OUT, continued.lifecycleHookDetails().get(0).status());
        assertEquals(ServiceDeploymentStatus.IN_PROGRESS, continued.status());
        assertEquals(ServiceDeploymentLifecycleStage.SCALE_UP, after(STAGE).lifecycleStage());
    }

    @Test
    void aLambdaHookThatTimesOutWithRollbackRollsBack() {
        create(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(STAGE, 0)
                .withLambdaHook("PRE_SCALE_UP", ServiceScript.HookOutcome.TIMED_OUT, 15, "ROLLBACK")));
        ServiceDeployment rolledBack = after(Duration.ofMinutes(15));
        assertEquals(DeploymentLifecycleHookStatus.TIMED_OUT, rolledBack.lifecycleHookDetails().get(0).status());
        assertEquals(DeploymentLifecycleHookAction.ROLLBACK, rolledBack.lifecycleHookDetails().get(0).timeoutAction());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_REQUESTED, rolledBack.status());
        assertTrue(rolledBack.rollback().reason().contains("timed out"), rolledBack.rollback().reason());
    }

    @Test
    void aPauseHookWaitsForContinue() {
        create(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(STAGE, 0)
                .withPauseHook("POST_PRODUCTION_TRAFFIC_SHIFT", 60, "ROLLBACK")));
        ServiceDeployment paused = after(STAGE.multipliedBy(6));
        assertEquals(ServiceDeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT, paused.lifecycleStage());
        DeploymentLifecycleHookDetail hook = paused.lifecycleHookDetails().get(0);
        assertEquals(DeploymentLifecycleHookStatus.AWAITING_ACTION, hook.status());
        assertEquals(DeploymentLifecycleHookAction.ROLLBACK, hook.timeoutAction());
        assertEquals(clock.instant().plus(Duration.ofMinutes(60)), hook.expiresAt());
        assertTrue(hook.hookId().startsWith("ecs-pause-"), hook.hookId());
        ServiceDeployment stillPaused = after(Duration.ofMinutes(30));
        assertEquals(ServiceDeploymentStatus.IN_PROGRESS, stillPaused.status());
        assertEquals(ServiceDeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT, stillPaused.lifecycleStage());

        assertThrows(InvalidParameterException.class,
                () -> client.continueServiceDeployment(b -> b.serviceDeploymentArn(arn).hookId("ecs-pause-wrong")));
        client.continueServiceDeployment(b -> b.serviceDeploymentArn(arn).hookId(hook.hookId()));
        ServiceDeployment resumed = sd();
        assertEquals(DeploymentLifecycleHookStatus.SUCCEEDED, resumed.lifecycleHookDetails().get(0).status());
        assertEquals(ServiceDeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT, after(STAGE.minusSeconds(1)).lifecycleStage());
        assertEquals(ServiceDeploymentLifecycleStage.CLEAN_UP, after(Duration.ofSeconds(1)).lifecycleStage(),
                "a bake of 0 minutes passes at once");
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, after(STAGE).status());
    }

    @Test
    void aPauseHookAnsweredRollbackRollsBack() {
        create(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(STAGE, 0).withPauseHook("POST_SCALE_UP", 60, "CONTINUE")));
        String hookId = after(STAGE.multipliedBy(2)).lifecycleHookDetails().get(0).hookId();
        client.continueServiceDeployment(b -> b.serviceDeploymentArn(arn).hookId(hookId).action(DeploymentLifecycleHookAction.ROLLBACK));
        ServiceDeployment rolling = sd();
        assertEquals(ServiceDeploymentStatus.ROLLBACK_REQUESTED, rolling.status());
        assertNotNull(rolling.rollback().reason());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, after(STAGE.multipliedBy(2)).status());
    }

    @Test
    void anExpiredPauseHookDoesItsTimeoutAction() {
        create(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(STAGE, 0).withPauseHook("PRE_SCALE_UP", 20, "ROLLBACK")));
        String hookId = sd().lifecycleHookDetails().get(0).hookId();
        ServiceDeployment expired = after(Duration.ofMinutes(20));
        assertEquals(DeploymentLifecycleHookStatus.TIMED_OUT, expired.lifecycleHookDetails().get(0).status());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_REQUESTED, expired.status());
        assertThrows(software.amazon.awssdk.services.ecs.model.ClientException.class,
                () -> client.continueServiceDeployment(b -> b.serviceDeploymentArn(arn).hookId(hookId)), "too late");
    }

    @Test
    void earlySuccessWithDeferredCleanupIsSuccessfulWhileTwoDeploymentsRemain() {
        create(ServiceSpec.of("prod", "web").desiredCount(2)
                .script(ServiceScript.earlySuccess(100, "DEFERRED", Duration.ofSeconds(20), Duration.ofSeconds(60))));
        ServiceDeployment early = after(Duration.ofSeconds(20));
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, early.status());
        Service s = service();
        assertEquals(2, s.deployments().size(), "the old revision's cleanup is deferred");
        assertEquals(DeploymentRolloutState.COMPLETED, s.deployments().get(0).rolloutState());
        clock.advance(Duration.ofSeconds(40));
        Service stable = service();
        assertEquals(1, stable.deployments().size());
        assertEquals("(service web) has reached a steady state.", stable.events().get(0).message());
    }

    @Test
    void earlySuccessBelowFullHealthIsSuccessfulWhileRunningIsShort() {
        create(ServiceSpec.of("prod", "web").desiredCount(4)
                .script(ServiceScript.earlySuccess(50, "BLOCKING", Duration.ofSeconds(20), Duration.ofSeconds(60))));
        ServiceDeployment early = after(Duration.ofSeconds(20));
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, early.status());
        assertEquals(50, early.deploymentConfiguration().earlySuccessCriteria().healthyPercent());
        Service s = service();
        assertEquals(1, s.deployments().size());
        assertEquals(2, s.runningCount(), "half of the desired 4");
        assertEquals(4, s.desiredCount());
        clock.advance(Duration.ofSeconds(40));
        assertEquals(4, service().runningCount());
    }
}
