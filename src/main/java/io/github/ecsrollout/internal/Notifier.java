package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * Tells the caller's listener and the log what happens. Listener calls go through a {@link ListenerThread} (in order,
 * one at a time, off the polling threads; what a listener throws is logged and ignored). The log (see {@link Logs})
 * gets, at INFO, the start, each service's change of verdict, a progress line at most once per poll delay for
 * rollouts of more than {@value #PROGRESS_ABOVE} services, and the end; a failure is one WARN line. ECS events, updates
 * accepted and changes of counts are DEBUG.
 */
final class Notifier {

    /** The least time the end of a rollout call waits for its listener calls to be delivered. */
    static final Duration LISTENER_GRACE = Duration.ofSeconds(1);
    /** Rollouts of more services than this (more than one chunk) log progress lines. */
    static final int PROGRESS_ABOVE = 10;

    private final RolloutListener listener;
    private final String label;
    private final boolean rollback;
    /** Start and end: {@link Logs#ROLLOUT}, or {@link Logs#ROLLBACK} for a rollback's wait. */
    private final Logger main;
    /** Each service: {@link Logs#SERVICES}, or {@link Logs#ROLLBACK} for a rollback's wait. */
    private final Logger services;
    /** Progress: {@link Logs#PROGRESS}, or {@link Logs#ROLLBACK} for a rollback's wait. */
    private final Logger progress;
    private final long progressEveryNanos;
    private final LongSupplier nanoTime;
    private final ListenerThread deliveries = new ListenerThread();

    private volatile int total;
    private volatile boolean waiting;
    private final AtomicInteger updates = new AtomicInteger();
    private final AtomicInteger stable = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    /** Bumped by every update accepted and every change of verdict: a progress line is due only after one. */
    private final AtomicInteger news = new AtomicInteger();
    private volatile int newsReported;
    private volatile long lastProgressNanos;

    /**
     * @param label names the run in the log: {@code Rollout}, or {@code Rollback} for a rollback's wait
     * @param delay the poll delay: at most one progress line per delay
     */
    Notifier(RolloutListener listener, String label, Duration delay) {
        this(listener, label, delay, System::nanoTime);
    }

    /** With the clock that spaces progress lines: tests pass one they move by hand. */
    Notifier(RolloutListener listener, String label, Duration delay, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastProgressNanos = nanoTime.getAsLong();
        this.listener = listener;
        this.label = label;
        this.rollback = "Rollback".equals(label);
        this.main = rollback ? Logs.ROLLBACK : Logs.ROLLOUT;
        this.services = rollback ? Logs.ROLLBACK : Logs.SERVICES;
        this.progress = rollback ? Logs.ROLLBACK : Logs.PROGRESS;
        this.progressEveryNanos = Durations.toNanos(delay);
    }

    /** The main logger, for what concerns a whole rollout. */
    static Logger log() {
        return Logs.ROLLOUT;
    }

    /**
     * A call starts: one INFO line naming its services.
     *
     * @param updating whether it updates them ({@code rollOut}) or only waits ({@code awaitStable})
     */
    void started(List<Target> targets, boolean updating) {
        total = targets.size();
        if (!main.isInfoEnabled()) {
            return;
        }
        Set<String> clusters = new LinkedHashSet<>();
        targets.forEach(t -> clusters.add(t.cluster));
        main.info("{} {} {} in {}{}: {}", updating ? "Rolling out" : "Waiting for", targets.size(),
                targets.size() == 1 ? "service" : "services", String.join(", ", clusters),
                updating ? "" : " to be stable", RolloutRun.names(targets));
    }

    /**
     * The wait starts, for these services: the next progress line, a delay on, counts verdicts, starting from those
     * the services already have (a resumed rollout's).
     */
    synchronized void watching(List<Target> targets) {
        total = targets.size();
        waiting = true;
        stable.set(0);
        failed.set(0);
        for (Target t : targets) {
            AtomicInteger count = counter(t.verdict());
            if (count != null) {
                count.incrementAndGet();
            }
        }
        newsReported = news.get();
    }

    void updateAccepted(Target t) {
        String id = t.expectedDeploymentId();
        services.debug("{} [{}]: update accepted, deployment {}", t.service, t.cluster, id);
        updates.incrementAndGet();
        news.incrementAndGet();
        progress();
        tell("onUpdateAccepted", l -> l.onUpdateAccepted(t.cluster, t.service, id));
    }

    void observed(Target t, Target.Change change) {
        boolean quiet = listener == RolloutListener.NONE && !change.changed();
        if (quiet && change.newEvents().isEmpty() && change.pausedAt() == null) {
            // The common poll: nothing new and nobody listening, so no state value to build.
            progress();
            return;
        }
        ServiceState state = quiet ? null : t.state();
        for (ServiceEvent e : change.newEvents()) {
            Logs.EVENTS.debug("{} [{}]: ECS: {}", t.service, t.cluster, e.message());
        }
        if (change.changed()) {
            if (isNews(change)) {
                services.info("{} [{}]: {}", t.service, t.cluster, describe(state));
            } else if (services.isDebugEnabled()) {
                services.debug("{} [{}]: {}", t.service, t.cluster, describe(state));
            }
        }
        tell("onObservation", l -> l.onObservation(state));
        for (ServiceEvent e : change.newEvents()) {
            tell("onServiceEvent", l -> l.onServiceEvent(t.cluster, t.service, e));
        }
        if (change.pausedAt() != null) {
            ServiceState paused = state != null ? state : t.state();
            services.info("{} [{}]: deployment paused at lifecycle hook {} ({}), awaiting ContinueServiceDeployment "
                    + "until {}", t.service, t.cluster, change.pausedAt().hookId(),
                    paused.serviceDeployment().map(d -> d.lifecycleStageAsString()).orElse("stage unknown"),
                    change.pausedAt().expiresAt());
            tell("onDeploymentPaused", l -> l.onDeploymentPaused(paused));
        }
        if (change.becameStable()) {
            tell("onServiceStable", l -> l.onServiceStable(state));
        }
        count(change);
        progress();
    }

    void succeeded(RolloutResult result) {
        if (rollback) {
            // rollbackFinished says it, with what was not restored.
            main.debug("{} succeeded: {}", label, result);
        } else {
            main.info("{} succeeded: {}", label, result);
        }
        tell("onRolloutSucceeded", l -> l.onRolloutSucceeded(result));
    }

    /** One WARN line: the message's first line and the failed services; the rest is the exception's to tell. */
    void failed(RolloutNotStableException failure) {
        if (main.isWarnEnabled()) {
            String message = String.valueOf(failure.getMessage());
            int newline = message.indexOf('\n');
            List<String> names = failure.failedServices();
            main.warn("{} failed: {}{}", label, newline < 0 ? message : message.substring(0, newline),
                    names.isEmpty() ? "" : "; failed: " + listed(names));
        }
        tell("onRolloutFailed", l -> l.onRolloutFailed(failure));
    }

    void rollbackStarted(List<String> services) {
        Logs.ROLLBACK.info("Rolling back {} service(s) to their previous task definitions: {}", services.size(),
                listed(services));
        tell("onRollbackStarted", l -> l.onRollbackStarted(services));
    }

    void rollbackFinished(List<String> restored, List<String> notRestored) {
        if (notRestored.isEmpty()) {
            Logs.ROLLBACK.info("Rollback finished: restored {}", listed(restored));
        } else {
            // Services left in an unknown state need a person: the rollout's own WARN line does not name them.
            Logs.ROLLBACK.warn("Rollback finished: restored {}, NOT restored {}", listed(restored),
                    listed(notRestored));
        }
        tell("onRollbackFinished", l -> l.onRollbackFinished(restored, notRestored));
    }

    /**
     * Waits, once the run has ended, until the listener has heard every call made before: until the deadline if one is
     * set, else for one poll delay, and at least {@link #LISTENER_GRACE} either way. Calls not delivered by then are
     * dropped (see {@link ListenerThread#finish(long)}).
     */
    void finish(Deadline deadline, Duration delay) {
        long wait = deadline.isSet() ? deadline.remainingNanos() : Durations.saturate(delay).toNanos();
        deliveries.finish(Math.max(wait, LISTENER_GRACE.toNanos()));
    }

    /** A person-readable line about a service's state: verdict, counts, deployments, rolloutState. */
    static String describe(ServiceState s) {
        StringBuilder sb = new StringBuilder().append(s.verdict())
                .append(", running ").append(s.runningCount()).append('/').append(s.desiredCount())
                .append(", pending ").append(s.pendingCount());
        s.status().filter(status -> !"ACTIVE".equals(status)).ifPresent(status -> sb.append(", status ").append(status));
        int deployments = s.deployments().size();
        sb.append(", ").append(deployments).append(deployments == 1 ? " deployment" : " deployments");
        if (s.rolloutState() != null) {
            sb.append(", rolloutState ").append(s.rolloutState());
        }
        s.serviceDeployment().ifPresent(d -> {
            sb.append(", service deployment ").append(d.statusAsString());
            if (d.lifecycleStage() != null) {
                sb.append(" at ").append(d.lifecycleStageAsString());
            }
        });
        s.pausedHook().ifPresent(h -> sb.append(", PAUSED at hook ").append(h.hookId()).append(" until ")
                .append(h.expiresAt()));
        if (s.isConverging()) {
            sb.append(", still converging");
        }
        return sb.toString();
    }

    /** Whether a change of verdict is worth INFO: any but a first observation that finds the service deploying. */
    private static boolean isNews(Target.Change change) {
        return change.from() != change.to()
                && !(change.from() == Verdict.UNKNOWN && change.to() == Verdict.IN_PROGRESS);
    }

    /**
     * Keeps the counts of the progress line as verdicts change; {@link #observed} counts a change only after the
     * service's own line, so that a progress line does not come before the line of a change it counts.
     */
    private void count(Target.Change change) {
        if (counter(change.from()) == counter(change.to())) {
            // Still deploying (a first observation, say): the counts did not move.
            return;
        }
        if (counter(change.from()) != null) {
            counter(change.from()).decrementAndGet();
        }
        if (counter(change.to()) != null) {
            counter(change.to()).incrementAndGet();
        }
        news.incrementAndGet();
    }

    /** The count a verdict is in: stable, failed, or {@code null} for deploying (the rest of the total). */
    private AtomicInteger counter(Verdict v) {
        return v == Verdict.STABLE ? stable : v.isTerminal() ? failed : null;
    }

    /**
     * Logs the counts when something changed since the last line and a poll delay has passed since it: "12 of 25
     * stable, 1 failed, 12 deploying", or while updating "12 of 25 updates accepted".
     */
    private void progress() {
        int seen = news.get();
        if (total <= PROGRESS_ABOVE || seen == newsReported || nanoTime.getAsLong() - lastProgressNanos
                < progressEveryNanos || !progress.isInfoEnabled()) {
            return;
        }
        synchronized (this) {
            seen = news.get();
            if (seen == newsReported || nanoTime.getAsLong() - lastProgressNanos < progressEveryNanos) {
                return;
            }
            newsReported = seen;
            String prefix = rollback ? "Rollback: " : "";
            if (waiting) {
                int done = stable.get();
                int bad = failed.get();
                progress.info("{}{} of {} stable, {} failed, {} deploying", prefix, done, total, bad,
                        total - done - bad);
            } else {
                progress.info("{}{} of {} updates accepted", prefix, updates.get(), total);
            }
            // Taken once the line is out, so that lines are at least a delay apart however long writing one took.
            lastProgressNanos = nanoTime.getAsLong();
        }
    }

    /** Names for a log line: all of a few, the first ones of many. */
    private static String listed(List<String> names) {
        if (names.size() <= Messages.MAX_LISTED) {
            return names.toString();
        }
        List<String> first = new ArrayList<>(names.subList(0, Messages.MAX_LISTED));
        first.add("... and " + (names.size() - Messages.MAX_LISTED) + " more");
        return first.toString();
    }

    private void tell(String method, Consumer<RolloutListener> call) {
        if (listener == RolloutListener.NONE) {
            return;
        }
        deliveries.submit(method, () -> call.accept(listener));
    }
}
