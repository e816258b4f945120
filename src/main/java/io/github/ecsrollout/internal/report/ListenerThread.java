package io.github.ecsrollout.internal.report;

import java.util.ArrayDeque;
import java.util.Queue;
import io.github.ecsrollout.internal.time.NamedThreads;
import java.util.concurrent.TimeUnit;

/**
 * Makes one rollout call's listener calls on a daemon thread of their own ({@code ecs-rollout-listener-N}), in the
 * order they were made and one at a time, so that a slow listener never holds up polling. Whatever a listener throws
 * is logged at WARN and ignored, except a {@link VirtualMachineError}, which ends the deliveries and is rethrown to
 * the rollout's caller by {@link #finish(long)}. The thread starts with the first call and ends with
 * {@link #finish(long)}. Its waits count real time whatever the rollout's clock: a listener that does not return holds
 * the caller in real time.
 */
final class ListenerThread {

    /** One listener call: the method's name for the log, and the call. */
    private record Call(String method, Runnable body) {
    }

    private final Queue<Call> calls = new ArrayDeque<>();
    private Thread thread;
    private boolean finishing;
    private Call current;
    private VirtualMachineError fatal;

    /** Queues a call; after {@link #finish(long)} (or a fatal error), calls are dropped. */
    synchronized void submit(String method, Runnable body) {
        if (finishing || fatal != null) {
            return;
        }
        calls.add(new Call(method, body));
        if (thread == null) {
            thread = NamedThreads.start("listener", this::deliver);
        }
        notifyAll();
    }

    /**
     * Accepts no more calls and waits until those queued were made, at most {@code maxWaitNanos}. Calls still queued
     * then are dropped, with a WARN line; a call in progress is left to finish on its thread, which then ends.
     * An interrupt ends the wait the same way and is kept.
     *
     * @throws VirtualMachineError what a listener call threw of that kind
     */
    void finish(long maxWaitNanos) {
        Thread t;
        synchronized (this) {
            finishing = true;
            notifyAll();
            t = thread;
        }
        if (t != null) {
            try {
                TimeUnit.NANOSECONDS.timedJoin(t, Math.max(maxWaitNanos, 0));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (!calls.isEmpty() || current != null) {
                Logs.LISTENER.warn("RolloutListener.{} has not returned in time; the rollout call returns without "
                        + "waiting for it, and {} later listener call(s) are dropped",
                        current == null ? "?" : current.method(), calls.size());
                calls.clear();
            }
            if (fatal != null) {
                throw fatal;
            }
        }
    }

    private void deliver() {
        while (true) {
            Call call;
            synchronized (this) {
                while (calls.isEmpty() && !finishing) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // Nothing of ours interrupts this thread: whoever did wants it gone.
                        calls.clear();
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                call = calls.poll();
                current = call;
                if (call == null) {
                    return;
                }
            }
            try {
                call.body().run();
            } catch (VirtualMachineError e) {
                synchronized (this) {
                    fatal = e;
                    current = null;
                    calls.clear();
                }
                return;
            } catch (Throwable e) {
                Logs.LISTENER.warn("RolloutListener.{} threw; the rollout goes on", call.method(), e);
            }
            synchronized (this) {
                current = null;
            }
        }
    }
}
