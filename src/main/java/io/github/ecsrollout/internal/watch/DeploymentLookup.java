package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.io.EcsErrors;
import io.github.ecsrollout.internal.io.EcsPort;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.model.EcsLimits;
import io.github.ecsrollout.internal.report.Logs;
import io.github.ecsrollout.internal.state.DeploymentTrail;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.time.Deadline;
import io.github.ecsrollout.internal.verdict.DeploymentRules;
import io.github.ecsrollout.internal.verdict.OurDeployment;
import io.github.ecsrollout.internal.verdict.ServiceVerdicts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentBrief;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;

/**
 * Finds and describes the service deployments a rollout started, for the services whose verdict depends on them.
 *
 * <p>UpdateService names no service deployment, so one is found by the only link ECS keeps: the DescribeServices
 * deployment {@code ecs-svc/N} runs the service revision {@code .../N}, which is a service deployment's target. The
 * service's {@code currentServiceDeployment} is tried first as a hint while the rollout's deployment is PRIMARY (it
 * can be stale, so only a matching target counts), then ListServiceDeployments for deployments created since the
 * update was sent. Up to 20 service deployments share one DescribeServiceDeployments call. These calls have their own
 * pacing (ECS gives them their own throttle bucket).
 *
 * <p>None of this ever fails a rollout: an access denial (or an ECS without this API) is logged once at WARN and
 * the rollout goes on from DescribeServices alone; any other error leaves the service deployment as last known
 * until the next poll. Thread-safe: chunks polled at once share one lookup.
 */
public final class DeploymentLookup {

    /** Lookups that find nothing before ECS is taken to keep no history for the service. */
    static final int MAX_FRUITLESS_LOOKUPS = 5;
    /** Pages of ListServiceDeployments read per lookup. */
    private static final int MAX_PAGES = 3;

    private final EcsPort ecs;
    private final Deadline deadline;
    /** Whether to look at all: a wait without an update of its own judges from DescribeServices alone. */
    private final boolean enabled;
    /** Why this run cannot use the API at all, or {@code null} while it can. */
    private final AtomicReference<String> unavailable = new AtomicReference<>();

    private DeploymentLookup(EcsPort ecs, Deadline deadline, boolean enabled) {
        this.ecs = ecs;
        this.deadline = deadline;
        this.enabled = enabled;
    }

    /** Looks up service deployments with calls bounded by the deadline. */
    public DeploymentLookup(EcsPort ecs, Deadline deadline) {
        this(ecs, deadline, true);
    }

    /** Looks up nothing: services are judged from DescribeServices alone (no deployment is the call's own). */
    public static DeploymentLookup none() {
        return new DeploymentLookup(null, Deadline.none(), false);
    }

    /** Why the API cannot be used in this run, or {@code null}. */
    public String whyUnavailable() {
        return unavailable.get();
    }

    private boolean isAvailable() {
        return unavailable.get() == null;
    }

    /**
     * The answered services whose verdict depends on their service deployment: one known already (found earlier,
     * carried by a checkpoint, or watched in a rollback), or one whose answer makes it worth asking about.
     */
    Map<TrackedService, Service> needed(Map<TrackedService, Service> answered,
            ServiceDeploymentLifecycleStage succeedAtStage) {
        Map<TrackedService, Service> needed = new LinkedHashMap<>();
        if (!enabled || !isAvailable()) {
            return needed;
        }
        answered.forEach((t, s) -> {
            String expected = t.expectedDeploymentId();
            String arn = t.trail().arn();
            Verdict fromServices = ServiceVerdicts.evaluate(s, null, expected, succeedAtStage);
            if ((t.watchesRollback() && arn != null) || (expected != null && (t.serviceDeployment() != null
                    || arn != null || OurDeployment.needsServiceDeployment(s, fromServices, succeedAtStage)))) {
                needed.put(t, s);
            }
        });
        return needed;
    }

