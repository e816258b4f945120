package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;

/**
 * Applies one DescribeServices answer (and, where they decide, the services' service deployments) to the services of
 * a chunk: records each observation, tells the listener and the log, and ends the wait with an {@link Abort} on the
 * first terminal verdict. The verdicts themselves are {@link Verdicts}'; this is where they meet a rollout's state.
 */
final class Judge {

    private final Notifier notifier;
    /** Events older than this on a service's first observation were there before the rollout. */
    private final Instant since;
    /** Where service deployments come from; {@code null} when the run judges from DescribeServices alone. */
    private final ServiceDeployments deployments;
    private final ServiceDeploymentLifecycleStage succeedAtStage;

    Judge(Notifier notifier, Instant since, ServiceDeployments deployments,
            ServiceDeploymentLifecycleStage succeedAtStage) {
        this.notifier = notifier;
        this.since = since;
        this.deployments = deployments;
        this.succeedAtStage = succeedAtStage;
    }

    /**
     * Judges one DescribeServices answer for the services of a chunk that were asked about (describing their service
     * deployments first where that changes the verdict), and returns the chunk's own view for the waiter: a service
     * judged STABLE meets the waiter's stable rule in it, any other does not. Throws {@link Abort} on a terminal
     * verdict.
     *
     * @throws InterruptedException when interrupted while describing service deployments
     */
    DescribeServicesResponse judge(List<Target> chunk, List<Target> asked, DescribeServicesResponse answer)
            throws InterruptedException {
        Map<String, Target> byKey = new HashMap<>();
        asked.forEach(t -> byKey.put(t.key, t));
        Map<Target, Service> answered = new LinkedHashMap<>();
        for (Service s : answer.services()) {
            Target t = byKey.get(Target.keyOf(s));
            if (t != null) {
                answered.put(t, s);
            }
        }
        Map<Target, ServiceDeployment> described = describeWhereNeeded(answered);
        Map<Target, Target.Change> changes = new LinkedHashMap<>();
        answered.forEach((t, s) -> changes.put(t, t.observe(s, described.get(t), since, succeedAtStage)));
        Failure otherFailure = null;
        for (Failure f : answer.failures()) {
            // A batched answer also carries other chunks' failures: only this chunk's are judged here.
            Target t = byKey.get(Target.keyOf(f, chunk.get(0).clusterKey));
            if (t != null && "MISSING".equals(f.reason())) {
                changes.put(t, t.observeMissing());
            } else if (t != null && otherFailure == null) {
                otherFailure = f;
            }
        }
        changes.forEach(notifier::observed);
        for (Target t : asked) {
            Verdict v = t.verdict();
            if (v.isTerminal()) {
                throw new Abort(reasonFor(v), headline(v, t));
            }
        }
        if (otherFailure != null) {
            throw new Abort(Reason.API_ERROR, "DescribeServices reported " + otherFailure.reason() + " for "
                    + otherFailure.arn() + (otherFailure.detail() == null ? "" : ": " + otherFailure.detail()));
        }
        List<String> unanswered = asked.stream().filter(t -> !changes.containsKey(t)).map(t -> t.service).toList();
        if (!unanswered.isEmpty()) {
            throw new Abort(Reason.API_ERROR, "DescribeServices said nothing about " + unanswered);
        }
        return DescribeServicesResponse.builder().services(chunk.stream().map(Judge::waiterView).toList()).build();
    }

    /** Describes the service deployments of the answered services whose verdict depends on them. */
    private Map<Target, ServiceDeployment> describeWhereNeeded(Map<Target, Service> answered)
            throws InterruptedException {
        if (deployments == null || !deployments.isAvailable()) {
            return Map.of();
        }
        Map<Target, Service> needed = new LinkedHashMap<>();
        answered.forEach((t, s) -> {
            String expected = t.expectedDeploymentId();
            Verdict fromServices = Verdicts.evaluate(s, null, expected, succeedAtStage);
            boolean watchingRollback = t.watchesRollback() && t.serviceDeploymentArn() != null;
            // A known ARN (found earlier, or carried by a checkpoint) means the verdict was found to depend on it.
            if (watchingRollback || (expected != null && (t.serviceDeployment() != null
                    || t.serviceDeploymentArn() != null
                    || Verdicts.needsServiceDeployment(s, fromServices, succeedAtStage)))) {
                needed.put(t, s);
            }
        });
        return deployments.describe(needed);
    }

    /**
     * What the SDK waiter sees of a service: our verdict in the shape of its rule (exactly one deployment and as many
     * running as desired means stable), so that the waiter ends when we judge every service stable, and only then.
     */
    private static Service waiterView(Target t) {
        boolean stable = t.verdict() == Verdict.STABLE;
        return Service.builder().serviceName(t.key).status("ACTIVE")
                .deployments(Deployment.builder().id("judged").status("PRIMARY").build())
                .desiredCount(1).runningCount(stable ? 1 : 0).build();
    }

    static Reason reasonFor(Verdict v) {
        switch (v) {
            case DEPLOYMENT_FAILED: return Reason.DEPLOYMENT_FAILED;
            case ROLLED_BACK: return Reason.ROLLED_BACK;
            case SUPERSEDED: return Reason.SUPERSEDED;
            case MISSING: return Reason.SERVICE_MISSING;
            case INACTIVE: return Reason.SERVICE_INACTIVE;
            case UNSUPPORTED: return Reason.UNSUPPORTED_SERVICE;
            default: throw new IllegalArgumentException("not a terminal verdict: " + v);
        }
    }

    private static String headline(Verdict v, Target t) {
        ServiceState s = t.state();
        switch (v) {
            case DEPLOYMENT_FAILED:
                if (s.serviceDeployment().map(d -> d.status() == ServiceDeploymentStatus.ROLLBACK_FAILED)
                        .orElse(false)) {
                    return "the deployment " + s.expectedDeploymentId().orElse("") + " of " + t.service
                            + " failed and so did ECS's rollback of it: what " + t.service
                            + " runs now is unknown, look at it";
                }
                return "the deployment " + s.expectedDeploymentId().or(() -> s.watchedDeployment().map(d -> d.id()))
                        .orElse("") + " of " + t.service + " failed";
            case ROLLED_BACK:
                return s.serviceDeployment().isPresent()
                        ? "ECS rolled back the deployment " + s.expectedDeploymentId().orElse("") + " of " + t.service
                                + " (service deployment " + s.serviceDeployment().get().statusAsString() + ")"
                        : "the deployment " + s.expectedDeploymentId().orElse("") + " of " + t.service
                                + " was rolled back or replaced; " + t.service + " now runs " + s.taskDefinition();
            case SUPERSEDED:
                return "the deployment " + s.expectedDeploymentId().orElse("") + " of " + t.service
                        + " was replaced by another deployment (not this rollout's); " + t.service + " now deploys "
                        + s.taskDefinition();
            case MISSING:
                return "service " + t.service + " is MISSING";
            case INACTIVE:
                return "service " + t.service + " is " + s.status().orElse("INACTIVE");
            default:
                return "service " + t.service + " uses the " + t.last().deploymentController().typeAsString()
                        + " deployment controller, whose task sets the stable condition cannot see";
        }
    }
}
