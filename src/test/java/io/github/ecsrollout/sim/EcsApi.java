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
 * The ECS operations the library uses, from parsed awsJson1_1 request to response document, with
 * the shapes and error answers of the real service. HTTP concerns live in {@link EcsHttpHandler}.
 */
final class EcsApi {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final EcsModel model;
    final ServiceDeploymentApi serviceDeployments;
    final TaskDefinitionApi taskDefinitions;
    private final ServiceRevisionApi serviceRevisions;
    /** ECS sometimes writes epoch seconds as 1.620044996111E9; the SDK must cope, so we can send that too. */
    volatile boolean scientificTimestamps;

    EcsApi(EcsModel model) {
        this.model = model;
        this.serviceDeployments = new ServiceDeploymentApi(model, this);
        this.taskDefinitions = new TaskDefinitionApi(model, this);
        this.serviceRevisions = new ServiceRevisionApi(model, this);
    }

    JsonNode call(String operation, JsonNode request) {
        synchronized (model) {
            return switch (operation) {
                case "DescribeServices" -> describeServices(request);
                case "UpdateService" -> updateService(request);
                case "DescribeTaskDefinition" -> taskDefinitions.describe(request);
                case "RegisterTaskDefinition" -> taskDefinitions.register(request);
                case "ListTasks" -> listTasks(request);
                case "DescribeTasks" -> describeTasks(request);
                case "ListServiceDeployments" -> serviceDeployments.list(request);
                case "DescribeServiceDeployments" -> serviceDeployments.describe(request);
                case "StopServiceDeployment" -> serviceDeployments.stop(request);
                case "ContinueServiceDeployment" -> serviceDeployments.resume(request);
                case "DescribeServiceRevisions" -> serviceRevisions.describe(request);
                default -> throw new EcsError("UnknownOperationException", "Unknown operation " + operation);
            };
        }
    }

    private JsonNode describeServices(JsonNode request) {
        List<String> names = strings(request, "services");
        if (names.isEmpty()) {
            throw EcsError.invalidParameter("Services cannot be empty.");
        }
        if (names.size() > 10) {
            throw EcsError.invalidParameter("service names can have at most 10 items.");
        }
        EcsModel.Cluster cluster = model.cluster(text(request, "cluster"));
        Instant now = model.now();
        List<String> arns = names.stream()
                .map(n -> n.startsWith("arn:") ? n : model.arn("service/" + cluster.name + "/" + n)).toList();
        return describeEach("services", arns, arn -> {
            SimService s = cluster.services.get(EcsModel.serviceName(arn));
            if (s == null) {
                return null;
            }
            s.catchUp(now);
            return service(s);
        });
    }

    private JsonNode updateService(JsonNode request) {
        EcsModel.Cluster cluster = model.cluster(text(request, "cluster"));
        String name = text(request, "service");
        if (name == null || name.isEmpty()) {
            throw EcsError.invalidParameter("Service cannot be empty.");
        }
        SimService s = cluster.services.get(EcsModel.serviceName(name));
        if (s == null) {
            throw EcsError.serviceNotFound();
        }
        Instant now = model.now();
        s.catchUp(now);
        if (!"ACTIVE".equals(s.status)) {
            throw new EcsError("ServiceNotActiveException", "Service was not ACTIVE.");
        }
        String taskDefinition = request.hasNonNull("taskDefinition")
                ? model.resolveTaskDefinition(request.get("taskDefinition").asText()) : null;
        Integer desired = request.hasNonNull("desiredCount") ? request.get("desiredCount").asInt() : null;
        if (desired != null && desired < 0) {
            throw EcsError.invalidParameter("Desired count must be greater than or equal to 0.");
        }
        boolean force = request.path("forceNewDeployment").asBoolean(false);
        boolean newTaskDefinition = taskDefinition != null && !taskDefinition.equals(s.taskDefinition);
        if (s.codeDeploy && (newTaskDefinition || force)) {
            throw EcsError.invalidParameter("Unable to update task definition on services with a CODE_DEPLOY "
                    + "deployment controller. Use AWS CodeDeploy to trigger a new deployment.");
        }
        applyDeploymentConfiguration(s, request.path("deploymentConfiguration"));
        boolean rescale = desired != null && desired != s.desiredCount;
        if (desired != null) {
            s.desiredCount = desired;
        }
        if (newTaskDefinition || force) {
            s.script.start(s.startDeployment(taskDefinition != null ? taskDefinition : s.taskDefinition, now));
        } else if (rescale && !s.codeDeploy) {
            s.scale(now);
        }
        ObjectNode response = NODES.objectNode();
        response.set("service", service(s));
        return response;
    }

