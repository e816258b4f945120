package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.internal.report.Logs;
import io.github.ecsrollout.internal.report.Messages;
import io.github.ecsrollout.internal.rollback.Rollback;
import io.github.ecsrollout.internal.rollback.RollbackOutcome;
import java.time.Duration;
import java.util.List;

/**
 * An abort of a rollout a checkpoint carries: every service it changed is put back with the action that fits its
 * deployment now ({@link Rollback}), and waited for. Called again with the same checkpoint, it finds each service
 * rolling back or back already, and sends nothing more for it.
 */
final class CheckpointAbort {

    private CheckpointAbort() {
    }

    /**
     * Rolls the rollout back, bounded by the timeout (else the rollbackTimeout, else maxAttempts polls).
     *
     * @throws RolloutNotStableException when a service is not confirmed back, its {@code rolledBackServices()} those
     *     that are
     */
    static RolloutResult rollBack(RunRecord run) {
        Duration bound = run.settings.timeout() != null ? run.settings.timeout() : run.settings.rollbackTimeout();
        Logs.ROLLOUT.info("Aborting the rollout of {} service(s) started at {}", run.services.size(),
                run.rolloutStartedAt);
        RollbackOutcome outcome = Rollback.run(run.settings, run.ecs, run.notifier, run.changedWithPrevious(), bound);
        if (outcome.notRestored().isEmpty() && outcome.error() == null) {
            return new RolloutResult(run.states(), 0, run.elapsed());
        }
        Reason reason = outcome.error() instanceof RolloutNotStableException failed ? failed.reason()
                : outcome.error() != null ? Reason.API_ERROR : Reason.TIMED_OUT;
        List<String> notBack = List.copyOf(outcome.notRestored().keySet());
        String headline = "the rollback of the rollout started at " + run.rolloutStartedAt + " confirmed "
                + outcome.restored().size() + " of " + (outcome.restored().size() + notBack.size())
                + " services back";
        Duration elapsed = run.elapsed();
        RolloutNotStableException failure = new RolloutNotStableException(reason, Messages.failure(reason, headline,
                run.states(), notBack, run.names(run.updated), 0, elapsed, outcome.summary()),
                outcome.error(), notBack, run.names(run.updated), run.names(run.possiblyUpdated), outcome.restored(),
                run.states(), run.checkpoint(), 0, elapsed);
        outcome.refusals().forEach(failure::addSuppressed);
        run.notifier.failed(failure);
        throw failure;
    }
}
