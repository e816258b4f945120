package io.github.ecsrollout.internal.verdict;

import io.github.ecsrollout.internal.model.EcsIds;

import static io.github.ecsrollout.support.Model.active;
import static io.github.ecsrollout.support.Model.deploying;
import static io.github.ecsrollout.support.Model.failed;
import static io.github.ecsrollout.support.Model.primary;
import static io.github.ecsrollout.support.Model.service;
import static io.github.ecsrollout.support.Model.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.support.Recorded;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookStatus;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;

/** The verdicts from a service deployment together with DescribeServices: issue 9's table, row by row. */
class ServiceDeploymentVerdictsTest {

    private static final String MINE = "ecs-svc/1111111111111111111";
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    /** Blue/green in its bake: both revisions listed, every task running. */
    private static final Service BAKING = service("web", 4, 2,
            primary(MINE, "app:2", 2, 2, DeploymentRolloutState.IN_PROGRESS),
            active("ecs-svc/old", "app:1", 2, 2, DeploymentRolloutState.COMPLETED));

    private static ServiceDeployment sd(ServiceDeploymentStatus status) {
        return ServiceDeployment.builder().serviceDeploymentArn("arn:aws:ecs:us-east-1:1:service-deployment/prod/web/x")
                .status(status).createdAt(T0)
                .targetServiceRevision(r -> r.arn("arn:aws:ecs:us-east-1:1:service-revision/prod/web/1111111111111111111"))
                .build();
    }

    private static ServiceDeployment at(ServiceDeploymentStatus status, ServiceDeploymentLifecycleStage stage) {
        return sd(status).toBuilder().lifecycleStage(stage).build();
    }

    private static ServiceDeployment breaker(ServiceDeploymentStatus status) {
        return sd(status).toBuilder().deploymentCircuitBreaker(b -> b
                .status(ServiceDeploymentRollbackMonitorsStatus.TRIGGERED).failureCount(3).threshold(3)).build();
    }

    private static ServiceDeployment alarm(ServiceDeploymentStatus status) {
        return sd(status).toBuilder().alarms(a -> a.status(ServiceDeploymentRollbackMonitorsStatus.TRIGGERED)
                .alarmNames("p99-latency", "5xx").triggeredAlarmNames("5xx")).build();
    }