    private static void applyDeploymentConfiguration(SimService s, JsonNode config) {
        if (config.has("strategy")
                && !List.of("ROLLING", "BLUE_GREEN", "LINEAR", "CANARY").contains(config.get("strategy").asText())) {
            throw EcsError.invalidParameter("Invalid deployment strategy: " + config.get("strategy").asText());
        }
        int bake = config.path("bakeTimeInMinutes").asInt(0);
        if (bake < 0 || bake > 1440) {
            throw EcsError.invalidParameter("bakeTimeInMinutes must be between 0 and 1440.");
        }
        JsonNode breaker = config.path("deploymentCircuitBreaker");
        if (breaker.has("enable")) {
            s.breakerEnabled = breaker.get("enable").asBoolean();
        }
        if (breaker.has("rollback")) {
            s.breakerRollback = breaker.get("rollback").asBoolean();
        }
        if (config.has("maximumPercent")) {
            s.maximumPercent = config.get("maximumPercent").asInt();
        }
        if (config.has("minimumHealthyPercent")) {
            s.minimumHealthyPercent = config.get("minimumHealthyPercent").asInt();
        }
        // ECS keeps what it was given and echoes it; a field left out keeps its previous value.
        for (String field : List.of("strategy", "bakeTimeInMinutes", "linearConfiguration", "canaryConfiguration", "alarms",
                "lifecycleHooks", "earlySuccessCriteria")) {
            if (config.has(field)) {
                s.configuration.set(field, config.get(field).deepCopy());
            }
        }
    }

    private JsonNode listTasks(JsonNode request) {
        EcsModel.Cluster cluster = model.cluster(text(request, "cluster"));
        model.catchUp(cluster);
        String serviceName = text(request, "serviceName");
        if (serviceName != null && !cluster.services.containsKey(EcsModel.serviceName(serviceName))) {
            throw EcsError.serviceNotFound();
        }
        String group = serviceName == null ? null : "service:" + EcsModel.serviceName(serviceName);
        String startedBy = text(request, "startedBy");
        String desiredStatus = request.path("desiredStatus").asText("RUNNING");
        int maxResults = request.path("maxResults").asInt(100);
        if (maxResults < 1 || maxResults > 100) {
            throw EcsError.invalidParameter("maxResults must be between 1 and 100.");
        }
        int offset = request.hasNonNull("nextToken") ? Integer.parseInt(request.get("nextToken").asText()) : 0;

        List<String> arns = new ArrayList<>();
        List<SimTask> all = new ArrayList<>(cluster.tasks.values());
        for (int i = all.size() - 1; i >= 0; i--) { // newest first: the latest crash is the interesting one
            SimTask t = all.get(i);
            if (t.desiredStatus.equals(desiredStatus) && (startedBy == null || startedBy.equals(t.startedBy))
                    && (group == null || group.equals(t.group))) {
                arns.add(t.arn);
            }
        }
        ObjectNode response = NODES.objectNode();
        ArrayNode page = response.putArray("taskArns");
        arns.subList(Math.min(offset, arns.size()), Math.min(offset + maxResults, arns.size())).forEach(page::add);
        if (offset + maxResults < arns.size()) {
            response.put("nextToken", Integer.toString(offset + maxResults));
        }
        return response;
    }

    private JsonNode describeTasks(JsonNode request) {
        List<String> ids = strings(request, "tasks");
        if (ids.isEmpty()) {
            throw EcsError.invalidParameter("Tasks cannot be empty.");
        }
        if (ids.size() > 100) {
            throw EcsError.invalidParameter("Tasks cannot be longer than 100.");
        }
        EcsModel.Cluster cluster = model.cluster(text(request, "cluster"));
        model.catchUp(cluster);
        List<String> arns = ids.stream().map(id -> id.startsWith("arn:") ? id : model.arn("task/" + cluster.name + "/" + id))
                .toList();
        return describeEach("tasks", arns, arn -> {
            SimTask t = cluster.tasks.get(arn);
            return t == null ? null : task(t);
        });
    }

    /** ECS's describe answer: what {@code lookup} finds under {@code member}, every other ARN in failures as MISSING. */
    static ObjectNode describeEach(String member, List<String> arns, java.util.function.Function<String, ObjectNode> lookup) {
        ArrayNode found = NODES.arrayNode();
        ArrayNode failures = NODES.arrayNode();
        for (String arn : arns) {
            ObjectNode doc = lookup.apply(arn);
            if (doc == null) {
                failures.addObject().put("arn", arn).put("reason", "MISSING");
            } else {
                found.add(doc);
            }
        }
        ObjectNode response = NODES.objectNode();
        response.set(member, found);
        response.set("failures", failures);
        return response;
    }

    // ---- documents -------------------------------------------------------------------------------

