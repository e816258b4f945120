package io.github.ecsrollout.golden;

import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/** Records every listener call, in the order the library delivers them, as one short line with its key argument. */
final class RecordingListener implements RolloutListener {

    /**
     * One call: the service it is about ({@code cluster/service}, or {@code null} for a call about the whole
     * rollout), the line, and whether it tells an ECS event (kept apart in real-time scenarios).
     */
    record Call(String service, String line, boolean event) {
    }

    private final List<Call> calls = new ArrayList<>();
    /** Every deployment id seen on a service, to tell which service a ListTasks by {@code startedBy} is about. */
    private final Map<String, String> deployments = new ConcurrentHashMap<>();

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    Map<String, String> deploymentOwners() {
        return Map.copyOf(deployments);
    }

    /** Remembers the deployments a state shows; the transcript calls it for the states it reports too. */
    void learn(ServiceState s) {
        String key = Names.key(s.cluster(), s.service());
        s.expectedDeploymentId().ifPresent(id -> deployments.put(id, key));
        for (Deployment d : s.deployments()) {
            if (d.id() != null) {
                deployments.put(d.id(), key);
            }
        }
    }

    private synchronized void add(String service, String line, boolean event) {
        calls.add(new Call(service, line, event));
    }

    @Override
    public void onUpdateAccepted(ServiceState state) {
        String key = Names.key(state.cluster(), state.service());
        state.expectedDeploymentId().ifPresent(id -> deployments.put(id, key));
        add(key, "onUpdateAccepted " + state.expectedDeploymentId().orElse(null), false);
    }

    @Override
    public void onObservation(ServiceState state) {
        learn(state);
        add(Names.key(state.cluster(), state.service()), "onObservation " + state.verdict(), false);
    }

    @Override
    public void onServiceEvent(String cluster, String service, ServiceEvent event) {
        add(Names.key(cluster, service), "onServiceEvent " + event.message(), true);
    }

    @Override
    public void onDeploymentPaused(ServiceState state) {
        learn(state);
        add(Names.key(state.cluster(), state.service()), "onDeploymentPaused "
                + state.serviceDeployment().map(d -> d.lifecycleStageAsString()).orElse("-"), false);
    }

    @Override
    public void onServiceStable(ServiceState state) {
        learn(state);
        add(Names.key(state.cluster(), state.service()), "onServiceStable " + state.verdict(), false);
    }

    @Override
    public void onRolloutSucceeded(RolloutResult result) {
        add(null, "onRolloutSucceeded services=" + result.services().size(), false);
    }

    @Override
    public void onRolloutFailed(RolloutNotStableException failure) {
        add(null, "onRolloutFailed " + failure.reason(), false);
    }

    @Override
    public void onRollbackStarted(List<String> services) {
        add(null, "onRollbackStarted " + services, false);
    }

    @Override
    public void onRollbackFinished(List<String> restored, List<String> notRestored) {
        add(null, "onRollbackFinished restored=" + restored + " notRestored=" + notRestored, false);
    }
}
