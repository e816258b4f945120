package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import java.util.List;

/**
 * How a rollout call failed, before any diagnosis or rollback: it unwinds the call to {@link RolloutEngine}, which
 * concludes it. Carries no stack trace: it is the call's outcome, not a fault.
 */
final class RunFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final transient Reason reason;
    final String headline;
    /** The services to name as not stable, or {@code null} for every service not judged STABLE. */
    final transient List<String> unstable;
    /** Whether the rollout's own deadline (a checkpoint's) ended it, not only this call's bound. */
    final boolean atRolloutDeadline;

    RunFailure(Reason reason, String headline, Throwable cause, List<String> unstable, boolean atRolloutDeadline) {
        super(headline, cause, false, false);
        this.reason = reason;
        this.headline = headline;
        this.unstable = unstable;
        this.atRolloutDeadline = atRolloutDeadline;
    }

    RunFailure(Reason reason, String headline, Throwable cause, List<String> unstable) {
        this(reason, headline, cause, unstable, false);
    }

    RunFailure(Reason reason, String headline, Throwable cause) {
        this(reason, headline, cause, null, false);
    }

    /** Whether this failure ends the rollout: a terminal verdict, or its own deadline; not this call's bound alone. */
    boolean endsRollout() {
        switch (reason) {
            case TIMED_OUT:
                return atRolloutDeadline;
            case API_ERROR:
            case INTERRUPTED:
                return false;
            default:
                return true;
        }
    }
}
