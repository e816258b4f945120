package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a failed run leads to, one level above the run: the failed deployments' stopped tasks, the rollback when
 * {@code rollbackOnFailure} is set (which runs a wait of its own), and the one exception that reports it all.
 */
final class Conclusion {

    private Conclusion() {
    }

    /**
     * Diagnoses, rolls back as the settings say, tells the listener, and returns the exception to throw.
     *
     * @param run the run that failed
     * @param failed how it failed
     * @param rollback starts the rollback of the changed services, with how long its wait may take
     */
    static RolloutNotStableException of(RolloutRun run, RolloutRun.Failed failed, Rollback.Starter rollback) {
        RolloutSettings settings = run.settings();
        Reason reason = failed.reason;
        if (settings.fetchStoppedTasks() && !Thread.currentThread().isInterrupted()
                && (reason == Reason.DEPLOYMENT_FAILED || reason == Reason.ROLLED_BACK || reason == Reason.TIMED_OUT)) {
            run.targets().stream()
                    .filter(t -> t.last() != null && t.verdict() != Verdict.STABLE
                            && (reason == Reason.TIMED_OUT || t.verdict().isTerminal()))
                    .limit(StoppedTasks.MAX_SERVICES)
                    .forEach(t -> StoppedTasks.fetch(settings.ecs(), t, run.deadline()));
        }
        Rollback.Outcome outcome = null;
        if (settings.rollbackOnFailure() && reason != Reason.INTERRUPTED
                && !(run.updated().isEmpty() && run.possiblyUpdated().isEmpty())) {
            Map<Target, String> changed = new LinkedHashMap<>();
            run.updated().forEach(t -> changed.put(t, run.previousTaskDefinitions().get(t)));
            run.possiblyUpdated().forEach(t -> changed.put(t, run.previousTaskDefinitions().get(t)));
            outcome = rollback.start(run.notifier(), changed, rollbackBound(run));
        }
        List<ServiceState> states = run.states();
        List<String> unstable = failed.unstable != null ? failed.unstable : run.unstable();
        List<String> updatedNames = run.updated().stream().map(t -> t.service).toList();
        String tail = outcome == null ? null : outcome.summary();
        if (settings.rollbackOnFailure() && reason == Reason.INTERRUPTED) {
            tail = notRolledBack(run);
        }
        if (!run.possiblyUpdated().isEmpty()) {
            String note = "update sent but its answer lost (ECS may have applied it): "
                    + RolloutRun.names(run.possiblyUpdated());
            tail = tail == null ? note : note + "\n  " + tail;
        }
        String noDeployments = run.whyNoServiceDeployments();
        if (noDeployments != null) {
            String note = "service deployments unavailable (" + noDeployments + "): judged from DescribeServices alone";
            tail = tail == null ? note : tail + "\n  " + note;
        }
        String message = Messages.failure(reason, failed.headline, states, unstable, updatedNames, run.maxPolls(),
                run.elapsed(), tail);
        List<String> possiblyUpdated = run.possiblyUpdated().stream().map(t -> t.service).toList();
        boolean alive = outcome == null
                && (reason == Reason.TIMED_OUT || reason == Reason.INTERRUPTED || reason == Reason.API_ERROR);
        RolloutNotStableException failure = new RolloutNotStableException(reason, message, failed.getCause(),
                unstable, updatedNames, possiblyUpdated, outcome == null ? List.of() : outcome.restored(), states,
                alive ? checkpointOf(run) : null);
        if (outcome != null && outcome.error() != null) {
            failure.addSuppressed(outcome.error());
        }
        if (outcome != null) {
            outcome.refusals().forEach(failure::addSuppressed);
        }
        run.notifier().failed(failure);
        return failure;
    }

    /**
     * Why an interrupted rollout was not rolled back, and what it changed as last seen, for the message; {@code null}
     * when it changed nothing.
     */
    private static String notRolledBack(RolloutRun run) {
        List<Target> changed = new ArrayList<>(run.updated());
        run.possiblyUpdated().stream().filter(t -> !changed.contains(t)).forEach(changed::add);
        if (changed.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("not rolled back (interrupted); changed by this rollout, as last seen:");
        for (Target t : changed) {
            ServiceState s = t.state();
            sb.append(' ').append(t.service).append(": ").append(s.verdict());
            if (s.taskDefinition() != null) {
                sb.append(" on ").append(Target.shortName(s.taskDefinition()));
            }
            if (run.possiblyUpdated().contains(t)) {
                sb.append(" (update sent, answer lost)");
            }
            sb.append(';');
        }
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    /**
     * How long a rollback may take: with a timeout, what is left of it (the forward wait ended early enough to leave
     * the rollbackTimeout), so the whole call stays within the timeout; else the rollbackTimeout, or {@code null} for
     * maxAttempts.
     */
    private static Duration rollbackBound(RolloutRun run) {
        if (run.settings().timeout() != null) {
            return Duration.ofNanos(Math.max(run.remainingOfTimeoutNanos(), TimeUnit.MILLISECONDS.toNanos(1)));
        }
        return run.settings().rollbackTimeout();
    }

    /** The run written down; {@code null} (logged) if it cannot be, so that nothing hides the failure itself. */
    private static io.github.ecsrollout.RolloutCheckpoint checkpointOf(RolloutRun run) {
        try {
            return run.checkpoint();
        } catch (RuntimeException e) {
            Notifier.log().warn("The rollout could not be written down as a checkpoint: {}", e.toString());
            return null;
        }
    }
}