    /**
     * Finds (where not yet known) and describes the service deployment of each given service.
     *
     * @param answers each service to look at, with its DescribeServices answer of this poll
     * @return the service deployments described, by service (services without one are absent)
     * @throws InterruptedException when interrupted
     * @throws RuntimeException a call cut short by the rollout's deadline, or interrupted, to end the wait
     */
    public Map<TrackedService, ServiceDeployment> describe(Map<TrackedService, Service> answers)
            throws InterruptedException {
        Map<TrackedService, ServiceDeployment> described = new HashMap<>();
        Map<TrackedService, Service> misled = describeOnce(answers, described);
        // The service's current deployment is another one. Where DescribeServices alone would call ours ROLLED_BACK
        // (gone, or no longer PRIMARY, and nothing says why), find ours now, in this poll: the verdict will not wait
        // for the next one, and it may be SUPERSEDED (someone else's deployment), which a rollback must leave alone.
        misled.entrySet().removeIf(e -> ServiceVerdicts.evaluate(e.getValue(), e.getKey().expectedDeploymentId())
                != Verdict.ROLLED_BACK);
        if (!misled.isEmpty()) {
            describeOnce(misled, described);
        }
        return described;
    }

    /**
     * One round of {@link #describe}: adds what it described to {@code described}, and returns the services (with
     * their answers) whose {@code currentServiceDeployment} hint turned out to name another deployment.
     */
    private Map<TrackedService, Service> describeOnce(Map<TrackedService, Service> answers,
            Map<TrackedService, ServiceDeployment> described) throws InterruptedException {
        Map<TrackedService, Service> misled = new LinkedHashMap<>();
        if (!enabled || !isAvailable() || answers.isEmpty()) {
            return misled;
        }
        Map<String, TrackedService> byArn = new LinkedHashMap<>();
        Map<String, TrackedService> hints = new HashMap<>();
        for (Map.Entry<TrackedService, Service> e : answers.entrySet()) {
            TrackedService t = e.getKey();
            DeploymentTrail trail = t.trail();
            String arn = trail.arn();
            if ((arn == null && t.expectedDeploymentId() == null) || trail.whyNone() != null) {
                continue;
            }
            if (arn == null) {
                // Once another deployment is PRIMARY (the circuit breaker's rollback, someone else's update), the
                // service's currentServiceDeployment is that one's: only the lookup finds ours on the poll that
                // decides, and a stale hint would cost that poll its answer.
                String hint = t.expectedDeploymentId().equals(DeploymentRules.primaryId(e.getValue()))
                        ? e.getValue().currentServiceDeployment() : null;
                if (hint != null && !trail.isRejectedHint(hint) && !byArn.containsKey(hint)) {
                    hints.put(hint, t);
                    arn = hint;
                } else {
                    arn = find(t);
                }
            }
            if (arn != null && isAvailable()) {
                byArn.put(arn, t);
            }
        }
        List<String> arns = new ArrayList<>(byArn.keySet());
        for (int i = 0; i < arns.size() && isAvailable(); i += EcsLimits.SERVICE_DEPLOYMENTS_PER_DESCRIBE) {
            List<String> batch = arns.subList(i, Math.min(arns.size(), i + EcsLimits.SERVICE_DEPLOYMENTS_PER_DESCRIBE));
            DescribeServiceDeploymentsResponse answer = call(() -> ecs.serviceDeploymentTurn(deadline)
                    ? ecs.describeServiceDeployments(batch, deadline) : null);
            if (answer != null) {
                take(answer, byArn, hints, answers, described, misled);
            }
        }
        return misled;
    }

