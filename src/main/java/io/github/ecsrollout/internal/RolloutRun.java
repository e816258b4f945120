package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
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
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

/** One call of {@code rollOut} or {@code awaitStable}: its services, its deadline, its threads. Used once. */
final class RolloutRun {

    /** What DescribeServices takes at most. */
    static final int CHUNK_SIZE = 10;
    private static final AtomicLong RUNS = new AtomicLong();

    private final RolloutSettings settings;
    private final CallPacer pacer;
    private final EcsClient ecs;
    private final Notifier notifier;
    private final DescribeBatcher batcher;
    private final Judge judge;
    private final long startNanos = System.nanoTime();
    private final Instant startInstant = Instant.now();
    private final Deadline deadline;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger maxPolls = new AtomicInteger();
    private final List<Target> targets = new ArrayList<>();
    private final List<Target> updated = new ArrayList<>();
    /** Each service's task definition before the rollout; filled only with rollbackOnFailure. */
    private final Map<Target, String> previousTaskDefinitions = new LinkedHashMap<>();

    RolloutRun(RolloutSettings settings, CallPacer pacer, String label) {
        this.settings = settings;
        this.pacer = pacer;
        this.ecs = settings.ecs();
        this.notifier = new Notifier(settings.listener(), label);
        this.deadline = Deadline.after(startNanos, settings.timeout(), ecs);
        this.batcher = new DescribeBatcher(ecs, pacer, DescribeBatcher.windowFor(settings.delay()), deadline);
        this.judge = new Judge(notifier, startInstant);
    }

