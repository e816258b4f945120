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
        ServiceDeploymentLifecycleStage stage = run.settings.succeedAtStage();
        if (stage != null && !estimate.hasStages()) {
            throw new IllegalArgumentException("succeedAtStage(" + stage + ") cannot apply to " + where(i)
                    + ": its deployment strategy is " + estimate.strategy()
                    + ", which has no lifecycle stages (only BLUE_GREEN, LINEAR and CANARY)");
        }
    }

    private String where(int i) {
        TrackedService t = run.services.get(i);
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
        Duration byAttempts = settings.maxAttempts() == null || settings.delay().isZero() ? null
                : Durations.times(settings.delay(), settings.maxAttempts());
        for (int i = 0; i < requests.size(); i++) {
            Service current = before.get(run.services.get(i));
            DeploymentEstimate estimate = DeploymentEstimate.of(requests.get(i).deploymentConfiguration(),
                    current == null ? null : current.deploymentConfiguration(), settings.succeedAtStage());
            checkStage(i, estimate);
            if (!waits) {
                continue;
            }
            String fix = "; raise it" + (settings.succeedAtStage() == null
                    ? ", or set succeedAtStage(BAKE_TIME) to succeed once production traffic is on the new revision"
                    : "");
            if (settings.timeout() != null && settings.timeout().compareTo(estimate.shortest()) < 0) {
                throw new IllegalArgumentException("timeout " + settings.timeout() + " is shorter than the shortest "
                        + "possible deployment of " + where(i) + ", " + estimate.shortest() + " ("
                        + estimate.explanation() + ")" + fix);
            }
            if (byAttempts != null && byAttempts.compareTo(estimate.shortest()) < 0) {
                throw new IllegalArgumentException("maxAttempts " + settings.maxAttempts() + " x delay "
                        + settings.delay() + " = " + byAttempts + " is shorter than the shortest possible deployment "
                        + "of " + where(i) + ", " + estimate.shortest() + " (" + estimate.explanation() + ")" + fix);
            }
        }
    }
}
