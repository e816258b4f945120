package io.github.ecsrollout.internal.verdict;

import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.model.EcsLimits;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;

/**
 * A service's verdict: what ECS said about it (its DescribeServices answer and, when known, the service deployment a
 * rollout started) means for a rollout. Pure functions over the SDK's model objects, tested on model objects and
 * recorded payloads.
 */
public final class ServiceVerdicts {

    private ServiceVerdicts() {
    }

    /**
     * Judges a service from DescribeServices alone.
     *
     * @param service ECS's answer; {@code null} means not observed
     * @param expectedDeploymentId the deployment the rollout started, or {@code null} when only waiting
     * @return the verdict
     */
    public static Verdict evaluate(Service service, String expectedDeploymentId) {
        return evaluate(service, null, expectedDeploymentId, null);
    }

    /**
     * Judges a service from what DescribeServices and, when known, DescribeServiceDeployments said about it.
     *
     * @param service ECS's DescribeServices answer; {@code null} means not observed
     * @param deployment the service deployment this rollout started, as last described, or {@code null} when unknown
     * @param expectedDeploymentId the deployment ({@code ecs-svc/...}) the rollout started, or {@code null} when only
     *     waiting
     * @param succeedAtStage the lifecycle stage at which an in-flight deployment counts as done, or {@code null}
     * @return the verdict
     */
    public static Verdict evaluate(Service service, ServiceDeployment deployment, String expectedDeploymentId,
            ServiceDeploymentLifecycleStage succeedAtStage) {
        return evaluate(service, deployment, expectedDeploymentId, succeedAtStage, null);
    }

    /**
     * Judges a service as {@link #evaluate(Service, ServiceDeployment, String, ServiceDeploymentLifecycleStage)}
     * does, telling from DescribeServices alone a deployment someone else replaced from one ECS rolled back when the
     * task definition the service ran before the rollout is known.
     *
     * @param previousTaskDefinition what the service ran before the rollout's update, or {@code null} when unknown
     */
    public static Verdict evaluate(Service service, ServiceDeployment deployment, String expectedDeploymentId,
            ServiceDeploymentLifecycleStage succeedAtStage, String previousTaskDefinition) {
        if (service == null) {
            return Verdict.UNKNOWN;
        }
        if ("DRAINING".equals(service.status()) || "INACTIVE".equals(service.status())) {
            return Verdict.INACTIVE;
        }
        DeploymentControllerType controller = service.deploymentController() == null
                ? null : service.deploymentController().type();
        if (controller == DeploymentControllerType.CODE_DEPLOY || controller == DeploymentControllerType.EXTERNAL) {
            // These services have task sets instead of deployments: the stable condition can never hold.
            return Verdict.UNSUPPORTED;
        }
        return deployment != null
                ? fromServiceDeployment(service, deployment, expectedDeploymentId, succeedAtStage,
                        previousTaskDefinition)
                : fromDescribeServices(service, expectedDeploymentId, previousTaskDefinition);
    }

    /** The verdict when the service deployment is known: its status decides, DescribeServices adds the details. */
    private static Verdict fromServiceDeployment(Service service, ServiceDeployment sd, String expectedDeploymentId,
            ServiceDeploymentLifecycleStage succeedAtStage, String previousTaskDefinition) {
        ServiceDeploymentStatus status = sd.status() == null ? ServiceDeploymentStatus.UNKNOWN_TO_SDK_VERSION
                : sd.status();
        switch (status) {
            case SUCCESSFUL:
                return Verdict.STABLE;
            case ROLLBACK_IN_PROGRESS:
            case ROLLBACK_SUCCESSFUL:
                return Verdict.ROLLED_BACK;
            case ROLLBACK_FAILED:
                return Verdict.DEPLOYMENT_FAILED;
            case STOP_REQUESTED:
            case STOPPED:
                if (!isReplaced(service, sd, expectedDeploymentId)) {
                    return Verdict.DEPLOYMENT_FAILED;
                }
                // Replaced by a deployment of what ran before: put back (a rollback's restore, a retried check's
                // own), not someone else's release.
                return isBackOnPrevious(service, expectedDeploymentId, previousTaskDefinition) ? Verdict.ROLLED_BACK
                        : Verdict.SUPERSEDED;
            case ROLLBACK_REQUESTED:
                // A requested rollback can still end SUCCESSFUL; one that a circuit breaker or an alarm asked for not.
                return DeploymentRules.isTriggered(sd) ? Verdict.ROLLED_BACK : Verdict.IN_PROGRESS;
            default:
                break;
        }
        if (DeploymentRules.isTriggered(sd)) {
            return Verdict.DEPLOYMENT_FAILED;
        }
        Optional<Deployment> ours = expectedDeploymentId == null ? Optional.empty()
                : DeploymentRules.find(service.deployments(), expectedDeploymentId);
        if (ours.isPresent() && ours.get().rolloutState() == DeploymentRolloutState.FAILED) {
            return Verdict.DEPLOYMENT_FAILED;
        }
        if (DeploymentRules.reachedStage(sd, succeedAtStage)) {
            return Verdict.STABLE;
        }
        return Verdict.IN_PROGRESS;
    }

