package io.github.ecsrollout.internal.verdict;

import io.github.ecsrollout.internal.model.EcsIds;

import io.github.ecsrollout.support.Model;

import static io.github.ecsrollout.support.Model.active;
import static io.github.ecsrollout.support.Model.deploying;
import static io.github.ecsrollout.support.Model.failed;
import static io.github.ecsrollout.support.Model.primary;
import static io.github.ecsrollout.support.Model.service;
import static io.github.ecsrollout.support.Model.stable;
import static io.github.ecsrollout.support.Model.withController;
import static io.github.ecsrollout.support.Model.withEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.support.Recorded;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;

class ServiceVerdictsTest {

    private static final String MINE = "ecs-svc/1111111111111111111";
    private static final String CB = "ECS deployment circuit breaker: tasks failed to start.";

    static Stream<Arguments> modelTable() {
        return Stream.of(
                Arguments.of("one COMPLETED deployment, all running", stable("web", MINE), MINE, Verdict.STABLE),
                Arguments.of("old deployment still draining", deploying("web", MINE), MINE, Verdict.IN_PROGRESS),
                Arguments.of("counts equal but two deployments is not stable",
                        service("web", 2, 2, primary(MINE, "app:2", 1, 2, DeploymentRolloutState.IN_PROGRESS),
                                active("ecs-svc/old", "app:1", 1, 2, DeploymentRolloutState.COMPLETED)),
                        MINE, Verdict.IN_PROGRESS),
                Arguments.of("COMPLETED with fewer running than desired is not stable",
                        service("web", 1, 2, primary(MINE, "app:2", 1, 2, DeploymentRolloutState.COMPLETED)),
                        MINE, Verdict.IN_PROGRESS),
                Arguments.of("circuit breaker failed ours, no rollback",
                        service("web", 0, 2, failed(MINE, "PRIMARY", CB)), MINE, Verdict.DEPLOYMENT_FAILED),
                Arguments.of("circuit breaker failed ours, rolling back",
                        service("web", 1, 2, primary("ecs-svc/rollback", "app:1", 1, 2,
                                DeploymentRolloutState.IN_PROGRESS), failed(MINE, "ACTIVE", CB)),
                        MINE, Verdict.DEPLOYMENT_FAILED),
                Arguments.of("rollback finished: stable, but on another deployment",
                        stable("web", "ecs-svc/rollback"), MINE, Verdict.ROLLED_BACK),
                Arguments.of("ours gone while another still deploys",
                        deploying("web", "ecs-svc/other"), MINE, Verdict.ROLLED_BACK),
                Arguments.of("someone deployed over ours",
                        service("web", 2, 2, primary("ecs-svc/theirs", "app:3", 1, 2,
                                DeploymentRolloutState.IN_PROGRESS),
                                active(MINE, "app:2", 1, 2, DeploymentRolloutState.IN_PROGRESS)),
                        MINE, Verdict.ROLLED_BACK),
                Arguments.of("waiting only: PRIMARY failed",
                        service("web", 0, 2, failed("ecs-svc/x", "PRIMARY", CB)), null, Verdict.DEPLOYMENT_FAILED),
                Arguments.of("waiting only: any one stable deployment", stable("web", "ecs-svc/x"), null,
                        Verdict.STABLE),
                Arguments.of("draining", stable("web", MINE).toBuilder().status("DRAINING").build(), MINE,
                        Verdict.INACTIVE),
                Arguments.of("inactive", stable("web", MINE).toBuilder().status("INACTIVE").build(), null,
                        Verdict.INACTIVE),
                Arguments.of("CODE_DEPLOY controller",
                        withController(stable("web", MINE), DeploymentControllerType.CODE_DEPLOY), null,
                        Verdict.UNSUPPORTED),
                Arguments.of("EXTERNAL controller",
                        withController(stable("web", MINE), DeploymentControllerType.EXTERNAL), MINE,
                        Verdict.UNSUPPORTED),
                Arguments.of("ECS controller named explicitly",
                        stable("web", MINE).toBuilder().deploymentController(c -> c.type("ECS")).build(), MINE,
                        Verdict.STABLE),
                Arguments.of("not observed", null, MINE, Verdict.UNKNOWN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modelTable")
    void judgesModelObjects(String what, Service service, String expected, Verdict verdict) {
        assertEquals(verdict, ServiceVerdicts.evaluate(service, expected));
    }

    static Stream<Arguments> recordedTable() {
        return Stream.of(
                Arguments.of("01-stable-awscli-docs-describe-services.json", Verdict.STABLE),
                Arguments.of("01b-stable-completed-custodian-placebo-describe-services.json", Verdict.STABLE),
                Arguments.of("01d-stable-legacy-no-rolloutstate-custodian-placebo-describe-services.json",
                        Verdict.STABLE),
                Arguments.of("02b-mid-deployment-legacy-custodian-placebo-describe-services.json",
                        Verdict.IN_PROGRESS),
                Arguments.of("05-draining-describe-services-custodian-placebo.json", Verdict.INACTIVE),
                Arguments.of("06-events-unable-to-place-botocore-example-describe-services.json",
                        Verdict.IN_PROGRESS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedTable")
    void judgesRecordedAnswersWhenOnlyWaiting(String file, Verdict verdict) {
        assertEquals(verdict, ServiceVerdicts.evaluate(Recorded.service(file), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedTable")
    void judgesRecordedAnswersAgainstTheirOwnPrimaryDeployment(String file, Verdict verdict) {
        Service s = Recorded.service(file);
        assertEquals(verdict, ServiceVerdicts.evaluate(s, DeploymentRules.primaryId(s)));
    }

    @Test
    void aRecordedStableServiceIsRolledBackForARolloutThatExpectedAnotherDeployment() {
        Service s = Recorded.service("01b-stable-completed-custodian-placebo-describe-services.json");
        assertEquals(Verdict.ROLLED_BACK, ServiceVerdicts.evaluate(s, "ecs-svc/0000000000000000000"));
    }

    /** Issue 9: from DescribeServices alone, what took over tells someone else's deployment from ECS's rollback. */
    @Test
    void aDeploymentGoneFromDescribeServicesIsSupersededUnlessThePrimaryRunsWhatRanBefore() {
        String mine = "ecs-svc/mine";
        Service theirs = Model.service("web", 2, 2,
                Model.primary("ecs-svc/theirs", "app:3", 1, 2, DeploymentRolloutState.IN_PROGRESS),
                Model.active(mine, "app:2", 1, 2, DeploymentRolloutState.IN_PROGRESS));
        assertEquals(Verdict.SUPERSEDED, ServiceVerdicts.evaluate(theirs, null, mine, null, "app:1"));
        assertEquals(Verdict.ROLLED_BACK, ServiceVerdicts.evaluate(theirs, null, mine, null, null),
                "what ran before unknown: today's rule");

        Service restored = Model.service("web", 2, 2,
                Model.primary("ecs-svc/restore", "app:1", 2, 2, DeploymentRolloutState.COMPLETED));
        assertEquals(Verdict.ROLLED_BACK, ServiceVerdicts.evaluate(restored, null, mine, null, "app:1"),
                "back on what ran before, our deployment gone: rolled back, never a success");

        Service breakerRollback = Model.service("web", 1, 2,
                Model.deployment("ecs-svc/rb", "PRIMARY", "app:0", 1, 2, DeploymentRolloutState.IN_PROGRESS,
                        "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/older"),
                Model.failed(mine, "ACTIVE", "ECS deployment circuit breaker: tasks failed to start."));
        assertEquals(Verdict.DEPLOYMENT_FAILED, ServiceVerdicts.evaluate(breakerRollback, null, mine, null, "app:1"));
    }

    @Test
    void theRecordedUpdateAnswerNamesTheNewPrimaryDeployment() {
        Service s = Recorded.updateService("08c-update-service-custodian-placebo-mid-deployment.json").service();
        String primary = DeploymentRules.primaryId(s);
        assertTrue(primary.startsWith("ecs-svc/"), primary);
        assertEquals(Verdict.IN_PROGRESS, ServiceVerdicts.evaluate(s, primary));
    }

    @Test
    void ecsWordsPreferTheFailedDeploymentsReason() {
        Service s = withEvents(service("web", 0, 2, failed(MINE, "PRIMARY", CB)),
                "(service web) was unable to place a task.");
        assertEquals(CB, EcsWords.of(s, MINE));
    }

    @Test
    void ecsWordsFallBackToTheNewestProblemEventWhateverItsAge() {
        Service s = withEvents(deploying("web", MINE),
                "(service web) has started 1 tasks: (task abc).",
                "(service web) is unable to consistently start tasks successfully.",
                "(service web) has reached a steady state.");
        assertEquals("(service web) is unable to consistently start tasks successfully.", EcsWords.of(s, MINE));
    }

    @Test
    void ecsWordsFallBackToTheNewestEventWhenNoneIsAProblem() {
        Service s = withEvents(deploying("web", MINE), "(service web) has started 1 tasks: (task abc).",
                "(service web) has reached a steady state.");
        assertEquals("(service web) has started 1 tasks: (task abc).", EcsWords.of(s, MINE));
        assertNull(EcsWords.of(deploying("web", MINE), MINE));
    }

    @Test
    void ecsWordsOfARecordedPlacementFailure() {
        Service s = Recorded.service("06-events-unable-to-place-botocore-example-describe-services.json");
        assertTrue(EcsWords.of(s, null).contains("was unable to place a task"), EcsWords.of(s, null));
    }

    @Test
    void problemWordsAreRecognised() {
        assertTrue(EcsWords.isProblem("(service a) (task 1) failed container health checks."));
        assertTrue(EcsWords.isProblem("(service a) registered 1 targets ... is unhealthy"));
        assertFalse(EcsWords.isProblem("(service a) has reached a steady state."));
        assertFalse(EcsWords.isProblem("(service a) has stopped 1 running tasks: (task 1)."));
    }
}
