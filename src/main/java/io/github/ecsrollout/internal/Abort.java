package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutNotStableException.Reason;

/**
 * Thrown from inside the waiter's polling call to end a chunk's wait on a verdict the waiter cannot see; the waiter
 * wraps it in an {@code SdkClientException}, and the chunk finds it again in the cause chain. Carries no stack trace:
 * it is control flow, not a fault.
 */
final class Abort extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** {@code null} when the rollout was stopped because of another chunk. */
    final transient Reason reason;

    /** Whether the deadline itself ended the wait (no turn left before it), so the plain timeout message applies. */
    final transient boolean atDeadline;

    Abort(Reason reason, String detail) {
        this(reason, detail, false);
    }

    private Abort(Reason reason, String detail, boolean atDeadline) {
        super(detail, null, false, false);
        this.reason = reason;
        this.atDeadline = atDeadline;
    }

    /** The deadline came before the next paced call could go out. */
    static Abort deadlineBeforeTurn(String detail) {
        return new Abort(Reason.TIMED_OUT, detail, true);
    }

    static Abort stopped() {
        return new Abort(null, "stopped: another chunk reached a verdict");
    }
}
