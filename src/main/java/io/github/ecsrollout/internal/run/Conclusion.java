package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.model.RolloutSettings;
import io.github.ecsrollout.internal.report.Listing;
import io.github.ecsrollout.internal.report.Logs;
import io.github.ecsrollout.internal.report.Messages;
import io.github.ecsrollout.internal.rollback.Rollback;
import io.github.ecsrollout.internal.rollback.RollbackOutcome;
import io.github.ecsrollout.internal.state.TrackedService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a failed rollout call leads to, one level above the call: the failed deployments' stopped tasks, the rollback
 * when {@code rollbackOnFailure} is set, and the one exception that reports it all.
 */
final class Conclusion {

    private Conclusion() {
    }

    /**
     * Diagnoses, rolls back as the settings say, tells the listener, and returns the exception to throw.
     *
     * @param tell false for a plan, whose failure is its caller's alone to report: no WARN line, no listener
     */
    static RolloutNotStableException of(RunRecord run, RunFailure failed, boolean tell) {
        Reason reason = failed.reason;
        // A call that takes up a checkpoint ends only itself unless a verdict or the rollout's deadline ends the
        // rollout: nothing is rolled back then, and the exception carries the checkpoint to go on from.
        boolean ends = !run.restored || failed.endsRollout();
        if (ends && run.settings.fetchStoppedTasks() && !Thread.currentThread().isInterrupted()
                && (reason == Reason.DEPLOYMENT_FAILED || reason == Reason.ROLLED_BACK || reason == Reason.TIMED_OUT)) {
            run.services.stream()
                    .filter(t -> t.last() != null && t.verdict() != Verdict.STABLE
                            && (reason == Reason.TIMED_OUT || t.verdict().isTerminal()))
                    .limit(StoppedTaskDiagnosis.MAX_SERVICES)
                    .forEach(t -> StoppedTaskDiagnosis.fetch(run.ecs, t, run.deadline));
        }
        RollbackOutcome outcome = null;
        if (ends && run.settings.rollbackOnFailure() && reason != Reason.INTERRUPTED
                && !(run.updated.isEmpty() && run.possiblyUpdated.isEmpty())) {
            outcome = Rollback.run(run.settings, run.ecs, run.notifier, run.changedWithPrevious(), rollbackBound(run));
        }
        List<ServiceState> states = run.states();
        List<String> unstable = failed.unstable != null ? failed.unstable : run.unstable();
        List<String> updatedNames = run.names(run.updated);
        List<String> notes = new ArrayList<>();
        if (!run.possiblyUpdated.isEmpty()) {
            notes.add("update sent but its answer lost (ECS may have applied it): "
                    + Listing.names(run.names(run.possiblyUpdated)));
        }
        String rollback = run.settings.rollbackOnFailure() && reason == Reason.INTERRUPTED ? notRolledBack(run)
                : outcome == null ? null : outcome.summary();
        if (rollback != null) {
            notes.add(rollback);
        }
        if (!ends) {
            notes.add("this call ended, not the rollout" + (run.rolloutDeadline == null ? ""
                    : " (its deadline is " + run.rolloutDeadline + ")") + ": go on from checkpoint()");
        }
        String noDeployments = run.lookup.whyUnavailable();
        if (noDeployments != null) {
            notes.add("service deployments unavailable (" + noDeployments + "): judged from DescribeServices alone");
        }
        Duration elapsed = run.elapsed();
        String message = Messages.failure(reason, failed.headline, states, unstable, updatedNames, run.maxPolls,
                elapsed, notes.isEmpty() ? null : String.join("\n  ", notes));
        boolean alive = !ends || (outcome == null
                && (reason == Reason.TIMED_OUT || reason == Reason.INTERRUPTED || reason == Reason.API_ERROR));
        RolloutNotStableException failure = new RolloutNotStableException(reason, message, failed.getCause(),
                unstable, updatedNames, run.names(run.possiblyUpdated),
                outcome == null ? List.of() : outcome.restored(), states, alive ? checkpointOf(run) : null,
                run.maxPolls, elapsed);
        if (outcome != null && outcome.error() != null) {
            failure.addSuppressed(outcome.error());
        }
        if (outcome != null) {
            outcome.refusals().forEach(failure::addSuppressed);
        }
        if (!tell) {
            return failure;
        }
        if (ends) {
            run.notifier.failed(failure);
        } else {
            run.notifier.callEnded(failure);
        }
        return failure;
    }

    /**
     * Why an interrupted rollout was not rolled back, and what it changed as last seen, for the message; {@code null}
     * when it changed nothing.
     */
    private static String notRolledBack(RunRecord run) {
        List<TrackedService> changed = new ArrayList<>(run.updated);
        run.possiblyUpdated.stream().filter(t -> !changed.contains(t)).forEach(changed::add);
        if (changed.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("not rolled back (interrupted); changed by this rollout, as last seen:");
        for (TrackedService t : changed) {
            ServiceState s = t.state();
            sb.append(' ').append(t.id().service()).append(": ").append(s.verdict());
            s.taskDefinition().ifPresent(td -> sb.append(" on ").append(EcsIds.lastSegment(td)));
            if (run.possiblyUpdated.contains(t)) {
                sb.append(" (update sent, answer lost)");
            }
            sb.append(';');
        }
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    /**
     * How long a rollback may take: with a timeout, what is left of it (the forward wait ended early enough to leave
     * the rollbackTimeout), so the whole call stays within the timeout; else the rollbackTimeout; else, after a
     * {@code watch}, half its budget (a third of the call, as the default share of a timeout); else {@code null} for
     * maxAttempts.
     */
    private static Duration rollbackBound(RunRecord run) {
        if (run.settings.timeout() != null) {
            return Duration.ofNanos(Math.max(run.remainingOfTimeoutNanos(), TimeUnit.MILLISECONDS.toNanos(1)));
        }
        if (run.settings.rollbackTimeout() == null && run.watchBudget != null) {
            return RolloutSettings.defaultRollbackAfter(run.watchBudget);
        }
        return run.settings.rollbackTimeout();
    }

    /** The run written down; {@code null} (logged) if it cannot be, so that nothing hides the failure itself. */
    private static RolloutCheckpoint checkpointOf(RunRecord run) {
        try {
            return run.checkpoint();
        } catch (RuntimeException e) {
            Logs.ROLLOUT.warn("The rollout could not be written down as a checkpoint: {}", e.toString());
            return null;
        }
    }
}
