package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.RolloutResult;
import java.util.function.Supplier;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Runs rollouts for a {@code ServiceRollout}: each call gets its own {@link RolloutRun}; a run that fails is concluded
 * here ({@link Conclusion}: diagnostics, rollback, the exception), so a run never starts another. Thread-safe.
 */
public final class RolloutEngine {

    private final RolloutSettings settings;
    /** Shared by every call of one ServiceRollout: concurrent rollouts share the account's describe budget too. */
    private final CallPacer pacer;
    /** The same for the service-deployment calls, which ECS throttles in a bucket of their own. */
    private final CallPacer deploymentsPacer;
    /** The same for UpdateService calls, which ECS throttles in a bucket of 50: 40 at once, then its sustained rate. */
    private final CallPacer updatePacer;

    public RolloutEngine(RolloutSettings settings) {
        // Every ECS call of every run goes through it: a call with a timeout never holds a rollout past it.
        this.settings = settings.withEcs(CallThreads.wrap(settings.ecs()));
        this.pacer = CallPacer.perSecond(settings.describeServicesPerSecond());
        this.deploymentsPacer = CallPacer.perSecond(settings.describeServicesPerSecond());
        this.updatePacer = CallPacer.perSecond(settings.updateServicePerSecond(), RolloutSettings.UPDATE_SERVICE_BURST);
    }

    /** Updates, then waits; input already validated. */
    public RolloutResult rollOut(List<UpdateServiceRequest> requests) {
        RolloutRun run = new RolloutRun(settings, pacer, deploymentsPacer, updatePacer, "Rollout");
        return conclude(run, () -> run.rollOut(requests));
    }

    /** Waits only; input already validated. Judged from DescribeServices alone: no deployment is this call's own. */
    public RolloutResult awaitStable(String cluster, List<String> services) {
        RolloutRun run = new RolloutRun(settings, pacer, null, "Rollout");
        return conclude(run, () -> run.awaitStable(cluster, services));
    }

    /** Updates, and returns the rollout written down instead of waiting; input already validated. */
    public RolloutCheckpoint start(List<UpdateServiceRequest> requests) {
        RolloutRun run = new RolloutRun(settings, pacer, deploymentsPacer, updatePacer, "Rollout");
        return conclude(run, () -> run.start(requests));
    }

    /** One round of observation of a rollout a checkpoint carries. */
    public RolloutProgress check(RolloutCheckpoint checkpoint) {
        RolloutRun run = restored(checkpoint);
        return conclude(run, run::check);
    }

    /** Waits for a rollout a checkpoint carries, from where it left off. */
    public RolloutResult resume(RolloutCheckpoint checkpoint) {
        RolloutRun run = restored(checkpoint);
        return conclude(run, run::resume);
    }

    /** A run of the checkpoint's rollout, judging with the verdict settings the rollout started with. */
    private RolloutRun restored(RolloutCheckpoint checkpoint) {
        ServiceDeploymentLifecycleStage stage = checkpoint.succeedAtStage() == null ? null
                : ServiceDeploymentLifecycleStage.fromValue(checkpoint.succeedAtStage());
        RolloutRun run = new RolloutRun(settings.following(stage, checkpoint.rollbackOnFailure()), pacer,
                deploymentsPacer, "Rollout");
        run.restore(checkpoint);
        return run;
    }

    /**
     * Runs one call of a run: its failure is concluded here, one level above the run (diagnostics, rollback, the
     * exception), and its listener calls end with it.
     */
    private <T> T conclude(RolloutRun run, Supplier<T> call) {
        try {
            return call.get();
        } catch (RolloutRun.Failed failed) {
            throw Conclusion.of(run, failed, this::rollBack);
        } finally {
            run.finish();
        }
    }

    private Rollback.Outcome rollBack(Notifier notifier, java.util.Map<Target, String> changed,
            java.time.Duration bound) {
        return Rollback.run(settings, pacer, deploymentsPacer, notifier, changed, bound);
    }
}
