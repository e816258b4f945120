package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

/**
 * Watches a run's services until each is judged: chunks of up to 10 services, each awaited by its own SDK
 * {@code EcsWaiter} that polls through a {@link ChunkClient} judging every answer, on the caller's thread for one chunk
 * or on a pool that lives only as long as the wait. The first terminal verdict stops every chunk. Used once.
 */
final class ChunkWatcher {

    /** What DescribeServices takes at most. */
    static final int CHUNK_SIZE = 10;
    private static final AtomicLong RUNS = new AtomicLong();

    /**
     * How long a verdict waits for the other chunks' threads to end once they are stopped: long enough for a thread
     * that was waiting or pacing, not for one stuck in an HTTP call that ignores interrupts.
     */
    static final long STOP_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** The time left for the HTTP call of the poll made just before the deadline. */
    static final long LAST_POLL_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Duration delay;
    private final int attempts;
    private final Duration timeout;
    private final int maxConcurrency;
    private final Deadline deadline;
    private final DescribeBatcher batcher;
    private final ServiceDeployments deployments;
    private final Judge judge;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger maxPolls = new AtomicInteger();

    /**
     * @param attempts polls per chunk
     * @param deployments where service deployments come from, or {@code null} when judging from DescribeServices alone
     */
    ChunkWatcher(RolloutSettings settings, int attempts, Deadline deadline, DescribeBatcher batcher,
            ServiceDeployments deployments, Judge judge) {
        this.delay = settings.delay();
        this.attempts = attempts;
        this.timeout = settings.timeout();
        this.maxConcurrency = settings.maxConcurrency();
        this.deadline = deadline;
        this.batcher = batcher;
        this.deployments = deployments;
        this.judge = judge;
    }

    /**
     * Watches the targets until every one is stable or one verdict ends the wait.
     *
     * @return {@code null} when every target is stable, else how the wait ended
     */
    ChunkOutcome watch(List<Target> targets) {
        List<List<Target>> chunks = chunks(targets);
        return chunks.size() == 1 ? inline(chunks.get(0)) : pooled(chunks);
    }

