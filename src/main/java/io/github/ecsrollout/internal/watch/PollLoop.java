package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.RolloutClock;
import io.github.ecsrollout.internal.io.EcsPort;
import io.github.ecsrollout.internal.model.Chunks;
import io.github.ecsrollout.internal.report.Notifier;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.time.Deadline;
import io.github.ecsrollout.internal.time.SystemClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;

/**
 * Watches services until each is judged: the sync driver of a watch. Chunks of up to 10 services of a cluster poll a
 * delay after their last answer ({@link Schedule}); chunks due together share DescribeServices calls
 * ({@link GroupPoll}), and the service deployments their answers call for are looked up together
 * ({@link LookupPoll}); every answer is judged on the calling thread ({@link Judge}), and the first terminal verdict
 * ends the wait at once ({@link WatchRun}). One chunk, or a virtual clock, polls on the calling thread; several chunks
 * on the real clock poll on a pool that lives only as long as the wait ({@link Polls}), so that a call that hangs
 * holds back no other chunk. Every wait goes through the rollout's clock. Used once.
 */
public final class PollLoop {

    private final EcsPort ecs;
    private final Deadline deadline;
    private final DeploymentLookup lookup;
    private final WatchSettings settings;
    private final Judge judge;
    private int maxPolls;

    /** @param lookup where service deployments come from ({@link DeploymentLookup#none()} for nowhere) */
    public PollLoop(EcsPort ecs, Deadline deadline, Notifier notifier, DeploymentLookup lookup, WatchSettings settings) {
        this.ecs = ecs;
        this.deadline = deadline;
        this.lookup = lookup;
        this.settings = settings;
        this.judge = new Judge(notifier, settings.since(), settings.succeedAtStage());
    }

    /** The most DescribeServices polls any one chunk made. */
    public int maxPolls() {
        return maxPolls;
    }

    /**
     * Watches the services until every one is stable or a verdict ends the wait.
     *
     * @param attempts polls per chunk
     * @return {@link WatchOutcome#STABLE}, or how the wait ended: the first terminal verdict, error or interrupt at
     *     once; a chunk that used up its polls once every other chunk is stable or has used up its own
     */
    public WatchOutcome watch(List<TrackedService> services, int attempts) {
        List<Chunk> chunks = chunks(services);
        Schedule schedule = new Schedule(settings.delay(), attempts, settings.deadlineWords(), deadline);
        return run(schedule, chunks, false);
    }

    /**
     * Polls every chunk once, without sleeping (a check of a rollout another process may have started). A chunk whose
     * poll saw no terminal verdict is simply not done yet.
     *
     * @return the first terminal verdict, error or interrupt in the chunks' order, or {@link WatchOutcome#STABLE}
     */
    public WatchOutcome round(List<TrackedService> services) {
        List<Chunk> chunks = chunks(services);
        return run(new Schedule(settings.delay(), 1, settings.deadlineWords(), deadline), chunks, true);
    }

    private WatchOutcome run(Schedule schedule, List<Chunk> chunks, boolean round) {
        WatchRun run = new WatchRun(ecs, deadline, lookup, settings, judge, schedule, chunks, polls(chunks.size()),
                round);
        WatchOutcome outcome = run.untilDone();
        maxPolls = run.maxPolls();
        return outcome;
    }

    private List<Chunk> chunks(List<TrackedService> services) {
        long now = settings.clock().nanoTime();
        return Chunks.of(services, TrackedService::id).stream().map(c -> new Chunk(c, now)).toList();
    }

    /** Polls on the calling thread for one chunk or a virtual clock, else on a pool of its own. */
    private Polls polls(int chunks) {
        return chunks > 1 && SystemClock.isSystem(settings.clock())
                ? Polls.pooled(Math.min(chunks, settings.maxConcurrency())) : Polls.inline();
    }
}
