package io.github.ecsrollout.internal.state;

import io.github.ecsrollout.ContainerImage;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.model.ServiceId;
import io.github.ecsrollout.internal.verdict.DeploymentRules;
import io.github.ecsrollout.internal.verdict.OurDeployment;
import io.github.ecsrollout.internal.verdict.ServiceVerdicts;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * One service a rollout watches and what it knows of it: the verdict on each answer ECS gives about it, judged by
 * {@link ServiceVerdicts} against what it waits for (the deployment its update started, or, for a rollback, its
 * previous task definition back). Thread-safe: the thread that judges its answers writes it, any thread may read
 * {@link #state()}.
 */
public final class TrackedService {

    /**
     * What one checkpoint carries of a tracked service, so that another process goes on from where this one is.
     *
     * @param possiblyUpdated whether the update's answer was lost
     * @param deploymentId the deployment the update started, or {@code null} while not known
     * @param serviceDeploymentArn the service deployment the update started, once found, or {@code null}
     * @param previousTaskDefinition what ran before the rollout, or {@code null}
     * @param requestedTaskDefinition what the update asked for, or {@code null}
     * @param updateSentAt when the update was sent
     * @param verdict the last verdict
     * @param eventsSeenUntil the newest event seen, or {@code null}
     * @param pausesHeard the PAUSE hooks the listener heard about
     */
    public record Memo(boolean possiblyUpdated, String deploymentId, String serviceDeploymentArn,
            String previousTaskDefinition, String requestedTaskDefinition, Instant updateSentAt, Verdict verdict,
            Instant eventsSeenUntil, List<String> pausesHeard) {
    }

    private final ServiceId id;
    /** The task definition a rollback waits to see restored; {@code null} when the service waits for its own. */
    private final String restoring;
    private final DeploymentTrail trail;
    private final EventLog events;
    private final UpdateRecord update = new UpdateRecord();
    /** The PAUSE hooks the listener has heard about. */
    private final Set<String> pausesHeard = new HashSet<>();

    private String expectedDeploymentId;
    private Service last;
    private ServiceDeployment serviceDeployment;
    private Verdict verdict = Verdict.UNKNOWN;
    private boolean sawStable;
    private List<Task> stoppedTasks = List.of();
    private String stoppedTasksUnavailableReason;
    private RollbackAction rollbackAction = RollbackAction.NONE;
    /** The images its new service revision runs, read once the rollout succeeded. */
    private List<ContainerImage> images = List.of();

    private TrackedService(ServiceId id, String restoring, String serviceDeploymentArn, Instant eventsCutoff) {
        this.id = Objects.requireNonNull(id, "id");
        this.restoring = restoring;
        this.trail = new DeploymentTrail(serviceDeploymentArn);
        this.events = new EventLog(eventsCutoff);
    }

    /** A service that waits for its own deployment: the one its update starts, or, without one, to be stable. */
    public TrackedService(ServiceId id) {
        this(id, null, null, null);
    }

    /**
     * A service that waits for ECS to roll its deployment back: restored when that service deployment is
     * ROLLBACK_SUCCESSFUL, or (without one) when the service is stable on {@code previousTaskDefinition}. Without a
     * previous task definition (ECS never said what ran before) it waits, as any service, to be stable.
     */
    public static TrackedService restoration(ServiceId id, String previousTaskDefinition, String serviceDeploymentArn) {
        return new TrackedService(id, previousTaskDefinition, serviceDeploymentArn, null);
    }

    /** A service read back from a checkpoint: it goes on from where the process that wrote it left off. */
    public static TrackedService resumed(ServiceId id, Memo memo) {
        TrackedService t = new TrackedService(id, null, memo.serviceDeploymentArn(), memo.eventsSeenUntil());
        t.update.sentAt = memo.updateSentAt();
        t.update.requestedTaskDefinition = memo.requestedTaskDefinition();
        t.update.previousTaskDefinition = memo.previousTaskDefinition();
        t.update.possiblyUpdated = memo.possiblyUpdated();
        t.expectedDeploymentId = memo.deploymentId();
        t.verdict = memo.verdict();
        t.sawStable = memo.verdict() == Verdict.STABLE;
        t.pausesHeard.addAll(memo.pausesHeard());
        return t;
    }

    public ServiceId id() {
        return id;
    }

    /** The search for this service's service deployment. */
    public DeploymentTrail trail() {
        return trail;
    }

    /** Records that this rollout is about to send the service's UpdateService, for a task definition or none. */
    public synchronized void updateSent(Instant at, String taskDefinition) {
        update.sentAt = at;
        update.requestedTaskDefinition = taskDefinition;
    }

    /** Records ECS's answer to UpdateService: the deployment to track, and the events that were there before. */
    public synchronized void updateAccepted(Service answer) {
        expectedDeploymentId = DeploymentRules.primaryId(answer);
        update.previousFrom(answer, expectedDeploymentId);
        if (answer != null) {
            last = answer;
            events.baseline(answer);
        }
    }

    /** Records that the update was sent but its answer lost. */
    public synchronized void updateAnswerLost() {
        update.possiblyUpdated = true;
    }

    /** Records what ran before the rollout, read before the update. */
    public synchronized void previousTaskDefinition(String taskDefinition) {
        update.previousTaskDefinition = taskDefinition;
    }

    /** What ran before the rollout, or {@code null} when not known. */
    public synchronized String previousTaskDefinition() {
        return update.previousTaskDefinition;
    }

    /** When this rollout sent the service's update; {@code null} when it sent none. */
    public synchronized Instant updateSentAt() {
        return update.sentAt;
    }

    /** Whether the update was sent but its answer lost. */
    public synchronized boolean possiblyUpdated() {
        return update.possiblyUpdated;
    }

    /** Whether this service waits for a rollback ECS performs. */
    public boolean watchesRollback() {
        return restoring != null;
    }

    /**
     * Records what ECS said about this service in one poll, and judges it.
     *
     * @param answer the DescribeServices answer
     * @param deployment the service deployment as described in this poll, or {@code null} when not described (the
     *     last one described, if any, still counts)
     * @param since events created before this instant and seen on the first observation are not new
     * @param succeedAtStage the stage at which an in-flight deployment counts as done, or {@code null}
     */
    public synchronized Change observe(Service answer, ServiceDeployment deployment, Instant since,
            ServiceDeploymentLifecycleStage succeedAtStage) {
        Verdict before = verdict;
        Service previous = last;
        ServiceDeployment previousDeployment = serviceDeployment;
        last = answer;
        if (deployment != null) {
            serviceDeployment = deployment;
        }
        boolean unknownDeployment = restoring == null && expectedDeploymentId == null && update.sentAt != null;
        if (unknownDeployment) {
            // ECS's answer to the update named no deployment: find the one the update started, or wait.
            expectedDeploymentId = OurDeployment.deploymentStartedBy(answer, update.sentAt,
                    update.requestedTaskDefinition);
            unknownDeployment = expectedDeploymentId == null;
        }
        verdict = restoring != null ? ServiceVerdicts.restoration(answer, serviceDeployment, restoring)
                : ServiceVerdicts.evaluate(answer, serviceDeployment, expectedDeploymentId, succeedAtStage,
                        update.previousTaskDefinition);
        if (restoring == null && unknownDeployment && verdict == Verdict.STABLE) {
            // Stable on a deployment that existed before the update is not this rollout's success.
            verdict = Verdict.IN_PROGRESS;
        }
        List<ServiceEvent> fresh = events.fresh(answer, since);
        boolean becameStable = verdict == Verdict.STABLE && !sawStable;
        sawStable |= becameStable;
        DeploymentLifecycleHookDetail paused = DeploymentRules.pausedHook(serviceDeployment)
                .filter(h -> pausesHeard.add(String.valueOf(h.hookId()))).orElse(null);
        boolean changed = verdict != before || Differences.differ(previous, answer)
                || Differences.differ(previousDeployment, deployment);
        return new Change(before, verdict, changed, becameStable, fresh, paused);
    }

    /** Records that DescribeServices reported this service MISSING. */
    public synchronized Change observeMissing() {
        Verdict before = verdict;
        verdict = Verdict.MISSING;
        return new Change(before, verdict, before != verdict, false, List.of(), null);
    }

    /**
     * Records what the read before any update showed of a service this rollout may not update (DRAINING, INACTIVE,
     * another deployment controller), and that verdict.
     */
    public synchronized void refusedBeforeUpdate(Service answer, Verdict refusal) {
        last = answer;
        verdict = refusal;
    }

    /** Records the stopped tasks of its deployment, or why they could not be fetched. */
    public synchronized void stoppedTasks(List<Task> tasks, String unavailableReason) {
        this.stoppedTasks = List.copyOf(tasks);
        this.stoppedTasksUnavailableReason = unavailableReason;
    }

    /** Records the images its new service revision runs, with the digests ECS resolved. */
    public synchronized void images(List<ContainerImage> images) {
        this.images = List.copyOf(images);
    }

    public synchronized void rollbackAction(RollbackAction action) {
        rollbackAction = action;
    }

    public synchronized Verdict verdict() {
        return verdict;
    }

    /** ECS's last answer about this service, or {@code null}. */
    public synchronized Service last() {
        return last;
    }

    public synchronized String expectedDeploymentId() {
        return expectedDeploymentId;
    }

    /** The service deployment this rollout started, as last described, or {@code null}. */
    public synchronized ServiceDeployment serviceDeployment() {
        return serviceDeployment;
    }

    /** What a checkpoint carries of this service. */
    public synchronized Memo memo() {
        return new Memo(update.possiblyUpdated, expectedDeploymentId, trail.arn(), update.previousTaskDefinition,
                update.requestedTaskDefinition, update.sentAt, verdict, events.seenUntil(), List.copyOf(pausesHeard));
    }

    /** The service's state as the public API shows it. */
    public synchronized ServiceState state() {
        return ServiceState.builder()
                .cluster(id.cluster())
                .service(id.service())
                .verdict(verdict)
                .lastObserved(last)
                .expectedDeploymentId(expectedDeploymentId)
                .events(events.events())
                .stoppedTasks(stoppedTasks)
                .stoppedTasksUnavailableReason(stoppedTasksUnavailableReason)
                .serviceDeployment(serviceDeployment)
                .rollbackAction(rollbackAction)
                .requestedTaskDefinition(update.requestedTaskDefinition)
                .previousTaskDefinition(update.previousTaskDefinition)
                .images(images)
                .build();
    }

    @Override
    public String toString() {
        return id.toString();
    }
}
