package io.github.ecsrollout.internal;

import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * What one DescribeServices answer means for one service: pure functions over the SDK's model objects, kept apart
 * from the polling loop so they can be tested on recorded payloads.
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
     * Judges a service.
     *
     * @param service ECS's answer; {@code null} means not observed
     * @param expectedDeploymentId the deployment the rollout started, or {@code null} when only waiting
     * @return the verdict
     */
    public static Verdict evaluate(Service service, String expectedDeploymentId) {
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
        List<Deployment> deployments = service.deployments();
        if (expectedDeploymentId != null && !deployments.isEmpty()) {
            Optional<Deployment> expected = find(deployments, expectedDeploymentId);
            if (expected.isEmpty()) {
                // Gone: the circuit breaker rolled it back (possibly already finished), or someone deployed over it.
                return Verdict.ROLLED_BACK;
            }
            if (expected.get().rolloutState() == DeploymentRolloutState.FAILED) {
                return Verdict.DEPLOYMENT_FAILED;
            }
            if (!"PRIMARY".equals(expected.get().status())) {
                // Another deployment took over as PRIMARY: ours can never become the stable one.
                return Verdict.ROLLED_BACK;
            }
        } else {
            Optional<Deployment> primary = primary(deployments);
            if (primary.isPresent() && primary.get().rolloutState() == DeploymentRolloutState.FAILED) {
                return Verdict.DEPLOYMENT_FAILED;
            }
        }
        return isStable(service) ? Verdict.STABLE : Verdict.IN_PROGRESS;
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

    private static boolean hasFailed(Deployment d) {
        return d.rolloutState() == DeploymentRolloutState.FAILED && d.rolloutStateReason() != null;
    }
}
