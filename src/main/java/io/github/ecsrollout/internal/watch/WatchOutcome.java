package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.RolloutNotStableException.Reason;

/**
 * How watching services ended, or how one chunk's poll came out: {@code reason == null} is success (every service
 * stable, or nothing to say yet).
 *
 * @param reason the failure's reason, or {@code null}
 * @param headline what happened, in a sentence
 * @param cause the exception behind it, or {@code null}
 * @param pollsUsedUp whether a chunk used up its own polls (maxAttempts), which ends no other chunk's wait
 */
public record WatchOutcome(Reason reason, String headline, Throwable cause, boolean pollsUsedUp) {

    /** Every service watched is stable. */
    public static final WatchOutcome STABLE = new WatchOutcome(null, "stable", null, false);

    static WatchOutcome failure(Reason reason, String headline, Throwable cause) {
        return new WatchOutcome(reason, headline, cause, false);
    }

    /** Whether this is success. */
    public boolean succeeded() {
        return reason == null;
    }
}
