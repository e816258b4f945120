package io.github.ecsrollout.internal;

import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * One service of a rollout and everything learned about it. Written by the one thread that polls its chunk, read by
 * the caller's thread after that thread is done (or through {@link #state()}, which is synchronized).
 */
final class Target {

    /**
     * What one observation changed.
     *
     * @param from the verdict before the observation
     * @param to the verdict after it
     * @param pausedAt the PAUSE hook the service deployment started waiting at with this observation, or {@code null}
     */
    record Change(Verdict from, Verdict to, boolean changed, boolean becameStable, List<ServiceEvent> newEvents,
            DeploymentLifecycleHookDetail pausedAt) {
    }

    final String cluster;
    final String clusterKey;
    final String service;
    final String key;

    private String expectedDeploymentId;
    private Service last;
    private Verdict verdict = Verdict.UNKNOWN;
    private boolean sawStable;
    private final Set<String> seenEventIds = new HashSet<>();
    private final List<ServiceEvent> events = new ArrayList<>();
    private boolean baselineTaken;
    private List<Task> stoppedTasks = List.of();
    private String stoppedTasksUnavailableReason;
    /** When this rollout sent the service's UpdateService; {@code null} when it sent none. */
    private Instant updateSentAt;
    private String requestedTaskDefinition;
    /** The service deployment this rollout started, once found. */
    private String serviceDeploymentArn;
    private ServiceDeployment serviceDeployment;
    /** {@code currentServiceDeployment} ARNs that turned out to name another deployment. */
    private final Set<String> rejectedHints = new HashSet<>();
    private int fruitlessLookups;
    /** Why this service's deployment cannot be looked up (no history); {@code null} while it can. */
    private String noServiceDeployment;
    /** The task definition a rollback waits to see restored; {@code null} unless this target watches a rollback. */
    private String restoring;
    private ServiceState.RollbackAction rollbackAction = ServiceState.RollbackAction.NONE;
    /** The PAUSE hooks the listener has heard about. */
    private final Set<String> pausesHeard = new HashSet<>();
    /**
     * What ran before the rollout: a rollback puts it back, and a PRIMARY on it is a rollback, not someone else's
     * deployment. Read before the updates with rollbackOnFailure, else from ECS's answer to the update.
     */
    private String previousTaskDefinition;
    /** Whether the update was sent but its answer lost: ECS may have applied it. */
    private boolean possiblyUpdated;
    /** The newest event seen (from the update's answer on): a checkpoint carries it so events are not told twice. */
    private Instant eventsSeenUntil;
    /** For a target read back from a checkpoint: events created until then were seen by an earlier process. */
    private Instant eventsCutoff;

    Target(String cluster, String service) {
        this.cluster = cluster;
        this.clusterKey = shortName(cluster);
        this.service = service;
        this.key = shortName(service);
    }

    /** The last path segment of an ARN ({@code ...:service/cluster/name} → {@code name}), or the name itself. */
    static String shortName(String nameOrArn) {
        int slash = nameOrArn.lastIndexOf('/');
        return slash < 0 ? nameOrArn : nameOrArn.substring(slash + 1);
    }

    /** The key of the service an ECS answer describes, to match it with a {@link #key}. */
    static String keyOf(Service answer) {
        return answer.serviceName() != null ? answer.serviceName() : shortName(answer.serviceArn());
    }

    /**
     * The key of the service a DescribeServices failure names, to match it with a {@link #key} of the cluster asked
     * about; {@code null} when its ARN names no service, or one of another cluster.
     */
    static String keyOf(Failure failure, String clusterKey) {
        String arn = failure.arn();
        return arn == null || !EcsNames.mayBeInCluster(arn, clusterKey) ? null : shortName(arn);
    }

    /**
     * Records that this rollout is about to send the service's UpdateService.
     *
     * @param taskDefinition the task definition the request names, or {@code null}
     */
    synchronized void updateSent(Instant at, String taskDefinition) {
        updateSentAt = at;
        requestedTaskDefinition = taskDefinition;
    }

    /** Records ECS's answer to UpdateService: the deployment to track, and the events that were there before. */
    synchronized void updateAccepted(Service answer) {
        expectedDeploymentId = Verdicts.primaryId(answer);
        if (answer != null && previousTaskDefinition == null) {
            // What ran before: the newest deployment other than the one the update started.
            previousTaskDefinition = answer.deployments().stream()
                    .filter(d -> d.id() != null && !d.id().equals(expectedDeploymentId) && d.taskDefinition() != null)
                    .max(Comparator.comparing(d -> d.createdAt() == null ? Instant.MIN : d.createdAt()))
                    .map(d -> d.taskDefinition()).orElse(null);
        }
        if (answer != null) {
            last = answer;
            answer.events().forEach(e -> {
                seenEventIds.add(eventKey(e));
                noteEventTime(e);
            });
            baselineTaken = true;
        }
    }

