package io.github.ecsrollout;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link ServiceRollout#check(RolloutCheckpoint)} saw: whether the rollout is done, its result once it is,
 * and the checkpoint to pass to the next check. Immutable.
 */
public final class RolloutProgress {

    private final RolloutResult result;
    private final RolloutCheckpoint checkpoint;
    private final List<ServiceState> services;

    /**
     * A rollout's progress after one check.
     *
     * @param result the result once every service is stable, else {@code null}
     * @param checkpoint the checkpoint to pass to the next check
     * @param services each service's state, in the rollout's order
     */
    public RolloutProgress(RolloutResult result, RolloutCheckpoint checkpoint, List<ServiceState> services) {
        this.result = result;
        this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
        this.services = List.copyOf(Objects.requireNonNull(services, "services"));
    }

    /**
     * Whether every service is stable: the rollout succeeded.
     *
     * @return {@code true} once {@link #result()} is present
     */
    public boolean isDone() {
        return result != null;
    }

    /**
     * The rollout's result, once every service is stable.
     *
     * @return the result, or empty while services are still deploying
     */
    public Optional<RolloutResult> result() {
        return Optional.ofNullable(result);
    }

    /**
     * The checkpoint to pass to the next {@link ServiceRollout#check} or {@link ServiceRollout#resume}: it carries
     * what this check learned (services confirmed, service deployments found, events told).
     *
     * @return the updated checkpoint
     */
    public RolloutCheckpoint checkpoint() {
        return checkpoint;
    }

    /**
     * Each service's state as this check left it; a service confirmed stable by an earlier check is not polled again
     * and has no new observation.
     *
     * @return the states, in the rollout's order
     */
    public List<ServiceState> services() {
        return services;
    }

    @Override
    public String toString() {
        long stable = services.stream().filter(s -> s.verdict() == ServiceState.Verdict.STABLE).count();
        return "RolloutProgress[done=" + isDone() + ", stable=" + stable + " of " + services.size() + "]";
    }
}
