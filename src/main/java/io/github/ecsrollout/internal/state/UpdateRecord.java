package io.github.ecsrollout.internal.state;

import java.time.Instant;
import java.util.Comparator;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The update a rollout sent to one service: when, for which task definition, whether ECS's answer was lost, and
 * what ran before (which a rollback puts back). Used under its service's lock.
 */
final class UpdateRecord {

    /** When the rollout sent the service's UpdateService; {@code null} when it sent none. */
    Instant sentAt;
    /** The task definition the request named, or {@code null}. */
    String requestedTaskDefinition;
    /**
     * What ran before the rollout: a rollback puts it back, and a PRIMARY on it is a rollback, not someone else's
     * deployment. Read before the updates with rollbackOnFailure, else from ECS's answer to the update.
     */
    String previousTaskDefinition;
    /** Whether the update was sent but its answer lost: ECS may have applied it. */
    boolean possiblyUpdated;

    /** Takes, unless known already, what ran before from ECS's answer: the newest deployment other than ours. */
    void previousFrom(Service answer, String ours) {
        if (answer != null && previousTaskDefinition == null) {
            previousTaskDefinition = answer.deployments().stream()
                    .filter(d -> d.id() != null && !d.id().equals(ours) && d.taskDefinition() != null)
                    .max(Comparator.comparing(d -> d.createdAt() == null ? Instant.MIN : d.createdAt()))
                    .map(d -> d.taskDefinition()).orElse(null);
        }
    }
}