    /** Takes one DescribeServiceDeployments answer: what it describes, the hints it refutes, what it cannot find. */
    private static void take(DescribeServiceDeploymentsResponse answer, Map<String, TrackedService> byArn,
            Map<String, TrackedService> hints, Map<TrackedService, Service> answers,
            Map<TrackedService, ServiceDeployment> described, Map<TrackedService, Service> misled) {
        for (ServiceDeployment sd : answer.serviceDeployments()) {
            TrackedService t = byArn.get(sd.serviceDeploymentArn());
            if (t == null) {
                continue;
            }
            if (hints.containsKey(sd.serviceDeploymentArn())) {
                String revision = sd.targetServiceRevision() == null ? null : sd.targetServiceRevision().arn();
                if (!EcsIds.isRevisionOf(revision, t.expectedDeploymentId())) {
                    // A stale hint, or a newer deployment: not the one this rollout started.
                    t.trail().rejectHint(sd.serviceDeploymentArn());
                    misled.put(t, answers.get(t));
                    continue;
                }
                t.trail().found(sd.serviceDeploymentArn());
            }
            described.put(t, sd);
        }
        for (Failure f : answer.failures()) {
            TrackedService t = f.arn() == null ? null : byArn.get(f.arn());
            if (t != null && hints.containsKey(f.arn())) {
                t.trail().rejectHint(f.arn());
            } else if (t != null) {
                // History is kept only for deployments created since late 2024: judge this one without it.
                t.trail().noneToFind("DescribeServiceDeployments reported " + f.reason() + " for " + f.arn());
            }
        }
    }

    /** Looks for the service's deployment among those created since its update; {@code null} if not found. */
    private String find(TrackedService t) throws InterruptedException {
        Instant sent = t.updateSentAt();
        Instant after = sent == null ? null : sent.minus(EcsLimits.SERVICE_DEPLOYMENT_LOOKBACK);
        String token = null;
        for (int page = 0; page < MAX_PAGES && isAvailable(); page++) {
            String pageToken = token;
            ListServiceDeploymentsResponse answer = call(() -> ecs.serviceDeploymentTurn(deadline)
                    ? ecs.listServiceDeployments(t.id().cluster(), t.id().service(), after, pageToken, deadline)
                    : null);
            if (answer == null) {
                return null;
            }
            for (ServiceDeploymentBrief brief : answer.serviceDeployments()) {
                if (EcsIds.isRevisionOf(brief.targetServiceRevisionArn(), t.expectedDeploymentId())) {
                    t.trail().found(brief.serviceDeploymentArn());
                    return brief.serviceDeploymentArn();
                }
            }
            token = answer.nextToken();
            if (token == null) {
                break;
            }
        }
        if (t.trail().lookupFoundNothing() >= MAX_FRUITLESS_LOOKUPS) {
            // ECS is eventually consistent, but not for this long: it keeps no history of this deployment.
            t.trail().noneToFind("ListServiceDeployments found no service deployment for "
                    + t.expectedDeploymentId() + " in " + MAX_FRUITLESS_LOOKUPS + " lookups");
        }
        return null;
    }

    private interface EcsCall<R> {
        R call() throws InterruptedException;
    }

    /**
     * Makes a call; {@code null} when it failed in a way that only costs this poll its answer (the API off limits is
     * remembered, so it is not asked again in this run).
     */
    private <R> R call(EcsCall<R> call) throws InterruptedException {
        try {
            return call.call();
        } catch (RuntimeException e) {
            if (EcsErrors.cutShort(e, deadline) || EcsErrors.isInterruption(e)) {
                throw e;
            }
            String why = EcsErrors.unavailable(e);
            if (why != null) {
                if (unavailable.compareAndSet(null, why)) {
                    Logs.ROLLOUT.warn("Service deployments cannot be read ({}); judging services from "
                            + "DescribeServices alone. Grant ecs:ListServiceDeployments and "
                            + "ecs:DescribeServiceDeployments for verdicts on blue/green, linear, canary, alarms, "
                            + "hooks and early success.", why);
                }
                return null;
            }
            Logs.POLLS.debug("A service-deployment call failed; trying again on the next poll", e);
            return null;
        }
    }
}
