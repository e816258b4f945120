package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutResult;
import java.util.List;
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
        try {
            return run.rollOut(requests);
        } catch (RolloutRun.Failed failed) {
            throw Conclusion.of(run, failed, this::rollBack);
        } finally {
            run.finish();
        }
    }

    /** Waits only; input already validated. Judged from DescribeServices alone: no deployment is this call's own. */
    public RolloutResult awaitStable(String cluster, List<String> services) {
        RolloutRun run = new RolloutRun(settings, pacer, null, "Rollout");
        try {
            return run.awaitStable(cluster, services);
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
