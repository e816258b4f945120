package io.github.ecsrollout.internal.model;

import java.time.Duration;
import software.amazon.awssdk.services.ecs.model.CanaryConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.LinearConfiguration;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;

/**
 * The shortest time a deployment can take, from its deployment configuration alone: the waits ECS builds in (bake
 * time, linear steps and their bakes, the canary bake), not the time tasks take to start. Pure functions; a request's
 * own configuration wins field by field over the service's.
 *
 * @param strategy the strategy that applies
 * @param shortest the least time before ECS can call the deployment successful, or reach the stage waited for
 * @param explanation how that time adds up, for a message ({@code BLUE_GREEN: bake 60 min})
 */
public record DeploymentEstimate(DeploymentStrategy strategy, Duration shortest, String explanation) {

    /** ECS's default step of a LINEAR deployment, in percent of production traffic. */
    public static final double DEFAULT_STEP_PERCENT = 10.0;
    /** ECS's default wait between LINEAR steps, in minutes. */
    public static final int DEFAULT_STEP_BAKE_MINUTES = 6;
    /** ECS's default wait of the CANARY phase, in minutes. */
    public static final int DEFAULT_CANARY_BAKE_MINUTES = 10;

    /**
     * Estimates a deployment.
     *
     * @param requested the UpdateService request's deployment configuration, or {@code null}
     * @param current the service's deployment configuration as ECS reports it, or {@code null} when not read
     * @param succeedAtStage the stage the rollout waits for, or {@code null} for the whole deployment
     */
    public static DeploymentEstimate of(DeploymentConfiguration requested, DeploymentConfiguration current,
            ServiceDeploymentLifecycleStage succeedAtStage) {
        DeploymentStrategy strategy = pick(requested, current, DeploymentConfiguration::strategy);
        if (strategy == null || strategy == DeploymentStrategy.UNKNOWN_TO_SDK_VERSION) {
            strategy = DeploymentStrategy.ROLLING;
        }
        Integer bakeSetting = pick(requested, current, DeploymentConfiguration::bakeTimeInMinutes);
        int bake = bakeSetting == null ? 0 : bakeSetting;
        // The bake follows the last traffic shift: a stage up to BAKE_TIME is reached before it.
        boolean wholeDeployment = succeedAtStage == null
                || succeedAtStage.ordinal() > ServiceDeploymentLifecycleStage.BAKE_TIME.ordinal();
        boolean shiftsCount = succeedAtStage == null
                || succeedAtStage.ordinal() > ServiceDeploymentLifecycleStage.PRODUCTION_TRAFFIC_SHIFT.ordinal();
        int bakeCounted = wholeDeployment ? bake : 0;
        switch (strategy) {
            case LINEAR: {
                LinearConfiguration linear = pick(requested, current, DeploymentConfiguration::linearConfiguration);
                double step = linear == null || linear.stepPercent() == null ? DEFAULT_STEP_PERCENT
                        : linear.stepPercent();
                int stepBake = linear == null || linear.stepBakeTimeInMinutes() == null ? DEFAULT_STEP_BAKE_MINUTES
                        : linear.stepBakeTimeInMinutes();
                // No step bake after the step that reaches 100 percent.
                int steps = (int) Math.ceil(100.0 / Math.max(step, 0.1) - 1e-9);
                int shifting = shiftsCount ? (steps - 1) * stepBake : 0;
                return new DeploymentEstimate(strategy, Duration.ofMinutes(shifting + bakeCounted),
                        "LINEAR: " + steps + " steps of " + step + "% with " + stepBake + " min between them"
                                + (wholeDeployment ? ", then bake " + bake + " min" : ""));
            }
            case CANARY: {
                CanaryConfiguration canary = pick(requested, current, DeploymentConfiguration::canaryConfiguration);
                int canaryBake = canary == null || canary.canaryBakeTimeInMinutes() == null
                        ? DEFAULT_CANARY_BAKE_MINUTES : canary.canaryBakeTimeInMinutes();
                int shifting = shiftsCount ? canaryBake : 0;
                return new DeploymentEstimate(strategy, Duration.ofMinutes(shifting + bakeCounted),
                        "CANARY: canary bake " + canaryBake + " min" + (wholeDeployment ? ", then bake " + bake + " min"
                                : ""));
            }
            case BLUE_GREEN:
                return new DeploymentEstimate(strategy, Duration.ofMinutes(bakeCounted),
                        "BLUE_GREEN: bake " + bake + " min");
            default:
                // A rolling deployment bakes only with alarms (ECS derives that time from the alarms; bakeTimeInMinutes
                // is taken when given) and otherwise waits for nothing it configures.
                return new DeploymentEstimate(strategy, Duration.ofMinutes(bake), "ROLLING"
                        + (bake > 0 ? ": bake " + bake + " min" : ""));
        }
    }

    /** Whether this strategy goes through the lifecycle stages a rollout can wait for. */
    public boolean hasStages() {
        return strategy != DeploymentStrategy.ROLLING;
    }

    private static <T> T pick(DeploymentConfiguration requested, DeploymentConfiguration current,
            java.util.function.Function<DeploymentConfiguration, T> field) {
        T value = requested == null ? null : field.apply(requested);
        return value != null || current == null ? value : field.apply(current);
    }
}
