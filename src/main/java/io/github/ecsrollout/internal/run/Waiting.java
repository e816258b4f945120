package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.watch.PollLoop;
import io.github.ecsrollout.internal.watch.WatchSettings;
import io.github.ecsrollout.internal.watch.WatchOutcome;
import java.util.List;

/** A run's wait for its services: until every one is stable, or one look at each; its end told to the listener. */
final class Waiting {

    private Waiting() {
    }

    /**
     * Watches the run's services until every one is stable.
     *
     * @param attempts polls per chunk
     * @throws RunFailure when a verdict, the deadline or the polls used up end the wait
     */
    static RolloutResult await(RunRecord run, int attempts) {
        PollLoop loop = loop(run);
        run.notifier.watching(run.services);
        WatchOutcome outcome = loop.watch(run.services, attempts);
        run.maxPolls = loop.maxPolls();
        if (!outcome.succeeded()) {
            throw failure(run, outcome);
        }
        return succeeded(run);
    }

    /** Every service stable: reads the images their new revisions run, and tells the listener. */
    private static RolloutResult succeeded(RunRecord run) {
        RevisionImages.read(run);
        RolloutResult result = new RolloutResult(run.states(), run.maxPolls, run.elapsed());
        run.notifier.succeeded(result);
        return result;
    }

    /** How a watch's outcome ends the call: a timeout at the rollout's own deadline ends the rollout too. */
    private static RunFailure failure(RunRecord run, WatchOutcome outcome) {
        boolean rollouts = outcome.reason() == Reason.TIMED_OUT && !outcome.pollsUsedUp() && run.deadlineIsTheRollouts;
        return new RunFailure(outcome.reason(), outcome.headline(), outcome.cause(), null, rollouts);
    }

    /**
     * Looks once at each service not yet confirmed stable, without sleeping.
     *
     * @throws RunFailure on a terminal verdict
     */
    static RolloutProgress once(RunRecord run) {
        PollLoop loop = loop(run);
        run.notifier.watching(run.services);
        List<TrackedService> open = run.services.stream().filter(t -> t.verdict() != Verdict.STABLE).toList();
        WatchOutcome outcome = open.isEmpty() ? WatchOutcome.STABLE : loop.round(open);
        run.maxPolls = loop.maxPolls();
        if (!outcome.succeeded()) {
            throw failure(run, outcome);
        }
        RolloutResult result = run.services.stream().allMatch(t -> t.verdict() == Verdict.STABLE) ? succeeded(run)
                : null;
        return new RolloutProgress(result, run.checkpoint(), run.states());
    }

    private static PollLoop loop(RunRecord run) {
        return new PollLoop(run.ecs, run.deadline, run.notifier, run.lookup, new WatchSettings(
                run.settings.delay(), run.deadlineWords(), run.settings.maxConcurrency(),
                run.settings.succeedAtStage(), run.startInstant, run.clock));
    }
}
