package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;

/**
 * Lets the chunks watched together share DescribeServices calls: polls of one cluster that arrive at about the same
 * time travel in one call of up to 10 services. Chunks poll in step (same delay, answers arriving together), so as
 * their services become stable and drop out, their remaining ones fill calls together instead of each chunk paying a
 * whole call for one or two services.
 *
 * <p>The first poll to arrive leads a batch: it waits until the batch holds 10 services, or every chunk of the
 * cluster being watched has joined, or a short window has passed, then makes the call and hands the answer to every
 * member. A poll that does not fit the open batch leads the next one.
 */
final class DescribeBatcher {

    private final EcsClient ecs;
    private final CallPacer pacer;
    private final long windowNanos;
    private final Deadline deadline;
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();

    DescribeBatcher(EcsClient ecs, CallPacer pacer, long windowNanos, Deadline deadline) {
        this.ecs = ecs;
        this.pacer = pacer;
        this.windowNanos = windowNanos;
        this.deadline = deadline;
    }

    /** A chunk of this cluster started polling: batches wait for it. */
    void chunkStarted(String clusterKey) {
        Queue q = queue(clusterKey);
        q.lock.lock();
        try {
            q.active++;
        } finally {
            q.lock.unlock();
        }
    }

    /** A chunk of this cluster stopped polling: batches no longer wait for it. */
    void chunkFinished(String clusterKey) {
        Queue q = queue(clusterKey);
        q.lock.lock();
        try {
            q.active--;
            q.changed.signalAll();
        } finally {
            q.lock.unlock();
        }
    }

    /**
     * ECS's answer about the given services (at most 10), possibly with other chunks' services in it too.
     *
     * @throws RuntimeException what the ECS call threw
     * @throws InterruptedException when interrupted while waiting for a batch or its answer
     */
    DescribeServicesResponse describe(String clusterKey, String cluster, List<String> services)
            throws InterruptedException {
        Queue q = queue(clusterKey);
        Batch batch;
        boolean leader;
        q.lock.lock();
        try {
            Batch open = q.open;
            leader = open == null || open.services.size() + services.size() > RolloutRun.CHUNK_SIZE;
            batch = leader ? new Batch() : open;
            if (leader) {
                q.open = batch;
            }
            batch.services.addAll(services);
            batch.members++;
            q.changed.signalAll();
            if (leader) {
                try {
                    long remaining = windowNanos;
                    while (batch.services.size() < RolloutRun.CHUNK_SIZE && batch.members < q.active
                            && q.open == batch && remaining > 0) {
                        remaining = q.changed.awaitNanos(remaining);
                    }
                } catch (InterruptedException e) {
                    // No member may wait for a call nobody will make.
                    batch.answer.completeExceptionally(e);
                    throw e;
                } finally {
                    if (q.open == batch) {
                        q.open = null;
                    }
                }
            }
        } finally {
            q.lock.unlock();
        }
        if (leader) {
            call(cluster, batch);
        }
        try {
            return batch.answer.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof InterruptedException) {
                throw new InterruptedException("the poll leading this batch was interrupted");
            }
            throw new IllegalStateException(cause);
        }
    }

    private void call(String cluster, Batch batch) throws InterruptedException {
        try {
            if (!pacer.acquire(deadline.remainingNanos())) {
                throw new Abort(Reason.TIMED_OUT, "the timeout passed before the pacing of DescribeServices calls "
                        + "(maxDescribeServicesPerSecond) allowed another one");
            }
            DescribeServicesRequest.Builder request = DescribeServicesRequest.builder()
                    .cluster(cluster).services(batch.services);
            deadline.bound(request);
            batch.answer.complete(ecs.describeServices(request.build()));
        } catch (InterruptedException | RuntimeException | Error e) {
            batch.answer.completeExceptionally(e);
            throw e;
        }
    }

    private Queue queue(String clusterKey) {
        return queues.computeIfAbsent(clusterKey, k -> new Queue());
    }

    /** The window a leader waits for others: a twentieth of the delay, at most 50 ms, so it never slows a verdict. */
    static long windowFor(java.time.Duration delay) {
        return Math.min(Durations.saturate(delay).toNanos() / 20, TimeUnit.MILLISECONDS.toNanos(50));
    }

    private static final class Queue {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        int active;
        Batch open;
    }

    private static final class Batch {
        final List<String> services = new ArrayList<>();
        final CompletableFuture<DescribeServicesResponse> answer = new CompletableFuture<>();
        int members;
    }
}
