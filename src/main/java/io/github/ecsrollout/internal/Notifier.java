package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceState;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * Tells the caller's listener and the log what happens: listener calls go through a {@link ListenerThread} (in order,
 * one at a time, off the polling threads; what a listener throws is logged and ignored), and the log gets one INFO
 * line per change of a service's state and per new ECS event, not per poll.
 */
final class Notifier {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.ecsrollout.ServiceRollout");
    /** The least time the end of a rollout call waits for its listener calls to be delivered. */
    static final Duration LISTENER_GRACE = Duration.ofSeconds(1);

    private final RolloutListener listener;
    private final String label;
    private final ListenerThread deliveries = new ListenerThread();

    /** {@code label} names the run in the log: {@code Rollout}, or {@code Rollback} for a rollback's wait. */
    Notifier(RolloutListener listener, String label) {
        this.listener = listener;
        this.label = label;
    }

    static Logger log() {
        return LOG;
    }

    void updateAccepted(Target t) {
        String id = t.expectedDeploymentId();
        LOG.info("{} [{}]: update accepted, deployment {}", t.service, t.cluster, id);
        tell("onUpdateAccepted", l -> l.onUpdateAccepted(t.cluster, t.service, id));
    }

    void observed(Target t, Target.Change change) {
        boolean quiet = listener == RolloutListener.NONE && !change.changed();
        if (quiet && change.newEvents().isEmpty() && change.pausedAt() == null) {
            // The common poll: nothing new and nobody listening, so no state value to build.
            return;
        }
        ServiceState state = quiet ? null : t.state();
        for (ServiceEvent e : change.newEvents()) {
            LOG.info("{} [{}]: ECS: {}", t.service, t.cluster, e.message());
        }
        if (change.changed()) {
            LOG.info("{} [{}]: {}", t.service, t.cluster, describe(state));
        }
        tell("onObservation", l -> l.onObservation(state));
        for (ServiceEvent e : change.newEvents()) {
            tell("onServiceEvent", l -> l.onServiceEvent(t.cluster, t.service, e));
        }
        if (change.pausedAt() != null) {
            ServiceState paused = state != null ? state : t.state();
            LOG.info("{} [{}]: deployment paused at lifecycle hook {} ({}), awaiting ContinueServiceDeployment until {}",
                    t.service, t.cluster, change.pausedAt().hookId(),
                    paused.serviceDeployment().map(d -> d.lifecycleStageAsString()).orElse("stage unknown"),
                    change.pausedAt().expiresAt());
            tell("onDeploymentPaused", l -> l.onDeploymentPaused(paused));
        }
        if (change.becameStable()) {
            tell("onServiceStable", l -> l.onServiceStable(state));
        }
    }

    void succeeded(RolloutResult result) {
        LOG.info("{} succeeded: {}", label, result);
        tell("onRolloutSucceeded", l -> l.onRolloutSucceeded(result));
    }

    void failed(RolloutNotStableException failure) {
        LOG.info("{} failed: {}", label, failure.getMessage());
        tell("onRolloutFailed", l -> l.onRolloutFailed(failure));
    }

    void rollbackStarted(List<String> services) {
        LOG.info("Rolling back {} service(s) to their previous task definitions: {}", services.size(), services);
        tell("onRollbackStarted", l -> l.onRollbackStarted(services));
    }

    void rollbackFinished(List<String> restored, List<String> notRestored) {
        LOG.info("Rollback finished: restored {}, not restored {}", restored, notRestored);
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

    private void tell(String method, Consumer<RolloutListener> call) {
        if (listener == RolloutListener.NONE) {
            return;
        }
        deliveries.submit(method, () -> call.accept(listener));
    }
}