    /**
     * Judges a rollback ECS performs on a service deployment (one this library stopped with ROLLBACK, continued with
     * ROLLBACK, or found rolling back): STABLE once restored, DEPLOYMENT_FAILED when it cannot be, else IN_PROGRESS.
     *
     * @param service ECS's DescribeServices answer
     * @param sd the service deployment being rolled back, as last described, or {@code null} when not known
     * @param previousTaskDefinition what the service ran before the rollout
     */
    public static Verdict restoration(Service service, ServiceDeployment sd, String previousTaskDefinition) {
        Verdict plain = evaluate(service, null, null, null);
        if (plain == Verdict.UNKNOWN || plain == Verdict.INACTIVE || plain == Verdict.UNSUPPORTED) {
            return plain;
        }
        if (sd != null && sd.status() != null) {
            switch (sd.status()) {
                case ROLLBACK_SUCCESSFUL:
                    return Verdict.STABLE;
                case ROLLBACK_FAILED:
                case SUCCESSFUL:
                case STOPPED:
                    // Failed to roll back, or went on or stopped instead: not restored.
                    return Verdict.DEPLOYMENT_FAILED;
                default:
                    return Verdict.IN_PROGRESS;
            }
        }
        Optional<Deployment> p = DeploymentRules.primary(service.deployments());
        boolean onPrevious = p.isPresent() && previousTaskDefinition != null
                && EcsIds.isTaskDefinition(p.get().taskDefinition(), previousTaskDefinition);
        if (onPrevious && plain == Verdict.DEPLOYMENT_FAILED
                && p.get().rolloutState() != DeploymentRolloutState.FAILED) {
            // The circuit breaker's rollback to the previous task definition, beside the FAILED deployment it undoes:
            // what awaitStable calls a failure is, for the rollback's own wait, the restore under way.
            return Verdict.IN_PROGRESS;
        }
        return onPrevious && plain == Verdict.STABLE ? Verdict.STABLE
                : plain == Verdict.DEPLOYMENT_FAILED ? Verdict.DEPLOYMENT_FAILED : Verdict.IN_PROGRESS;
    }

    /** Today's rules from DescribeServices alone, with a rolloutState still IN_PROGRESS never stable. */
    private static Verdict fromDescribeServices(Service service, String expectedDeploymentId,
            String previousTaskDefinition) {
        List<Deployment> deployments = service.deployments();
        Optional<Deployment> watched;
        if (expectedDeploymentId != null && !deployments.isEmpty()) {
            watched = DeploymentRules.find(deployments, expectedDeploymentId);
            if (watched.isEmpty()) {
                // Gone: the circuit breaker rolled it back (possibly already finished), or someone deployed over it.
                return rolledBackOrReplaced(deployments, previousTaskDefinition);
            }
            if (watched.get().rolloutState() == DeploymentRolloutState.FAILED) {
                return Verdict.DEPLOYMENT_FAILED;
            }
            if (!"PRIMARY".equals(watched.get().status())) {
                // Another deployment took over as PRIMARY: ours can never become the stable one.
                return rolledBackOrReplaced(deployments, previousTaskDefinition);
            }
        } else {
            watched = DeploymentRules.primary(deployments);
            if (watched.isPresent() && watched.get().rolloutState() == DeploymentRolloutState.FAILED) {
                return Verdict.DEPLOYMENT_FAILED;
            }
            if (watched.isPresent() && isRollingBack(watched.get())) {
                return Verdict.DEPLOYMENT_FAILED;
            }
        }
        if (watched.isPresent() && watched.get().rolloutState() == DeploymentRolloutState.IN_PROGRESS) {
            // ECS has not finished judging it (alarms may still fire in a bake after the tasks are all up).
            return Verdict.IN_PROGRESS;
        }
        return DeploymentRules.isStable(service) ? Verdict.STABLE : Verdict.IN_PROGRESS;
    }

