package io.github.ecsrollout.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a simulated service looks like when a test creates it. By default it is ACTIVE and has been
 * steady for a while on task definition {@code NAME:1} with 2 tasks, and its script only runs from
 * the next UpdateService on.
 *
 * <pre>{@code
 * ServiceSpec.of("prod", "web").desiredCount(3).taskDefinition("web:7")
 *     .script(ServiceScript.circuitBreakerFails(Duration.ofSeconds(20), true, Duration.ofSeconds(10)))
 * }</pre>
 */
public final class ServiceSpec {

    final String cluster;
    final String name;
    String taskDefinition;
    int desiredCount = 2;
    ServiceScript script = ServiceScript.stableAfter(Duration.ofSeconds(2));
    boolean deployingFromCreation;
    String status = "ACTIVE";
    boolean codeDeploy;
    Boolean circuitBreakerEnabled;
    Boolean circuitBreakerRollback;
    /** deploymentConfiguration fields set here win over the script's defaults. */
    final ObjectNode configuration = JsonNodeFactory.instance.objectNode();
    boolean staleCurrentServiceDeployment;
    boolean noServiceDeploymentHistory;

    private ServiceSpec(String cluster, String name) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.name = Objects.requireNonNull(name, "name");
        this.taskDefinition = name + ":1";
    }

    public static ServiceSpec of(String cluster, String name) {
        return new ServiceSpec(cluster, name);
    }

    /** {@code family:revision}, a task definition ARN, or a family (its latest revision, 1 if new). */
    public ServiceSpec taskDefinition(String taskDefinition) {
        this.taskDefinition = Objects.requireNonNull(taskDefinition);
        return this;
    }

    public ServiceSpec desiredCount(int desiredCount) {
        if (desiredCount < 0) {
            throw new IllegalArgumentException("desiredCount < 0");
        }
        this.desiredCount = desiredCount;
        return this;
    }

    public ServiceSpec script(ServiceScript script) {
        this.script = Objects.requireNonNull(script);
        return this;
    }

    /** The script already runs from creation: the first deployment is in progress, nothing old to drain. */
    public ServiceSpec deployingFromCreation() {
        this.deployingFromCreation = true;
        return this;
    }

    /** As right after DeleteService: status DRAINING, desired 0, the old tasks still running. */
    public ServiceSpec draining() {
        this.status = "DRAINING";
        return this;
    }

    /** A deleted service that DescribeServices still returns: status INACTIVE. */
    public ServiceSpec inactive() {
        this.status = "INACTIVE";
        return this;
    }

    /** deploymentController CODE_DEPLOY: no {@code deployments}, one task set, UpdateService refuses new task definitions. */
    public ServiceSpec codeDeploy() {
        this.codeDeploy = true;
        return this;
    }

    /** Overrides the deploymentCircuitBreaker reported in deploymentConfiguration (default: what the script does). */
    public ServiceSpec circuitBreaker(boolean enable, boolean rollback) {
        this.circuitBreakerEnabled = enable;
        this.circuitBreakerRollback = rollback;
        return this;
    }

    /** deploymentConfiguration.strategy: ROLLING, BLUE_GREEN, LINEAR or CANARY (default: what the script does). */
    public ServiceSpec strategy(String strategy) {
        if (!List.of("ROLLING", "BLUE_GREEN", "LINEAR", "CANARY").contains(strategy)) {
            throw new IllegalArgumentException("unknown strategy: " + strategy);
        }
        configuration.put("strategy", strategy);
        return this;
    }

    public ServiceSpec bakeTimeInMinutes(int minutes) {
        if (minutes < 0) {
            throw new IllegalArgumentException("bakeTimeInMinutes < 0");
        }
        configuration.put("bakeTimeInMinutes", minutes);
        return this;
    }

    public ServiceSpec linearConfiguration(double stepPercent, int stepBakeTimeInMinutes) {
        configuration.putObject("linearConfiguration").put("stepPercent", stepPercent)
                .put("stepBakeTimeInMinutes", stepBakeTimeInMinutes);
        return this;
    }

    public ServiceSpec canaryConfiguration(double canaryPercent, int canaryBakeTimeInMinutes) {
        configuration.putObject("canaryConfiguration").put("canaryPercent", canaryPercent)
                .put("canaryBakeTimeInMinutes", canaryBakeTimeInMinutes);
        return this;
    }

    /** deploymentConfiguration.alarms, enabled, with these CloudWatch alarm names. */
    public ServiceSpec alarms(boolean rollback, String... alarmNames) {
        ArrayNode names = configuration.putObject("alarms").put("enable", true).put("rollback", rollback)
                .putArray("alarmNames");
        for (String name : alarmNames) {
            names.add(name);
        }
        return this;
    }

    /** deploymentConfiguration.earlySuccessCriteria, enabled; cleanup is BLOCKING or DEFERRED. */
    public ServiceSpec earlySuccessCriteria(int healthyPercent, String sourceServiceRevisionCleanup) {
        configuration.putObject("earlySuccessCriteria").put("enable", true).put("healthyPercent", healthyPercent)
                .put("sourceServiceRevisionCleanup", sourceServiceRevisionCleanup);
        return this;
    }

    /**
     * {@code Service.currentServiceDeployment} lags one deployment behind: it keeps naming the service
     * deployment before the newest, as it has been seen to do.
     */
    public ServiceSpec staleCurrentServiceDeployment() {
        this.staleCurrentServiceDeployment = true;
        return this;
    }

    /**
     * ECS has no service-deployment history for this service: ListServiceDeployments lists none and
     * DescribeServiceDeployments answers {@code failures} MISSING, even for the ARN that
     * {@code currentServiceDeployment} names.
     */
    public ServiceSpec noServiceDeploymentHistory() {
        this.noServiceDeploymentHistory = true;
        return this;
    }
}