    RolloutResult rollOut(List<UpdateServiceRequest> requests) {
        Map<String, Target> byKey = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            UpdateServiceRequest r = requests.get(i);
            Target t = new Target(r.cluster() == null ? "default" : r.cluster(), r.service());
            Target clash = byKey.putIfAbsent(t.clusterKey + "/" + t.key, t);
            if (clash != null) {
                throw new IllegalArgumentException("requests[" + i + "] names service " + t.service + " in cluster "
                        + t.cluster + " again (already as " + clash.service + "); roll out each service once");
            }
            targets.add(t);
        }
        Notifier.log().info("Rolling out {} service(s): {}", targets.size(), names(targets));
        if (settings.rollbackOnFailure()) {
            readPreviousTaskDefinitions();
        }
        for (int i = 0; i < requests.size(); i++) {
            Target t = targets.get(i);
            if (Thread.currentThread().isInterrupted()) {
                throw fail(Reason.INTERRUPTED, "interrupted before updating " + t.service, null);
            }
            if (deadline.hasPassed()) {
                throw fail(Reason.TIMED_OUT, "the timeout of " + settings.timeout() + " passed after " + i + " of "
                        + targets.size() + " updates; not updated: " + names(targets.subList(i, targets.size())), null);
            }
            UpdateServiceResponse answer;
            try {
                answer = ecs.updateService(deadline.bound(requests.get(i)));
            } catch (RuntimeException e) {
                if (deadline.cutShort(e)) {
                    Thread.interrupted();
                    throw fail(Reason.TIMED_OUT, "the timeout of " + settings.timeout() + " passed while updating "
                            + t.service + " (ECS may or may not have applied that update); not updated: "
                            + names(targets.subList(i + 1, targets.size())), e);
                }
                if (Causes.isInterruption(e)) {
                    Thread.currentThread().interrupt();
                    throw fail(Reason.INTERRUPTED, "interrupted while updating " + t.service, e);
                }
                throw updateRejected(t, e);
            }
            t.updateAccepted(answer == null ? null : answer.service());
            updated.add(t);
            notifier.updateAccepted(t);
        }
        return await();
    }

    RolloutResult awaitStable(String cluster, List<String> services) {
        Map<String, Target> byKey = new LinkedHashMap<>();
        for (String s : services) {
            Target t = new Target(cluster, s);
            byKey.putIfAbsent(t.key, t);
        }
        targets.addAll(byKey.values());
        Notifier.log().info("Waiting for {} service(s) to be stable: {}", targets.size(), names(targets));
        return await();
    }

    /** Ends the run's listener calls once it has returned or thrown: see {@link Notifier#finish}. */
    void finish() {
        notifier.finish(deadline, settings.delay());
    }

    /** Waits for targets whose expected deployments are already known (a rollback's restores). */
    RolloutResult awaitTargets(List<Target> restored) {
        targets.addAll(restored);
        return await();
    }

    /**
     * Reads each service's PRIMARY task definition before anything changes, 10 services per DescribeServices call, so
     * a failed rollout can put it back. A service that is missing, or an error, fails the rollout before any update.
     */
    private void readPreviousTaskDefinitions() {
        for (List<Target> chunk : chunks(targets)) {
            pace();
            DescribeServicesResponse answer;
            try {
                answer = ecs.describeServices(DescribeServicesRequest.builder().cluster(chunk.get(0).cluster)
                        .services(chunk.stream().map(t -> t.service).toList()).build());
            } catch (RuntimeException e) {
                if (Causes.isInterruption(e)) {
                    Thread.currentThread().interrupt();
                    throw fail(Reason.INTERRUPTED, "interrupted while reading the services' task definitions", e);
                }
                throw fail(Reason.API_ERROR, "could not read the services' task definitions before updating them: "
                        + e.getMessage(), e);
            }
            Map<String, Service> byKey = new HashMap<>();
            if (answer != null) {
                answer.services().forEach(s -> byKey.put(Target.keyOf(s), s));
            }
            for (Target t : chunk) {
                Service s = byKey.get(t.key);
                if (s == null) {
                    t.observeMissing();
                    throw fail(Reason.SERVICE_MISSING, "service " + t.service + " is MISSING; nothing was updated",
                            null);
                }
                String taskDefinition = Verdicts.primary(s.deployments()).map(d -> d.taskDefinition())
                        .orElse(s.taskDefinition());
                previousTaskDefinitions.put(t, taskDefinition);
            }
        }
    }

    private RolloutResult await() {
        List<List<Target>> chunks = chunks(targets);
        ChunkOutcome failure = chunks.size() == 1 ? inline(chunks.get(0)) : pooled(chunks);
        if (failure != null) {
            throw fail(failure.reason, failure.headline, failure.cause);
        }
        RolloutResult result = new RolloutResult(states(), maxPolls.get(), elapsed());
        notifier.succeeded(result);
        return result;
    }

    /** Groups the services by cluster, in the caller's order, and splits each group into chunks of 10. */
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
        ChunkOutcome outcome;
        do {
            outcome = watch.poll(Integer.MAX_VALUE);
        } while (outcome == ChunkOutcome.AGAIN);
        return outcome.succeeded() ? null : outcome;
    }

    /**
     * Several chunks: watch them together on a pool that lives only as long as this call. When there are more chunks
     * than threads, each turn of a chunk is one poll and the chunk queues up again after the delay, so every chunk is
     * watched all along instead of waiting for a thread to come free; otherwise each chunk's waiter runs to the end.
     */
    private ChunkOutcome pooled(List<List<Target>> chunks) {
        int threads = Math.min(chunks.size(), settings.maxConcurrency());
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
                            pool.schedule(this, settings.delay().toNanos(), TimeUnit.NANOSECONDS);
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
        boolean interrupted = false;
        try {
            for (int i = 0; i < chunks.size() && failure == null; i++) {
                ChunkOutcome outcome = finished.take();
                failure = outcome.succeeded() ? null : outcome;
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            // First verdict decides: stop the other chunks now, and leave no thread behind.
            stopped.set(true);
            pool.shutdownNow();
            interrupted |= awaitTermination(pool, workers);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            return new ChunkOutcome(Reason.INTERRUPTED, "the calling thread was interrupted", null);
        }
        return failure;
    }

    /**
     * Waits until the pool has terminated and every one of its threads has ended (a pool reports itself terminated a
     * moment before its last thread is gone), ignoring interrupts until then.
     *
     * @return whether the calling thread was interrupted meanwhile
     */
    private static boolean awaitTermination(ExecutorService pool, List<Thread> workers) {
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.SECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        List<Thread> started;
        synchronized (workers) {
            started = List.copyOf(workers);
        }
        for (Thread t : started) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
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
            int attempts = Math.min(pollsThisTurn, settings.attempts() - client.polls);
            WaiterOverrideConfiguration.Builder config = WaiterOverrideConfiguration.builder()
                    .maxAttempts(attempts)
                    .backoffStrategyV2(settings.delay().isZero()
                            ? BackoffStrategy.retryImmediately()
                            : BackoffStrategy.fixedDelayWithoutJitter(settings.delay()));
            if (deadline.isSet()) {
                config.waitTimeout(Duration.ofNanos(remaining));
            }
            DescribeServicesRequest request = DescribeServicesRequest.builder()
                    .cluster(chunk.get(0).cluster)
                    .services(chunk.stream().map(t -> t.service).toList())
                    .build();
            batcher.chunkStarted(chunk.get(0).clusterKey);
            try (EcsWaiter waiter = EcsWaiter.builder().client(client).overrideConfiguration(config.build()).build()) {
                waiter.waitUntilServicesStable(request);
                return ChunkOutcome.SUCCESS;
            } catch (RuntimeException e) {
                ChunkOutcome outcome = classify(e);
                if (outcome != ChunkOutcome.GAVE_UP) {
                    return outcome;
                }
                // The waiter gave up: this turn's polls are used, or the next poll would pass the deadline.
                boolean outOfTime = deadline.isSet() && deadline.remainingNanos() <= settings.delay().toNanos();
                return client.polls >= settings.attempts() || outOfTime ? timedOut() : ChunkOutcome.AGAIN;
            } finally {
                batcher.chunkFinished(chunk.get(0).clusterKey);
                maxPolls.accumulateAndGet(client.polls, Math::max);
            }
        }
    }

    /** Turns the waiter's exception into a reason, from what was observed rather than from the message text. */
    private ChunkOutcome classify(RuntimeException e) {
        Abort abort = Causes.find(e, Abort.class);
        if (abort != null) {
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
        String why = deadline.isSet() && deadline.remainingNanos() <= settings.delay().toNanos()
                ? "the timeout of " + settings.timeout() + " passed"
                : "a chunk used up its " + settings.attempts() + " polls (maxAttempts)";
        return new ChunkOutcome(Reason.TIMED_OUT, why, null);
    }


    private RolloutNotStableException updateRejected(Target t, RuntimeException e) {
        List<Target> notAttempted = targets.subList(targets.indexOf(t) + 1, targets.size());
        String headline = "ECS rejected the update of " + t.service + ": " + e.getMessage()
                + (notAttempted.isEmpty() ? "" : "; not attempted: " + names(notAttempted));
        return fail(Reason.UPDATE_FAILED, headline, e, List.of(t.service));
    }

    private RolloutNotStableException fail(Reason reason, String headline, Throwable cause) {
        List<String> unstable = targets.stream().filter(t -> t.verdict() != Verdict.STABLE).map(t -> t.service)
                .toList();
        return fail(reason, headline, cause, unstable);
    }

    private RolloutNotStableException fail(Reason reason, String headline, Throwable cause, List<String> unstable) {
        if (settings.fetchStoppedTasks() && !Thread.currentThread().isInterrupted()
                && (reason == Reason.DEPLOYMENT_FAILED || reason == Reason.ROLLED_BACK || reason == Reason.TIMED_OUT)) {
            targets.stream()
                    .filter(t -> t.last() != null && t.verdict() != Verdict.STABLE
                            && (reason == Reason.TIMED_OUT || t.verdict().isTerminal()))
                    .limit(StoppedTasks.MAX_SERVICES)
                    .forEach(t -> StoppedTasks.fetch(ecs, t, deadline));
        }
        Rollback.Outcome rollback = null;
        if (settings.rollbackOnFailure() && reason != Reason.INTERRUPTED && !updated.isEmpty()) {
            Map<Target, String> changed = new LinkedHashMap<>();
            updated.forEach(t -> changed.put(t, previousTaskDefinitions.get(t)));
            rollback = Rollback.run(settings, pacer, notifier, changed, rollbackBound());
        }
        List<ServiceState> states = states();
        List<String> updatedNames = updated.stream().map(t -> t.service).toList();
        String message = Messages.failure(reason, headline, states, unstable, updatedNames, maxPolls.get(), elapsed(),
                rollback == null ? null : rollback.summary());
        RolloutNotStableException failure = new RolloutNotStableException(reason, message, cause, unstable,
                updatedNames, rollback == null ? List.of() : rollback.restored(), states);
        if (rollback != null && rollback.error() != null) {
            failure.addSuppressed(rollback.error());
        }
        notifier.failed(failure);
        return failure;
    }

    /**
     * How long a rollback may wait: the rollback timeout if set, else what is left of the timeout (at least one poll,
     * since the restores have been sent either way), else {@code null} for maxAttempts.
     */
    private Duration rollbackBound() {
        if (settings.rollbackTimeout() != null) {
            return settings.rollbackTimeout();
        }
        if (!deadline.isSet()) {
            return null;
        }
        return Duration.ofNanos(Math.max(deadline.remainingNanos(), TimeUnit.MILLISECONDS.toNanos(1)));
    }

    /** Paces a call made on the caller's thread; an interrupt there ends the rollout as INTERRUPTED. */
    private void pace() {
        try {
            if (!pacer.acquire(deadline.remainingNanos())) {
                throw fail(Reason.TIMED_OUT, "the timeout of " + settings.timeout() + " passed while pacing the"
                        + " DescribeServices calls that read the services' task definitions; nothing was updated", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(Reason.INTERRUPTED, "interrupted while pacing DescribeServices calls", e);
        }
    }

    private List<ServiceState> states() {
        return targets.stream().map(Target::state).toList();
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** The services' names for a log line or message: all of a few, the first ones of many. */
    private static String names(List<Target> targets) {
        List<String> names = new ArrayList<>(targets.stream().limit(Messages.MAX_LISTED).map(t -> t.service).toList());
        if (targets.size() > Messages.MAX_LISTED) {
            names.add("... and " + (targets.size() - Messages.MAX_LISTED) + " more");
        }
        return names.toString();
    }

    /** How one chunk's wait ended: {@code reason == null} is success. */
    private static final class ChunkOutcome {
        static final ChunkOutcome SUCCESS = new ChunkOutcome(null, "stable", null);
        static final ChunkOutcome STOPPED = new ChunkOutcome(null, "stopped", null);
        /** The waiter gave up without a verdict; whether that is a timeout is the caller's to decide. */
        static final ChunkOutcome GAVE_UP = new ChunkOutcome(null, "gave up", null);
        /** A turn ended with attempts and time to spare: poll the chunk again after the delay. */
        static final ChunkOutcome AGAIN = new ChunkOutcome(null, "again", null);

        final Reason reason;
        final String headline;
        final Throwable cause;

        ChunkOutcome(Reason reason, String headline, Throwable cause) {
            this.reason = reason;
            this.headline = headline;
            this.cause = cause;
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
            if (answer == null) {
                throw new Abort(Reason.API_ERROR, "DescribeServices returned no answer");
            }
            Notifier.log().debug("Poll {} of {} service(s) in {}", polls, asked.size(), chunk.get(0).cluster);
            return judge.judge(chunk, asked, answer);
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
