package io.github.ecsrollout;

import java.util.List;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * Hears a rollout's progress as it happens; every method has a no-op default, so implement only what you need.
 *
 * <p>Calls are made in order and one at a time, on a daemon thread of the library's own for each rollout call
 * ({@code ecs-rollout-listener-N}), never on a thread that polls ECS: a slow listener does not slow the polling.
 * {@code rollOut} and {@code awaitStable} return (or throw) once the listener has heard every call made before their
 * end, {@link #onRolloutSucceeded} or {@link #onRolloutFailed} included. They wait for that until the rollout's
 * timeout, or without a timeout for one poll delay, and at least one second; a listener still busy then is left to
 * finish its call on its thread, and the calls after it are dropped with a WARN line.
 *
 * <p>Services, clusters and task definitions are given as the caller spelled them (a name or an ARN), as in
 * {@link RolloutResult} and {@link RolloutNotStableException}; what ECS reports (task definition ARNs, deployment ids)
 * is in each {@link ServiceState}.
 *
 * <p>Whatever a listener throws is logged at WARN and ignored, an {@link Error} such as an {@code AssertionError}
 * included: a listener can neither break nor steer a rollout. The exception is a {@link VirtualMachineError} (out of
 * memory, stack overflow), which ends the listener calls and is thrown by the rollout call at its end.
 */
public interface RolloutListener {

    /** A listener that does nothing. */
    RolloutListener NONE = new RolloutListener() { };

    /**
     * ECS accepted the UpdateService call for a service.
     *
     * @param state the service's state with ECS's answer to the update: its cluster and service, and
     *     {@link ServiceState#requestedTaskDefinition()}, as the caller spelled them;
     *     {@link ServiceState#expectedDeploymentId()}, the PRIMARY deployment the update started (the one this rollout
     *     tracks), empty when ECS's answer named none; its verdict {@link ServiceState.Verdict#UNKNOWN} until the
     *     first poll
     */
    default void onUpdateAccepted(ServiceState state) {
    }

    /**
     * Each DescribeServices answer about a service, after its verdict was decided.
     *
     * @param state the service's state with that answer and its verdict
     */
    default void onObservation(ServiceState state) {
    }

    /**
     * An ECS service event that appeared during the rollout (each event once, oldest first).
     *
     * @param cluster the cluster, as the caller spelled it ({@code default} when none was given)
     * @param service the service, as the caller spelled it
     * @param event the event, as ECS listed it
     */
    default void onServiceEvent(String cluster, String service, ServiceEvent event) {
    }

    /**
     * The service deployment of a service paused at a PAUSE lifecycle hook and waits for ContinueServiceDeployment
     * ({@link ServiceState#pausedHook()} has its hook id, stage and expiry). Called once per pause.
     *
     * @param state the paused service's state
     */
    default void onDeploymentPaused(ServiceState state) {
    }

    /**
     * A service reached the stable condition on the deployment this rollout expects. Called once per service.
     *
     * @param state the service's state, its verdict {@link ServiceState.Verdict#STABLE}
     */
    default void onServiceStable(ServiceState state) {
    }

    /**
     * Every service of the rollout is stable; {@link ServiceRollout} is about to return {@code result}.
     *
     * @param result what the call returns
     */
    default void onRolloutSucceeded(RolloutResult result) {
    }

    /**
     * The rollout failed; {@link ServiceRollout} is about to throw {@code failure}.
     *
     * @param failure what the call throws
     */
    default void onRolloutFailed(RolloutNotStableException failure) {
    }

    /**
     * A failed rollout with {@code rollbackOnFailure} set is putting these services back on their previous task
     * definitions.
     *
     * @param services the services being put back, as the caller spelled them
     */
    default void onRollbackStarted(List<String> services) {
    }

    /**
     * The rollback of a failed rollout ended.
     *
     * @param restored services back on their previous task definition and stable
     * @param notRestored services whose restore was rejected or did not become stable
     */
    default void onRollbackFinished(List<String> restored, List<String> notRestored) {
    }
}