    /** Someone else's deployment, newer than ours, is PRIMARY; ours is ACTIVE. */
    private static Service replacedByTheirs() {
        return service("web", 2, 2,
                primary("ecs-svc/theirs", "app:3", 1, 2, DeploymentRolloutState.IN_PROGRESS).toBuilder()
                        .createdAt(T0.plusSeconds(60)).build(),
                active(MINE, "app:2", 1, 2, DeploymentRolloutState.IN_PROGRESS).toBuilder().createdAt(T0).build());
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("SUCCESSFUL is STABLE", stable("web", MINE), sd(ServiceDeploymentStatus.SUCCESSFUL),
                        Verdict.STABLE),
                Arguments.of("SUCCESSFUL early, two deployments still listed (DEFERRED clean-up)", BAKING,
                        sd(ServiceDeploymentStatus.SUCCESSFUL), Verdict.STABLE),
                Arguments.of("SUCCESSFUL early, fewer running than desired (healthyPercent < 100)",
                        service("web", 1, 2, primary(MINE, "app:2", 1, 2, DeploymentRolloutState.COMPLETED)),
                        sd(ServiceDeploymentStatus.SUCCESSFUL), Verdict.STABLE),
                Arguments.of("IN_PROGRESS in its bake is not stable, though all tasks run", BAKING,
                        at(ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.BAKE_TIME),
                        Verdict.IN_PROGRESS),
                Arguments.of("IN_PROGRESS while DescribeServices alone would say stable (alarm bake)",
                        stable("web", MINE), sd(ServiceDeploymentStatus.IN_PROGRESS), Verdict.IN_PROGRESS),
                Arguments.of("PENDING", deploying("web", MINE), sd(ServiceDeploymentStatus.PENDING),
                        Verdict.IN_PROGRESS),
                Arguments.of("ROLLBACK_IN_PROGRESS", deploying("web", MINE),
                        sd(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS), Verdict.ROLLED_BACK),
                Arguments.of("ROLLBACK_SUCCESSFUL, stable on the old revision", stable("web", "ecs-svc/old"),
                        sd(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL), Verdict.ROLLED_BACK),
                Arguments.of("ROLLBACK_IN_PROGRESS after the circuit breaker", deploying("web", MINE),
                        breaker(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS), Verdict.ROLLED_BACK),
                Arguments.of("ROLLBACK_FAILED", deploying("web", MINE), sd(ServiceDeploymentStatus.ROLLBACK_FAILED),
                        Verdict.DEPLOYMENT_FAILED),
                Arguments.of("ROLLBACK_REQUESTED by someone: can still end SUCCESSFUL", BAKING,
                        sd(ServiceDeploymentStatus.ROLLBACK_REQUESTED), Verdict.IN_PROGRESS),
                Arguments.of("ROLLBACK_REQUESTED by the circuit breaker", deploying("web", MINE),
                        breaker(ServiceDeploymentStatus.ROLLBACK_REQUESTED), Verdict.ROLLED_BACK),
                Arguments.of("STOPPED: replaced by a newer deployment", replacedByTheirs(),
                        sd(ServiceDeploymentStatus.STOPPED).toBuilder()
                                .statusReason("Replaced by a new service deployment").build(),
                        Verdict.SUPERSEDED),
                Arguments.of("STOP_REQUESTED while a newer deployment is PRIMARY", replacedByTheirs(),
                        sd(ServiceDeploymentStatus.STOP_REQUESTED), Verdict.SUPERSEDED),
                Arguments.of("STOPPED with ours still PRIMARY and no word of a replacement", deploying("web", MINE),
                        sd(ServiceDeploymentStatus.STOPPED).toBuilder().statusReason("Stopped by a user").build(),
                        Verdict.DEPLOYMENT_FAILED),
                Arguments.of("circuit breaker TRIGGERED, no rollback", service("web", 0, 2,
                        failed(MINE, "PRIMARY", "ECS deployment circuit breaker: tasks failed to start.")),
                        breaker(ServiceDeploymentStatus.IN_PROGRESS), Verdict.DEPLOYMENT_FAILED),
                Arguments.of("alarm TRIGGERED in the bake, though DescribeServices looks stable", stable("web", MINE),
                        alarm(ServiceDeploymentStatus.IN_PROGRESS), Verdict.DEPLOYMENT_FAILED),
                Arguments.of("paused at a PAUSE hook is not terminal", BAKING, paused(), Verdict.IN_PROGRESS),
                Arguments.of("a newer deployment is PRIMARY but ours still says IN_PROGRESS: wait for ECS",
                        replacedByTheirs(), sd(ServiceDeploymentStatus.IN_PROGRESS), Verdict.IN_PROGRESS),
                Arguments.of("DRAINING wins over any service deployment",
                        stable("web", MINE).toBuilder().status("DRAINING").build(),
                        sd(ServiceDeploymentStatus.SUCCESSFUL), Verdict.INACTIVE));
    }

    static ServiceDeployment paused() {
        return at(ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT)
                .toBuilder().lifecycleHookDetails(h -> h.hookId("ecs-pause-1").targetType("PAUSE")
                        .status(DeploymentLifecycleHookStatus.AWAITING_ACTION).expiresAt(T0.plusSeconds(3600))
                        .timeoutAction("ROLLBACK"))
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void judgesBothAnswersTogether(String what, Service service, ServiceDeployment sd, Verdict verdict) {
        assertEquals(verdict, ServiceVerdicts.evaluate(service, sd, MINE, null));
    }

    static Stream<Arguments> stages() {
        return Stream.of(
                Arguments.of(ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.PRODUCTION_TRAFFIC_SHIFT,
                        ServiceDeploymentLifecycleStage.BAKE_TIME, Verdict.IN_PROGRESS),
                Arguments.of(ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.BAKE_TIME,
                        ServiceDeploymentLifecycleStage.BAKE_TIME, Verdict.STABLE),
                Arguments.of(ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.CLEAN_UP,
                        ServiceDeploymentLifecycleStage.BAKE_TIME, Verdict.STABLE),
                Arguments.of(ServiceDeploymentStatus.PENDING, ServiceDeploymentLifecycleStage.TEST_TRAFFIC_SHIFT,
                        ServiceDeploymentLifecycleStage.SCALE_UP, Verdict.STABLE),
                // Traffic-shift stages run again in a rollback: never a success.
                Arguments.of(ServiceDeploymentStatus.ROLLBACK_REQUESTED, ServiceDeploymentLifecycleStage.BAKE_TIME,
                        ServiceDeploymentLifecycleStage.BAKE_TIME, Verdict.IN_PROGRESS),
                Arguments.of(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS,
                        ServiceDeploymentLifecycleStage.PRODUCTION_TRAFFIC_SHIFT,
                        ServiceDeploymentLifecycleStage.SCALE_UP, Verdict.ROLLED_BACK));
    }

    @ParameterizedTest(name = "{0} at {1}, waiting for {2}")
    @MethodSource("stages")
    void succeedsAtAStageOnlyWhileGoingForward(ServiceDeploymentStatus status, ServiceDeploymentLifecycleStage stage,
            ServiceDeploymentLifecycleStage wanted, Verdict verdict) {
        assertEquals(verdict, ServiceVerdicts.evaluate(BAKING, at(status, stage), MINE, wanted));
    }

    static Stream<Arguments> describeServicesAlone() {
        Deployment rollback = primary("ecs-svc/rollback", "app:1", 1, 2, DeploymentRolloutState.IN_PROGRESS)
                .toBuilder().createdAt(T0.plusSeconds(120))
                .rolloutStateReason("ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/old.").build();
        Deployment failedEarlier = failed("ecs-svc/failed", "ACTIVE", "ECS deployment circuit breaker: tasks failed.")
                .toBuilder().createdAt(T0).build();
        Deployment fixForward = primary("ecs-svc/fix", "app:3", 2, 2, DeploymentRolloutState.COMPLETED).toBuilder()
                .createdAt(T0.plusSeconds(600)).build();
        return Stream.of(
                Arguments.of("a rollout: one deployment, all running, but rolloutState still IN_PROGRESS",
                        service("web", 2, 2, primary(MINE, "app:2", 2, 2, DeploymentRolloutState.IN_PROGRESS)), MINE,
                        Verdict.IN_PROGRESS),
                Arguments.of("waiting only: PRIMARY still IN_PROGRESS is not stable",
                        service("web", 2, 2, primary("ecs-svc/x", "app:2", 2, 2, DeploymentRolloutState.IN_PROGRESS)),
                        null, Verdict.IN_PROGRESS),
                Arguments.of("waiting only: the circuit breaker rolls back a FAILED deployment listed beside it",
                        service("web", 1, 2, rollback, failedEarlier), null, Verdict.DEPLOYMENT_FAILED),
                Arguments.of("waiting only: the circuit breaker rolls back, the FAILED deployment listed newer",
                        service("web", 1, 2, rollback.toBuilder().createdAt(T0.minusSeconds(600)).build(),
                                failedEarlier), null, Verdict.DEPLOYMENT_FAILED),
                Arguments.of("waiting only: the circuit breaker rolls back, the FAILED deployment gone already",
                        service("web", 1, 2, rollback), null, Verdict.DEPLOYMENT_FAILED),
                Arguments.of("waiting only: the recorded breaker rollback (PRIMARY the previous deployment, the failed "
                        + "one gone, another deploying beside it)",
                        Recorded.service("03-circuit-breaker-rollback-in-progress-sevenwestmedia.json"), null,
                        Verdict.DEPLOYMENT_FAILED),
                Arguments.of("waiting only: an older FAILED deployment beside a COMPLETED fix forward is history",
                        service("web", 2, 2, fixForward, failedEarlier.toBuilder().runningCount(0).build()), null,
                        Verdict.IN_PROGRESS),
                Arguments.of("legacy: no rolloutState at all", service("web", 2, 2,
                        primary(MINE, "app:2", 2, 2, null)), MINE, Verdict.STABLE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("describeServicesAlone")
    void describeServicesAloneHasTwoFixes(String what, Service service, String expected, Verdict verdict) {
        assertEquals(verdict, ServiceVerdicts.evaluate(service, null, expected, null));
    }

    /**
     * rollbackOnFailure watching ECS's own circuit-breaker rollback without the service deployment (no permission):
     * the FAILED deployment beside the rollback is what is being undone, not a failed restore.
     */
    @Test
    void aBreakerRollbackWatchedWithoutItsServiceDeploymentIsARestoreUnderWay() {
        Deployment rollback = primary("ecs-svc/rollback", "app:1", 1, 2, DeploymentRolloutState.IN_PROGRESS)
                .toBuilder().createdAt(T0.plusSeconds(120))
                .rolloutStateReason("ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/old.").build();
        Deployment failedOne = failed(MINE, "ACTIVE", "ECS deployment circuit breaker: tasks failed to start.")
                .toBuilder().createdAt(T0).build();
        assertEquals(Verdict.IN_PROGRESS, ServiceVerdicts.restoration(service("web", 1, 2, rollback, failedOne), null, "app:1"));
        Deployment rollbackFailed = rollback.toBuilder().rolloutState(DeploymentRolloutState.FAILED).build();
        assertEquals(Verdict.DEPLOYMENT_FAILED,
                ServiceVerdicts.restoration(service("web", 1, 2, rollbackFailed, failedOne), null, "app:1"));
        Deployment done = rollback.toBuilder().rolloutState(DeploymentRolloutState.COMPLETED).runningCount(2).build();
        assertEquals(Verdict.STABLE, ServiceVerdicts.restoration(service("web", 2, 2, done), null, "app:1"));
    }

    @Test
    void theFixForwardIsStableOnceOnlyItRemains() {
        Service s = service("web", 2, 2, primary("ecs-svc/fix", "app:3", 2, 2, DeploymentRolloutState.COMPLETED));
        assertEquals(Verdict.STABLE, ServiceVerdicts.evaluate(s, null, null, null));
    }

    @Test
    void aRecordedSuccessfulRollingServiceDeploymentIsStable() {
        ServiceDeployment sd = Recorded.describeServiceDeployments(
                "20b-describe-service-deployments-successful-rolling-awscli-docs.json").serviceDeployments().get(0);
        String id = "ecs-svc/1485800978477494678";
        assertTrue(EcsIds.isRevisionOf(sd.targetServiceRevision().arn(), id));
        assertEquals(Verdict.STABLE, ServiceVerdicts.evaluate(stable("example-service", id), sd, id, null));
        assertFalse(DeploymentRules.isTriggered(sd));
    }

    @Test
    void aRecordedPausedBlueGreenDeploymentWaitsAndNamesItsHook() {
        ServiceDeployment sd = Recorded.describeServiceDeployments(
                "21b-describe-service-deployments-bluegreen-paused-hook-apiref-sample.json").serviceDeployments().get(0);
        String id = "ecs-svc/1234567890123456789";
        Service blueGreen = BAKING.toBuilder().deployments(BAKING.deployments().get(0).toBuilder().id(id).build(),
                BAKING.deployments().get(1)).build();
        assertEquals(Verdict.IN_PROGRESS, ServiceVerdicts.evaluate(blueGreen, sd, id, null));
        assertEquals("ecs-pause-Xk7rT2mP9sLwQn4vB8fYd3hJ6gA1cE5iO0uR_ZpWq",
                DeploymentRules.pausedHook(sd).orElseThrow().hookId());
        ServiceState state = ServiceState.builder().cluster("my-cluster").service("my-service")
                .verdict(Verdict.IN_PROGRESS).lastObserved(blueGreen).serviceDeployment(sd).build();
        assertTrue(state.pausedHook().isPresent());
    }

    @Test
    void theRecordedListMatchesItsDeploymentByRevisionNumberOnly() {
        String revision = Recorded.listServiceDeployments("20-list-service-deployments-awscli-docs.json")
                .serviceDeployments().get(0).targetServiceRevisionArn();
        assertTrue(EcsIds.isRevisionOf(revision, "ecs-svc/1485800978477494678"));
        assertFalse(EcsIds.isRevisionOf(revision, "ecs-svc/148580097847749467"));
        assertFalse(EcsIds.isRevisionOf(revision, "ecs-svc/ejGvqq2ilnbKT9qj0vLJe"));
        assertFalse(EcsIds.isRevisionOf(revision, null));
    }

    @Test
    void wordsComeFromTheServiceDeploymentFirst() {
        String words = EcsWords.of(stable("web", MINE), alarm(ServiceDeploymentStatus.IN_PROGRESS), MINE);
        assertTrue(words.contains("5xx") && !words.contains("p99-latency"), words);
        assertTrue(EcsWords.of(stable("web", MINE), breaker(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS), MINE)
                .contains("3 of 3"));
    }

    @Test
    void onlyServicesWithStagesOrBakesTheRuleCannotSeeNeedTheirServiceDeployment() {
        Service rolling = stable("web", MINE);
        assertFalse(OurDeployment.needsServiceDeployment(rolling, Verdict.IN_PROGRESS, null));
        assertFalse(OurDeployment.needsServiceDeployment(rolling, Verdict.STABLE, null));
        assertTrue(OurDeployment.needsServiceDeployment(rolling, Verdict.DEPLOYMENT_FAILED, null));
        assertTrue(OurDeployment.needsServiceDeployment(rolling, Verdict.ROLLED_BACK, null));
        assertTrue(OurDeployment.needsServiceDeployment(rolling, Verdict.IN_PROGRESS,
                ServiceDeploymentLifecycleStage.BAKE_TIME));
        for (DeploymentConfiguration c : new DeploymentConfiguration[] {
                DeploymentConfiguration.builder().strategy(DeploymentStrategy.BLUE_GREEN).build(),
                DeploymentConfiguration.builder().strategy(DeploymentStrategy.LINEAR).build(),
                DeploymentConfiguration.builder().strategy(DeploymentStrategy.CANARY).build(),
                DeploymentConfiguration.builder().alarms(a -> a.enable(true).alarmNames("x")).build(),
                DeploymentConfiguration.builder().lifecycleHooks(h -> h.hookTargetArn("arn:lambda")).build(),
                DeploymentConfiguration.builder().earlySuccessCriteria(e -> e.enable(true).healthyPercent(50)).build()}) {
            assertTrue(OurDeployment.needsServiceDeployment(rolling.toBuilder().deploymentConfiguration(c).build(),
                    Verdict.STABLE, null), c.toString());
        }
        assertFalse(OurDeployment.needsServiceDeployment(rolling.toBuilder().deploymentConfiguration(c -> c
                .strategy(DeploymentStrategy.ROLLING).alarms(a -> a.enable(false))).build(), Verdict.STABLE, null));
    }

    @Test
    void earlySuccessIsStableButSaysItStillConverges() {
        ServiceState s = ServiceState.builder().cluster("prod").service("web").verdict(Verdict.STABLE)
                .lastObserved(BAKING).serviceDeployment(sd(ServiceDeploymentStatus.SUCCESSFUL)).build();
        assertTrue(s.isConverging());
        assertFalse(s.toBuilder().lastObserved(stable("web", MINE)).build().isConverging());
    }
}
