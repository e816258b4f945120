package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceState;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * Tells the caller's listener and the log what happens: one listener call at a time, a listener that throws is logged
 * and ignored, and the log gets one INFO line per change of a service's state and per new ECS event, not per poll.
 */
final class Notifier {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.ecsrollout.ServiceRollout");

    private final RolloutListener listener;
    private final String label;
    private final Object lock = new Object();

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
        synchronized (lock) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("RolloutListener.{} threw; the rollout goes on", method, e);
            }
        }
    }
}
