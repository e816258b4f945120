package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.internal.io.EcsErrors;

/**
 * How a read before the first update ends the rollout, with nothing updated: the deadline came while waiting for the
 * call's turn or cut the call short, the thread was interrupted, or ECS answered an error the read cannot judge.
 */
final class ReadFailures {

    private ReadFailures() {
    }

    /**
     * What a read that threw means.
     *
     * @param reading what was being read, for the message: {@code "the services before updating them"}
     */
    static RunFailure of(RunRecord run, RuntimeException e, String reading) {
        EcsErrors.Kind kind = EcsErrors.kind(e, run.deadline);
        EcsErrors.settleInterruptFlag(kind);
        if (kind == EcsErrors.Kind.CUT_SHORT) {
            return new RunFailure(Reason.TIMED_OUT, "the timeout of " + run.settings.timeout() + " passed while "
                    + "reading " + reading + "; nothing was updated", e);
        }
        if (kind == EcsErrors.Kind.INTERRUPTED) {
            return interrupted(e, reading);
        }
        return new RunFailure(Reason.API_ERROR, "could not read " + reading + ": " + e.getMessage(), e);
    }

    /** The thread was interrupted (its flag is set again) while reading, or while waiting for a read's turn. */
    static RunFailure interrupted(Throwable cause, String reading) {
        Thread.currentThread().interrupt();
        return new RunFailure(Reason.INTERRUPTED, "interrupted while reading " + reading, cause);
    }

    /**
     * The deadline came before a read's turn.
     *
     * @param calls the calls paced, for the message: {@code "DescribeServices calls that read the services before
     *     updating them"}
     */
    static RunFailure noTurn(RunRecord run, String calls) {
        return new RunFailure(Reason.TIMED_OUT, "the timeout of " + run.settings.timeout() + " passed while pacing "
                + "the " + calls + "; nothing was updated", null);
    }
}
