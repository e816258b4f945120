package io.github.ecsrollout.internal.verdict;

import io.github.ecsrollout.ServiceState.Verdict;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * What the reads before a rollout's first update mean: whether a service may be rolled out (ACTIVE, deployed by ECS's
 * own deployment controller) and a task definition deployed (ACTIVE). Pure functions over the SDK's model objects.
 */
public final class Deployable {

    private Deployable() {
    }

    /**
     * Why a service, as DescribeServices shows it before any update, may not be rolled out.
     *
     * @param service ECS's answer about a service it found
     * @return {@link Verdict#INACTIVE} for a DRAINING or INACTIVE service, {@link Verdict#UNSUPPORTED} for one with
     *     the CODE_DEPLOY or EXTERNAL deployment controller (task sets, no deployments to wait for), or {@code null}
     *     when it may be rolled out
     */
    public static Verdict serviceRefusal(Service service) {
        Verdict v = ServiceVerdicts.evaluate(service, null);
        return v == Verdict.INACTIVE || v == Verdict.UNSUPPORTED ? v : null;
    }

    /**
     * Whether a task definition, as DescribeTaskDefinition shows it, may be deployed: ECS refuses an update to one
     * that is INACTIVE (deregistered) or DELETE_IN_PROGRESS. A status this SDK does not know, or none (a mock's
     * answer), is not held against it: ECS itself decides then.
     */
    public static boolean isActive(TaskDefinition taskDefinition) {
        TaskDefinitionStatus status = taskDefinition.status();
        return status != TaskDefinitionStatus.INACTIVE && status != TaskDefinitionStatus.DELETE_IN_PROGRESS;
    }
}
