package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.io.ChunkedDescribe;
import io.github.ecsrollout.internal.report.Headlines;
import io.github.ecsrollout.internal.report.Listing;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.verdict.DeploymentRules;
import io.github.ecsrollout.internal.verdict.Deployable;
import io.github.ecsrollout.internal.verdict.Reasons;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Reads every service of a rollout before its first update, 10 services per DescribeServices call, and refuses the
 * rollout, nothing updated, when one is missing, not ACTIVE or not deployed by ECS itself (a plan gets the refusals
 * instead); with {@code rollbackOnFailure}, keeps each service's PRIMARY task definition for the rollback.
 */
final class ServicesBeforeUpdate {

    private static final String READING = "the services before updating them";

    private final RunRecord run;

    ServicesBeforeUpdate(RunRecord run) {
        this.run = run;
    }

    /**
     * What reading the services found.
     *
     * @param read each service that may be rolled out, as ECS describes it now
     * @param refused each service that may not (its verdict says why), in the caller's order
     */
    record Found(Map<TrackedService, Service> read, List<TrackedService> refused) {
    }

    /**
     * Reads every service, chunk after chunk; every chunk is read, so that one failure names every service refused.
     *
     * @return each service as ECS describes it now
     * @throws RunFailure SERVICE_MISSING, SERVICE_INACTIVE or UNSUPPORTED_SERVICE (the first service refused decides)
     *     when a service may not be rolled out; TIMED_OUT, INTERRUPTED or API_ERROR when the services cannot be read
     */
    Map<TrackedService, Service> read() {
        Found found = readAll();
        if (!found.refused().isEmpty()) {
            throw refusal(found.refused());
        }
        return found.read();
    }

    /**
     * Reads every service, chunk after chunk, and returns what it found, refusals included, without judging the
     * rollout: what a plan shows.
     *
     * @throws RunFailure TIMED_OUT, INTERRUPTED or API_ERROR when the services cannot be read
     */
    Found readAll() {
        Map<TrackedService, Service> read = new HashMap<>();
        List<TrackedService> refused = new ArrayList<>();
        ChunkedDescribe.End end;
        try {
            end = ChunkedDescribe.read(run.ecs, run.services, TrackedService::id, run.deadline,
                    new ChunkedDescribe.Reader<TrackedService>() {
                        @Override
                        public void answered(List<TrackedService> chunk, Map<String, Service> byKey) {
                            for (TrackedService t : chunk) {
                                judge(t, byKey.get(t.id().key()), read, refused);
                            }
                        }

                        @Override
                        public boolean failed(List<TrackedService> chunk, RuntimeException e) {
                            throw ReadFailures.of(run, e, READING);
                        }
                    });
        } catch (InterruptedException e) {
            throw ReadFailures.interrupted(e, READING);
        }
        if (end == ChunkedDescribe.End.NO_TURN) {
            throw ReadFailures.noTurn(run, "DescribeServices calls that read " + READING);
        }
        refused.sort(Comparator.comparingInt(run.services::indexOf));
        return new Found(read, refused);
    }

    /** Records one service's answer: read, or refused ({@code null}: not found). */
    private void judge(TrackedService t, Service answer, Map<TrackedService, Service> read,
            List<TrackedService> refused) {
        if (answer == null) {
            t.observeMissing();
            refused.add(t);
            return;
        }
        Verdict refusal = Deployable.serviceRefusal(answer);
        if (refusal != null) {
            t.refusedBeforeUpdate(answer, refusal);
            refused.add(t);
            return;
        }
        read.put(t, answer);
        if (run.settings.rollbackOnFailure()) {
            t.previousTaskDefinition(DeploymentRules.runningTaskDefinition(answer));
        }
    }

    /** The failure that names every service refused, in the caller's order; the first one's reason. */
    private static RunFailure refusal(List<TrackedService> refused) {
        List<String> headlines = new ArrayList<>();
        for (TrackedService t : refused.subList(0, Math.min(refused.size(), Listing.MAX_LISTED))) {
            headlines.add(Headlines.of(t.verdict(), t.state()));
        }
        if (refused.size() > Listing.MAX_LISTED) {
            headlines.add("and " + (refused.size() - Listing.MAX_LISTED) + " more");
        }
        return new RunFailure(Reasons.of(refused.get(0).verdict()), String.join("; ", headlines)
                + "; nothing was updated", null);
    }
}
