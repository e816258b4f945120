package io.github.ecsrollout.internal.rollback;

import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.verdict.DeploymentRules;
import io.github.ecsrollout.internal.verdict.RollbackChoice;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;

/**
 * What a rollback does for each service a failed rollout changed, chosen from what ECS says of it when the rollback
 * starts ({@link RollbackChoice}): the actions to take, and the services to leave alone with why. Pure.
 *
 * @param actions the action for each service to act on, in the rollout's order
 * @param leftAlone the services another deployment superseded, with why
 */
record RollbackPlan(Map<TrackedService, RollbackAction> actions, Map<String, String> leftAlone) {

    /**
     * Plans the rollback.
     *
     * @param previous each changed service's task definition before the rollout
     * @param now what DescribeServices says of each service now (or last said)
     * @param deployments each service's service deployment, as described now (or last)
     */
    static RollbackPlan of(Map<TrackedService, String> previous, Map<TrackedService, Service> now,
            Map<TrackedService, ServiceDeployment> deployments) {
        Map<TrackedService, RollbackAction> actions = new LinkedHashMap<>();
        Map<String, String> leftAlone = new LinkedHashMap<>();
        previous.forEach((t, taskDefinition) -> {
            RollbackAction action = RollbackChoice.of(t.verdict(), now.get(t), deployments.get(t),
                    t.expectedDeploymentId(), taskDefinition);
            if (action == RollbackAction.LEFT_ALONE) {
                leftAlone.put(t.id().service(), "superseded by another deployment"
                        + Optional.ofNullable(now.get(t)).flatMap(s -> DeploymentRules.primary(s.deployments()))
                                .map(d -> " (now " + EcsIds.lastSegment(d.taskDefinition()) + ")").orElse("")
                        + ", not ours to undo");
            }
            actions.put(t, action);
        });
        return new RollbackPlan(actions, leftAlone);
    }
}
