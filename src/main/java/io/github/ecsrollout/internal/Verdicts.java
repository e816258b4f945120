package io.github.ecsrollout.internal;

import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookStatus;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * What ECS said about one service (its DescribeServices answer and, when known, the service deployment a rollout
 * started) means for a rollout: pure functions over the SDK's model objects, kept apart from the polling loop so they
 * can be tested on model objects and recorded payloads.
 */
public final class Verdicts {

    /** Words that mark an ECS service event as a problem report rather than progress. */
    private static final List<String> PROBLEM_WORDS = List.of(
            "unable to", "failed", "failure", "unhealthy", "error", "insufficient", "denied", "not authorized",
            "rolling back", "rolled back", "timed out", "cannot", "exceeded", "did not");

    private static final Comparator<ServiceEvent> NEWEST_FIRST = Comparator.comparing(
            (ServiceEvent e) -> e.createdAt() == null ? Instant.MIN : e.createdAt()).reversed();

    private Verdicts() {
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
                ? fromServiceDeployment(service, deployment, expectedDeploymentId, succeedAtStage, previousTaskDefinition)
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
                return isTriggered(sd) ? Verdict.ROLLED_BACK : Verdict.IN_PROGRESS;
            default:
                break;
        }
        if (isTriggered(sd)) {
            return Verdict.DEPLOYMENT_FAILED;
        }
        Optional<Deployment> ours = expectedDeploymentId == null ? Optional.empty()
                : find(service.deployments(), expectedDeploymentId);
        if (ours.isPresent() && ours.get().rolloutState() == DeploymentRolloutState.FAILED) {
            return Verdict.DEPLOYMENT_FAILED;
        }
        if (reachedStage(sd, succeedAtStage)) {
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
        Optional<Deployment> p = primary(service.deployments());
        boolean onPrevious = p.isPresent() && previousTaskDefinition != null
                && isTaskDefinition(p.get().taskDefinition(), previousTaskDefinition);
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
            watched = find(deployments, expectedDeploymentId);
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
            watched = primary(deployments);
            if (watched.isPresent() && watched.get().rolloutState() == DeploymentRolloutState.FAILED) {
                return Verdict.DEPLOYMENT_FAILED;
            }
            if (watched.isPresent() && isRollbackOfFailed(watched.get(), deployments)) {
                return Verdict.DEPLOYMENT_FAILED;
            }
        }
        if (watched.isPresent() && watched.get().rolloutState() == DeploymentRolloutState.IN_PROGRESS) {
            // ECS has not finished judging it (alarms may still fire in a bake after the tasks are all up).
            return Verdict.IN_PROGRESS;
        }
        return isStable(service) ? Verdict.STABLE : Verdict.IN_PROGRESS;
    }

    /**
     * What took over from the rollout's deployment, seen from DescribeServices alone: ECS's rollback when the PRIMARY
     * says it rolls back or runs the task definition from before the rollout (or that is unknown); else another
     * deployment, not this rollout's, replaced it.
     */
    private static Verdict rolledBackOrReplaced(List<Deployment> deployments, String previousTaskDefinition) {
        Optional<Deployment> p = primary(deployments);
        if (p.isEmpty() || previousTaskDefinition == null || p.get().taskDefinition() == null) {
            return Verdict.ROLLED_BACK;
        }
        String reason = p.get().rolloutStateReason() == null ? ""
                : p.get().rolloutStateReason().toLowerCase(Locale.ROOT);
        return reason.contains("rolling back") || isTaskDefinition(p.get().taskDefinition(), previousTaskDefinition)
                ? Verdict.ROLLED_BACK : Verdict.SUPERSEDED;
    }

    /**
     * Whether the PRIMARY deployment is ECS rolling back a FAILED deployment that is still listed beside it: it is
     * newer than the failed one and says it rolls back. An older FAILED deployment beside a PRIMARY that is not a
     * rollback (a fix forward) is history, not a failure.
     */
    private static boolean isRollbackOfFailed(Deployment primary, List<Deployment> deployments) {
        String reason = primary.rolloutStateReason() == null ? "" : primary.rolloutStateReason().toLowerCase(Locale.ROOT);
        if (primary.rolloutState() == DeploymentRolloutState.COMPLETED || !reason.contains("rolling back")) {
            return false;
        }
        return deployments.stream().anyMatch(d -> d != primary && d.rolloutState() == DeploymentRolloutState.FAILED
                && (d.createdAt() == null || primary.createdAt() == null || !primary.createdAt().isBefore(d.createdAt())));
    }

    /**
     * Whether a stopped service deployment was replaced by a newer one rather than stopped for its own sake: ECS
     * lists another PRIMARY deployment created after ours, or says so.
     */
    static boolean isReplaced(Service service, ServiceDeployment sd, String expectedDeploymentId) {
        Instant ours = sd.createdAt();
        boolean newerPrimary = primary(service.deployments())
                .filter(p -> !p.id().equals(expectedDeploymentId))
                .filter(p -> ours == null || p.createdAt() == null || p.createdAt().isAfter(ours))
                .isPresent();
        String reason = sd.statusReason() == null ? "" : sd.statusReason().toLowerCase(Locale.ROOT);
        return newerPrimary || reason.contains("replaced");
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
        if (stopped && (service != null ? isReplaced(service, sd, expectedDeploymentId)
                : sd.statusReason() != null && sd.statusReason().toLowerCase(Locale.ROOT).contains("replaced"))) {
            return true;
        }
        if (service == null || expectedDeploymentId == null || previousTaskDefinition == null) {
            return false;
        }
        Optional<Deployment> p = primary(service.deployments());
        return p.isPresent() && p.get().id() != null && !p.get().id().equals(expectedDeploymentId)
                && !isTaskDefinition(p.get().taskDefinition(), previousTaskDefinition);
    }

    /**
     * What {@code rollbackOnFailure} does about one service a failed rollout changed, from the state of its
     * deployment:
     * <ul>
     *   <li>{@link RollbackAction#LEFT_ALONE} when another deployment superseded it ({@link #isSuperseded});</li>
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
    public static RollbackAction rollbackAction(Verdict verdict, Service service, ServiceDeployment sd,
            String expectedDeploymentId, String previousTaskDefinition) {
        if (verdict == Verdict.SUPERSEDED || isSuperseded(service, sd, expectedDeploymentId, previousTaskDefinition)) {
            return RollbackAction.LEFT_ALONE;
        }
        if (sd != null && sd.status() != null) {
            switch (sd.status()) {
                case ROLLBACK_REQUESTED:
                case ROLLBACK_IN_PROGRESS:
                case ROLLBACK_SUCCESSFUL:
                    return RollbackAction.WATCHED_ECS_ROLLBACK;
                case PENDING:
                case IN_PROGRESS:
                    return pausedHook(sd).isPresent() ? RollbackAction.CONTINUED_WITH_ROLLBACK
                            : RollbackAction.STOPPED_WITH_ROLLBACK;
                default:
                    break;
            }
        }
        // Ended (or not known), and another deployment already puts back what ran before (ECS's rollback, or a restore
        // sent earlier, as a retried check finds): watch it. Without the deployment the update started (its answer
        // was lost), a service on its old task definition may yet be updated (ECS is eventually consistent): only a
        // restore makes sure.
        boolean ecsRollsBack = expectedDeploymentId != null
                && isBackOnPrevious(service, expectedDeploymentId, previousTaskDefinition);
        return ecsRollsBack ? RollbackAction.WATCHED_ECS_ROLLBACK : RollbackAction.RESTORED_BY_UPDATE;
    }

    /** Whether the PRIMARY deployment is another than the rollout's and runs the task definition from before it. */
    static boolean isBackOnPrevious(Service service, String expectedDeploymentId, String previousTaskDefinition) {
        Optional<Deployment> p = service == null || previousTaskDefinition == null ? Optional.empty()
                : primary(service.deployments());
        return p.isPresent() && p.get().id() != null && !p.get().id().equals(expectedDeploymentId)
                && p.get().taskDefinition() != null && isTaskDefinition(p.get().taskDefinition(), previousTaskDefinition);
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
        return hasHiddenStages(service.deploymentConfiguration());
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

    /** How far ECS's clock may run behind ours when a deployment's createdAt is compared with when we sent an update. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

    /**
     * The deployment an UpdateService started, when ECS's answer to it named none: the PRIMARY deployment, if it was
     * created after the update was sent (less {@link #CLOCK_SKEW}) and runs the task definition the request named;
     * {@code null} while there is none such (ECS may never have got the update).
     */
    public static String deploymentStartedBy(Service service, Instant updateSent, String requestedTaskDefinition) {
        Optional<Deployment> p = primary(service.deployments());
        if (p.isEmpty() || p.get().id() == null) {
            return null;
        }
        Instant created = p.get().createdAt();
        boolean newer = created != null && !created.isBefore(updateSent.minus(CLOCK_SKEW));
        boolean runsRequested = requestedTaskDefinition != null
                && isTaskDefinition(p.get().taskDefinition(), requestedTaskDefinition);
        if (requestedTaskDefinition != null && !runsRequested) {
            return null;
        }
        return newer || (created == null && runsRequested) ? p.get().id() : null;
    }

    /** Whether a deployment's task definition (usually an ARN) is the one a request named (ARN, family:revision or family). */
    static boolean isTaskDefinition(String actual, String requested) {
        if (actual == null) {
            return false;
        }
        if (actual.equals(requested)) {
            return true;
        }
        String familyRevision = lastSegment(actual);
        String wanted = requested.startsWith("arn:") ? lastSegment(requested) : requested;
        return wanted.contains(":") ? familyRevision.equals(wanted) : familyRevision.startsWith(wanted + ":");
    }

    /** The service deployment's revision number: the last segment of its target revision ARN, or {@code null}. */
    public static String revisionNumber(ServiceDeployment sd) {
        return sd == null || sd.targetServiceRevision() == null ? null : lastSegment(sd.targetServiceRevision().arn());
    }

    /**
     * Whether a service deployment's target revision ({@code .../service-revision/cluster/service/N}) is the one the
     * DescribeServices deployment {@code ecs-svc/N} runs: the one link between the two APIs that ECS keeps.
     */
    public static boolean isRevisionOf(String targetServiceRevisionArn, String deploymentId) {
        if (targetServiceRevisionArn == null || deploymentId == null) {
            return false;
        }
        String n = lastSegment(deploymentId);
        return !n.isEmpty() && n.equals(lastSegment(targetServiceRevisionArn));
    }

    private static String lastSegment(String s) {
        return s == null ? null : s.substring(s.lastIndexOf('/') + 1);
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

    /** The PRIMARY deployment's id, or {@code null}. */
    public static String primaryId(Service service) {
        return service == null ? null : primary(service.deployments()).map(Deployment::id).orElse(null);
    }

    private static Optional<Deployment> find(List<Deployment> deployments, String id) {
        return deployments.stream().filter(d -> id.equals(d.id())).findFirst();
    }

    /**
     * ECS's own explanation of why a service is not stable: the rolloutStateReason of a failed deployment (the
     * expected one first), else the most recent event that reports a problem, whatever its age, else the most recent
     * event; {@code null} when ECS said nothing.
     */
    public static String ecsWords(Service service, String expectedDeploymentId) {
        return ecsWords(service, null, expectedDeploymentId);
    }

    /**
     * ECS's own explanation of a service's state: from the service deployment when known (the alarms that triggered,
     * the circuit breaker's count, {@code rollback.reason}, {@code statusReason}), else as
     * {@link #ecsWords(Service, String)}; {@code null} when ECS said nothing.
     */
    public static String ecsWords(Service service, ServiceDeployment sd, String expectedDeploymentId) {
        String fromDeployment = deploymentWords(sd);
        if (fromDeployment != null) {
            return fromDeployment;
        }
        if (service == null) {
            return null;
        }
        List<Deployment> deployments = service.deployments();
        Optional<Deployment> failed = expectedDeploymentId == null ? Optional.empty()
                : find(deployments, expectedDeploymentId).filter(Verdicts::hasFailed);
        if (failed.isEmpty()) {
            failed = deployments.stream().filter(Verdicts::hasFailed).findFirst();
        }
        if (failed.isPresent()) {
            return failed.get().rolloutStateReason();
        }
        List<ServiceEvent> newestFirst = service.events().stream()
                .filter(e -> e.message() != null).sorted(NEWEST_FIRST).toList();
        return newestFirst.stream().filter(e -> isProblem(e.message())).findFirst()
                .or(() -> newestFirst.stream().findFirst())
                .map(ServiceEvent::message).orElse(null);
    }

    /** Whether an ECS service event message reports a problem (cannot place, cannot start, failed, unhealthy...). */
    public static boolean isProblem(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return PROBLEM_WORDS.stream().anyMatch(m::contains);
    }

    private static String deploymentWords(ServiceDeployment sd) {
        if (sd == null) {
            return null;
        }
        List<String> words = new ArrayList<>();
        if (sd.alarms() != null && sd.alarms().status() == ServiceDeploymentRollbackMonitorsStatus.TRIGGERED) {
            words.add("alarms triggered: " + (sd.alarms().triggeredAlarmNames().isEmpty() ? "(not named)"
                    : String.join(", ", sd.alarms().triggeredAlarmNames())));
        }
        if (sd.deploymentCircuitBreaker() != null
                && sd.deploymentCircuitBreaker().status() == ServiceDeploymentRollbackMonitorsStatus.TRIGGERED) {
            words.add("circuit breaker triggered (" + sd.deploymentCircuitBreaker().failureCount() + " of "
                    + sd.deploymentCircuitBreaker().threshold() + " tasks failed)");
        }
        if (sd.rollback() != null && sd.rollback().reason() != null) {
            words.add(sd.rollback().reason());
        }
        if (sd.statusReason() != null && !words.contains(sd.statusReason())) {
            words.add(sd.statusReason());
        }
        return words.isEmpty() ? null : String.join("; ", words);
    }

    private static boolean hasFailed(Deployment d) {
        return d.rolloutState() == DeploymentRolloutState.FAILED && d.rolloutStateReason() != null;
    }
}
