package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.internal.report.Listing;
import io.github.ecsrollout.internal.report.Logs;

/**
 * A rollout taken up from a checkpoint, in this process or another: one look at it ({@code check}), a wait from where
 * it was left ({@code resume}), or a wait for at most a budget ({@code watch}), judged with the verdict settings it
 * started with. The rollout ends at a verdict or at its own deadline (the checkpoint's); this call's own bound ends
 * only the call. After the rollout's deadline it is looked at once more: done then is a success, else TIMED_OUT.
 */
final class CheckpointRollout {

    private final RunRecord run;

    /** @param run the record of the rollout as the checkpoint carries it ({@link RunRecord#restored}) */
    CheckpointRollout(RunRecord run) {
        this.run = run;
    }

    /** Waits like {@code rollOut} from where the checkpoint left off. */
    RolloutResult resume() {
        Logs.ROLLOUT.info("Resuming the rollout of {} service(s) started at {}: {}", run.services.size(),
                run.rolloutStartedAt, Listing.names(run.names(run.services)));
        if (run.rolloutDeadlinePassed()) {
            return lastLook().result().orElseThrow();
        }
        return Waiting.await(run, run.settings.attempts());
    }

    /**
     * One look at the services not yet confirmed stable, without sleeping.
     *
     * @throws RunFailure on a terminal verdict, as {@code rollOut} would, or past the rollout's deadline
     */
    RolloutProgress check() {
        return run.rolloutDeadlinePassed() ? lastLook() : Waiting.once(run);
    }

    /**
     * Waits like {@code resume} until the rollout is done, a verdict, its deadline, or this call's bound (the
     * budget): then the rollout goes on, and the progress says so with the checkpoint to go on from.
     */
    RolloutProgress watch() {
        if (run.rolloutDeadlinePassed()) {
            return lastLook();
        }
        int attempts = run.settings.maxAttempts() != null ? run.settings.maxAttempts() : Integer.MAX_VALUE;
        try {
            RolloutResult result = Waiting.await(run, attempts);
            return new RolloutProgress(result, run.checkpoint(), run.states());
        } catch (RunFailure failed) {
            if (failed.endsRollout() || failed.reason != Reason.TIMED_OUT) {
                throw failed;
            }
            Logs.ROLLOUT.info("Watched the rollout started at {} until this call's time ran out: {} of {} services "
                    + "stable; it goes on", run.rolloutStartedAt, run.services.size() - run.unstable().size(),
                    run.services.size());
            return new RolloutProgress(null, run.checkpoint(), run.states());
        }
    }

    /** The look past the rollout's deadline: a success if every service is stable by now, else its TIMED_OUT. */
    private RolloutProgress lastLook() {
        RolloutProgress progress = Waiting.once(run);
        if (!progress.isDone()) {
            throw new RunFailure(Reason.TIMED_OUT, run.deadlineWords() + " passed", null, null, true);
        }
        return progress;
    }
}