    /** Records that the update was sent but its answer lost. */
    synchronized void updateAnswerLost() {
        possiblyUpdated = true;
    }

    synchronized void previousTaskDefinition(String taskDefinition) {
        previousTaskDefinition = taskDefinition;
    }

    synchronized String previousTaskDefinition() {
        return previousTaskDefinition;
    }

    /**
     * A target read back from a checkpoint entry: it goes on from where the process that wrote it left off (a service
     * confirmed STABLE is not polled again; events seen then are not told again).
     */
    static Target restore(CheckpointEntry e) {
        Target t = new Target(e.cluster(), e.service());
        t.updateSentAt = e.updateSentAt();
        t.requestedTaskDefinition = e.requestedTaskDefinition();
        t.expectedDeploymentId = e.deploymentId();
        t.serviceDeploymentArn = e.serviceDeploymentArn();
        t.previousTaskDefinition = e.previousTaskDefinition();
        t.possiblyUpdated = e.possiblyUpdated();
        t.verdict = e.verdict();
        t.sawStable = e.verdict() == Verdict.STABLE;
        t.eventsCutoff = e.eventsSeenUntil();
        t.eventsSeenUntil = e.eventsSeenUntil();
        t.pausesHeard.addAll(e.pausesHeard());
        return t;
    }

    /** This target written down for a checkpoint. */
    synchronized CheckpointEntry toEntry() {
        return new CheckpointEntry(cluster, service, possiblyUpdated, expectedDeploymentId, serviceDeploymentArn,
                previousTaskDefinition, expectedDeploymentId == null ? requestedTaskDefinition : null,
                updateSentAt, verdict, eventsSeenUntil, List.copyOf(pausesHeard));
    }