    /**
     * Polls every chunk once, without sleeping (a check of a rollout another process may have started), on up to
     * maxConcurrency threads. A chunk whose poll saw no terminal verdict is simply not done yet.
     *
     * @return the first terminal verdict, error or interrupt, or {@code null} when there was none
     */
    ChunkOutcome round(List<Target> targets) {
        List<List<Target>> chunks = chunks(targets);
        if (chunks.size() == 1) {
            return failureOf(new ChunkWatch(chunks.get(0)).poll(1));
        }
        List<Thread> workers = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(chunks.size(), maxConcurrency), threadFactory(workers));
        List<java.util.concurrent.Future<ChunkOutcome>> polls = new ArrayList<>();
        for (List<Target> chunk : chunks) {
            ChunkWatch watch = new ChunkWatch(chunk);
            polls.add(pool.submit(() -> watch.poll(1)));
        }
        pool.shutdown();
        ChunkOutcome failure = null;
        try {
            for (java.util.concurrent.Future<ChunkOutcome> poll : polls) {
                ChunkOutcome outcome;
                try {
                    outcome = poll.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    outcome = new ChunkOutcome(Reason.API_ERROR, "unexpected failure while checking: " + e.getCause(),
                            e.getCause());
                }
                if (failure == null) {
                    failure = failureOf(outcome);
                }
            }
        } catch (InterruptedException e) {
            stopped.set(true);
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            return new ChunkOutcome(Reason.INTERRUPTED, "the calling thread was interrupted", e);
        }
        return failure;
    }

    /** A round's outcome for one chunk: a timeout (its one poll used) is not a failure of a check. */
    private static ChunkOutcome failureOf(ChunkOutcome outcome) {
        return outcome.succeeded() || outcome.reason == Reason.TIMED_OUT || outcome == ChunkOutcome.AGAIN ? null
                : outcome;
    }

    /** The most DescribeServices polls any one chunk made. */
    int maxPolls() {
        return maxPolls.get();
    }

    static List<List<Target>> chunks(List<Target> targets) {
        Map<String, List<Target>> byCluster = targets.stream()
                .collect(Collectors.groupingBy(t -> t.clusterKey, LinkedHashMap::new, Collectors.toList()));
        List<List<Target>> chunks = new ArrayList<>();
        for (List<Target> group : byCluster.values()) {
            for (int i = 0; i < group.size(); i += CHUNK_SIZE) {
                chunks.add(List.copyOf(group.subList(i, Math.min(group.size(), i + CHUNK_SIZE))));
            }
        }
        return chunks;
    }

    /** One chunk: wait on the caller's own thread, no pool needed. */
    private ChunkOutcome inline(List<Target> chunk) {
        ChunkWatch watch = new ChunkWatch(chunk);
        ChunkOutcome outcome = watch.poll(Integer.MAX_VALUE);
        while (outcome == ChunkOutcome.AGAIN) {
            try {
                TimeUnit.NANOSECONDS.sleep(watch.nextTurnNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ChunkOutcome(Reason.INTERRUPTED, "the calling thread was interrupted", e);
            }
            outcome = watch.poll(Integer.MAX_VALUE);
        }
        return outcome.succeeded() ? null : outcome;
    }

    /**
     * Several chunks: watch them together on a pool that lives only as long as this call. When there are more chunks
     * than threads, each turn of a chunk is one poll and the chunk queues up again after the delay, so every chunk is
     * watched all along instead of waiting for a thread to come free; otherwise each chunk's waiter runs to the end.
     */
    private ChunkOutcome pooled(List<List<Target>> chunks) {
        int threads = Math.min(chunks.size(), maxConcurrency);
        int pollsPerTurn = chunks.size() > threads ? 1 : Integer.MAX_VALUE;
        List<Thread> workers = new ArrayList<>();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, threadFactory(workers));
        pool.setRemoveOnCancelPolicy(true);
        BlockingQueue<ChunkOutcome> finished = new LinkedBlockingQueue<>();
        for (List<Target> chunk : chunks) {
            ChunkWatch watch = new ChunkWatch(chunk);
            pool.execute(new Runnable() {
                @Override
                public void run() {
                    ChunkOutcome outcome;
                    try {
                        outcome = watch.poll(pollsPerTurn);
                    } catch (RuntimeException | Error e) {
                        outcome = new ChunkOutcome(Reason.API_ERROR, "unexpected failure while waiting: " + e, e);
                    }
                    if (outcome == ChunkOutcome.AGAIN) {
                        try {
                            pool.schedule(this, watch.nextTurnNanos, TimeUnit.NANOSECONDS);
                        } catch (RejectedExecutionException stopping) {
                            finished.add(ChunkOutcome.STOPPED);
                        }
                    } else {
                        finished.add(outcome);
                    }
                }
            });
        }
        ChunkOutcome failure = null;
        // A chunk that used up its own polls (maxAttempts is per chunk) ends only its own wait: the others go on
        // until they are stable or use up theirs, so that which services ran out does not depend on timing.
        ChunkOutcome ranOut = null;
        boolean interrupted = false;
        try {
            for (int i = 0; i < chunks.size() && failure == null; i++) {
                ChunkOutcome outcome = finished.take();
                if (outcome.pollsUsedUp) {
                    ranOut = ranOut == null ? outcome : ranOut;
                } else {
                    failure = outcome.succeeded() ? null : outcome;
                }
            }
            failure = failure == null ? ranOut : failure;
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            // First verdict decides: stop the other chunks now. A chunk stuck in a call that ignores the interrupt
            // is not waited for: its thread ends with that call, and the answer is not judged (stopped is set).
            stopped.set(true);
            pool.shutdownNow();
            interrupted |= awaitWorkers(workers, STOP_WAIT_NANOS);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            return new ChunkOutcome(Reason.INTERRUPTED, "the calling thread was interrupted", null);
        }
        return failure;
    }

    /**
     * Waits until every thread of the pool has ended (its threads, not the pool's termination, which it reports a
     * moment before its last thread is gone), but no longer than {@code maxNanos}, ignoring interrupts until then.
     *
     * @return whether the calling thread was interrupted meanwhile
     */
    private static boolean awaitWorkers(List<Thread> workers, long maxNanos) {
        long until = System.nanoTime() + maxNanos;
        boolean interrupted = false;
        List<Thread> started;
        synchronized (workers) {
            started = List.copyOf(workers);
        }
        for (Thread t : started) {
            long left;
            while (t.isAlive() && (left = until - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedJoin(t, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (started.stream().anyMatch(Thread::isAlive)) {
            Notifier.log().debug("Not waiting for {} chunk thread(s) still in an ECS call; they end with it",
                    started.stream().filter(Thread::isAlive).count());
        }
        return interrupted;
    }

    private static ThreadFactory threadFactory(List<Thread> workers) {
        long run = RUNS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "ecs-rollout-" + run + "-" + n.incrementAndGet());
            t.setDaemon(true);
            synchronized (workers) {
                workers.add(t);
            }
            return t;
        };
    }

    /** One chunk's wait, possibly in several turns: its polling client (and so its poll count) spans them all. */
    private final class ChunkWatch {
        private final List<Target> chunk;
        private final ChunkClient client;
        /** How long to wait before the next turn, when a turn ends {@link ChunkOutcome#AGAIN}. */
        private long nextTurnNanos;
        /** Whether the poll just before the deadline has been made. */
        private boolean lastPollDone;

        ChunkWatch(List<Target> chunk) {
            this.chunk = chunk;
            this.client = new ChunkClient(chunk);
        }

        /**
         * Waits for the chunk with the SDK waiter for at most {@code pollsThisTurn} polls, judging every answer on
         * the way; {@link ChunkOutcome#AGAIN} when the turn ended with attempts and time to spare.
         */
        ChunkOutcome poll(int pollsThisTurn) {
            long remaining = deadline.remainingNanos();
            if (remaining <= 0) {
                return timedOut();
            }
            int turn = Math.min(pollsThisTurn, attempts - client.polls);
            WaiterOverrideConfiguration.Builder config = WaiterOverrideConfiguration.builder()
                    .maxAttempts(turn)
                    .backoffStrategyV2(delay.isZero()
                            ? BackoffStrategy.retryImmediately()
                            : BackoffStrategy.fixedDelayWithoutJitter(delay));
            if (deadline.isSet()) {
                config.waitTimeout(Duration.ofNanos(remaining));
            }
            DescribeServicesRequest request = DescribeServicesRequest.builder()
                    .cluster(chunk.get(0).cluster)
                    .services(chunk.stream().map(t -> t.service).toList())
                    .build();
            batcher.chunkStarted(chunk.get(0).clusterKey);
            if (deployments != null) {
                deployments.chunkStarted();
            }
            try (EcsWaiter waiter = EcsWaiter.builder().client(client).overrideConfiguration(config.build()).build()) {
                waiter.waitUntilServicesStable(request);
                return ChunkOutcome.SUCCESS;
            } catch (RuntimeException e) {
                ChunkOutcome outcome = classify(e);
                if (outcome != ChunkOutcome.GAVE_UP) {
                    return outcome;
                }
                // The waiter gave up: this turn's polls are used, or the next poll would pass the deadline.
                if (client.polls >= attempts) {
                    return timedOut();
                }
                long left = deadline.remainingNanos();
                if (deadline.isSet() && left <= Durations.toNanos(delay)) {
                    // No sleep of a whole delay fits before the deadline: look once more just before it, so the
                    // verdict is the state at the deadline and none of the caller's time is given away.
                    long margin = Math.min(LAST_POLL_MARGIN_NANOS, left / 4);
                    if (lastPollDone || left <= margin) {
                        return timedOut();
                    }
                    lastPollDone = true;
                    nextTurnNanos = left - margin;
                    return ChunkOutcome.AGAIN;
                }
                nextTurnNanos = Durations.toNanos(delay);
                return ChunkOutcome.AGAIN;
            } finally {
                batcher.chunkFinished(chunk.get(0).clusterKey);
                if (deployments != null) {
                    deployments.chunkFinished();
                }
                maxPolls.accumulateAndGet(client.polls, Math::max);
            }
        }
    }

    /** Turns the waiter's exception into a reason, from what was observed rather than from the message text. */
    private ChunkOutcome classify(RuntimeException e) {
        Abort abort = Causes.find(e, Abort.class);
        if (abort != null) {
            if (abort.reason == Reason.TIMED_OUT && abort.atDeadline) {
                return timedOut();
            }
            return abort.reason == null ? ChunkOutcome.STOPPED
                    : new ChunkOutcome(abort.reason, abort.getMessage(), null);
        }
        if (stopped.get()) {
            return ChunkOutcome.STOPPED;
        }
        if (deadline.cutShort(e)) {
            // Checked before interruption: the SDK ends an overdue call by interrupting the thread making it.
            Thread.interrupted();
            return timedOut();
        }
        if (Thread.currentThread().isInterrupted() || Causes.isInterruption(e)) {
            Thread.currentThread().interrupt();
            return new ChunkOutcome(Reason.INTERRUPTED, "the calling thread was interrupted", e);
        }
        if (e instanceof SdkClientException && e.getCause() == null) {
            // The waiter's own give-up: its attempts used up, or the next poll would pass the deadline.
            return ChunkOutcome.GAVE_UP;
        }
        Throwable cause = e instanceof SdkClientException ? e.getCause() : e;
        return new ChunkOutcome(Reason.API_ERROR, "DescribeServices failed: " + cause.getClass().getSimpleName()
                + ": " + cause.getMessage(), cause);
    }

    private ChunkOutcome timedOut() {
        boolean atDeadline = deadline.isSet() && deadline.remainingNanos() <= delay.toNanos();
        return atDeadline ? new ChunkOutcome(Reason.TIMED_OUT, "the timeout of " + timeout + " passed", null)
                : new ChunkOutcome(Reason.TIMED_OUT, "a chunk used up its " + attempts + " polls (maxAttempts)", null,
                        true);
    }


    /** How one chunk's wait ended: {@code reason == null} is success. */
    static final class ChunkOutcome {
        static final ChunkOutcome SUCCESS = new ChunkOutcome(null, "stable", null);
        static final ChunkOutcome STOPPED = new ChunkOutcome(null, "stopped", null);
        /** The waiter gave up without a verdict; whether that is a timeout is the caller's to decide. */
        static final ChunkOutcome GAVE_UP = new ChunkOutcome(null, "gave up", null);
        /** A turn ended with attempts and time to spare: poll the chunk again after the delay. */
        static final ChunkOutcome AGAIN = new ChunkOutcome(null, "again", null);

        final Reason reason;
        final String headline;
        final Throwable cause;
        /** Whether the chunk used up its own polls (maxAttempts), which ends no other chunk's wait. */
        final boolean pollsUsedUp;

        ChunkOutcome(Reason reason, String headline, Throwable cause) {
            this(reason, headline, cause, false);
        }

        ChunkOutcome(Reason reason, String headline, Throwable cause, boolean pollsUsedUp) {
            this.reason = reason;
            this.headline = headline;
            this.cause = cause;
            this.pollsUsedUp = pollsUsedUp;
        }

        /** Whether the chunk is done without a failure: stable, or stopped because another chunk failed. */
        boolean succeeded() {
            return this == SUCCESS || this == STOPPED;
        }
    }

    /**
     * The client the waiter polls through: asks ECS (through the batcher, which may share the call with other
     * chunks) about the chunk's services not yet confirmed stable, and judges each answer before the waiter sees it,
     * so verdicts the waiter's rule cannot see end the wait on the poll that shows them.
     */
    private final class ChunkClient implements EcsClient {
        private final List<Target> chunk;
        private int polls;

        ChunkClient(List<Target> chunk) {
            this.chunk = chunk;
        }

        @Override
        public DescribeServicesResponse describeServices(DescribeServicesRequest request) {
            if (stopped.get()) {
                throw Abort.stopped();
            }
            polls++;
            List<Target> asked = chunk.stream().filter(t -> t.verdict() != Verdict.STABLE).toList();
            DescribeServicesResponse answer;
            try {
                answer = asked.isEmpty() ? DescribeServicesResponse.builder().build()
                        : batcher.describe(chunk.get(0).clusterKey, chunk.get(0).cluster,
                                asked.stream().map(t -> t.service).toList());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw stopped.get() ? Abort.stopped()
                        : new Abort(Reason.INTERRUPTED, "interrupted while polling DescribeServices");
            }
            if (stopped.get()) {
                // A late answer, after another chunk's verdict ended the wait: no longer anyone's to judge.
                throw Abort.stopped();
            }
            if (answer == null) {
                throw new Abort(Reason.API_ERROR, "DescribeServices returned no answer");
            }
            Logs.POLLS.debug("Poll {} of {} service(s) in {}", polls, asked.size(), chunk.get(0).cluster);
            try {
                return judge.judge(chunk, asked, answer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw stopped.get() ? Abort.stopped()
                        : new Abort(Reason.INTERRUPTED, "interrupted while describing service deployments");
            }
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
            // The caller's client is not ours to close.
        }
    }
}
