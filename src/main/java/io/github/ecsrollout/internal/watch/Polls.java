package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.RolloutClock;
import io.github.ecsrollout.internal.report.Logs;
import io.github.ecsrollout.internal.time.NamedThreads;
import io.github.ecsrollout.internal.time.SystemClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where a watch's polls run and how it waits for them: on the calling thread, or on a pool of daemon threads
 * ({@code ecs-rollout-<n>-<m>}) that lives only as long as the watch, so that a call that hangs holds back no other
 * chunk. Either way, waiting for the next poll's time goes through the rollout's clock.
 */
abstract class Polls {

    /**
     * How long stopping waits for the pool's threads to end: long enough for a thread that was waiting, not for one
     * stuck in an HTTP call that ignores interrupts (it ends with that call; its answer is not judged).
     */
    static final long STOP_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Polls on the calling thread. */
    static Polls inline() {
        return new Inline();
    }

    /** Polls on a pool of {@code threads} threads. */
    static Polls pooled(int threads) {
        return new Pooled(threads);
    }

    abstract boolean isInline();

    /**
     * Starts a poll (inline: makes it).
     *
     * @param unexpected what comes back instead when the poll throws (a fault of the library's, or of the VM)
     */
    abstract void submit(Supplier<PollResult> poll, Function<Unexpected, PollResult> unexpected);

    /** What a thread that polls threw besides an ECS call's exception: a fault of the library's, or of the VM. */
    static final class Unexpected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unexpected(Throwable cause) {
            super(cause);
        }
    }

    static PollResult run(Supplier<PollResult> poll, Function<Unexpected, PollResult> unexpected) {
        try {
            return poll.get();
        } catch (RuntimeException | Error e) {
            return unexpected.apply(new Unexpected(e));
        }
    }

    /** Whether a poll is in flight. */
    abstract boolean busy();

    /** The answers back already, without waiting. */
    abstract List<PollResult> ready();

    /**
     * Waits for the next answers, or until {@code untilNanos} (a reading of the clock) when no poll is in flight.
     *
     * @throws InterruptedException when the calling thread is interrupted while it waits
     */
    abstract List<PollResult> next(RolloutClock clock, long untilNanos) throws InterruptedException;

    /**
     * Stops the polls in flight and lets go of the threads.
     *
     * @return whether the calling thread was interrupted while it waited for them
     */
    abstract boolean stop();

    static void sleepUntil(RolloutClock clock, long untilNanos) throws InterruptedException {
        long wait = untilNanos - clock.nanoTime();
        if (wait > 0) {
            clock.sleep(Duration.ofNanos(wait));
        }
    }

    private static final class Inline extends Polls {
        private final List<PollResult> answers = new ArrayList<>();

        @Override
        boolean isInline() {
            return true;
        }

        @Override
        void submit(Supplier<PollResult> poll, Function<Unexpected, PollResult> unexpected) {
            try {
                answers.add(poll.get());
            } catch (RuntimeException e) {
                answers.add(unexpected.apply(new Unexpected(e)));
            }
            // An Error (out of memory, say) on the calling thread is the caller's, as any other call's would be.
        }

        @Override
        boolean busy() {
            return false;
        }

        @Override
        List<PollResult> ready() {
            List<PollResult> ready = List.copyOf(answers);
            answers.clear();
            return ready;
        }

        @Override
        List<PollResult> next(RolloutClock clock, long untilNanos) throws InterruptedException {
            if (answers.isEmpty()) {
                sleepUntil(clock, untilNanos);
            }
            return ready();
        }

        @Override
        boolean stop() {
            return false;
        }
    }

    private static final class Pooled extends Polls {
        private final List<Thread> workers = new ArrayList<>();
        private final ExecutorService pool;
        private final LinkedBlockingQueue<PollResult> answers = new LinkedBlockingQueue<>();
        private int inFlight;

        Pooled(int threads) {
            String run = String.valueOf(NamedThreads.next("run"));
            this.pool = Executors.newFixedThreadPool(threads, NamedThreads.factory(run, t -> {
                synchronized (workers) {
                    workers.add(t);
                }
            }));
        }

        @Override
        boolean isInline() {
            return false;
        }

        @Override
        void submit(Supplier<PollResult> poll, Function<Unexpected, PollResult> unexpected) {
            inFlight++;
            pool.execute(() -> answers.add(run(poll, unexpected)));
        }

        @Override
        boolean busy() {
            return inFlight > 0;
        }

        @Override
        List<PollResult> ready() {
            List<PollResult> ready = new ArrayList<>();
            answers.drainTo(ready);
            inFlight -= ready.size();
            return ready;
        }

        @Override
        List<PollResult> next(RolloutClock clock, long untilNanos) throws InterruptedException {
            if (inFlight == 0) {
                sleepUntil(clock, untilNanos);
                return List.of();
            }
            PollResult first;
            if (untilNanos == Long.MAX_VALUE || !SystemClock.isSystem(clock)) {
                first = answers.take();
            } else {
                // A poll in flight and another chunk's turn to come: whichever is first. This wait is the clock's
                // own: the real one (a virtual clock never polls on a pool).
                first = answers.poll(Math.max(0, untilNanos - clock.nanoTime()), TimeUnit.NANOSECONDS);
            }
            if (first == null) {
                return List.of();
            }
            inFlight--;
            List<PollResult> ready = new ArrayList<>(List.of(first));
            ready.addAll(ready());
            return ready;
        }

        @Override
        boolean stop() {
            pool.shutdownNow();
            return awaitWorkers();
        }

        /**
         * Waits until every thread of the pool has ended (its threads, not the pool's termination, which it reports a
         * moment before its last thread is gone), but no longer than {@link #STOP_WAIT_NANOS} of real time, ignoring
         * interrupts until then.
         */
        private boolean awaitWorkers() {
            long until = SystemClock.INSTANCE.nanoTime() + STOP_WAIT_NANOS;
            boolean interrupted = false;
            List<Thread> started;
            synchronized (workers) {
                started = List.copyOf(workers);
            }
            for (Thread t : started) {
                long left;
                while (t.isAlive() && (left = until - SystemClock.INSTANCE.nanoTime()) > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedJoin(t, left);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (started.stream().anyMatch(Thread::isAlive)) {
                Logs.ROLLOUT.debug("Not waiting for {} chunk thread(s) still in an ECS call; they end with it",
                        started.stream().filter(Thread::isAlive).count());
            }
            return interrupted;
        }
    }
}
