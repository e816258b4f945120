package io.github.ecsrollout.internal;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Applies one DescribeServices answer to the services of a chunk: records each observation, tells the listener and
 * the log, and ends the wait with an {@link Abort} on the first terminal verdict. The verdicts themselves are
 * {@link Verdicts}'; this is where they meet a rollout's state.
 */
final class Judge {

    private final Notifier notifier;
    /** Events older than this on a service's first observation were there before the rollout. */
    private final Instant since;

    Judge(Notifier notifier, Instant since) {
        this.notifier = notifier;
        this.since = since;
    }

    /**
     * Judges one DescribeServices answer for the services of a chunk that were asked about, and returns the chunk's
     * own view for the waiter: each of its services as last observed (a service already confirmed stable is not asked
     * about again). Throws {@link Abort} on a terminal verdict.
     */
    DescribeServicesResponse judge(List<Target> chunk, List<Target> asked, DescribeServicesResponse answer) {
        Map<String, Target> byKey = new HashMap<>();
        asked.forEach(t -> byKey.put(t.key, t));
        Map<Target, Target.Change> changes = new LinkedHashMap<>();
        for (Service s : answer.services()) {
            Target t = byKey.get(Target.keyOf(s));
            if (t != null) {
                changes.put(t, t.observe(s, since));
            }
        }
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
        return DescribeServicesResponse.builder().services(chunk.stream().map(Target::last).toList()).build();
    }

    static Reason reasonFor(Verdict v) {
        switch (v) {
            case DEPLOYMENT_FAILED: return Reason.DEPLOYMENT_FAILED;
            case ROLLED_BACK: return Reason.ROLLED_BACK;
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
                return "the deployment " + s.watchedDeployment().map(d -> d.id()).orElse("") + " of " + t.service
                        + " failed";
            case ROLLED_BACK:
                return "the deployment " + s.expectedDeploymentId().orElse("") + " of " + t.service
                        + " was rolled back or replaced; " + t.service + " now runs " + s.taskDefinition();
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
