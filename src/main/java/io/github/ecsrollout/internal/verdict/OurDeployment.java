package io.github.ecsrollout.internal.verdict;

import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.model.EcsLimits;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;

/**
 * Which deployment is the rollout's own, when ECS's answer to the update named none, and whether its service
 * deployment must be asked about for a true verdict: pure functions over DescribeServices answers.
 */
public final class OurDeployment {

    private OurDeployment() {
    }

    /**
     * Whether what DescribeServices says of a service makes its service deployment worth asking about: the
     * deployment goes through stages or bakes the stable rule cannot see (BLUE_GREEN, LINEAR, CANARY, deployment
     * alarms, lifecycle hooks, early success criteria), the caller waits for a stage, or the answer looks failed,
     * rolled back or replaced and the service deployment can say which. A plain rolling service that is deploying
     * or stable costs no such call.
     */
    public static boolean needsServiceDeployment(Service service, Verdict fromDescribeServices,
            ServiceDeploymentLifecycleStage succeedAtStage) {
        if (service == null || fromDescribeServices == Verdict.INACTIVE || fromDescribeServices == Verdict.UNSUPPORTED
                || fromDescribeServices == Verdict.UNKNOWN) {
            return false;
        }
        if (succeedAtStage != null || fromDescribeServices == Verdict.DEPLOYMENT_FAILED
                || fromDescribeServices == Verdict.ROLLED_BACK) {
            return true;
        }
        return DeploymentRules.hasHiddenStages(service.deploymentConfiguration());
    }

    /**
     * The deployment an UpdateService started, when ECS's answer to it named none: the PRIMARY deployment, if it was
     * created after the update was sent (less {@link EcsLimits#DEPLOYMENT_CREATED_SKEW}) and runs the task definition
     * the request named;
     * {@code null} while there is none such (ECS may never have got the update).
     */
    public static String deploymentStartedBy(Service service, Instant updateSent, String requestedTaskDefinition) {
        Optional<Deployment> p = DeploymentRules.primary(service.deployments());
        if (p.isEmpty() || p.get().id() == null) {
            return null;
        }
        Instant created = p.get().createdAt();
        boolean newer = created != null && !created.isBefore(updateSent.minus(EcsLimits.DEPLOYMENT_CREATED_SKEW));
        boolean runsRequested = requestedTaskDefinition != null
                && EcsIds.isTaskDefinition(p.get().taskDefinition(), requestedTaskDefinition);
        if (requestedTaskDefinition != null && !runsRequested) {
            return null;
        }
        return newer || (created == null && runsRequested) ? p.get().id() : null;
    }
}
