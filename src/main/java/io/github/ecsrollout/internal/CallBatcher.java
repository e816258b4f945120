package io.github.ecsrollout.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets the chunks watched together share one ECS call: requests for the same key that arrive at about the same time
 * travel in one call of up to {@code capacity} items, and every member gets the whole answer.
 *
 * <p>The first request to arrive leads a batch: it waits until the batch is full, or every chunk of the key being
 * watched has joined, or a short window has passed, then makes the call and hands the answer to every member. A
 * request that does not fit the open batch leads the next one.
 *
 * @param <R> the ECS answer
 */
final class CallBatcher<R> {

    /** The ECS call a batch makes. */
    interface Call<R> {
        /**
         * @param target what the call is about besides the items (the cluster, for DescribeServices)
         * @param items the batch's items, at most {@code capacity}
         */
        R call(String target, List<String> items) throws InterruptedException;
    }

    private final int capacity;
    private final long windowNanos;
    private final Call<R> call;
    private final Map<String, Queue<R>> queues = new ConcurrentHashMap<>();

    CallBatcher(int capacity, long windowNanos, Call<R> call) {
        this.capacity = capacity;
        this.windowNanos = windowNanos;
        this.call = call;
    }

    /** A chunk of this key started polling: batches wait for it. */
    void chunkStarted(String key) {
        Queue<R> q = queue(key);
        q.lock.lock();
        try {
            q.active++;
        } finally {
            q.lock.unlock();
        }
    }

    /** A chunk of this key stopped polling: batches no longer wait for it. */
    void chunkFinished(String key) {
        Queue<R> q = queue(key);
        q.lock.lock();
        try {
            q.active--;
            q.changed.signalAll();
        } finally {
            q.lock.unlock();
        }
    }

    /**
     * ECS's answer about the given items (at most {@code capacity}), possibly with other chunks' items in it too.
     *
     * @throws RuntimeException what the ECS call threw
     * @throws InterruptedException when interrupted while waiting for a batch or its answer
     */
    R submit(String key, String target, List<String> items) throws InterruptedException {
        Queue<R> q = queue(key);
        Batch<R> batch;
        boolean leader;
        q.lock.lock();
        try {
            Batch<R> open = q.open;
            leader = open == null || open.items.size() + items.size() > capacity;
            batch = leader ? new Batch<>() : open;
            if (leader) {
                q.open = batch;
            }
            batch.items.addAll(items);
            batch.members++;
            q.changed.signalAll();
            if (leader) {
                try {
                    long remaining = windowNanos;
                    while (batch.items.size() < capacity && batch.members < q.active && q.open == batch
                            && remaining > 0) {
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
            try {
                batch.answer.complete(call.call(target, batch.items));
            } catch (InterruptedException | RuntimeException | Error e) {
                batch.answer.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return batch.answer.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof InterruptedException) {
                throw new InterruptedException("the request leading this batch was interrupted");
            }
            throw new IllegalStateException(cause);
        }
    }

    private Queue<R> queue(String key) {
        return queues.computeIfAbsent(key, k -> new Queue<>());
    }

    private static final class Queue<R> {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        int active;
        Batch<R> open;
    }

    private static final class Batch<R> {
        final List<String> items = new ArrayList<>();
        final CompletableFuture<R> answer = new CompletableFuture<>();
        int members;
    }
}
