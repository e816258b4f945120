package io.github.ecsrollout;

import io.github.ecsrollout.internal.verdict.DeploymentRules;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * What a rollout last knew about one service: the verdict, ECS's last DescribeServices answer about it, the
 * deployment the rollout started and, where it was needed, its service deployment as DescribeServiceDeployments
 * described it, the ECS events and stopped tasks seen along the way and, once it is deployed, the images its new
 * service revision runs with the digests ECS resolved. Immutable.
 *
 * <p>The ECS parts are the SDK's own model objects ({@link Service}, {@link Deployment}, {@link ServiceEvent},
 * {@link Task}, {@link ServiceDeployment}), which are immutable too.
 *
 * <p>Serializable, with every part: the SDK's model objects are serializable themselves (with a fixed
 * {@code serialVersionUID}), so a deserialized state keeps its counts, deployments, events and stopped tasks. Reading
 * one back needs the SDK's {@code ecs} module on the class path, as using one does.
 */
public final class ServiceState implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What the last observation of a service means for the rollout. */
    public enum Verdict {
        /**
         * Deployed: ECS called the service deployment this rollout started SUCCESSFUL (possibly early, while the
         * service still converges: see {@link ServiceState#isConverging()}), or it reached the stage the rollout waits
         * for; or, where no service deployment is known, exactly one deployment (the expected one, its rolloutState
         * not IN_PROGRESS) with as many tasks running as desired: the SDK waiter's rule.
         */
        STABLE,
        /** Still deploying: more than one deployment, fewer tasks running than desired, or ECS not yet done with it. */
        IN_PROGRESS,
        /**
         * ECS judged the deployment this rollout started failed: its circuit breaker or a deployment alarm triggered
         * (rolloutState FAILED), its rollback failed, or it was stopped.
         */
        DEPLOYMENT_FAILED,
        /**
         * ECS is rolling back, or has rolled back, the deployment this rollout started (a failed lifecycle hook, a
         * requested rollback, a circuit breaker or alarm that triggered a rollback); from DescribeServices alone, also
         * when the deployment is gone or no longer PRIMARY and nothing says why.
         */
        ROLLED_BACK,
        /**
         * Another deployment (someone else's UpdateService) replaced the one this rollout started: not a success, and
         * not this rollout's to undo.
         */
        SUPERSEDED,
        /** DescribeServices reported the service MISSING. */
        MISSING,
        /** The service is DRAINING or INACTIVE (being deleted, or deleted). */
        INACTIVE,
        /** The service uses the CODE_DEPLOY or EXTERNAL deployment controller, which the stable condition cannot see. */
        UNSUPPORTED,
        /** Not observed: the rollout ended before any answer about this service arrived. */
        UNKNOWN;

        /**
         * Whether this verdict ends the rollout at once (everything except STABLE, IN_PROGRESS and UNKNOWN).
         *
         * @return whether a service with this verdict ends the rollout
         */
        public boolean isTerminal() {
            return this != STABLE && this != IN_PROGRESS && this != UNKNOWN;
        }
    }

    /** What {@code rollbackOnFailure} did about a service, chosen from the state of its deployment. */
    public enum RollbackAction {
        /** Nothing: no rollback was asked for, or the rollout did not change this service. */
        NONE,
        /** StopServiceDeployment with stopType ROLLBACK: ECS rolls back the deployment in flight, on itself. */
        STOPPED_WITH_ROLLBACK,
        /** ContinueServiceDeployment with action ROLLBACK, for a deployment paused at a PAUSE lifecycle hook. */
        CONTINUED_WITH_ROLLBACK,
        /** ECS was already rolling the deployment back (circuit breaker, alarms, a hook): only watched. */
        WATCHED_ECS_ROLLBACK,
        /** UpdateService back to the previous task definition, a new deployment. */
        RESTORED_BY_UPDATE,
        /** Left alone: another deployment superseded this rollout's, which is not ours to undo. */
        LEFT_ALONE
    }

    /** The cluster as the caller spelled it. */
    private final String cluster;
    /** The service as the caller spelled it. */
    private final String service;
    /** What the last observation means. */
    private final Verdict verdict;
    /** ECS's last answer, the SDK's own (serializable) model object, or {@code null}. */
    private final Service lastObserved;
    /** The deployment this rollout started, or {@code null}. */
    private final String expectedDeploymentId;
    /** The ECS events seen during the rollout, oldest first. */
    private final List<ServiceEvent> events;
    /** The failed deployment's most recent stopped tasks. */
    private final List<Task> stoppedTasks;
    /** Why the stopped tasks could not be fetched, or {@code null}. */
    private final String stoppedTasksUnavailableReason;
    /** The service deployment as last described, or {@code null}. */
    private final ServiceDeployment serviceDeployment;
    /** What {@code rollbackOnFailure} did about the service. */
    private final RollbackAction rollbackAction;
    /** The task definition the update named, as the caller spelled it, or {@code null}. */
    private final String requestedTaskDefinition;
    /** What ran before the rollout, as ECS reported it, or {@code null}. */
    private final String previousTaskDefinition;
    /**
     * The images the new service revision runs; {@code null} only in a state serialized before there were images
     * (read as none).
     */
    private final List<ContainerImage> images;

    private ServiceState(Builder b) {
        this.cluster = Objects.requireNonNull(b.cluster, "cluster");
        this.service = Objects.requireNonNull(b.service, "service");
        this.verdict = Objects.requireNonNull(b.verdict, "verdict");
        this.lastObserved = b.lastObserved;
        this.expectedDeploymentId = b.expectedDeploymentId;
        this.events = List.copyOf(b.events);
        this.stoppedTasks = List.copyOf(b.stoppedTasks);
        this.stoppedTasksUnavailableReason = b.stoppedTasksUnavailableReason;
        this.serviceDeployment = b.serviceDeployment;
        this.rollbackAction = Objects.requireNonNull(b.rollbackAction, "rollbackAction");
        this.requestedTaskDefinition = b.requestedTaskDefinition;
        this.previousTaskDefinition = b.previousTaskDefinition;
        this.images = List.copyOf(b.images);
    }

    /**
     * Refuses a stream that lacks what every state has: the deserialized value is as valid as a built one.
     *
     * @param in the stream
     * @throws IOException when it cannot be read, or lacks a required field
     * @throws ClassNotFoundException when a class it names (the SDK's, say) is not on the class path
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (cluster == null || service == null || verdict == null || rollbackAction == null || events == null
                || stoppedTasks == null) {
            throw new InvalidObjectException("a ServiceState needs cluster, service, verdict, rollbackAction, events "
                    + "and stoppedTasks");
        }
    }

    /**
     * A builder, for the rollout itself and for tests of code that consumes these states.
     *
     * @return an empty builder; its verdict defaults to UNKNOWN, its rollback action to NONE
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this state's values.
     *
     * @return a builder to make a changed copy with
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The cluster as the caller spelled it; {@code default} when the caller named none.
     *
     * @return the cluster's name or ARN
     */
    public String cluster() {
        return cluster;
    }

    /**
     * The service as the caller spelled it (a name or an ARN).
     *
     * @return the service's name or ARN
     */
    public String service() {
        return service;
    }

    /**
     * What the last observation means.
     *
     * @return the verdict; UNKNOWN when never observed
     */
    public Verdict verdict() {
        return verdict;
    }

    /**
     * Whether the service was confirmed stable.
     *
     * @return whether the verdict is {@link Verdict#STABLE}
     */
    public boolean isStable() {
        return verdict == Verdict.STABLE;
    }

    /**
     * ECS's last answer about the service (from DescribeServices, or UpdateService before the first poll).
     *
     * @return the SDK's {@code Service}; empty if never observed
     */
    public Optional<Service> lastObserved() {
        return Optional.ofNullable(lastObserved);
    }

    /**
     * The service's ECS status ({@code ACTIVE}, {@code DRAINING}, {@code INACTIVE}); empty if never observed.
     *
     * @return the status
     */
    public Optional<String> status() {
        return lastObserved().map(Service::status);
    }

    /**
     * Tasks running, summed over deployments; 0 if never observed. A count, not an {@code Optional}: 0 is what a
     * service with no tasks reports too, and {@link #lastObserved()} tells whether ECS was heard from at all.
     *
     * @return the running count
     */
    public int runningCount() {
        return lastObserved == null || lastObserved.runningCount() == null ? 0 : lastObserved.runningCount();
    }

    /**
     * Tasks desired; 0 if never observed (a count, as {@link #runningCount()} says).
     *
     * @return the desired count
     */
    public int desiredCount() {
        return lastObserved == null || lastObserved.desiredCount() == null ? 0 : lastObserved.desiredCount();
    }

    /**
     * Tasks pending; 0 if never observed (a count, as {@link #runningCount()} says).
     *
     * @return the pending count
     */
    public int pendingCount() {
        return lastObserved == null || lastObserved.pendingCount() == null ? 0 : lastObserved.pendingCount();
    }

    /**
     * The service's deployments, newest first as ECS lists them; empty if never observed.
     *
     * @return the deployments
     */
    public List<Deployment> deployments() {
        return lastObserved == null ? List.of() : lastObserved.deployments();
    }

    /**
     * The PRIMARY deployment, if ECS listed one.
     *
     * @return the PRIMARY deployment; empty if none is listed
     */
    public Optional<Deployment> primaryDeployment() {
        return DeploymentRules.primary(deployments());
    }

    /**
     * The PRIMARY deployment's id ({@code ecs-svc/...}).
     *
     * @return the id; empty when never observed or no PRIMARY deployment is listed
     */
    public Optional<String> primaryDeploymentId() {
        return primaryDeployment().map(Deployment::id);
    }

    /**
     * The task definition the service runs now, as ECS reports it (an ARN): that of the PRIMARY deployment, or of the
     * service when it lists no deployment. What the caller asked for, in the caller's spelling, is
     * {@link #requestedTaskDefinition()}.
     *
     * @return the task definition ARN; empty when never observed
     */
    public Optional<String> taskDefinition() {
        Optional<String> primary = primaryDeployment().map(Deployment::taskDefinition);
        return primary.isPresent() || lastObserved == null ? primary
                : Optional.ofNullable(lastObserved.taskDefinition());
    }

    /**
     * The task definition this rollout's UpdateService named, as the caller spelled it ({@code family},
     * {@code family:revision} or an ARN): the same in a listener's states as in the result's and the exception's.
     *
     * @return the task definition asked for; empty for {@link ServiceRollout#awaitStable}, for an update that named
     *     none ({@code forceNewDeployment} alone), and in a call taken up from a checkpoint once ECS had named the
     *     deployment the update started (a checkpoint keeps the request's task definition only until then)
     */
    public Optional<String> requestedTaskDefinition() {
        return Optional.ofNullable(requestedTaskDefinition);
    }

    /**
     * The task definition the service ran before this rollout, as ECS reported it (an ARN): what a rollback puts
     * back. Read before the update with {@code rollbackOnFailure}, else taken from ECS's answer to the update.
     *
     * @return the previous task definition; empty for {@link ServiceRollout#awaitStable}, before the update, or when
     *     ECS's answer did not say
     */
    public Optional<String> previousTaskDefinition() {
        return Optional.ofNullable(previousTaskDefinition);
    }

    /**
     * The id of the deployment this rollout started (the PRIMARY deployment in ECS's UpdateService answer);
     * empty for {@link ServiceRollout#awaitStable} and when ECS named none.
     *
     * @return the deployment id this rollout tracks
     */
    public Optional<String> expectedDeploymentId() {
        return Optional.ofNullable(expectedDeploymentId);
    }

    /**
     * The deployment whose fate decides the verdict: the one this rollout started if it is still listed, else the
     * PRIMARY one.
     *
     * @return that deployment; empty when ECS lists neither
     */
    public Optional<Deployment> watchedDeployment() {
        return DeploymentRules.watched(deployments(), expectedDeploymentId);
    }

    /**
     * The watched deployment's rolloutState ({@code IN_PROGRESS}, {@code COMPLETED}, {@code FAILED}).
     *
     * @return the rolloutState; empty when no deployment is watched or ECS gave none (a deployment without the circuit
     *     breaker)
     */
    public Optional<String> rolloutState() {
        return watchedDeployment().map(Deployment::rolloutStateAsString);
    }

    /**
     * ECS's explanation of the watched deployment's rolloutState ("ECS deployment circuit breaker: tasks failed to
     * start.").
     *
     * @return ECS's words; empty when no deployment is watched or ECS gave none
     */
    public Optional<String> rolloutStateReason() {
        return watchedDeployment().map(Deployment::rolloutStateReason);
    }

    /**
     * The watched deployment's failed task count; 0 when ECS gave none (a count, as {@link #runningCount()} says).
     *
     * @return the failed task count
     */
    public int failedTasks() {
        return watchedDeployment().map(Deployment::failedTasks).orElse(0);
    }

    /**
     * The service deployment this rollout started, as DescribeServiceDeployments last described it: status,
     * lifecycle stage, hooks, circuit breaker and alarms. Empty when only DescribeServices was needed to judge the
     * service (a plain rolling deployment), for {@link ServiceRollout#awaitStable}, or when ECS could not say (no
     * {@code ecs:DescribeServiceDeployments} permission, no deployment history).
     *
     * @return the SDK's {@code ServiceDeployment}, or empty
     */
    public Optional<ServiceDeployment> serviceDeployment() {
        return Optional.ofNullable(serviceDeployment);
    }

    /**
     * Whether the service is {@link Verdict#STABLE} while ECS still converges it: ECS called the deployment
     * successful early (early success criteria) or it reached the stage the rollout waits for, but more than one
     * deployment is listed or fewer tasks run than desired.
     *
     * @return whether the service is STABLE but still converging
     */
    public boolean isConverging() {
        return verdict == Verdict.STABLE && lastObserved != null && !DeploymentRules.isStable(lastObserved);
    }

    /**
     * The PAUSE lifecycle hook the deployment waits at, AWAITING_ACTION until someone calls
     * ContinueServiceDeployment with its {@code hookId} (or it expires at {@code expiresAt}); empty when not paused.
     *
     * @return the hook awaiting action; empty when not paused
     */
    public Optional<DeploymentLifecycleHookDetail> pausedHook() {
        return DeploymentRules.pausedHook(serviceDeployment);
    }

    /**
     * What {@code rollbackOnFailure} did about this service; {@link RollbackAction#NONE} when nothing.
     *
     * @return the rollback action
     */
    public RollbackAction rollbackAction() {
        return rollbackAction;
    }

    /**
     * The container images the service's new service revision runs, each with the digest ECS resolved its image to
     * when the deployment started: what runs now, even if a tag has moved since. Read once, with
     * DescribeServiceRevisions, when a rollout ({@code rollOut}, or a {@code check}, {@code watch} or {@code resume}
     * of a checkpoint) succeeds, for its successful services. Empty otherwise: for a failure, for
     * {@link ServiceRollout#awaitStable}, when ECS could not say (no {@code ecs:DescribeServiceRevisions} permission,
     * no service revision recorded; said once at WARN), or when the rollout's time had run out.
     *
     * @return the containers' images in ECS's order; empty when not known
     */
    public List<ContainerImage> images() {
        return images == null ? List.of() : images;
    }

    /**
     * The ECS service events that appeared during the rollout, oldest first.
     *
     * @return the events; empty when none appeared
     */
    public List<ServiceEvent> events() {
        return events;
    }

    /**
     * The most recent STOPPED tasks of the failed or timed-out deployment, with their {@code stoppedReason} and
     * containers' exit codes; empty when the rollout did not fail on this service, the fetch was switched off, or it
     * failed (see {@link #stoppedTasksUnavailableReason()}).
     *
     * @return the stopped tasks, newest first
     */
    public List<Task> stoppedTasks() {
        return stoppedTasks;
    }

    /**
     * Why {@link #stoppedTasks()} could not be fetched (a missing IAM permission, say); empty when nothing went wrong.
     *
     * @return why; empty when the fetch worked or was not needed
     */
    public Optional<String> stoppedTasksUnavailableReason() {
        return Optional.ofNullable(stoppedTasksUnavailableReason);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ServiceState)) {
            return false;
        }
        ServiceState that = (ServiceState) o;
        return cluster.equals(that.cluster) && service.equals(that.service) && verdict == that.verdict
                && Objects.equals(lastObserved, that.lastObserved)
                && Objects.equals(expectedDeploymentId, that.expectedDeploymentId)
                && events.equals(that.events) && stoppedTasks.equals(that.stoppedTasks)
                && Objects.equals(stoppedTasksUnavailableReason, that.stoppedTasksUnavailableReason)
                && Objects.equals(serviceDeployment, that.serviceDeployment) && rollbackAction == that.rollbackAction
                && Objects.equals(requestedTaskDefinition, that.requestedTaskDefinition)
                && Objects.equals(previousTaskDefinition, that.previousTaskDefinition)
                && images().equals(that.images());
    }

    @Override
    public int hashCode() {
        return Objects.hash(cluster, service, verdict, lastObserved, expectedDeploymentId, events, stoppedTasks,
                serviceDeployment, requestedTaskDefinition, images());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ServiceState[cluster=").append(cluster)
                .append(", service=").append(service)
                .append(", verdict=").append(verdict);
        if (lastObserved != null) {
            sb.append(", running=").append(runningCount()).append('/').append(desiredCount())
                    .append(", pending=").append(pendingCount())
                    .append(", deployments=").append(deployments().size())
                    .append(", primary=").append(primaryDeploymentId().orElse(null))
                    .append(", taskDefinition=").append(taskDefinition().orElse(null));
            rolloutState().ifPresent(r -> sb.append(", rolloutState=").append(r));
        }
        if (rollbackAction != RollbackAction.NONE) {
            sb.append(", rollbackAction=").append(rollbackAction);
        }
        if (serviceDeployment != null) {
            sb.append(", serviceDeployment=").append(serviceDeployment.statusAsString());
            if (serviceDeployment.lifecycleStage() != null) {
                sb.append('@').append(serviceDeployment.lifecycleStageAsString());
            }
        }
        if (!images().isEmpty()) {
            sb.append(", images=").append(images());
        }
        return sb.append(']').toString();
    }

    /** Builds a {@link ServiceState}; {@code cluster}, {@code service} and {@code verdict} are required. */
    public static final class Builder {
        private String cluster;
        private String service;
        private Verdict verdict = Verdict.UNKNOWN;
        private Service lastObserved;
        private String expectedDeploymentId;
        private List<ServiceEvent> events = List.of();
        private List<Task> stoppedTasks = List.of();
        private String stoppedTasksUnavailableReason;
        private ServiceDeployment serviceDeployment;
        private RollbackAction rollbackAction = RollbackAction.NONE;
        private String requestedTaskDefinition;
        private String previousTaskDefinition;
        private List<ContainerImage> images = List.of();

        private Builder() {
        }

        private Builder(ServiceState s) {
            this.cluster = s.cluster;
            this.service = s.service;
            this.verdict = s.verdict;
            this.lastObserved = s.lastObserved;
            this.expectedDeploymentId = s.expectedDeploymentId;
            this.events = s.events;
            this.stoppedTasks = s.stoppedTasks;
            this.stoppedTasksUnavailableReason = s.stoppedTasksUnavailableReason;
            this.serviceDeployment = s.serviceDeployment;
            this.rollbackAction = s.rollbackAction;
            this.requestedTaskDefinition = s.requestedTaskDefinition;
            this.previousTaskDefinition = s.previousTaskDefinition;
            this.images = s.images();
        }

        /**
         * The cluster as the caller spelled it.
         *
         * @param cluster the cluster's name or ARN; {@code default} when the caller named none
         * @return this builder
         */
        public Builder cluster(String cluster) {
            this.cluster = Objects.requireNonNull(cluster, "cluster");
            return this;
        }

        /**
         * The service as the caller spelled it.
         *
         * @param service the service's name or ARN
         * @return this builder
         */
        public Builder service(String service) {
            this.service = Objects.requireNonNull(service, "service");
            return this;
        }

        /**
         * The verdict; defaults to {@link Verdict#UNKNOWN}.
         *
         * @param verdict the verdict
         * @return this builder
         */
        public Builder verdict(Verdict verdict) {
            this.verdict = Objects.requireNonNull(verdict, "verdict");
            return this;
        }

        /**
         * ECS's last answer about the service; may be {@code null} (never observed).
         *
         * @param lastObserved the SDK's {@code Service}, or {@code null}
         * @return this builder
         */
        public Builder lastObserved(Service lastObserved) {
            this.lastObserved = lastObserved;
            return this;
        }

        /**
         * The deployment the rollout started; may be {@code null}.
         *
         * @param expectedDeploymentId the id of the PRIMARY deployment the update started, or {@code null}
         * @return this builder
         */
        public Builder expectedDeploymentId(String expectedDeploymentId) {
            this.expectedDeploymentId = expectedDeploymentId;
            return this;
        }

        /**
         * Events seen during the rollout, oldest first.
         *
         * @param events the events, copied
         * @return this builder
         */
        public Builder events(List<ServiceEvent> events) {
            this.events = List.copyOf(Objects.requireNonNull(events, "events"));
            return this;
        }

        /**
         * STOPPED tasks of the failed deployment.
         *
         * @param stoppedTasks the tasks, newest first, copied
         * @return this builder
         */
        public Builder stoppedTasks(List<Task> stoppedTasks) {
            this.stoppedTasks = List.copyOf(Objects.requireNonNull(stoppedTasks, "stoppedTasks"));
            return this;
        }

        /**
         * Why the stopped tasks could not be fetched; may be {@code null}.
         *
         * @param reason what went wrong (an exception's class and message, say), or {@code null}
         * @return this builder
         */
        public Builder stoppedTasksUnavailableReason(String reason) {
            this.stoppedTasksUnavailableReason = reason;
            return this;
        }

        /**
         * The service deployment the rollout started, as last described; may be {@code null} (unknown).
         *
         * @param serviceDeployment the SDK's {@code ServiceDeployment}, or {@code null}
         * @return this builder
         */
        public Builder serviceDeployment(ServiceDeployment serviceDeployment) {
            this.serviceDeployment = serviceDeployment;
            return this;
        }

        /**
         * What the rollback did about the service; defaults to {@link RollbackAction#NONE}.
         *
         * @param rollbackAction the action
         * @return this builder
         */
        public Builder rollbackAction(RollbackAction rollbackAction) {
            this.rollbackAction = Objects.requireNonNull(rollbackAction, "rollbackAction");
            return this;
        }

        /**
         * The task definition the rollout's update named, as the caller spelled it; may be {@code null} (none).
         *
         * @param taskDefinition the task definition asked for, or {@code null}
         * @return this builder
         */
        public Builder requestedTaskDefinition(String taskDefinition) {
            this.requestedTaskDefinition = taskDefinition;
            return this;
        }

        /**
         * The task definition the service ran before the rollout; may be {@code null} (unknown).
         *
         * @param taskDefinition the previous task definition, as ECS reported it, or {@code null}
         * @return this builder
         */
        public Builder previousTaskDefinition(String taskDefinition) {
            this.previousTaskDefinition = taskDefinition;
            return this;
        }

        /**
         * The images the new service revision runs; defaults to none.
         *
         * @param images the containers' images, copied
         * @return this builder
         */
        public Builder images(List<ContainerImage> images) {
            this.images = List.copyOf(Objects.requireNonNull(images, "images"));
            return this;
        }

        /**
         * The immutable state.
         *
         * @return a new state with this builder's values
         * @throws NullPointerException when cluster or service is not set
         */
        public ServiceState build() {
            return new ServiceState(this);
        }
    }
}
