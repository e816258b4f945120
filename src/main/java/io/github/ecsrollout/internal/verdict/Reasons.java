package io.github.ecsrollout.internal.verdict;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.Verdict;

/** The reason a terminal verdict ends a rollout with. */
public final class Reasons {

    private Reasons() {
    }

    /**
     * The reason for a terminal verdict.
     *
     * @throws IllegalArgumentException for a verdict that ends nothing (STABLE, IN_PROGRESS, UNKNOWN)
     */
    public static Reason of(Verdict v) {
        switch (v) {
            case DEPLOYMENT_FAILED: return Reason.DEPLOYMENT_FAILED;
            case ROLLED_BACK: return Reason.ROLLED_BACK;
            case SUPERSEDED: return Reason.SUPERSEDED;
            case MISSING: return Reason.SERVICE_MISSING;
            case INACTIVE: return Reason.SERVICE_INACTIVE;
            case UNSUPPORTED: return Reason.UNSUPPORTED_SERVICE;
            default: throw new IllegalArgumentException("not a terminal verdict: " + v);
        }
    }
}