    private ObjectNode service(SimService s) {
        ObjectNode o = NODES.objectNode();
        o.put("serviceArn", s.arn);
        o.put("serviceName", s.name);
        o.put("clusterArn", model.clusterArn(s.clusterName));
        o.putArray("loadBalancers");
        o.putArray("serviceRegistries");
        o.put("status", s.status);
        o.put("desiredCount", s.desiredCount);
        o.put("runningCount", s.codeDeploy ? s.desiredCount : s.runningTotal());
        o.put("pendingCount", s.deployments.stream().mapToInt(Deployment::pendingCount).sum());
        o.put("launchType", "FARGATE");
        o.put("platformVersion", "LATEST");
        o.put("platformFamily", "Linux");
        o.put("taskDefinition", s.taskDefinition);
        o.set("deploymentConfiguration", s.deploymentConfiguration());
        if (s.currentServiceDeployment() != null && !s.codeDeploy) {
            o.put("currentServiceDeployment", s.currentServiceDeployment());
        }
        if (s.codeDeploy) {
            o.putArray("taskSets").add(taskSet(s));
        } else {
            ArrayNode deployments = o.putArray("deployments");
            s.deployments.forEach(d -> deployments.add(deployment(d)));
        }
        o.put("roleArn", "arn:aws:iam::" + EcsModel.ACCOUNT
                + ":role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS");
        ArrayNode events = o.putArray("events");
        for (SimService.Event e : s.events) {
            ObjectNode event = events.addObject();
            event.put("id", e.id());
            event.set("createdAt", time(e.createdAt()));
            event.put("message", e.message());
        }
        o.set("createdAt", time(s.createdAt));
        o.putArray("placementConstraints");
        o.putArray("placementStrategy");
        o.put("schedulingStrategy", "REPLICA");
        o.putObject("deploymentController").put("type", s.codeDeploy ? "CODE_DEPLOY" : "ECS");
        o.put("enableECSManagedTags", false);
        o.put("propagateTags", "NONE");
        o.put("enableExecuteCommand", false);
        return o;
    }

    private ObjectNode deployment(Deployment d) {
        ObjectNode o = NODES.objectNode();
        o.put("id", d.id);
        o.put("status", d.status);
        o.put("taskDefinition", d.taskDefinition);
        o.put("desiredCount", d.desiredCount);
        o.put("pendingCount", d.pendingCount());
        o.put("runningCount", d.runningCount());
        o.put("failedTasks", d.failedTasks);
        o.set("createdAt", time(d.createdAt));
        o.set("updatedAt", time(d.updatedAt));
        o.put("launchType", "FARGATE");
        o.put("platformVersion", "1.4.0");
        o.put("platformFamily", "Linux");
        o.put("rolloutState", d.rolloutState);
        o.put("rolloutStateReason", d.rolloutStateReason);
        return o;
    }

    private ObjectNode taskSet(SimService s) {
        ObjectNode o = NODES.objectNode();
        o.put("id", s.taskSetId);
        o.put("taskSetArn", model.arn("task-set/" + s.clusterName + "/" + s.name + "/" + s.taskSetId));
        o.put("serviceArn", s.arn);
        o.put("clusterArn", model.clusterArn(s.clusterName));
        o.put("status", "PRIMARY");
        o.put("taskDefinition", s.taskDefinition);
        o.put("computedDesiredCount", s.desiredCount);
        o.put("pendingCount", 0);
        o.put("runningCount", s.desiredCount);
        o.set("createdAt", time(s.createdAt));
        o.set("updatedAt", time(s.createdAt));
        o.put("launchType", "FARGATE");
        o.putObject("scale").put("value", 100.0).put("unit", "PERCENT");
        o.put("stabilityStatus", "STEADY_STATE");
        o.set("stabilityStatusAt", time(s.createdAt));
        return o;
    }

    private ObjectNode task(SimTask t) {
        ObjectNode o = NODES.objectNode();
        o.put("taskArn", t.arn);
        o.put("clusterArn", t.clusterArn);
        o.put("taskDefinitionArn", t.taskDefinition);
        o.put("lastStatus", t.lastStatus);
        o.put("desiredStatus", t.desiredStatus);
        o.put("launchType", "FARGATE");
        o.put("group", t.group);
        o.put("startedBy", t.startedBy);
        o.set("createdAt", time(t.createdAt));
        if (t.startedAt != null) {
            o.set("startedAt", time(t.startedAt));
        }
        if (t.stoppedAt != null) {
            o.set("stoppingAt", time(t.stoppedAt));
            o.set("stoppedAt", time(t.stoppedAt));
            o.put("stoppedReason", t.stoppedReason);
            o.put("stopCode", t.stopCode);
        }
        ObjectNode container = o.putArray("containers").addObject();
        container.put("containerArn", model.arn("container/" + t.id + "/app"));
        container.put("taskArn", t.arn);
        container.put("name", "app");
        container.put("lastStatus", t.lastStatus);
        if (t.exitCode != null) {
            container.put("exitCode", t.exitCode);
        }
        if (t.containerReason != null) {
            container.put("reason", t.containerReason);
        }
        return o;
    }

    /** Epoch seconds with milliseconds, as ECS writes them: 1693489983.922 (or 1.693489983922E9). */
    JsonNode time(Instant at) {
        long millis = at.toEpochMilli();
        if (scientificTimestamps) {
            return NODES.numberNode(millis / 1000.0);
        }
        return NODES.numberNode(BigDecimal.valueOf(millis, 3).stripTrailingZeros());
    }

    static String text(JsonNode request, String field) {
        JsonNode n = request.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    static List<String> strings(JsonNode request, String field) {
        List<String> out = new ArrayList<>();
        request.path(field).forEach(n -> out.add(n.asText()));
        return out;
    }
}
