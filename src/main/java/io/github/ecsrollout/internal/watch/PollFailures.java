package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.internal.io.EcsErrors;
import io.github.ecsrollout.internal.time.Deadline;

/** What a poll that failed means for the wait, from its exception's types (never its message). */
final class PollFailures {

    private PollFailures() {
    }

    /**
     * The outcome of a poll whose call (or service-deployment look-up) threw.
     *
     * @param onCallingThread whether the poll ran on the calling thread, whose interrupt flag then tells the caller
     */
    static WatchOutcome of(Exception error, Deadline deadline, Schedule schedule, boolean onCallingThread) {
        if (error instanceof Polls.Unexpected) {
            return WatchOutcome.failure(Reason.API_ERROR, "unexpected failure while waiting: " + error.getCause(),
                    error.getCause());
        }
        if (error instanceof InterruptedException) {
            if (onCallingThread) {
                Thread.currentThread().interrupt();
            }
            return WatchOutcome.failure(Reason.INTERRUPTED, "interrupted while describing service deployments",
                    null);
        }
        EcsErrors.Kind kind = EcsErrors.kind(error, deadline);
        if (kind == EcsErrors.Kind.CUT_SHORT) {
            // The SDK ends an overdue call by interrupting the thread making it: not the caller's interrupt.
            if (onCallingThread) {
                Thread.interrupted();
            }
            return schedule.timedOut();
        }
        if (kind == EcsErrors.Kind.INTERRUPTED || (onCallingThread && Thread.currentThread().isInterrupted())) {
            if (onCallingThread) {
                Thread.currentThread().interrupt();
            }
            return WatchOutcome.failure(Reason.INTERRUPTED, "the calling thread was interrupted", error);
        }
        return WatchOutcome.failure(Reason.API_ERROR, "DescribeServices failed: "
                + error.getClass().getSimpleName() + ": " + error.getMessage(), error);
    }
}