    /**
     * What took over from the rollout's deployment, seen from DescribeServices alone: ECS's rollback when the PRIMARY
     * says it rolls back or runs the task definition from before the rollout (or that is unknown); else another
     * deployment, not this rollout's, replaced it.
     */
    private static Verdict rolledBackOrReplaced(List<Deployment> deployments, String previousTaskDefinition) {
        Optional<Deployment> p = DeploymentRules.primary(deployments);
        if (p.isEmpty() || previousTaskDefinition == null || p.get().taskDefinition() == null) {
            return Verdict.ROLLED_BACK;
        }
        return says(p.get().rolloutStateReason(), "rolling back")
                || EcsIds.isTaskDefinition(p.get().taskDefinition(), previousTaskDefinition)
                ? Verdict.ROLLED_BACK : Verdict.SUPERSEDED;
    }

    /**
     * Whether the PRIMARY deployment is ECS rolling a failed deployment back (the circuit breaker's or the alarms'):
     * it says it rolls back and has not completed. ECS makes the previous deployment PRIMARY again for that, with its
     * old id and {@code createdAt}, and the failed one may be listed beside it (older or newer) or gone already: the
     * rollback itself is ECS saying the deployment failed. An older FAILED deployment beside a PRIMARY that does not
     * say it rolls back (a fix forward) is history, not a failure.
     */
    private static boolean isRollingBack(Deployment primary) {
        return primary.rolloutState() != DeploymentRolloutState.COMPLETED
                && says(primary.rolloutStateReason(), "rolling back");
    }

    /** Whether ECS's words contain {@code words}, whatever the case; {@code null} says nothing. */
    private static boolean says(String ecsWords, String words) {
        return ecsWords != null && ecsWords.toLowerCase(Locale.ROOT).contains(words);
    }

    /**
     * Whether a stopped service deployment was replaced by a newer one rather than stopped for its own sake: ECS
     * lists another PRIMARY deployment created after ours, or says so.
     *
     * @param service ECS's DescribeServices answer, or {@code null} when not known (then only the words count)
     */
    public static boolean isReplaced(Service service, ServiceDeployment sd, String expectedDeploymentId) {
        Instant ours = sd.createdAt();
        boolean newerPrimary = service != null && DeploymentRules.primary(service.deployments())
                .filter(p -> !p.id().equals(expectedDeploymentId))
                .filter(p -> ours == null || p.createdAt() == null || p.createdAt().isAfter(ours))
                .isPresent();
        return newerPrimary || says(sd.statusReason(), "replaced");
    }

    /**
     * Whether another deployment (someone else's UpdateService), not ECS rolling ours back, replaced the one a rollout
     * started: its service deployment was stopped as replaced, or DescribeServices lists a PRIMARY deployment that is
     * neither ours nor on the task definition the service ran before (the only one ECS rolls back to), which also
     * catches a release made over ours after ours had succeeded.
     *
     * @param service ECS's DescribeServices answer, or {@code null}
     * @param sd the service deployment the rollout started, as last described, or {@code null} when not known
     * @param expectedDeploymentId the deployment the rollout started, or {@code null} when not known
     * @param previousTaskDefinition what the service ran before the rollout, or {@code null} when not known
     */
    public static boolean isSuperseded(Service service, ServiceDeployment sd, String expectedDeploymentId,
            String previousTaskDefinition) {
        boolean stopped = sd != null && (sd.status() == ServiceDeploymentStatus.STOP_REQUESTED
                || sd.status() == ServiceDeploymentStatus.STOPPED);
        if (stopped && isReplaced(service, sd, expectedDeploymentId)) {
            return true;
        }
        if (service == null || expectedDeploymentId == null || previousTaskDefinition == null) {
            return false;
        }
        Optional<Deployment> p = DeploymentRules.primary(service.deployments());
        return p.isPresent() && p.get().id() != null && !p.get().id().equals(expectedDeploymentId)
                && !EcsIds.isTaskDefinition(p.get().taskDefinition(), previousTaskDefinition);
    }

    /** Whether the PRIMARY deployment is another than the rollout's and runs the task definition from before it. */
    public static boolean isBackOnPrevious(Service service, String expectedDeploymentId,
            String previousTaskDefinition) {
        Optional<Deployment> p = service == null || previousTaskDefinition == null ? Optional.empty()
                : DeploymentRules.primary(service.deployments());
        return p.isPresent() && p.get().id() != null && !p.get().id().equals(expectedDeploymentId)
                && p.get().taskDefinition() != null
                && EcsIds.isTaskDefinition(p.get().taskDefinition(), previousTaskDefinition);
    }
}
