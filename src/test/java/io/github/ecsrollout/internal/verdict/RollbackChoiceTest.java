package io.github.ecsrollout.internal.verdict;

import static io.github.ecsrollout.support.Model.active;
import static io.github.ecsrollout.support.Model.deploying;
import static io.github.ecsrollout.support.Model.failed;
import static io.github.ecsrollout.support.Model.primary;
import static io.github.ecsrollout.support.Model.service;
import static io.github.ecsrollout.support.Model.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookStatus;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;

/** Which rollback action fits a service's deployment: issue 10's table, row by row, on model objects. */
@SuppressWarnings("unchecked") // the SDK's Consumer<Builder>... varargs
class RollbackChoiceTest {

    private static final String MINE = "ecs-svc/1111111111111111111";
    private static final String PREVIOUS = "arn:aws:ecs:us-east-1:1:task-definition/app:1";
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    /** In flight: ours PRIMARY beside the old one. */
    private static final Service IN_FLIGHT = service("web", 4, 2,
            primary(MINE, "app:2", 2, 2, DeploymentRolloutState.IN_PROGRESS).toBuilder().createdAt(T0).build(),
            active("ecs-svc/old", PREVIOUS, 2, 2, DeploymentRolloutState.COMPLETED));
    /** Someone else's newer deployment is PRIMARY, ours ACTIVE. */
    private static final Service THEIRS = service("web", 2, 2,
            primary("ecs-svc/theirs", "app:3", 1, 2, DeploymentRolloutState.IN_PROGRESS).toBuilder()
                    .createdAt(T0.plusSeconds(60)).build(),
            active(MINE, "app:2", 1, 2, DeploymentRolloutState.IN_PROGRESS).toBuilder().createdAt(T0).build());
    /** ECS's circuit breaker rolls ours back: a new PRIMARY on the previous task definition. */
    private static final Service ECS_ROLLS_BACK = service("web", 1, 2,
            primary("ecs-svc/rollback", PREVIOUS, 1, 2, DeploymentRolloutState.IN_PROGRESS),
            failed(MINE, "ACTIVE", "ECS deployment circuit breaker: tasks failed to start."));

    /** Back on the previous task definition, one deployment, every task running. */
    private static final Service BACK = service("web", 2, 2,
            primary("ecs-svc/rollback", PREVIOUS, 2, 2, DeploymentRolloutState.COMPLETED));

    private static ServiceDeployment sd(ServiceDeploymentStatus status) {
        return ServiceDeployment.builder().serviceDeploymentArn("arn:aws:ecs:us-east-1:1:service-deployment/prod/web/x")
                .status(status).createdAt(T0)
                .targetServiceRevision(r -> r.arn("arn:aws:ecs:us-east-1:1:service-revision/prod/web/1111111111111111111"))
                .build();
    }

    private static ServiceDeployment at(ServiceDeploymentStatus status, ServiceDeploymentLifecycleStage stage) {
        return sd(status).toBuilder().lifecycleStage(stage).build();
    }

    private static ServiceDeployment paused() {
        return at(ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.POST_SCALE_UP).toBuilder()
                .lifecycleHookDetails(h -> h.hookId("ecs-pause-1").targetType("PAUSE")
                        .status(DeploymentLifecycleHookStatus.AWAITING_ACTION))
                .build();
    }

