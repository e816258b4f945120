package io.github.ecsrollout.internal.verdict;

import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookStatus;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;

/**
 * ECS's basic rules about deployments, in one place for the verdicts and for {@code ServiceState} alike: which one is
 * PRIMARY, what the SDK waiter calls stable, when a service deployment is paused, triggered or at a stage.
 */
public final class DeploymentRules {

    private DeploymentRules() {
    }

    /** The SDK waiter's stable condition: exactly one deployment and as many tasks running as desired. */
    public static boolean isStable(Service service) {
        return service.deployments().size() == 1
                && service.runningCount() != null
                && service.runningCount().equals(service.desiredCount());
    }

    /** The PRIMARY deployment, if listed. */
    public static Optional<Deployment> primary(List<Deployment> deployments) {
        return deployments.stream().filter(d -> "PRIMARY".equals(d.status())).findFirst();
    }

    /**
     * The task definition a service runs now, the one a rollback puts back and an image deploy copies: its PRIMARY
     * deployment's, else the one the service names.
     */
    public static String runningTaskDefinition(Service service) {
        return primary(service.deployments()).map(Deployment::taskDefinition).orElse(service.taskDefinition());
    }

    /** The PRIMARY deployment's id, or {@code null}. */
    public static String primaryId(Service service) {
        return service == null ? null : primary(service.deployments()).map(Deployment::id).orElse(null);
    }

    /** The deployment with this id, if listed. */
    public static Optional<Deployment> find(List<Deployment> deployments, String id) {
        return deployments.stream().filter(d -> id.equals(d.id())).findFirst();
    }

    /** The deployment a rollout watches: the one it started while listed, else the PRIMARY one. */
    public static Optional<Deployment> watched(List<Deployment> deployments, String expectedDeploymentId) {
        if (expectedDeploymentId != null) {
            Optional<Deployment> expected = find(deployments, expectedDeploymentId);
            if (expected.isPresent()) {
                return expected;
            }
        }
        return primary(deployments);
    }

    /** The PAUSE lifecycle hook this deployment waits at for ContinueServiceDeployment, if any. */
    public static Optional<DeploymentLifecycleHookDetail> pausedHook(ServiceDeployment sd) {
        if (sd == null || sd.status() != ServiceDeploymentStatus.IN_PROGRESS) {
            return Optional.empty();
        }
        return sd.lifecycleHookDetails().stream()
                .filter(h -> h.status() == DeploymentLifecycleHookStatus.AWAITING_ACTION)
                .findFirst();
    }

    /**
     * Whether a service deployment is ECS rolling it back, or rolled back: ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS or
     * ROLLBACK_SUCCESSFUL.
     */
    public static boolean isRollback(ServiceDeployment sd) {
        return sd != null && (sd.status() == ServiceDeploymentStatus.ROLLBACK_REQUESTED
                || sd.status() == ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS
                || sd.status() == ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL);
    }

    /** Whether the deployment circuit breaker or a deployment alarm has triggered. */
    public static boolean isTriggered(ServiceDeployment sd) {
        return (sd.deploymentCircuitBreaker() != null
                && sd.deploymentCircuitBreaker().status() == ServiceDeploymentRollbackMonitorsStatus.TRIGGERED)
                || (sd.alarms() != null && sd.alarms().status() == ServiceDeploymentRollbackMonitorsStatus.TRIGGERED);
    }

    /**
     * Whether an in-flight deployment (PENDING or IN_PROGRESS) has reached {@code stage} or a later one. Stages run
     * again during a rollback, so only a deployment still going forward counts.
     */
    public static boolean reachedStage(ServiceDeployment sd, ServiceDeploymentLifecycleStage stage) {
        if (stage == null || sd.lifecycleStage() == null
                || sd.lifecycleStage() == ServiceDeploymentLifecycleStage.UNKNOWN_TO_SDK_VERSION) {
            return false;
        }
        boolean forward = sd.status() == ServiceDeploymentStatus.PENDING
                || sd.status() == ServiceDeploymentStatus.IN_PROGRESS;
        return forward && sd.lifecycleStage().ordinal() >= stage.ordinal();
    }

    /**
     * Whether a deployment configuration makes ECS run stages or bakes that DescribeServices does not show: a
     * strategy other than ROLLING, deployment alarms, lifecycle hooks, or early success criteria.
     */
    public static boolean hasHiddenStages(DeploymentConfiguration config) {
        if (config == null) {
            return false;
        }
        boolean otherStrategy = config.strategy() != null && config.strategy() != DeploymentStrategy.ROLLING;
        boolean alarms = config.alarms() != null && Boolean.TRUE.equals(config.alarms().enable());
        boolean earlySuccess = config.earlySuccessCriteria() != null
                && !Boolean.FALSE.equals(config.earlySuccessCriteria().enable());
        return otherStrategy || alarms || earlySuccess || !config.lifecycleHooks().isEmpty();
    }
}
