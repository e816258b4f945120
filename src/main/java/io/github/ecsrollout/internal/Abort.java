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

    Abort(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    static Abort stopped() {
        return new Abort(null, "stopped: another chunk reached a verdict");
    }
}
