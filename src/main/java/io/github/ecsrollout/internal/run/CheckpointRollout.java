package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.internal.report.Listing;
import io.github.ecsrollout.internal.report.Logs;

/**
 * A rollout taken up from a checkpoint, in this process or another: one look at it ({@code check}), or a wait from
 * where it was left ({@code resume}), judged with the verdict settings it started with.
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
        return Waiting.await(run, run.settings.attempts());
    }

    /**
     * One look at the services not yet confirmed stable, without sleeping.
     *
     * @throws RunFailure on a terminal verdict, as {@code rollOut} would
     */
    RolloutProgress check() {
        return Waiting.once(run);
    }
}