    private static ServiceDeployment replaced(ServiceDeploymentStatus status) {
        return sd(status).toBuilder().statusReason("Replaced by a new service deployment").build();
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("blue/green in its bake", Verdict.IN_PROGRESS, IN_FLIGHT,
                        at(ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.BAKE_TIME),
                        RollbackAction.STOPPED_WITH_ROLLBACK),
                Arguments.of("linear or canary shifting traffic", Verdict.IN_PROGRESS, IN_FLIGHT,
                        at(ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.PRODUCTION_TRAFFIC_SHIFT),
                        RollbackAction.STOPPED_WITH_ROLLBACK),
                Arguments.of("rolling, IN_PROGRESS", Verdict.IN_PROGRESS, IN_FLIGHT,
                        sd(ServiceDeploymentStatus.IN_PROGRESS), RollbackAction.STOPPED_WITH_ROLLBACK),
                Arguments.of("PENDING", Verdict.IN_PROGRESS, IN_FLIGHT, sd(ServiceDeploymentStatus.PENDING),
                        RollbackAction.STOPPED_WITH_ROLLBACK),
                Arguments.of("paused at a PAUSE hook", Verdict.IN_PROGRESS, IN_FLIGHT, paused(),
                        RollbackAction.CONTINUED_WITH_ROLLBACK),
                Arguments.of("ROLLBACK_REQUESTED", Verdict.ROLLED_BACK, ECS_ROLLS_BACK,
                        sd(ServiceDeploymentStatus.ROLLBACK_REQUESTED), RollbackAction.WATCHED_ECS_ROLLBACK),
                Arguments.of("ROLLBACK_IN_PROGRESS", Verdict.ROLLED_BACK, ECS_ROLLS_BACK,
                        sd(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS), RollbackAction.WATCHED_ECS_ROLLBACK),
                Arguments.of("ROLLBACK_SUCCESSFUL", Verdict.ROLLED_BACK, BACK,
                        sd(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL), RollbackAction.WATCHED_ECS_ROLLBACK),
                Arguments.of("ECS rolls back, no service deployment known", Verdict.DEPLOYMENT_FAILED,
                        ECS_ROLLS_BACK, null, RollbackAction.WATCHED_ECS_ROLLBACK),
                Arguments.of("SUCCESSFUL in a rollout that failed elsewhere", Verdict.STABLE, stable("web", MINE),
                        sd(ServiceDeploymentStatus.SUCCESSFUL), RollbackAction.RESTORED_BY_UPDATE),
                Arguments.of("rolling, ended stable, no service deployment known", Verdict.STABLE,
                        stable("web", MINE), null, RollbackAction.RESTORED_BY_UPDATE),
                Arguments.of("no service deployment known, in flight", Verdict.IN_PROGRESS, deploying("web", MINE),
                        null, RollbackAction.RESTORED_BY_UPDATE),
                Arguments.of("stopped by the circuit breaker, no rollback", Verdict.DEPLOYMENT_FAILED,
                        service("web", 0, 2, failed(MINE, "PRIMARY", "ECS deployment circuit breaker")),
                        sd(ServiceDeploymentStatus.STOPPED).toBuilder().statusReason(
                                "ECS deployment circuit breaker: tasks failed to start.").build(),
                        RollbackAction.RESTORED_BY_UPDATE),
                Arguments.of("ROLLBACK_FAILED", Verdict.DEPLOYMENT_FAILED, IN_FLIGHT,
                        sd(ServiceDeploymentStatus.ROLLBACK_FAILED), RollbackAction.RESTORED_BY_UPDATE),
                Arguments.of("SUPERSEDED", Verdict.SUPERSEDED, THEIRS, replaced(ServiceDeploymentStatus.STOPPED),
                        RollbackAction.LEFT_ALONE),
                Arguments.of("replaced since the last poll (STOP_REQUESTED)", Verdict.IN_PROGRESS, THEIRS,
                        replaced(ServiceDeploymentStatus.STOP_REQUESTED), RollbackAction.LEFT_ALONE),
                Arguments.of("someone else's deployment, seen by DescribeServices alone", Verdict.ROLLED_BACK, THEIRS,
                        null, RollbackAction.LEFT_ALONE),
                Arguments.of("released over after ours succeeded", Verdict.STABLE, service("web", 2, 2,
                        primary("ecs-svc/theirs", "app:3", 2, 2, DeploymentRolloutState.COMPLETED)),
                        sd(ServiceDeploymentStatus.SUCCESSFUL), RollbackAction.LEFT_ALONE),
                Arguments.of("a stale in-flight description, but DescribeServices shows theirs", Verdict.IN_PROGRESS,
                        THEIRS, sd(ServiceDeploymentStatus.IN_PROGRESS), RollbackAction.LEFT_ALONE),
                Arguments.of("nothing observed at all", Verdict.UNKNOWN, null, null, RollbackAction.RESTORED_BY_UPDATE));
    }

    @ParameterizedTest(name = "{0}: {4}")
    @MethodSource("table")
    void theActionFollowsTheDeploymentsState(String row, Verdict verdict, Service service, ServiceDeployment sd,
            RollbackAction expected) {
        assertEquals(expected, RollbackChoice.of(verdict, service, sd, MINE, PREVIOUS));
    }

    @Test
    void withoutTheDeploymentTheRolloutStartedTheServiceIsRestoredByUpdateService() {
        // ECS's answer to the update was lost: whose the PRIMARY deployment is cannot be told, and a service still
        // on its old task definition may yet get the update (ECS is eventually consistent). Only a restore is sure.
        for (Service service : List.of(THEIRS, BACK, IN_FLIGHT)) {
            assertEquals(RollbackAction.RESTORED_BY_UPDATE, RollbackChoice.of(Verdict.UNKNOWN, service, null,
                    null, PREVIOUS));
        }
    }
}
