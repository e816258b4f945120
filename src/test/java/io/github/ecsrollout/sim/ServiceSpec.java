package io.github.ecsrollout.sim;

import java.time.Duration;
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
}
