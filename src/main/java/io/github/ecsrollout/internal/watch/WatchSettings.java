package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.RolloutClock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;

/**
 * What a watch needs to know besides its services.
 *
 * @param delay the pause between a chunk's polls
 * @param deadlineWords what the deadline is, for the message of a timeout ("the timeout of PT20M")
 * @param maxConcurrency the most polls in flight at once
 * @param succeedAtStage the stage at which a deployment counts as done, or {@code null}
 * @param since events older than this on a service's first observation were there before
 * @param clock the rollout's clock
 */
public record WatchSettings(Duration delay, String deadlineWords, int maxConcurrency,
        ServiceDeploymentLifecycleStage succeedAtStage, Instant since, RolloutClock clock) {
}