    private void noteEventTime(ServiceEvent e) {
        if (e.createdAt() != null && (eventsSeenUntil == null || e.createdAt().isAfter(eventsSeenUntil))) {
            eventsSeenUntil = e.createdAt();
        }
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
    synchronized Change observe(Service answer, ServiceDeployment deployment, Instant since,
            ServiceDeploymentLifecycleStage succeedAtStage) {
        Verdict before = verdict;
        Service previous = last;
        ServiceDeployment previousDeployment = serviceDeployment;
        last = answer;
        if (deployment != null) {
            serviceDeployment = deployment;
        }
        boolean unknownDeployment = restoring == null && expectedDeploymentId == null && updateSentAt != null;
        if (unknownDeployment) {
            // ECS's answer to the update named no deployment: find the one the update started, or wait.
            expectedDeploymentId = Verdicts.deploymentStartedBy(answer, updateSentAt, requestedTaskDefinition);
            unknownDeployment = expectedDeploymentId == null;
        }
        verdict = restoring != null ? Verdicts.restoration(answer, serviceDeployment, restoring)
                : Verdicts.evaluate(answer, serviceDeployment, expectedDeploymentId, succeedAtStage,
                        previousTaskDefinition);
        if (restoring == null && unknownDeployment && verdict == Verdict.STABLE) {
            // Stable on a deployment that existed before the update is not this rollout's success.
            verdict = Verdict.IN_PROGRESS;
        }
        List<ServiceEvent> fresh = new ArrayList<>();
        for (ServiceEvent e : answer.events()) {
            // A checkpoint keeps milliseconds: compare in milliseconds, or an event of the cutoff's own millisecond
            // with a finer time would be told again on every check.
            boolean old = !baselineTaken && e.createdAt() != null && (eventsCutoff != null
                    ? !e.createdAt().truncatedTo(ChronoUnit.MILLIS).isAfter(eventsCutoff.truncatedTo(ChronoUnit.MILLIS))
                    : e.createdAt().isBefore(since));
            if (seenEventIds.add(eventKey(e)) && !old) {
                fresh.add(e);
            }
            noteEventTime(e);
        }
        baselineTaken = true;
        // ECS lists events newest first: reversed, then stably sorted by time, events of one instant stay in order.
        Collections.reverse(fresh);
        fresh.sort(Comparator.comparing((ServiceEvent e) -> e.createdAt() == null ? Instant.MIN : e.createdAt()));
        events.addAll(fresh);
        boolean becameStable = verdict == Verdict.STABLE && !sawStable;
        sawStable |= becameStable;
        DeploymentLifecycleHookDetail paused = Verdicts.pausedHook(serviceDeployment)
                .filter(h -> pausesHeard.add(String.valueOf(h.hookId()))).orElse(null);
        boolean changed = verdict != before || differs(previous, answer) || differs(previousDeployment, deployment);
        return new Change(before, verdict, changed, becameStable, fresh, paused);
    }

    /** Records that DescribeServices reported this service MISSING. */
    synchronized Change observeMissing() {
        Verdict before = verdict;
        verdict = Verdict.MISSING;
        return new Change(before, verdict, before != verdict, false, List.of(), null);
    }

    synchronized void stoppedTasks(List<Task> tasks, String unavailableReason) {
        this.stoppedTasks = List.copyOf(tasks);
        this.stoppedTasksUnavailableReason = unavailableReason;
    }

    synchronized Verdict verdict() {
        return verdict;
    }

    synchronized Service last() {
        return last;
    }

    synchronized String expectedDeploymentId() {
        return expectedDeploymentId;
    }

    synchronized Instant updateSentAt() {
        return updateSentAt;
    }

    synchronized String serviceDeploymentArn() {
        return serviceDeploymentArn;
    }

    synchronized ServiceDeployment serviceDeployment() {
        return serviceDeployment;
    }

    /**
     * Makes this target watch ECS rolling a deployment back: it is restored when that service deployment is
     * ROLLBACK_SUCCESSFUL, or (without one) when the service is stable on {@code previousTaskDefinition}.
     */
    synchronized void watchRollback(String previousTaskDefinition, String serviceDeploymentArn) {
        restoring = previousTaskDefinition;
        this.serviceDeploymentArn = serviceDeploymentArn;
    }

    /** Whether this target watches a rollback ECS performs. */
    synchronized boolean watchesRollback() {
        return restoring != null;
    }

    synchronized void rollbackAction(ServiceState.RollbackAction action) {
        rollbackAction = action;
    }

    /** Adopts the service deployment this rollout started, once found by its revision. */
    synchronized void serviceDeploymentFound(String arn) {
        serviceDeploymentArn = arn;
    }

    /** Whether a {@code currentServiceDeployment} ARN already turned out to name another deployment. */
    synchronized boolean isRejectedHint(String arn) {
        return rejectedHints.contains(arn);
    }

    synchronized void rejectHint(String arn) {
        rejectedHints.add(arn);
    }

    /** Counts a lookup that found nothing; returns how many have so far. */
    synchronized int lookupFoundNothing() {
        return ++fruitlessLookups;
    }

    /** Records that this service's deployment cannot be looked up, and why. */
    synchronized void noServiceDeployment(String why) {
        noServiceDeployment = why;
    }

    /** Why this service's deployment cannot be looked up, or {@code null} while it can. */
    synchronized String whyNoServiceDeployment() {
        return noServiceDeployment;
    }

    synchronized ServiceState state() {
        return ServiceState.builder()
                .cluster(cluster)
                .service(service)
                .verdict(verdict)
                .lastObserved(last)
                .expectedDeploymentId(expectedDeploymentId)
                .events(events)
                .stoppedTasks(stoppedTasks)
                .stoppedTasksUnavailableReason(stoppedTasksUnavailableReason)
                .serviceDeployment(serviceDeployment)
                .rollbackAction(rollbackAction)
                .build();
    }

    private static boolean differs(Service a, Service b) {
        if (a == null) {
            return true;
        }
        return !Objects.equals(a.status(), b.status())
                || !Objects.equals(a.runningCount(), b.runningCount())
                || !Objects.equals(a.desiredCount(), b.desiredCount())
                || !Objects.equals(a.pendingCount(), b.pendingCount())
                || a.deployments().size() != b.deployments().size()
                || !Objects.equals(rolloutStates(a), rolloutStates(b));
    }

    private static boolean differs(ServiceDeployment before, ServiceDeployment now) {
        if (now == null) {
            return false;
        }
        return before == null || before.status() != now.status() || before.lifecycleStage() != now.lifecycleStage()
                || !before.lifecycleHookDetails().equals(now.lifecycleHookDetails());
    }

    private static List<String> rolloutStates(Service s) {
        return s.deployments().stream().map(d -> d.id() + "=" + d.rolloutStateAsString()).toList();
    }

    private static String eventKey(ServiceEvent e) {
        return e.id() != null ? e.id() : e.createdAt() + "|" + e.message();
    }
}
