package io.github.ecsrollout.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * ListServiceDeployments, DescribeServiceDeployments, StopServiceDeployment and
 * ContinueServiceDeployment, with the request limits and errors the ECS API reference gives for
 * them. The caller ({@link EcsApi#call}) holds the model lock.
 */
final class ServiceDeploymentApi {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** ListServiceDeployments: "between 1 and 100 ... If this parameter isn't used, ... returns up to 20 results". */
    static final int DEFAULT_PAGE = 20;
    static final int MAX_PAGE = 100;
    /** DescribeServiceDeployments: "You can specify a maximum of 20 ARNs." */
    static final int MAX_DESCRIBE = 20;
    /** How long a rollback that StopServiceDeployment asks for takes to settle (not documented; chosen). */
    static final java.time.Duration STOP_ROLLBACK_TAKES = java.time.Duration.ofSeconds(10);
    /** How long an ABORT stays STOP_REQUESTED before it is STOPPED (not documented; chosen). */
    static final java.time.Duration ABORT_TAKES = java.time.Duration.ofSeconds(1);

    /** How long a rollback StopServiceDeployment asks for takes in this simulator; tests on real time shorten it. */
    volatile java.time.Duration stopRollbackTakes = STOP_ROLLBACK_TAKES;

    private final EcsModel model;
    private final EcsApi api;

    ServiceDeploymentApi(EcsModel model, EcsApi api) {
        this.model = model;
        this.api = api;
    }

    JsonNode list(JsonNode request) {
        String serviceName = EcsApi.text(request, "service");
        if (serviceName == null || serviceName.isEmpty()) {
            throw EcsError.invalidParameter("Service cannot be empty.");
        }
        EcsModel.Cluster cluster = model.cluster(EcsApi.text(request, "cluster"));
        SimService service = cluster.services.get(EcsModel.serviceName(serviceName));
        if (service == null) {
            throw EcsError.serviceNotFound();
        }
        int maxResults = request.path("maxResults").asInt(DEFAULT_PAGE);
        if (maxResults < 1 || maxResults > MAX_PAGE) {
            throw EcsError.invalidParameter("maxResults must be between 1 and 100.");
        }
        service.catchUp(model.now());
        List<String> statuses = EcsApi.strings(request, "status");
        Instant after = instant(request.at("/createdAt/after"));
        Instant before = instant(request.at("/createdAt/before"));
        List<SimServiceDeployment> matching = new ArrayList<>();
        for (int i = service.serviceDeployments.size() - 1; i >= 0; i--) { // newest first
            SimServiceDeployment sd = service.serviceDeployments.get(i);
            if (!sd.missing && (statuses.isEmpty() || statuses.contains(sd.status))
                    && (after == null || !sd.createdAt.isBefore(after)) && (before == null || !sd.createdAt.isAfter(before))) {
                matching.add(sd);
            }
        }
        int offset = offset(request);
        ObjectNode response = NODES.objectNode();
        ArrayNode page = response.putArray("serviceDeployments");
        for (SimServiceDeployment sd : matching.subList(Math.min(offset, matching.size()),
                Math.min(offset + maxResults, matching.size()))) {
            page.add(brief(sd));
        }
        if (offset + maxResults < matching.size()) {
            response.put("nextToken", Integer.toString(offset + maxResults));
        }
        return response;
    }

    JsonNode describe(JsonNode request) {
        List<String> arns = EcsApi.strings(request, "serviceDeploymentArns");
        if (arns.isEmpty()) {
            throw EcsError.invalidParameter("serviceDeploymentArns cannot be empty.");
        }
        if (arns.size() > MAX_DESCRIBE) {
            throw EcsError.invalidParameter("serviceDeploymentArns can have at most 20 items.");
        }
        return EcsApi.describeEach("serviceDeployments", arns, arn -> {
            SimServiceDeployment sd = model.serviceDeployment(arn);
            return sd == null || sd.missing ? null : document(sd);
        });
    }

    /**
     * ROLLBACK (the default) and ABORT on a deployment that is not done; one already stopping or
     * rolling back goes on as it was ("continues to stop" / "continues the rollback operation"); one
     * that is finished is a ConflictException, the conflict error the operation declares.
     */
    JsonNode stop(JsonNode request) {
        SimServiceDeployment sd = find(request);
        String stopType = request.path("stopType").asText("ROLLBACK");
        if (!stopType.equals("ROLLBACK") && !stopType.equals("ABORT")) {
            throw EcsError.invalidParameter("Invalid stopType: " + stopType);
        }
        if (sd.isTerminal()) {
            throw new EcsError("ConflictException", "The service deployment " + sd.arn + " is in a terminal state ("
                    + sd.status + ") and can't be stopped.");
        }
        Instant now = model.now();
        boolean alreadyStopping = sd.status.equals("STOP_REQUESTED") || sd.status.startsWith("ROLLBACK");
        if (!alreadyStopping && stopType.equals("ROLLBACK")) {
            if (sd.rollout == null || sd.rollout.previous() == null) {
                throw new EcsError("ConflictException", "The service deployment " + sd.arn
                        + " has no previous service revision to roll back to.");
            }
            sd.rollout.atInstant(now, r -> r.rollBack(stopRollbackTakes, "Rolled back by StopServiceDeployment."));
        } else if (!alreadyStopping) {
            sd.stopRequested("Stopped by StopServiceDeployment (ABORT).", now);
            int generation = sd.service.halt(); // whatever the deployment still had to do does not happen
            sd.service.schedule(now.plus(ABORT_TAKES), generation, sd::stopped);
        }
        sd.service.catchUp(now);
        return NODES.objectNode().put("serviceDeploymentArn", sd.arn);
    }

    /** ContinueServiceDeployment: acts on the PAUSE hook the deployment waits at. */
    JsonNode resume(JsonNode request) {
        SimServiceDeployment sd = find(request);
        String hookId = EcsApi.text(request, "hookId");
        String action = request.path("action").asText("CONTINUE");
        if (!action.equals("CONTINUE") && !action.equals("ROLLBACK")) {
            throw EcsError.invalidParameter("Invalid action: " + action);
        }
        SimServiceDeployment.HookRun paused = sd.pausedHook();
        if (paused == null || sd.onHookAction == null || !sd.status.equals("IN_PROGRESS")) {
            throw new EcsError("ClientException", "The service deployment " + sd.arn
                    + " is not paused at a lifecycle hook.");
        }
        if (!paused.hookId.equals(hookId)) {
            throw EcsError.invalidParameter("The hookId " + hookId + " does not match the lifecycle hook the service "
                    + "deployment is paused at.");
        }
        sd.onHookAction.accept(action);
        sd.service.catchUp(model.now());
        return NODES.objectNode().put("serviceDeploymentArn", sd.arn);
    }

    private SimServiceDeployment find(JsonNode request) {
        String arn = EcsApi.text(request, "serviceDeploymentArn");
        if (arn == null || arn.isEmpty()) {
            throw EcsError.invalidParameter("serviceDeploymentArn cannot be empty.");
        }
        SimServiceDeployment sd = model.serviceDeployment(arn);
        if (sd == null || sd.missing) {
            throw new EcsError("ServiceDeploymentNotFoundException", "The service deployment does not exist.");
        }
        return sd;
    }

    // ---- documents -------------------------------------------------------------------------------

    /** The members a ServiceDeploymentBrief has; a ServiceDeployment has them too, and more. */
    private ObjectNode brief(SimServiceDeployment sd) {
        ObjectNode o = NODES.objectNode();
        o.put("serviceDeploymentArn", sd.arn);
        o.put("serviceArn", sd.service.arn);
        o.put("clusterArn", model.clusterArn(sd.service.clusterName));
        o.set("createdAt", api.time(sd.createdAt));
        optionalTime(o, "startedAt", sd.startedAt);
        optionalTime(o, "finishedAt", sd.finishedAt);
        o.put("targetServiceRevisionArn", sd.targetRevisionArn());
        o.put("status", sd.status);
        if (sd.statusReason != null) {
            o.put("statusReason", sd.statusReason);
        }
        return o;
    }

    private ObjectNode document(SimServiceDeployment sd) {
        ObjectNode o = brief(sd);
        o.remove("targetServiceRevisionArn");
        optionalTime(o, "stoppedAt", sd.stoppedAt);
        o.set("updatedAt", api.time(sd.updatedAt));
        ArrayNode sources = o.putArray("sourceServiceRevisions");
        Double sourceWeight = sd.productionWeight == null ? null : 100.0 - sd.productionWeight;
        Double sourceTest = sd.testWeight == null ? null : 100.0 - sd.testWeight;
        for (Deployment d : sd.sources) {
            sources.add(revision(SimServiceDeployment.revisionArn(sd.service, d), d, sourceWeight, sourceTest));
        }
        o.set("targetServiceRevision", revision(sd.targetRevisionArn(), sd.target, sd.productionWeight, sd.testWeight));
        if (sd.lifecycleStage != null) {
            o.put("lifecycleStage", sd.lifecycleStage);
        }
        o.set("deploymentConfiguration", sd.configuration.deepCopy());
        if (sd.rollbackReason != null) {
            ObjectNode rollback = o.putObject("rollback").put("reason", sd.rollbackReason);
            rollback.set("startedAt", api.time(sd.rollbackStartedAt));
            if (sd.rollbackRevisionArn != null) {
                rollback.put("serviceRevisionArn", sd.rollbackRevisionArn);
            }
        }
        o.putObject("deploymentCircuitBreaker").put("status", sd.breakerStatus).put("failureCount", sd.failureCount)
                .put("threshold", sd.threshold());
        ObjectNode alarms = o.putObject("alarms").put("status", sd.alarmsStatus);
        if (!sd.alarmsStatus.equals("DISABLED")) {
            ArrayNode names = alarms.putArray("alarmNames");
            sd.alarmNames().forEach(names::add);
            ArrayNode triggered = alarms.putArray("triggeredAlarmNames");
            sd.triggeredAlarms.forEach(triggered::add);
        }
        if (!sd.hooks.isEmpty()) {
            ArrayNode hooks = o.putArray("lifecycleHookDetails");
            for (SimServiceDeployment.HookRun h : sd.hooks) {
                ObjectNode hook = hooks.addObject().put("hookId", h.hookId).put("targetType", h.targetType);
                if (h.targetArn != null) {
                    hook.put("targetArn", h.targetArn);
                }
                hook.put("status", h.status);
                if (h.expiresAt != null) {
                    hook.set("expiresAt", api.time(h.expiresAt));
                }
                hook.put("timeoutAction", h.timeoutAction);
            }
        }
        return o;
    }

    private void optionalTime(ObjectNode o, String member, Instant at) {
        if (at != null) {
            o.set(member, api.time(at));
        }
    }

    private ObjectNode revision(String arn, Deployment d, Double productionWeight, Double testWeight) {
        ObjectNode o = NODES.objectNode();
        o.put("arn", arn);
        o.put("requestedTaskCount", d.desiredCount);
        o.put("runningTaskCount", d.runningCount());
        o.put("pendingTaskCount", d.pendingCount());
        if (testWeight != null) {
            o.put("requestedTestTrafficWeight", testWeight);
        }
        if (productionWeight != null) {
            o.put("requestedProductionTrafficWeight", productionWeight);
        }
        return o;
    }

    private static int offset(JsonNode request) {
        String token = EcsApi.text(request, "nextToken");
        try {
            return token == null ? 0 : Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw EcsError.invalidParameter("Invalid nextToken.");
        }
    }

    private static Instant instant(JsonNode epochSeconds) {
        if (epochSeconds.isMissingNode() || epochSeconds.isNull()) {
            return null;
        }
        return Instant.ofEpochMilli(new BigDecimal(epochSeconds.asText()).movePointRight(3).longValue());
    }
}
