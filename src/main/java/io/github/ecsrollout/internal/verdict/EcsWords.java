package io.github.ecsrollout.internal.verdict;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/** ECS's own words about a service: the reason of a failed deployment, a service deployment's, or a problem event. */
public final class EcsWords {

    /** Words that mark an ECS service event as a problem report rather than progress. */
    private static final List<String> PROBLEM_WORDS = List.of(
            "unable to", "failed", "failure", "unhealthy", "error", "insufficient", "denied", "not authorized",
            "rolling back", "rolled back", "timed out", "cannot", "exceeded", "did not");

    private static final Comparator<ServiceEvent> NEWEST_FIRST = Comparator.comparing(
            (ServiceEvent e) -> e.createdAt() == null ? Instant.MIN : e.createdAt()).reversed();

    private EcsWords() {
    }

    /**
     * ECS's own explanation of why a service is not stable: the rolloutStateReason of a failed deployment (the
     * expected one first), else the most recent event that reports a problem, whatever its age, else the most recent
     * event; {@code null} when ECS said nothing.
     */
    public static String of(Service service, String expectedDeploymentId) {
        return of(service, null, expectedDeploymentId);
    }

    /**
     * ECS's own explanation of a service's state: from the service deployment when known (the alarms that triggered,
     * the circuit breaker's count, {@code rollback.reason}, {@code statusReason}), else as
     * {@link #of(Service, String)}; {@code null} when ECS said nothing.
     */
    public static String of(Service service, ServiceDeployment sd, String expectedDeploymentId) {
        String fromDeployment = deploymentWords(sd);
        if (fromDeployment != null) {
            return fromDeployment;
        }
        if (service == null) {
            return null;
        }
        List<Deployment> deployments = service.deployments();
        Optional<Deployment> failed = expectedDeploymentId == null ? Optional.empty()
                : DeploymentRules.find(deployments, expectedDeploymentId).filter(EcsWords::hasFailed);
        if (failed.isEmpty()) {
            failed = deployments.stream().filter(EcsWords::hasFailed).findFirst();
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
