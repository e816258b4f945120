package io.github.ecsrollout.internal;

import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;

/**
 * Lets the chunks watched together share DescribeServices calls: polls of one cluster that arrive at about the same
 * time travel in one call of up to 10 services. Chunks poll in step (same delay, answers arriving together), so as
 * their services become stable and drop out, their remaining ones fill calls together instead of each chunk paying a
 * whole call for one or two services. See {@link CallBatcher} for how a batch forms.
 */
final class DescribeBatcher {

    private final CallBatcher<DescribeServicesResponse> batcher;

    DescribeBatcher(EcsClient ecs, CallPacer pacer, long windowNanos, Deadline deadline) {
        this.batcher = new CallBatcher<>(RolloutRun.CHUNK_SIZE, windowNanos, (cluster, services) -> {
            if (!pacer.acquire(deadline.remainingNanos())) {
                throw Abort.deadlineBeforeTurn("the timeout passed before the pacing of DescribeServices calls "
                        + "(maxDescribeServicesPerSecond) allowed another one");
            }
            return ecs.describeServices(deadline.bound(DescribeServicesRequest.builder()
                    .cluster(cluster).services(services)).build());
        });
    }

    /** A chunk of this cluster started polling: batches wait for it. */
    void chunkStarted(String clusterKey) {
        batcher.chunkStarted(clusterKey);
    }

    /** A chunk of this cluster stopped polling: batches no longer wait for it. */
    void chunkFinished(String clusterKey) {
        batcher.chunkFinished(clusterKey);
    }

    /**
     * ECS's answer about the given services (at most 10), possibly with other chunks' services in it too.
     *
     * @throws RuntimeException what the ECS call threw
     * @throws InterruptedException when interrupted while waiting for a batch or its answer
     */
    DescribeServicesResponse describe(String clusterKey, String cluster, List<String> services)
            throws InterruptedException {
        return batcher.submit(clusterKey, cluster, services);
    }

    /** The window a leader waits for others: a twentieth of the delay, at most 50 ms, so it never slows a verdict. */
    static long windowFor(java.time.Duration delay) {
        return Math.min(Durations.toNanos(delay) / 20, TimeUnit.MILLISECONDS.toNanos(50));
    }
}
