package io.github.ecsrollout;

import io.github.ecsrollout.internal.report.RolloutJson;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A rollout ended with services that are not stable; {@link #reason()} says why, and the getters say which services
 * were changed, which are not stable and what ECS last said about each.
 *
 * <p>The message reads as a log line: the reason, the clusters, each unstable service with its counts and ECS's own
 * words. The cause, when there is one, is the SDK exception behind the failure (for {@link Reason#UPDATE_FAILED} and
 * {@link Reason#API_ERROR} the ECS exception itself, such as {@code ClusterNotFoundException}).
 *
 * <p>Serializable, like every {@link Throwable}: a deserialized copy keeps its reason, message, service lists and
 * {@link ServiceState}s (ECS's answers included, see {@link ServiceState}), and its cause and suppressed exceptions,
 * which the SDK's exceptions allow.
 */
public class RolloutNotStableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a rollout ended without every service stable. */
    public enum Reason {
        /** ECS rejected an UpdateService call; nothing was awaited and no further update was sent. */
        UPDATE_FAILED,
        /**
         * ECS judged a deployment failed: its circuit breaker or a deployment alarm triggered (rolloutState FAILED),
         * its rollback failed, or it was stopped.
         */
        DEPLOYMENT_FAILED,
        /**
         * ECS is rolling back, or rolled back, a deployment the rollout started (a failed lifecycle hook, a requested
         * rollback, a circuit breaker or alarm rollback); a rollback is never a success.
         */
        ROLLED_BACK,
        /**
         * Someone else's deployment replaced one this rollout started (ECS stopped ours as "replaced by a new service
         * deployment"): not a success, and not this rollout's to undo, so {@code rollbackOnFailure} leaves it alone.
         */
        SUPERSEDED,
        /**
         * DescribeServices reported a service MISSING: before any update (nothing was updated), or while waiting.
         */
        SERVICE_MISSING,
        /** A service is DRAINING or INACTIVE: before any update (nothing was updated), or while waiting. */
        SERVICE_INACTIVE,
        /**
         * A service uses the CODE_DEPLOY or EXTERNAL deployment controller (task sets, no deployments to wait for):
         * before any update nothing was updated; {@code awaitStable} cannot wait for it either.
         */
        UNSUPPORTED_SERVICE,
        /**
         * A task definition a request names cannot be deployed, read before any update (nothing was updated): ECS
         * cannot describe it (it does not exist, or it is no longer ACTIVE and nothing uses it), or it is INACTIVE
         * (deregistered) or DELETE_IN_PROGRESS; ECS would refuse the update. {@link #failedServices()} names the
         * services that asked for it; the message names each such task definition with ECS's words, and the cause
         * is ECS's {@code ClientException} when it could not describe one.
         */
        TASK_DEFINITION_UNUSABLE,
        /** The timeout passed, or a chunk used up its maxAttempts polls, before every service was stable. */
        TIMED_OUT,
        /** ECS answered an error that the SDK's own retries did not absorb (access denied, cluster not found, ...). */
        API_ERROR,
        /** The calling thread was interrupted; its interrupt flag is set again. */
        INTERRUPTED
    }

    /** Why the rollout failed: {@link #reason()}. */
    private final Reason reason;
    /** The services not confirmed stable: {@link #unstableServices()}. */
    private final List<String> unstableServices;
    /** The services whose update ECS accepted: {@link #updatedServices()}. */
    private final List<String> updatedServices;
    /** The services the rollback restored: {@link #rolledBackServices()}. */
    private final List<String> rolledBackServices;
    /** Every service's last state, each serialized whole: {@link #serviceStates()}. */
    private final List<ServiceState> serviceStates;
    /** The services whose update's answer was lost: {@link #possiblyUpdatedServices()}. */
    private final List<String> possiblyUpdatedServices;
    /** The rollout written down, or {@code null}: {@link #checkpoint()}. */
    private final RolloutCheckpoint checkpoint;
    /** The services whose own state ended the rollout: {@link #failedServices()}. */
    private final List<String> failedServices;
    /** The most polls any chunk made: {@link #attempts()}. */
    private final int attempts;
    /** From the call to the failure, or {@code null} in a stream written before it was kept: {@link #elapsed()}. */
    private final Duration elapsed;

    /**
     * Makes the exception; the rollout makes these, and tests of code that handles them may too.
     *
     * @param reason why the rollout failed
     * @param message the full message
     * @param cause the SDK exception behind it, or {@code null}
     * @param unstableServices services not confirmed stable, as the caller spelled them
     * @param updatedServices services whose UpdateService ECS accepted
     * @param rolledBackServices services put back on their previous task definition and stable
     * @param serviceStates every service's last observed state, in the caller's order
     */
    public RolloutNotStableException(Reason reason, String message, Throwable cause, List<String> unstableServices,
            List<String> updatedServices, List<String> rolledBackServices, List<ServiceState> serviceStates) {
        this(reason, message, cause, unstableServices, updatedServices, List.of(), rolledBackServices, serviceStates);
    }

    /**
     * Makes the exception, with the services whose update may have been applied although ECS's answer was lost.
     *
     * @param reason why the rollout failed
     * @param message the full message
     * @param cause the SDK exception behind it, or {@code null}
     * @param unstableServices services not confirmed stable, as the caller spelled them
     * @param updatedServices services whose UpdateService ECS accepted
     * @param possiblyUpdatedServices services whose UpdateService was sent but whose answer was lost
     * @param rolledBackServices services put back on their previous task definition and stable
     * @param serviceStates every service's last observed state, in the caller's order
     */
    public RolloutNotStableException(Reason reason, String message, Throwable cause, List<String> unstableServices,
            List<String> updatedServices, List<String> possiblyUpdatedServices, List<String> rolledBackServices,
            List<ServiceState> serviceStates) {
        this(reason, message, cause, unstableServices, updatedServices, possiblyUpdatedServices, rolledBackServices,
                serviceStates, null);
    }

    /**
     * Makes the exception of a rollout left unfinished but alive, with the checkpoint to go on from.
     *
     * @param reason why the rollout failed
     * @param message the full message
     * @param cause the SDK exception behind it, or {@code null}
     * @param unstableServices services not confirmed stable, as the caller spelled them
     * @param updatedServices services whose UpdateService ECS accepted
     * @param possiblyUpdatedServices services whose UpdateService was sent but whose answer was lost
     * @param rolledBackServices services put back on their previous task definition and stable
     * @param serviceStates every service's last observed state, in the caller's order
     * @param checkpoint the rollout written down, or {@code null} when it cannot or should not go on
     */
    public RolloutNotStableException(Reason reason, String message, Throwable cause, List<String> unstableServices,
            List<String> updatedServices, List<String> possiblyUpdatedServices, List<String> rolledBackServices,
            List<ServiceState> serviceStates, RolloutCheckpoint checkpoint) {
        this(reason, message, cause, unstableServices, updatedServices, possiblyUpdatedServices, rolledBackServices,
                serviceStates, checkpoint, 0, Duration.ZERO);
    }

    /**
     * Makes the exception with every fact the rollout knows, the polls and the time it took included.
     *
     * @param reason why the rollout failed
     * @param message the full message
     * @param cause the SDK exception behind it, or {@code null}
     * @param unstableServices services not confirmed stable, as the caller spelled them
     * @param updatedServices services whose UpdateService ECS accepted
     * @param possiblyUpdatedServices services whose UpdateService was sent but whose answer was lost
     * @param rolledBackServices services put back on their previous task definition and stable
     * @param serviceStates every service's last observed state, in the caller's order
     * @param checkpoint the rollout written down, or {@code null} when it cannot or should not go on
     * @param attempts the most DescribeServices polls any one chunk of services made, 0 or more
     * @param elapsed the time from the call to the failure
     * @throws IllegalArgumentException when {@code attempts} is negative
     */
    public RolloutNotStableException(Reason reason, String message, Throwable cause, List<String> unstableServices,
            List<String> updatedServices, List<String> possiblyUpdatedServices, List<String> rolledBackServices,
            List<ServiceState> serviceStates, RolloutCheckpoint checkpoint, int attempts, Duration elapsed) {
        super(message, cause);
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative: " + attempts);
        }
        this.attempts = attempts;
        this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
        this.checkpoint = checkpoint;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.unstableServices = List.copyOf(Objects.requireNonNull(unstableServices, "unstableServices"));
        this.updatedServices = List.copyOf(Objects.requireNonNull(updatedServices, "updatedServices"));
        this.possiblyUpdatedServices = List.copyOf(Objects.requireNonNull(possiblyUpdatedServices,
                "possiblyUpdatedServices"));
        this.rolledBackServices = List.copyOf(Objects.requireNonNull(rolledBackServices, "rolledBackServices"));
        this.serviceStates = List.copyOf(Objects.requireNonNull(serviceStates, "serviceStates"));
        this.failedServices = failed(reason, this.unstableServices, this.serviceStates);
    }

    /**
     * Refuses a stream that lacks one of the lists: a deserialized exception is as valid as a constructed one.
     *
     * @param in the stream
     * @throws IOException when it cannot be read, or lacks the reason or a list
     * @throws ClassNotFoundException when a class it names is not on the class path
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (reason == null || unstableServices == null || updatedServices == null || possiblyUpdatedServices == null
                || rolledBackServices == null || serviceStates == null || failedServices == null) {
            throw new InvalidObjectException("a RolloutNotStableException needs its reason and every list");
        }
    }

    /**
     * The services whose own state ended the rollout: derived from what the rollout observed, never from which
     * services it happened to poll before it stopped, so that the same scenario gives the same list every time.
     */
    private static List<String> failed(Reason reason, List<String> unstable, List<ServiceState> states) {
        if (reason == Reason.UPDATE_FAILED || reason == Reason.TASK_DEFINITION_UNUSABLE) {
            return unstable;
        }
        return states.stream()
                .filter(s -> s.verdict().isTerminal()
                        || (reason == Reason.TIMED_OUT && s.verdict() == ServiceState.Verdict.IN_PROGRESS))
                .map(ServiceState::service)
                .toList();
    }

    /**
     * Why the rollout failed.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * The services whose own state ended the rollout, as the caller spelled them, in the caller's order; unlike
     * {@link #unstableServices()}, the same in every run of the same scenario:
     *
     * <ul>
     *   <li>{@link Reason#UPDATE_FAILED}: the service whose update ECS rejected (or whose answer was lost);</li>
     *   <li>{@link Reason#TASK_DEFINITION_UNUSABLE}: the services that asked for a task definition that cannot be
     *       deployed;</li>
     *   <li>a reason decided by a service's verdict ({@link Reason#DEPLOYMENT_FAILED}, {@link Reason#ROLLED_BACK},
     *       {@link Reason#SUPERSEDED}, {@link Reason#SERVICE_MISSING}, {@link Reason#SERVICE_INACTIVE},
     *       {@link Reason#UNSUPPORTED_SERVICE}): every service whose {@link ServiceState#verdict()} is terminal
     *       ({@link ServiceState.Verdict#isTerminal()}): the one that ended the rollout, and any other seen failing
     *       on the same poll;</li>
     *   <li>{@link Reason#TIMED_OUT}: the services that were polled and were still deploying
     *       ({@link ServiceState.Verdict#IN_PROGRESS}) when the time or the polls ran out;</li>
     *   <li>otherwise ({@link Reason#API_ERROR}, {@link Reason#INTERRUPTED}, or a timeout before any poll): empty, as
     *       no service's own state ended the rollout.</li>
     * </ul>
     *
     * <p>A service is never listed here only because the rollout stopped before it was polled or confirmed stable.
     * Two services in different chunks of 10 that fail on the same poll may be listed together or alone: the first
     * verdict to arrive stops the other chunks.
     *
     * @return the failed services; empty when none failed on its own
     */
    public List<String> failedServices() {
        return failedServices;
    }

    /**
     * Every service of the call that was not confirmed stable when the rollout stopped, as the caller spelled them, in
     * the caller's order: the {@link #failedServices() failed} ones, and also those still deploying, those not yet
     * polled (the first verdict stops every other chunk, so which ones were polled depends on timing) and those never
     * updated. For {@link Reason#UPDATE_FAILED}, only the one service whose update ECS rejected; for
     * {@link Reason#TASK_DEFINITION_UNUSABLE}, only the services that asked for an unusable task definition. Use
     * {@link #failedServices()} for the services that failed.
     *
     * @return the services not confirmed stable
     */
    public List<String> unstableServices() {
        return unstableServices;
    }

    /**
     * The services whose UpdateService ECS accepted (empty for {@code awaitStable}), in the caller's order.
     *
     * @return the services this rollout changed
     */
    public List<String> updatedServices() {
        return updatedServices;
    }

    /**
     * The services whose UpdateService was sent but whose answer never arrived (the call was interrupted, cut short
     * by the timeout, or lost its connection): ECS may or may not have applied them. Not in
     * {@link #updatedServices()}; {@code rollbackOnFailure} treats them as changed.
     *
     * @return the services whose update may have been applied
     */
    public List<String> possiblyUpdatedServices() {
        return possiblyUpdatedServices;
    }

    /**
     * The services that {@code rollbackOnFailure} put back on their previous task definition and saw stable;
     * empty without that option.
     *
     * @return the services restored
     */
    public List<String> rolledBackServices() {
        return rolledBackServices;
    }

    /**
     * Every service's last observed state, in the caller's order.
     *
     * @return the states, one per service of the call
     */
    public List<ServiceState> serviceStates() {
        return serviceStates;
    }

    /**
     * One service's last observed state, looked up by the caller's spelling (name or ARN).
     *
     * @param service the service as the caller spelled it
     * @return its state; empty when the call had no such service
     */
    public Optional<ServiceState> serviceState(String service) {
        Objects.requireNonNull(service, "service");
        return serviceStates.stream().filter(s -> s.service().equals(service)).findFirst();
    }

    /**
     * The services {@code rollbackOnFailure} (or {@link ServiceRollout#rollBack}) acted on but did not confirm back:
     * their {@link ServiceState#rollbackAction()} is neither {@link ServiceState.RollbackAction#NONE} nor
     * {@link ServiceState.RollbackAction#LEFT_ALONE}, and they are not in {@link #rolledBackServices()} (a restore
     * refused, or still rolling back when the time ran out; the message says why). Need a person.
     *
     * @return the services not confirmed back, in the caller's order; empty without a rollback
     */
    public List<String> notRestoredServices() {
        return serviceStates.stream()
                .filter(s -> s.rollbackAction() != ServiceState.RollbackAction.NONE
                        && s.rollbackAction() != ServiceState.RollbackAction.LEFT_ALONE
                        && !rolledBackServices.contains(s.service()))
                .map(ServiceState::service)
                .toList();
    }

    /**
     * The most DescribeServices polls any one chunk of (at most 10) services made before the failure.
     *
     * @return the polls; 0 when none was made, or when the exception was made without them
     */
    public int attempts() {
        return attempts;
    }

    /**
     * The time from the call to the failure, its rollback included.
     *
     * @return the time; zero when the exception was made without it
     */
    public Duration elapsed() {
        return elapsed == null ? Duration.ZERO : elapsed;
    }

    /**
     * This failure as one JSON object for a pipeline: a Step Functions {@code Cause} (give it to a {@code Fail}
     * state's {@code CausePath}), a CI annotation, a chat message, with no scraping of {@link #getMessage()}. ASCII
     * only, at most 32,000 characters whatever the number of services (under Step Functions' 32,768-character
     * {@code Cause} limit), no credentials and no request bodies. Field names and meanings are stable within a
     * {@code version}; later releases may add fields, so ignore unknown ones.
     *
     * <p>The fields of {@link RolloutResult#toJson()} ({@code version} 1, {@code serviceCount}, {@code attempts}
     * ({@link #attempts()}), {@code elapsedMillis} ({@link #elapsed()}), {@code clusters}, {@code services} with
     * each service's details, {@code truncated}, {@code omitted}), with {@code outcome} {@code FAILURE}, and:
     * <ul>
     *   <li>{@code reason} (string): the {@link Reason} name;</li>
     *   <li>{@code message} (string): the first line of the message (cut at 1,000 characters);</li>
     *   <li>{@code checkpoint} (boolean): whether {@link #checkpoint()} is present (the rollout goes on from it; the
     *       checkpoint itself is not written: see {@link RolloutCheckpoint#toJson()});</li>
     *   <li>{@code cause} (object; absent without a cause): {@code type} (the cause's simple class name),
     *       {@code errorCode} (ECS's error code; absent for anything but an ECS error), {@code message} (absent when
     *       it has none);</li>
     *   <li>{@code failedServices}, {@code unstableServices}, {@code updatedServices},
     *       {@code possiblyUpdatedServices}, {@code rolledBackServices}, {@code notRestoredServices} (arrays of
     *       strings): {@link #failedServices()}, {@link #unstableServices()}, {@link #updatedServices()},
     *       {@link #possiblyUpdatedServices()}, {@link #rolledBackServices()}, {@link #notRestoredServices()}, as the
     *       caller spelled them, in the caller's order; always present, maybe empty.</li>
     * </ul>
     *
     * <p>Past 32,000 characters (a rollout of hundreds of services), what matters most is kept: the failed and
     * not-restored services' details and names first, then the other unstable services, then the longer lists, then
     * the stable services' details; each array keeps its first entries, {@code truncated} is true, and
     * {@code omitted} counts what each array left out by its name ({@code "omitted":{"services":950,
     * "updatedServices":120}}). {@code serviceCount} is always the whole count.
     *
     * @return the JSON text
     */
    public String toJson() {
        return RolloutJson.failure(reason.name(), getMessage(), getCause(), serviceStates,
                new RolloutJson.Lists(failedServices, unstableServices, updatedServices, possiblyUpdatedServices,
                        rolledBackServices, notRestoredServices()),
                checkpoint != null, attempts, elapsed());
    }

    /**
     * The rollout written down, when this failure leaves it unfinished but alive ({@link Reason#TIMED_OUT},
     * {@link Reason#INTERRUPTED}, or {@link Reason#API_ERROR}, with nothing rolled back): pass it to
     * {@link ServiceRollout#check} or {@link ServiceRollout#resume}, in this invocation or the next, to go on judging
     * the same deployments. Empty after a terminal verdict, a rejected update, a rollback, or when nothing was updated.
     *
     * @return the checkpoint, or empty
     */
    public Optional<RolloutCheckpoint> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }
}
