package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.ImageUpdate;
import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutPlan;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.internal.checkpoint.CheckpointLedger;
import io.github.ecsrollout.internal.io.EcsPort;
import io.github.ecsrollout.internal.io.SyncEcs;
import io.github.ecsrollout.internal.model.Durations;
import io.github.ecsrollout.internal.model.RolloutSettings;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Runs rollouts for a {@code ServiceRollout}, one {@link RunRecord} per call; a call that fails is concluded here
 * ({@link Conclusion}: diagnostics, rollback, the exception). Thread-safe: concurrent calls share the port, and so the
 * pacing of calls ECS throttles per account.
 */
public final class RolloutEngine {

    private final RolloutSettings settings;
    private final EcsPort ecs;

    public RolloutEngine(RolloutSettings settings) {
        this.settings = settings;
        this.ecs = new SyncEcs(settings);
    }

    /** Updates, then waits; input already validated. */
    public RolloutResult rollOut(List<UpdateServiceRequest> requests) {
        return call(new RunRecord(settings, ecs, true, false), run -> new ForwardRollout(run).rollOut(requests));
    }

    /** Waits only; input already validated. Judged from DescribeServices alone: no deployment is this call's own. */
    public RolloutResult awaitStable(String cluster, List<String> services) {
        return call(new RunRecord(settings, ecs, false, false),
                run -> new ForwardRollout(run).awaitStable(cluster, services));
    }

    /** Updates, and returns the rollout written down instead of waiting; input already validated. */
    public RolloutCheckpoint start(List<UpdateServiceRequest> requests) {
        return call(new RunRecord(settings, ecs, true, true), run -> new ForwardRollout(run).start(requests));
    }

    /** Registers new revisions with the images, then updates and waits; input already validated. */
    public RolloutResult rollOutImages(List<ImageUpdate> updates) {
        return call(new RunRecord(settings, ecs, true, false), run -> new ForwardRollout(run).rollOutImages(updates));
    }

    /** Registers new revisions with the images, then updates, and returns the rollout written down. */
    public RolloutCheckpoint startImages(List<ImageUpdate> updates) {
        return call(new RunRecord(settings, ecs, true, true), run -> new ForwardRollout(run).startImages(updates));
    }

    /** Plans a rollout of these requests, writing nothing; input already validated. */
    public RolloutPlan plan(List<UpdateServiceRequest> requests) {
        return planCall(new RunRecord(settings.forPlan(), ecs, false, false), run -> new Planner(run).plan(requests));
    }

    /** Plans moving these services to new images, writing nothing; input already validated. */
    public RolloutPlan planImages(List<ImageUpdate> updates) {
        return planCall(new RunRecord(settings.forPlan(), ecs, false, false),
                run -> new Planner(run).planImages(updates));
    }

    /** One round of observation of a rollout a checkpoint carries. */
    public RolloutProgress check(RolloutCheckpoint checkpoint) {
        return call(restored(checkpoint, null), run -> new CheckpointRollout(run).check());
    }

    /** Waits for a rollout a checkpoint carries, from where it left off. */
    public RolloutResult resume(RolloutCheckpoint checkpoint) {
        return call(restored(checkpoint, null), run -> new CheckpointRollout(run).resume());
    }

    /** Waits for a rollout a checkpoint carries for at most {@code budget}; input already validated. */
    public RolloutProgress watch(RolloutCheckpoint checkpoint, Duration budget) {
        return call(restored(checkpoint, budget), run -> new CheckpointRollout(run).watch());
    }

    /** Rolls back a rollout a checkpoint carries. */
    public RolloutResult rollBack(RolloutCheckpoint checkpoint) {
        RunRecord run = restored(checkpoint, null);
        try {
            return CheckpointAbort.rollBack(run);
        } finally {
            run.notifier.finish(run.deadline, run.settings.delay());
        }
    }

    /**
     * A run of the rollout a checkpoint carries, its wait bounded by this rollout's own bound (the timeout less the
     * rollback's reserve), or also by {@code budget}.
     */
    private RunRecord restored(RolloutCheckpoint checkpoint, Duration budget) {
        CheckpointLedger.Restored restored = CheckpointLedger.read(checkpoint);
        RolloutSettings following = settings.following(restored.succeedAtStage(), restored.rollbackOnFailure());
        Duration bound = Durations.min(budget, following.forwardTimeout());
        return RunRecord.restored(following, ecs, restored, bound, budget);
    }

    /**
     * Runs a plan as {@link #call} runs a call, but a failure to read is thrown to the caller alone, without the
     * "Rollout failed" WARN line a rollout's failure logs, since no rollout took place (an alert on that line must not
     * fire for a dry run).
     */
    private static <T> T planCall(RunRecord run, Function<RunRecord, T> call) {
        return call(run, call, false);
    }

    /**
     * Runs one call: its failure is concluded here, one level above the call (diagnostics, rollback, the exception),
     * and its listener calls end with it.
     */
    private static <T> T call(RunRecord run, Function<RunRecord, T> call) {
        return call(run, call, true);
    }

    /** @param tell whether a failure is told (WARN line, listener), as a rollout's is; not a plan's */
    private static <T> T call(RunRecord run, Function<RunRecord, T> call, boolean tell) {
        try {
            return call.apply(run);
        } catch (RunFailure failed) {
            throw Conclusion.of(run, failed, tell);
        } finally {
            run.notifier.finish(run.deadline, run.settings.delay());
        }
    }
}
