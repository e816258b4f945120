package io.github.ecsrollout.internal.report;

import io.github.ecsrollout.RolloutClock;
import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.model.Durations;
import io.github.ecsrollout.internal.model.ServiceId;
import io.github.ecsrollout.internal.state.Change;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.time.Deadline;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * Tells the caller's listener and the log what happens in one rollout call. Listener calls go through a
 * {@link ListenerThread} (in order, one at a time, off the polling threads; what a listener throws is logged and
 * ignored). The log (see {@link Logs}) gets, at INFO, the start, each service's change of verdict, a
 * {@link ProgressLine} for rollouts of more than {@value ProgressLine#ABOVE} services, and the end; a failure is one
 * WARN line. ECS events, updates accepted and changes of counts are DEBUG. A rollback's own wait tells no listener and
 * logs to {@link Logs#ROLLBACK} at DEBUG: the rollback's end tells what it did in one INFO line, and what it did not
 * in one WARN line.
 */
public final class Notifier {

    /** The least time the end of a rollout call waits for its listener calls to be delivered. */
    public static final Duration LISTENER_GRACE = Duration.ofSeconds(1);

    private final RolloutListener listener;
    private final String label;
    private final boolean rollback;
    /** Start and end: {@link Logs#ROLLOUT}, or {@link Logs#ROLLBACK} for a rollback's wait. */
    private final Logger main;
    /** Each service: {@link Logs#SERVICES}, or {@link Logs#ROLLBACK} for a rollback's wait. */
    private final Logger services;
    private final ProgressLine progress;
    private final ListenerThread deliveries = new ListenerThread();

    private Notifier(RolloutListener listener, boolean rollback, Duration delay, RolloutClock clock) {
        this.listener = listener;
        this.rollback = rollback;
        this.label = rollback ? "Rollback" : "Rollout";
        this.main = rollback ? Logs.ROLLBACK : Logs.ROLLOUT;
        this.services = rollback ? Logs.ROLLBACK : Logs.SERVICES;
        // A rollback tells what it did in one line at its end: its wait's own lines are DEBUG.
        this.progress = new ProgressLine(rollback ? Logs.ROLLBACK : Logs.PROGRESS, rollback ? "Rollback: " : "",
                !rollback, Durations.toNanos(delay), clock::nanoTime);
    }

    /**
     * A rollout call's notifier.
     *
     * @param delay the poll delay: at most one progress line per delay
     */
    public static Notifier forRollout(RolloutListener listener, Duration delay, RolloutClock clock) {
        return new Notifier(listener, false, delay, clock);
    }

    /** The notifier of a rollback's own wait: the log only. */
    public static Notifier forRollbackWait(Duration delay, RolloutClock clock) {
        return new Notifier(RolloutListener.NONE, true, delay, clock);
    }

    /**
     * A call starts: one INFO line naming its services.
     *
     * @param updating whether it updates them ({@code rollOut}) or only waits ({@code awaitStable})
     */
    public void started(List<ServiceId> ids, boolean updating) {
        progress.started(ids.size());
        if (!main.isInfoEnabled()) {
            return;
        }
        Set<String> clusters = new LinkedHashSet<>();
        ids.forEach(t -> clusters.add(t.cluster()));
        main.info("{} {} {} in {}{}: {}", updating ? "Rolling out" : "Waiting for", ids.size(),
                ids.size() == 1 ? "service" : "services", String.join(", ", clusters),
                updating ? "" : " to be stable", Listing.names(ids.stream().map(ServiceId::service).toList()));
    }

    /** The wait starts, for these services: progress counts start from the verdicts they already have. */
    public void watching(List<TrackedService> targets) {
        progress.watching(targets.stream().map(TrackedService::verdict).toList());
    }

    public void updateAccepted(TrackedService t) {
        ServiceId s = t.id();
        services.debug("{} [{}]: update accepted, deployment {}", s.service(), s.cluster(), t.expectedDeploymentId());
        progress.updateAccepted();
        if (listener != RolloutListener.NONE) {
            ServiceState state = t.state();
            tell("onUpdateAccepted", l -> l.onUpdateAccepted(state));
        }
    }

    public void observed(TrackedService t, Change change) {
        boolean quiet = listener == RolloutListener.NONE && !change.changed();
        if (quiet && change.newEvents().isEmpty() && change.pausedAt() == null) {
            // The common poll: nothing new and nobody listening, so no state value to build.
            progress.maybeLog();
            return;
        }
        ServiceId s = t.id();
        ServiceState state = quiet ? null : t.state();
        for (ServiceEvent e : change.newEvents()) {
            Logs.EVENTS.debug("{} [{}]: ECS: {}", s.service(), s.cluster(), e.message());
        }
        if (change.changed()) {
            if (isNews(change) && !rollback) {
                services.info("{} [{}]: {}", s.service(), s.cluster(), Messages.describe(state));
            } else if (services.isDebugEnabled()) {
                services.debug("{} [{}]: {}", s.service(), s.cluster(), Messages.describe(state));
            }
        }
        tell("onObservation", l -> l.onObservation(state));
        for (ServiceEvent e : change.newEvents()) {
            tell("onServiceEvent", l -> l.onServiceEvent(s.cluster(), s.service(), e));
        }
        if (change.pausedAt() != null) {
            ServiceState paused = state != null ? state : t.state();
            services.info("{} [{}]: deployment paused at lifecycle hook {} ({}), awaiting ContinueServiceDeployment "
                    + "until {}", s.service(), s.cluster(), change.pausedAt().hookId(),
                    paused.serviceDeployment().map(d -> d.lifecycleStageAsString()).orElse("stage unknown"),
                    change.pausedAt().expiresAt());
            tell("onDeploymentPaused", l -> l.onDeploymentPaused(paused));
        }
        if (change.becameStable()) {
            tell("onServiceStable", l -> l.onServiceStable(state));
        }
        progress.count(change);
        progress.maybeLog();
    }

    public void succeeded(RolloutResult result) {
        if (rollback) {
            // rollbackFinished says it, with what was not restored.
            main.debug("{} succeeded: {}", label, result);
        } else {
            main.info("{} succeeded: {}", label, result);
        }
        tell("onRolloutSucceeded", l -> l.onRolloutSucceeded(result));
    }

    /**
     * One WARN line: the message's first line and the failed services, each of the first
     * {@value Messages#BRIEFED} with ECS's words and its first stopped task; the rest is the exception's to tell.
     */
    public void failed(RolloutNotStableException failure) {
        if (main.isWarnEnabled()) {
            List<String> names = failure.failedServices();
            main.warn("{} failed: {}{}", label, Headlines.firstLine(String.valueOf(failure.getMessage())),
                    names.isEmpty() ? "" : "; failed: " + Messages.briefs(names, failure.serviceStates()));
        }
        tell("onRolloutFailed", l -> l.onRolloutFailed(failure));
    }

    /**
     * One WARN line for a call that ended before the rollout it takes up did: the rollout goes on, so the listener
     * hears no failure of it.
     */
    public void callEnded(RolloutNotStableException failure) {
        if (main.isWarnEnabled()) {
            main.warn("This call ended before the rollout did, which goes on from its checkpoint: {}",
                    Headlines.firstLine(String.valueOf(failure.getMessage())));
        }
    }

    /** A rollback starts: DEBUG, since its end says in one line what it did. */
    public void rollbackStarted(List<String> services) {
        Logs.ROLLBACK.debug("Rolling back {} service(s) to their previous task definitions: {}", services.size(),
                Listing.names(services));
        tell("onRollbackStarted", l -> l.onRollbackStarted(services));
    }

    /**
     * A rollback ends: one INFO line of what was done (per action, the services and what each was restored to), and
     * one WARN line naming the services not restored, with why, if any.
     */
    public void rollbackFinished(RollbackReport report) {
        if (Logs.ROLLBACK.isInfoEnabled()) {
            Logs.ROLLBACK.info(report.infoLine());
        }
        String warn = report.warnLine();
        if (warn != null) {
            // Services left in an unknown state need a person: the rollout's own WARN line does not name them.
            Logs.ROLLBACK.warn(warn);
        }
        List<String> restored = report.restored();
        List<String> notRestored = List.copyOf(report.notRestored().keySet());
        tell("onRollbackFinished", l -> l.onRollbackFinished(restored, notRestored));
    }

    /**
     * Waits, once the call has ended, until the listener has heard every call made before: until the deadline if one
     * is set, else for one poll delay, and at least {@link #LISTENER_GRACE} either way. Calls not delivered by then
     * are dropped (see {@link ListenerThread#finish(long)}).
     */
    public void finish(Deadline deadline, Duration delay) {
        long wait = deadline.isSet() ? deadline.remainingNanos() : Durations.toNanos(delay);
        deliveries.finish(Math.max(wait, LISTENER_GRACE.toNanos()));
    }

    /** Whether a change of verdict is worth INFO: any but a first observation that finds the service deploying. */
    private static boolean isNews(Change change) {
        return change.from() != change.to()
                && !(change.from() == Verdict.UNKNOWN && change.to() == Verdict.IN_PROGRESS);
    }

    private void tell(String method, Consumer<RolloutListener> call) {
        if (listener == RolloutListener.NONE) {
            return;
        }
        deliveries.submit(method, () -> call.accept(listener));
    }
}
