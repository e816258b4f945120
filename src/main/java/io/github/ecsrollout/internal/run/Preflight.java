package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.internal.model.DeploymentEstimate;
import io.github.ecsrollout.internal.model.Durations;
import io.github.ecsrollout.internal.model.RolloutSettings;
import io.github.ecsrollout.internal.state.TrackedService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * What a rollout checks before its first update, whatever its settings: a {@code succeedAtStage} that a request's own
 * strategy lacks (before any call: ECS has no say in it), then every service (found, ACTIVE, deployed by ECS), then
 * that {@code succeedAtStage} and a set bound can apply to each service's deployment, then every task definition the
 * requests name (found, ACTIVE). A problem ends the rollout with nothing updated.
 */
final class Preflight {

    private final RunRecord run;

    Preflight(RunRecord run) {
        this.run = run;
    }

    /**
     * Reads the services and the task definitions, and checks the bounds against the services.
     *
     * @param waits whether this call waits for the deployments too, so that its bound must leave room for them
     * @throws RunFailure when a service or a task definition may not be used, or cannot be read: nothing was updated
     * @throws IllegalArgumentException when a bound or {@code succeedAtStage} cannot apply
     */
    void check(List<UpdateServiceRequest> requests, boolean waits) {
        checkServices(requests, waits);
        new TaskDefinitionCheck(run).check(requests);
    }

    /**
     * Reads the services and checks the bounds against them, as {@link #check} does, without the task definitions:
     * what an image deploy checks before it reads and copies the services' own.
     *
     * @return each service as ECS describes it now
     */
    Map<TrackedService, Service> checkServices(List<UpdateServiceRequest> requests, boolean waits) {
        for (int i = 0; i < requests.size(); i++) {
            DeploymentConfiguration requested = requests.get(i).deploymentConfiguration();
            if (requested != null && requested.strategy() != null) {
                checkStage(i, DeploymentEstimate.of(requested, null, run.settings.succeedAtStage()));
            }
        }
        Map<TrackedService, Service> before = new ServicesBeforeUpdate(run).read();
        checkBounds(requests, before, waits);
        return before;
    }

    /** {@code succeedAtStage}, when set, must be a stage of the strategy of request {@code i}'s service. */
    private void checkStage(int i, DeploymentEstimate estimate) {
        String misfit = stageMisfit(run.settings, where(run.services.get(i)), estimate);
        if (misfit != null) {
            throw new IllegalArgumentException(misfit);
        }
    }

    /** Why {@code succeedAtStage} cannot apply to a service deployed as {@code estimate} says, or {@code null}. */
    private static String stageMisfit(RolloutSettings settings, String where, DeploymentEstimate estimate) {
        ServiceDeploymentLifecycleStage stage = settings.succeedAtStage();
        if (stage != null && !estimate.hasStages()) {
            return "succeedAtStage(" + stage + ") cannot apply to " + where + ": its deployment strategy is "
                    + estimate.strategy() + ", which has no lifecycle stages (only BLUE_GREEN, LINEAR and CANARY)";
        }
        return null;
    }

    /**
     * Why the settings cannot apply to a service a rollout that waits would deploy as {@code estimate} says: a
     * {@code succeedAtStage} its strategy lacks, or a set timeout or maxAttempts shorter than its shortest possible
     * deployment; {@code null} when they can.
     */
    static String misfit(RolloutSettings settings, TrackedService t, DeploymentEstimate estimate) {
        String where = where(t);
        String stage = stageMisfit(settings, where, estimate);
        if (stage != null) {
            return stage;
        }
        String fix = "; raise it" + (settings.succeedAtStage() == null
                ? ", or set succeedAtStage(BAKE_TIME) to succeed once production traffic is on the new revision"
                : "");
        if (settings.timeout() != null && settings.timeout().compareTo(estimate.shortest()) < 0) {
            return "timeout " + settings.timeout() + " is shorter than the shortest possible deployment of " + where
                    + ", " + estimate.shortest() + " (" + estimate.explanation() + ")" + fix;
        }
        Duration byAttempts = settings.maxAttempts() == null || settings.delay().isZero() ? null
                : Durations.times(settings.delay(), settings.maxAttempts());
        if (byAttempts != null && byAttempts.compareTo(estimate.shortest()) < 0) {
            return "maxAttempts " + settings.maxAttempts() + " x delay " + settings.delay() + " = " + byAttempts
                    + " is shorter than the shortest possible deployment of " + where + ", " + estimate.shortest()
                    + " (" + estimate.explanation() + ")" + fix;
        }
        return null;
    }

    private static String where(TrackedService t) {
        return t.id().service() + " in cluster " + t.id().cluster();
    }

    /**
     * Before any update: {@code succeedAtStage} must be a stage every service's strategy has, and a set timeout or
     * maxAttempts must leave room for each service's shortest possible deployment (the request's configuration,
     * field by field, else the service's as just read).
     */
    private void checkBounds(List<UpdateServiceRequest> requests, Map<TrackedService, Service> before,
            boolean waits) {
        RolloutSettings settings = run.settings;
        if (settings.succeedAtStage() == null && !(waits && settings.isBounded())) {
            return;
        }
        for (int i = 0; i < requests.size(); i++) {
            TrackedService t = run.services.get(i);
            Service current = before.get(t);
            DeploymentEstimate estimate = DeploymentEstimate.of(requests.get(i).deploymentConfiguration(),
                    current == null ? null : current.deploymentConfiguration(), settings.succeedAtStage());
            String misfit = waits ? misfit(settings, t, estimate) : stageMisfit(settings, where(t), estimate);
            if (misfit != null) {
                throw new IllegalArgumentException(misfit);
            }
        }
    }
}
