package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.internal.io.ChunkedDescribe;
import io.github.ecsrollout.internal.io.EcsErrors;
import io.github.ecsrollout.internal.model.DeploymentEstimate;
import io.github.ecsrollout.internal.model.Durations;
import io.github.ecsrollout.internal.model.RolloutSettings;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.verdict.DeploymentRules;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * What a rollout checks before its first update: it reads the services when a rollback or a bound needs them (their
 * task definitions, their deployment configurations), and refuses a {@code succeedAtStage} or a bound that cannot
 * apply to a service's deployment.
 */
final class Preflight {

    private final RunRecord run;

    Preflight(RunRecord run) {
        this.run = run;
    }

    /**
     * Reads the services if needed, and checks the bounds against them.
     *
     * @param waits whether this call waits for the deployments too, so that its bound must leave room for them
     * @throws RunFailure when a service is missing or cannot be read: nothing was updated
     * @throws IllegalArgumentException when a bound or {@code succeedAtStage} cannot apply
     */
    void check(List<UpdateServiceRequest> requests, boolean waits) {
        Map<TrackedService, Service> before = needsServices(requests, waits) ? readServices() : Map.of();
        checkBounds(requests, before, waits);
    }

    /**
     * Whether the services must be read before any update: for the task definitions a rollback puts back, or for the
     * deployment configurations that {@code succeedAtStage} and a set bound are checked against (unless every
     * request names its strategy itself).
     */
    private boolean needsServices(List<UpdateServiceRequest> requests, boolean waits) {
        RolloutSettings settings = run.settings;
        if (settings.rollbackOnFailure()) {
            return true;
        }
        boolean checks = settings.succeedAtStage() != null || (waits && settings.isBounded());
        return checks && requests.stream().anyMatch(r -> r.deploymentConfiguration() == null
                || r.deploymentConfiguration().strategy() == null);
    }

    /**
     * Reads every service before anything changes, 10 services per DescribeServices call: its PRIMARY task definition
     * (kept for a rollback) and its deployment configuration. A service that is missing, or an error, fails the
     * rollout before any update.
     */
    private Map<TrackedService, Service> readServices() {
        Map<TrackedService, Service> read = new HashMap<>();
        ChunkedDescribe.End end;
        try {
            end = ChunkedDescribe.read(run.ecs, run.services, TrackedService::id, run.deadline,
                    new ChunkedDescribe.Reader<TrackedService>() {
                        @Override
                        public void answered(List<TrackedService> chunk, Map<String, Service> byKey) {
                            for (TrackedService t : chunk) {
                                Service s = byKey.get(t.id().key());
                                if (s == null) {
                                    t.observeMissing();
                                    throw new RunFailure(Reason.SERVICE_MISSING, "service " + t.id().service()
                                            + " is MISSING; nothing was updated", null);
                                }
                                read.put(t, s);
                                if (run.settings.rollbackOnFailure()) {
                                    t.previousTaskDefinition(DeploymentRules.primary(s.deployments())
                                            .map(d -> d.taskDefinition()).orElse(s.taskDefinition()));
                                }
                            }
                        }

                        @Override
                        public boolean failed(List<TrackedService> chunk, RuntimeException e) {
                            throw unread(e);
                        }
                    });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunFailure(Reason.INTERRUPTED, "interrupted while reading the services before updating them",
                    e);
        }
        if (end == ChunkedDescribe.End.NO_TURN) {
            throw new RunFailure(Reason.TIMED_OUT, "the timeout of " + run.settings.timeout() + " passed while "
                    + "pacing the DescribeServices calls that read the services before updating them; nothing was "
                    + "updated", null);
        }
        return read;
    }

    private RunFailure unread(RuntimeException e) {
        EcsErrors.Kind kind = EcsErrors.kind(e, run.deadline);
        EcsErrors.settleInterruptFlag(kind);
        if (kind == EcsErrors.Kind.CUT_SHORT) {
            return new RunFailure(Reason.TIMED_OUT, "the timeout of " + run.settings.timeout() + " passed while "
                    + "reading the services before updating them; nothing was updated", e);
        }
        if (kind == EcsErrors.Kind.INTERRUPTED) {
            return new RunFailure(Reason.INTERRUPTED, "interrupted while reading the services before updating them",
                    e);
        }
        return new RunFailure(Reason.API_ERROR, "could not read the services before updating them: "
                + e.getMessage(), e);
    }

    /**
     * Before any update: {@code succeedAtStage} must be a stage every service's strategy has, and a set timeout or
     * maxAttempts must leave room for each service's shortest possible deployment.
     */
    private void checkBounds(List<UpdateServiceRequest> requests, Map<TrackedService, Service> before,
            boolean waits) {
        RolloutSettings settings = run.settings;
        if (settings.succeedAtStage() == null && !(waits && settings.isBounded())) {
            return;
        }
        Duration byAttempts = settings.maxAttempts() == null || settings.delay().isZero() ? null
                : Durations.times(settings.delay(), settings.maxAttempts());
        for (int i = 0; i < requests.size(); i++) {
            TrackedService t = run.services.get(i);
            Service current = before.get(t);
            DeploymentEstimate estimate = DeploymentEstimate.of(requests.get(i).deploymentConfiguration(),
                    current == null ? null : current.deploymentConfiguration(), settings.succeedAtStage());
            String where = t.id().service() + " in cluster " + t.id().cluster();
            if (settings.succeedAtStage() != null && !estimate.hasStages()) {
                throw new IllegalArgumentException("succeedAtStage(" + settings.succeedAtStage() + ") cannot apply to "
                        + where + ": its deployment strategy is " + estimate.strategy()
                        + ", which has no lifecycle stages (only BLUE_GREEN, LINEAR and CANARY)");
            }
            String fix = "; raise it" + (settings.succeedAtStage() == null
                    ? ", or set succeedAtStage(BAKE_TIME) to succeed once production traffic is on the new revision"
                    : "");
            if (!waits) {
                continue;
            }
            if (settings.timeout() != null && settings.timeout().compareTo(estimate.shortest()) < 0) {
                throw new IllegalArgumentException("timeout " + settings.timeout() + " is shorter than the shortest "
                        + "possible deployment of " + where + ", " + estimate.shortest() + " ("
                        + estimate.explanation() + ")" + fix);
            }
            if (byAttempts != null && byAttempts.compareTo(estimate.shortest()) < 0) {
                throw new IllegalArgumentException("maxAttempts " + settings.maxAttempts() + " x delay "
                        + settings.delay() + " = " + byAttempts + " is shorter than the shortest possible deployment of "
                        + where + ", " + estimate.shortest() + " (" + estimate.explanation() + ")" + fix);
            }
        }
    }
}
