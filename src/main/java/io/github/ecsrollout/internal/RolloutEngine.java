package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutResult;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/** Runs rollouts for a {@code ServiceRollout}; each call gets its own {@link RolloutRun}. Thread-safe. */
public final class RolloutEngine {

    private final RolloutSettings settings;

    public RolloutEngine(RolloutSettings settings) {
        this.settings = settings;
    }

    /** Updates, then waits; input already validated. */
    public RolloutResult rollOut(List<UpdateServiceRequest> requests) {
        return new RolloutRun(settings).rollOut(requests);
    }

    /** Waits only; input already validated. */
    public RolloutResult awaitStable(String cluster, List<String> services) {
        return new RolloutRun(settings).awaitStable(cluster, services);
    }
}
