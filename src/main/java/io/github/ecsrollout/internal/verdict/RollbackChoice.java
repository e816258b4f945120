package io.github.ecsrollout.internal.verdict;

import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;

/** The rollback action that fits one service's deployment as ECS describes it: a pure choice, made per service. */
public final class RollbackChoice {

    private RollbackChoice() {
    }

    /**
     * What {@code rollbackOnFailure} does about one service a failed rollout changed, from the state of its
     * deployment:
     * <ul>
     *   <li>{@link RollbackAction#LEFT_ALONE} when another deployment superseded it ({@link ServiceVerdicts#isSuperseded});</li>
     *   <li>{@link RollbackAction#WATCHED_ECS_ROLLBACK} when ECS is rolling it back already (its service deployment
     *       ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS or ROLLBACK_SUCCESSFUL; or, with none known, a PRIMARY
     *       deployment other than ours on the previous task definition);</li>
     *   <li>{@link RollbackAction#CONTINUED_WITH_ROLLBACK} when it is paused at a PAUSE hook;</li>
     *   <li>{@link RollbackAction#STOPPED_WITH_ROLLBACK} when it is in flight (PENDING or IN_PROGRESS);</li>
     *   <li>{@link RollbackAction#RESTORED_BY_UPDATE} otherwise: it ended (SUCCESSFUL, STOPPED, ROLLBACK_FAILED) or
     *       no service deployment is known.</li>
     * </ul>
     *
     * @param verdict the service's verdict in the rollout
     * @param service ECS's latest DescribeServices answer, or {@code null}
     * @param sd the service deployment the rollout started, as last described, or {@code null} when not known
     * @param expectedDeploymentId the deployment the rollout started, or {@code null} when not known
     * @param previousTaskDefinition what the service ran before the rollout
     */
    public static RollbackAction of(Verdict verdict, Service service, ServiceDeployment sd,
            String expectedDeploymentId, String previousTaskDefinition) {
        if (verdict == Verdict.SUPERSEDED
                || ServiceVerdicts.isSuperseded(service, sd, expectedDeploymentId, previousTaskDefinition)) {
            return RollbackAction.LEFT_ALONE;
        }
        if (DeploymentRules.isRollback(sd)) {
            return RollbackAction.WATCHED_ECS_ROLLBACK;
        }
        if (sd != null && (sd.status() == ServiceDeploymentStatus.PENDING
                || sd.status() == ServiceDeploymentStatus.IN_PROGRESS)) {
            return DeploymentRules.pausedHook(sd).isPresent() ? RollbackAction.CONTINUED_WITH_ROLLBACK
                    : RollbackAction.STOPPED_WITH_ROLLBACK;
        }
        // Ended (or not known), and another deployment already puts back what ran before (ECS's rollback, or a restore
        // sent earlier, as a retried check finds): watch it. Without the deployment the update started (its answer
        // was lost), a service on its old task definition may yet be updated (ECS is eventually consistent): only a
        // restore makes sure.
        boolean ecsRollsBack = expectedDeploymentId != null
                && ServiceVerdicts.isBackOnPrevious(service, expectedDeploymentId, previousTaskDefinition);
        return ecsRollsBack ? RollbackAction.WATCHED_ECS_ROLLBACK : RollbackAction.RESTORED_BY_UPDATE;
    }
}
