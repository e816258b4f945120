package io.github.ecsrollout.internal;

import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentBrief;

/**
 * Finds and describes the service deployments a rollout started, for the services whose verdict depends on them.
 *
 * <p>UpdateService names no service deployment, so one is found by the only link ECS keeps: the DescribeServices
 * deployment {@code ecs-svc/N} runs the service revision {@code .../N}, which is a service deployment's target. The
 * service's {@code currentServiceDeployment} is tried first as a hint while the rollout's deployment is PRIMARY (it
 * can be stale, so only a matching target counts), then ListServiceDeployments for deployments created since the
 * update was sent. Descriptions of up to 20 service deployments, of any chunk, share one DescribeServiceDeployments
 * call; no service is described twice in a poll. These calls have their own pacing (ECS gives them their own throttle
 * bucket).
 *
 * <p>None of this ever fails a rollout: an access denial (or an ECS without this API) is logged once at WARN and
 * the rollout goes on from DescribeServices alone; any other error leaves the service deployment as last known
 * until the next poll.
 */
final class ServiceDeployments {

    /** DescribeServiceDeployments takes at most this many ARNs. */
    static final int MAX_PER_CALL = 20;
    /** How far before the update a service deployment may seem created, so a skewed local clock still finds it. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    /** Lookups that find nothing before ECS is taken to keep no history for the service. */
    static final int MAX_FRUITLESS_LOOKUPS = 5;
    /** Pages of ListServiceDeployments read per lookup. */
    private static final int MAX_PAGES = 3;
    private static final String BATCH_KEY = "service-deployments";
    private static final Set<String> UNAVAILABLE_CODES = Set.of("AccessDeniedException", "AccessDenied",
            "UnauthorizedOperation", "UnknownOperationException", "UnsupportedFeatureException", "InvalidAction");

    private final EcsClient ecs;
    private final CallPacer pacer;
    private final Deadline deadline;
    private final CallBatcher<DescribeServiceDeploymentsResponse> describes;
    /** Why this run cannot use the API at all, or {@code null} while it can. */
    private final AtomicReference<String> unavailable = new AtomicReference<>();

    ServiceDeployments(EcsClient ecs, CallPacer pacer, Deadline deadline, long windowNanos) {
        this.ecs = ecs;
        this.pacer = pacer;
        this.deadline = deadline;
        this.describes = new CallBatcher<>(MAX_PER_CALL, windowNanos, (unused, arns) -> {
            if (!pacer.acquire(deadline.remainingNanos())) {
                return null;
            }
            return ecs.describeServiceDeployments(deadline.bound(DescribeServiceDeploymentsRequest.builder()
                    .serviceDeploymentArns(arns)).build());
        });
    }

    /** Whether the API may still be used in this run. */
    boolean isAvailable() {
        return unavailable.get() == null;
    }

    /** Why the API cannot be used in this run, or {@code null}. */
    String whyUnavailable() {
        return unavailable.get();
    }

    /** A chunk started polling: description batches wait for it. */
    void chunkStarted() {
        describes.chunkStarted(BATCH_KEY);
    }

    /** A chunk stopped polling. */
    void chunkFinished() {
        describes.chunkFinished(BATCH_KEY);
    }

    /**
     * Finds (where not yet known) and describes the service deployment of each given target.
     *
     * @param answers each target to look at, with its DescribeServices answer of this poll
     * @return the service deployments described in this poll, by target (targets without one are absent)
     * @throws InterruptedException when interrupted
     * @throws RuntimeException a call cut short by the rollout's deadline, for the caller to end the wait
     */
    Map<Target, ServiceDeployment> describe(Map<Target, Service> answers) throws InterruptedException {
        Map<Target, ServiceDeployment> described = new HashMap<>();
        Map<Target, Service> misled = describeOnce(answers, described);
        // The service's current deployment is another one. Where DescribeServices alone would call ours ROLLED_BACK
        // (gone, or no longer PRIMARY, and nothing says why), find ours now, in this poll: the verdict will not wait
        // for the next one, and it may be SUPERSEDED (someone else's deployment), which a rollback must leave alone.
        misled.entrySet().removeIf(e -> Verdicts.evaluate(e.getValue(), e.getKey().expectedDeploymentId())
                != Verdict.ROLLED_BACK);
        if (!misled.isEmpty()) {
            describeOnce(misled, described);
        }
        return described;
    }

