package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.internal.io.EcsErrors;
import io.github.ecsrollout.internal.model.ServiceId;
import io.github.ecsrollout.internal.report.Listing;
import io.github.ecsrollout.internal.state.TrackedService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Sends a rollout's UpdateService calls, in the caller's order, each when its turn comes, and records what ECS said:
 * the first update ECS rejects, the deadline, or an interrupt stops it, naming the services not updated.
 */
final class UpdateSender {

    private final RunRecord run;

    UpdateSender(RunRecord run) {
        this.run = run;
    }

    /**
     * The run's services, one per request; a service named twice (however spelled) is refused.
     *
     * @param parameter what the caller calls the list, for the message: {@code requests}
     * @throws IllegalArgumentException naming the request that names a service again
     */
    static void addServices(RunRecord run, List<UpdateServiceRequest> requests, String parameter) {
        Map<String, TrackedService> byKey = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            UpdateServiceRequest r = requests.get(i);
            TrackedService t = new TrackedService(ServiceId.of(r.cluster(), r.service()));
            TrackedService clash = byKey.putIfAbsent(t.id().clusterKey() + "/" + t.id().key(), t);
            if (clash != null) {
                throw new IllegalArgumentException(parameter + "[" + i + "] names service " + t.id().service()
                        + " in cluster " + t.id().cluster() + " again (already as " + clash.id().service()
                        + "); roll out each service once");
            }
            run.services.add(t);
        }
    }

    /**
     * Sends each request, as given (with the time left as its apiCallTimeout).
     *
     * @throws RunFailure when an update is rejected, cut short, or not sent before the deadline or an interrupt
     */
    void send(List<UpdateServiceRequest> requests) {
        List<TrackedService> services = run.services;
        for (int i = 0; i < requests.size(); i++) {
            TrackedService t = services.get(i);
            if (Thread.currentThread().isInterrupted()) {
                throw new RunFailure(Reason.INTERRUPTED, "interrupted before updating " + t.id().service(), null);
            }
            if (run.deadline.hasPassed()) {
                throw new RunFailure(Reason.TIMED_OUT, "the timeout of " + run.settings.timeout() + " passed after "
                        + i + " of " + services.size() + " updates; not updated: " + notUpdated(i), null);
            }
            awaitTurn(i);
            UpdateServiceResponse answer;
            try {
                t.updateSent(run.clock.instant(), requests.get(i).taskDefinition());
                answer = run.ecs.updateService(requests.get(i), run.deadline);
            } catch (RuntimeException e) {
                throw unsent(i, e);
            }
            t.updateAccepted(answer == null ? null : answer.service());
            run.updated.add(t);
            run.notifier.updateAccepted(t);
        }
    }

    /** Waits for the turn of update {@code i}, at most until the deadline. */
    private void awaitTurn(int i) {
        boolean turn;
        try {
            turn = run.ecs.updateTurn(run.deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunFailure(Reason.INTERRUPTED, "interrupted before updating " + run.services.get(i).id()
                    .service(), e);
        }
        if (!turn) {
            throw new RunFailure(Reason.TIMED_OUT, "the timeout of " + run.settings.timeout() + " passed while "
                    + "pacing the UpdateService calls (maxUpdateServicePerSecond) after " + i + " of "
                    + run.services.size() + " updates; not updated: " + notUpdated(i), null);
        }
    }

    /** What an update that threw means: rejected, cut short by the deadline, interrupted, or lost on the way. */
    private RunFailure unsent(int i, RuntimeException e) {
        TrackedService t = run.services.get(i);
        EcsErrors.Kind kind = EcsErrors.kind(e, run.deadline);
        if (EcsErrors.find(e, AwsServiceException.class) == null) {
            // No answer from ECS: the request may have reached it and been applied all the same.
            run.possiblyUpdated.add(t);
            t.updateAnswerLost();
        }
        EcsErrors.settleInterruptFlag(kind);
        String service = t.id().service();
        if (kind == EcsErrors.Kind.CUT_SHORT) {
            return new RunFailure(Reason.TIMED_OUT, "the timeout of " + run.settings.timeout() + " passed while "
                    + "updating " + service + " (ECS may or may not have applied that update); not updated: "
                    + notUpdated(i + 1), e);
        }
        if (kind == EcsErrors.Kind.INTERRUPTED) {
            return new RunFailure(Reason.INTERRUPTED, "interrupted while updating " + service
                    + " (ECS may or may not have applied that update); not updated: " + notUpdated(i + 1), e);
        }
        List<TrackedService> notAttempted = run.services.subList(i + 1, run.services.size());
        String headline = (t.possiblyUpdated() ? "the update of " + service + " failed without an answer from ECS "
                + "(it may or may not have been applied): " : "ECS rejected the update of " + service + ": ")
                + e.getMessage() + (notAttempted.isEmpty() ? "" : "; not attempted: "
                        + Listing.names(run.names(notAttempted)));
        return new RunFailure(Reason.UPDATE_FAILED, headline, e, List.of(service));
    }

    private String notUpdated(int from) {
        return Listing.names(run.names(run.services.subList(from, run.services.size())));
    }
}
