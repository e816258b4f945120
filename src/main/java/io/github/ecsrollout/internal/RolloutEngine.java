package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutResult;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/** Runs rollouts for a {@code ServiceRollout}; each call gets its own {@link RolloutRun}. Thread-safe. */
public final class RolloutEngine {

    private final RolloutSettings settings;
    /** Shared by every call of one ServiceRollout: concurrent rollouts share the account's describe budget too. */
    private final CallPacer pacer;

    public RolloutEngine(RolloutSettings settings) {
        this.settings = settings;
        this.pacer = CallPacer.perSecond(settings.describeServicesPerSecond());
    }

    /** Updates, then waits; input already validated. */
    public RolloutResult rollOut(List<UpdateServiceRequest> requests) {
        RolloutRun run = new RolloutRun(settings, pacer, "Rollout");
        try {
            return run.rollOut(requests);
        } finally {
            run.finish();
        }
    }

    /** Waits only; input already validated. */
    public RolloutResult awaitStable(String cluster, List<String> services) {
        RolloutRun run = new RolloutRun(settings, pacer, "Rollout");
        try {
            return run.awaitStable(cluster, services);
        } finally {
            run.finish();
        }
    }
}