    /**
     * One round of {@link #describe}: adds what it described to {@code described}, and returns the targets (with
     * their answers) whose {@code currentServiceDeployment} hint turned out to name another deployment.
     */
    private Map<Target, Service> describeOnce(Map<Target, Service> answers, Map<Target, ServiceDeployment> described)
            throws InterruptedException {
        Map<Target, Service> misled = new LinkedHashMap<>();
        if (!isAvailable() || answers.isEmpty()) {
            return misled;
        }
        Map<String, Target> byArn = new LinkedHashMap<>();
        Map<String, Target> hints = new HashMap<>();
        for (Map.Entry<Target, Service> e : answers.entrySet()) {
            Target t = e.getKey();
            String arn = t.serviceDeploymentArn();
            if ((arn == null && t.expectedDeploymentId() == null) || t.whyNoServiceDeployment() != null) {
                continue;
            }
            if (arn == null) {
                // Once another deployment is PRIMARY (the circuit breaker's rollback, someone else's update), the
                // service's currentServiceDeployment is that one's: only the lookup finds ours on the poll that
                // decides, and a stale hint would cost that poll its answer.
                String hint = t.expectedDeploymentId().equals(Verdicts.primaryId(e.getValue()))
                        ? e.getValue().currentServiceDeployment() : null;
                if (hint != null && !t.isRejectedHint(hint) && !byArn.containsKey(hint)) {
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
        for (int i = 0; i < arns.size() && isAvailable(); i += MAX_PER_CALL) {
            List<String> batch = arns.subList(i, Math.min(arns.size(), i + MAX_PER_CALL));
            DescribeServiceDeploymentsResponse answer = call(() -> describes.submit(BATCH_KEY, "", batch));
            if (answer == null) {
                continue;
            }
            for (ServiceDeployment sd : answer.serviceDeployments()) {
                Target t = byArn.get(sd.serviceDeploymentArn());
                if (t == null) {
                    continue;
                }
                if (hints.containsKey(sd.serviceDeploymentArn())) {
                    String revision = sd.targetServiceRevision() == null ? null : sd.targetServiceRevision().arn();
                    if (!Verdicts.isRevisionOf(revision, t.expectedDeploymentId())) {
                        // A stale hint, or a newer deployment: not the one this rollout started.
                        t.rejectHint(sd.serviceDeploymentArn());
                        misled.put(t, answers.get(t));
                        continue;
                    }
                    t.serviceDeploymentFound(sd.serviceDeploymentArn());
                }
                described.put(t, sd);
            }
            for (Failure f : answer.failures()) {
                Target t = f.arn() == null ? null : byArn.get(f.arn());
                if (t != null && hints.containsKey(f.arn())) {
                    t.rejectHint(f.arn());
                } else if (t != null) {
                    // History is kept only for deployments created since late 2024: judge this one without it.
                    t.noServiceDeployment("DescribeServiceDeployments reported " + f.reason() + " for " + f.arn());
                }
            }
        }
        return misled;
    }

    /** Looks for the target's service deployment among those created since its update; {@code null} if not found. */
    private String find(Target t) throws InterruptedException {
        Instant sent = t.updateSentAt();
        String token = null;
        for (int page = 0; page < MAX_PAGES && isAvailable(); page++) {
            ListServiceDeploymentsRequest.Builder request = ListServiceDeploymentsRequest.builder()
                    .cluster(t.cluster).service(t.service).nextToken(token);
            if (sent != null) {
                request.createdAt(c -> c.after(sent.minus(CLOCK_SKEW)));
            }
            ListServiceDeploymentsResponse answer = call(() -> pacer.acquire(deadline.remainingNanos())
                    ? ecs.listServiceDeployments(deadline.bound(request).build()) : null);
            if (answer == null) {
                return null;
            }
            for (ServiceDeploymentBrief brief : answer.serviceDeployments()) {
                if (Verdicts.isRevisionOf(brief.targetServiceRevisionArn(), t.expectedDeploymentId())) {
                    t.serviceDeploymentFound(brief.serviceDeploymentArn());
                    return brief.serviceDeploymentArn();
                }
            }
            token = answer.nextToken();
            if (token == null) {
                break;
            }
        }
        if (t.lookupFoundNothing() >= MAX_FRUITLESS_LOOKUPS) {
            // ECS is eventually consistent, but not for this long: it keeps no history of this deployment.
            t.noServiceDeployment("ListServiceDeployments found no service deployment for "
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
            if (deadline.cutShort(e) || Causes.isInterruption(e)) {
                throw e;
            }
            AwsServiceException denied = Causes.find(e, AwsServiceException.class);
            if (denied != null && (denied.statusCode() == 403 || (denied.awsErrorDetails() != null
                    && UNAVAILABLE_CODES.contains(denied.awsErrorDetails().errorCode())))) {
                String why = denied.awsErrorDetails() != null && denied.awsErrorDetails().errorCode() != null
                        ? denied.awsErrorDetails().errorCode() + ": " + denied.awsErrorDetails().errorMessage()
                        : e.getMessage();
                if (unavailable.compareAndSet(null, why)) {
                    Notifier.log().warn("Service deployments cannot be read ({}); judging services from "
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
