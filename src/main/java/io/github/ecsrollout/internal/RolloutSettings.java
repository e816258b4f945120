package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutListener;
import java.time.Duration;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * A {@code ServiceRollout}'s validated settings.
 *
 * @param ecs the client every ECS call goes through
 * @param delay pause between polls of a chunk
 * @param maxAttempts polls per chunk ({@link Integer#MAX_VALUE} when only a timeout bounds the wait)
 * @param timeout one deadline for the whole call, or {@code null}
 * @param maxConcurrency chunks watched at once
 * @param listener progress listener, never {@code null}
 * @param fetchStoppedTasks whether failures fetch the failed deployment's stopped tasks
 * @param rollbackOnFailure whether failures put changed services back on their previous task definition
 * @param rollbackTimeout how long the rollback's wait may take, or {@code null} (what is left of the timeout, else
 *     maxAttempts)
 * @param describeServicesPerSecond the most DescribeServices calls a second; 0 for no limit
 */
public record RolloutSettings(EcsClient ecs, Duration delay, int maxAttempts, Duration timeout, int maxConcurrency,
        RolloutListener listener, boolean fetchStoppedTasks, boolean rollbackOnFailure, Duration rollbackTimeout,
        double describeServicesPerSecond) {
}
