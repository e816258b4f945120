package io.github.ecsrollout.internal.state;

import io.github.ecsrollout.ServiceState.Verdict;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * What one observation of a service changed, for the listener and the log.
 *
 * @param from the verdict before the observation
 * @param to the verdict after it
 * @param changed whether anything a person would see changed: the verdict, the counts, the deployments
 * @param becameStable whether the service was seen stable for the first time
 * @param newEvents ECS events not told before, oldest first
 * @param pausedAt the PAUSE hook the service deployment started waiting at with this observation, or {@code null}
 */
public record Change(Verdict from, Verdict to, boolean changed, boolean becameStable, List<ServiceEvent> newEvents,
        DeploymentLifecycleHookDetail pausedAt) {
}
