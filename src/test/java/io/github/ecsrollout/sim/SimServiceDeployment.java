package io.github.ecsrollout.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One service deployment (what ListServiceDeployments and DescribeServiceDeployments show) for one
 * entry of the service's {@code deployments}: its target revision ends in the same number as that
 * entry's {@code ecs-svc/N} id, its own ARN ends in an unrelated token. The rollout that moves the
 * deployment moves this record too; every change stamps {@code updatedAt}.
 */
final class SimServiceDeployment {

    static final Set<String> TERMINAL = Set.of("SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED");

    /** One lifecycle hook run of this deployment, as lifecycleHookDetails lists it. */
    static final class HookRun {
        final String hookId;
        final String targetType;
        final String targetArn;
        final String timeoutAction;
        String status;
        Instant expiresAt;

        HookRun(String hookId, String targetType, String targetArn, String timeoutAction, String status) {
            this.hookId = hookId;
            this.targetType = targetType;
            this.targetArn = targetArn;
            this.timeoutAction = timeoutAction;
            this.status = status;
        }
    }

    final SimService service;
    final String arn;
    final Deployment target;
    /** The deployments this one replaces, as they were when it started. */
    final List<Deployment> sources;
    /** The full deploymentConfiguration as it was when the deployment started. */
    final ObjectNode configuration;
    final Instant createdAt;
    /** The rollout moving it (null for the steady deployment a service is created with). */
    Rollout rollout;
    /** While paused at a PAUSE hook: what ContinueServiceDeployment's action (CONTINUE or ROLLBACK) does. */
    java.util.function.Consumer<String> onHookAction;
    /** With {@link ServiceSpec#noServiceDeploymentHistory()}: ECS has no record of it. */
    boolean missing;

    String status = "PENDING";
    String statusReason;
    String lifecycleStage;
    Instant startedAt;
    Instant updatedAt;
    Instant finishedAt;
    Instant stoppedAt;
    String breakerStatus;
    int failureCount;
    String alarmsStatus;
    final List<String> triggeredAlarms = new ArrayList<>();
    final List<HookRun> hooks = new ArrayList<>();
    String rollbackReason;
    Instant rollbackStartedAt;
    String rollbackRevisionArn;
    /** requestedProductionTrafficWeight of the target (the sources get the rest); null for ROLLING. */
    Double productionWeight;
    Double testWeight;

    SimServiceDeployment(SimService service, String arn, Deployment target, List<Deployment> sources,
            ObjectNode configuration, Instant createdAt) {
        this.service = service;
        this.arn = arn;
        this.target = target;
        this.sources = List.copyOf(sources);
        this.configuration = configuration;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
        this.breakerStatus = configuration.at("/deploymentCircuitBreaker/enable").asBoolean() ? "MONITORING" : "DISABLED";
        this.alarmsStatus = configuration.at("/alarms/enable").asBoolean() ? "MONITORING" : "DISABLED";
        if (!"ROLLING".equals(strategy())) {
            productionWeight = 0.0;
            testWeight = 0.0;
        }
    }

    /** {@code service-revision/CLUSTER/SERVICE/N} for the deployment {@code ecs-svc/N}. */
    static String revisionArn(SimService service, Deployment d) {
        return service.model.arn("service-revision/" + service.clusterName + "/" + service.name + "/"
                + d.id.substring(d.id.indexOf('/') + 1));
    }

    String targetRevisionArn() {
        return revisionArn(service, target);
    }

    String strategy() {
        return configuration.path("strategy").asText("ROLLING");
    }

    boolean isTerminal() {
        return TERMINAL.contains(status);
    }

    /** The circuit-breaker failure threshold ECS documents: half the desired count, at least 3, at most 200. */
    int threshold() {
        return Math.max(3, Math.min(200, (service.desiredCount + 1) / 2));
    }

    List<String> alarmNames() {
        List<String> names = new ArrayList<>();
        configuration.at("/alarms/alarmNames").forEach(n -> names.add(n.asText()));
        return names;
    }

    JsonNode config(String pointer) {
        return configuration.at(pointer);
    }

    void status(String next, Instant at) {
        status = next;
        updatedAt = at;
        if (startedAt == null && !"PENDING".equals(next)) {
            startedAt = at;
        }
    }

    void started(Instant at) {
        if ("PENDING".equals(status)) {
            status("IN_PROGRESS", at);
        }
    }

    void stage(String stage, Instant at) {
        lifecycleStage = stage;
        updatedAt = at;
    }

    /** The end of a deployment that worked: monitors that were watching are done watching. */
    void succeeded(Instant at) {
        if (isTerminal()) {
            return;
        }
        status("SUCCESSFUL", at);
        finishedAt = at;
        breakerStatus = "MONITORING".equals(breakerStatus) ? "MONITORING_COMPLETE" : breakerStatus;
        alarmsStatus = "MONITORING".equals(alarmsStatus) ? "MONITORING_COMPLETE" : alarmsStatus;
        if (productionWeight != null) {
            productionWeight = 100.0;
        }
    }

    void stopRequested(String reason, Instant at) {
        if (isTerminal() || status.startsWith("ROLLBACK")) {
            return;
        }
        status("STOP_REQUESTED", at);
        statusReason = reason;
    }

    void stopped(Instant at) {
        if (isTerminal()) {
            return;
        }
        status("STOPPED", at);
        stoppedAt = at;
        finishedAt = at;
    }

    void rollbackRequested(String reason, Deployment to, Instant at) {
        status("ROLLBACK_REQUESTED", at);
        statusReason = reason;
        rollbackReason = reason;
        rollbackStartedAt = at;
        rollbackRevisionArn = to == null ? null : revisionArn(service, to);
    }

    void rollbackSucceeded(Instant at) {
        status("ROLLBACK_SUCCESSFUL", at);
        finishedAt = at;
        if (productionWeight != null) {
            productionWeight = 0.0;
            testWeight = 0.0;
        }
    }

    /** ECS could not roll the deployment back either. */
    void rollbackFailed(String reason, Instant at) {
        status("ROLLBACK_FAILED", at);
        statusReason = reason;
        finishedAt = at;
    }

    HookRun pausedHook() {
        return hooks.stream().filter(h -> "AWAITING_ACTION".equals(h.status)).findFirst().orElse(null);
    }
}
