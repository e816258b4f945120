package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.report.Headlines;
import io.github.ecsrollout.internal.report.Notifier;
import io.github.ecsrollout.internal.state.Change;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.verdict.Reasons;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;

/**
 * Applies one DescribeServices answer (and the service deployments described with it) to the services of a chunk:
 * records each observation, tells the listener and the log, and says whether a verdict ends the wait. The verdicts
 * themselves are {@code ServiceVerdicts}'; this is where they meet a rollout's state.
 */
final class Judge {

    private final Notifier notifier;
    /** Events older than this on a service's first observation were there before the rollout. */
    private final Instant since;
    private final ServiceDeploymentLifecycleStage succeedAtStage;

    Judge(Notifier notifier, Instant since, ServiceDeploymentLifecycleStage succeedAtStage) {
        this.notifier = notifier;
        this.since = since;
        this.succeedAtStage = succeedAtStage;
    }

    /**
     * Judges one answer for the services of a chunk that were asked about.
     *
     * @param answer ECS's answer, possibly about other chunks' services too (only this chunk's are judged)
     * @param described service deployments described in this poll, by service
     * @return how the chunk's wait ends: {@link WatchOutcome#STABLE} once all its services are stable, a failure on
     *     a terminal verdict or an answer that says nothing about a service, or {@code null} to poll again
     */
    WatchOutcome judge(Chunk chunk, List<TrackedService> asked, DescribeServicesResponse answer,
            Map<TrackedService, ServiceDeployment> described) {
        Map<String, TrackedService> byKey = new HashMap<>();
        asked.forEach(t -> byKey.put(t.id().key(), t));
        Map<TrackedService, Change> changes = new LinkedHashMap<>();
        for (Service s : answer.services()) {
            TrackedService t = byKey.get(EcsIds.keyOf(s));
            if (t != null) {
                changes.put(t, t.observe(s, described.get(t), since, succeedAtStage));
            }
        }
        Failure otherFailure = null;
        for (Failure f : answer.failures()) {
            // A shared answer also carries other chunks' failures: only this chunk's are judged here.
            TrackedService t = byKey.get(EcsIds.keyOf(f, chunk.clusterKey()));
            if (t != null && "MISSING".equals(f.reason())) {
                changes.put(t, t.observeMissing());
            } else if (t != null && otherFailure == null) {
                otherFailure = f;
            }
        }
        changes.forEach(notifier::observed);
        for (TrackedService t : asked) {
            Verdict v = t.verdict();
            if (v.isTerminal()) {
                return WatchOutcome.failure(Reasons.of(v), Headlines.of(v, t.state()), null);
            }
        }
        if (otherFailure != null) {
            return WatchOutcome.failure(Reason.API_ERROR, "DescribeServices reported " + otherFailure.reason()
                    + " for " + otherFailure.arn() + (otherFailure.detail() == null ? ""
                            : ": " + otherFailure.detail()), null);
        }
        List<String> unanswered = asked.stream().filter(t -> !changes.containsKey(t)).map(t -> t.id().service())
                .toList();
        if (!unanswered.isEmpty()) {
            return WatchOutcome.failure(Reason.API_ERROR, "DescribeServices said nothing about " + unanswered, null);
        }
        return chunk.allStable() ? WatchOutcome.STABLE : null;
    }
}
