package io.github.ecsrollout.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * DescribeTaskDefinition and RegisterTaskDefinition as ECS answers them: a registration gets the family's next
 * revision, ACTIVE, and keeps every field of the request as sent (whatever the SDK version sent), with ECS's own
 * (ARN, revision, status, registeredAt, registeredBy, compatibilities, requiresAttributes); DescribeTaskDefinition
 * shows it so, with its tags when asked ({@code include: ["TAGS"]}). A revision nobody registered has one container,
 * {@code app}. Every registration request is recorded. Callers hold the model's lock.
 */
final class TaskDefinitionApi {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern FAMILY = Pattern.compile("[A-Za-z0-9_-]{1,255}");

    private final EcsModel model;
    private final EcsApi api;
    /** {@code family:revision} → the task definition document, for the revisions registered. */
    private final Map<String, ObjectNode> documents = new HashMap<>();
    private final Map<String, ArrayNode> tags = new HashMap<>();
    private final List<JsonNode> registrations = new ArrayList<>();

    TaskDefinitionApi(EcsModel model, EcsApi api) {
        this.model = model;
        this.api = api;
    }

    JsonNode describe(JsonNode request) {
        String ref = EcsApi.text(request, "taskDefinition");
        if (ref == null || ref.isEmpty()) {
            throw EcsError.invalidParameter("taskDefinition cannot be empty.");
        }
        EcsModel.TaskDefinitionView td = model.describeTaskDefinition(ref);
        String key = td.family() + ":" + td.revision();
        ObjectNode definition = document(td).deepCopy();
        definition.put("status", td.status());
        ObjectNode response = NODES.objectNode();
        response.set("taskDefinition", definition);
        boolean withTags = false;
        for (JsonNode field : request.path("include")) {
            withTags |= "TAGS".equals(field.asText());
        }
        if (withTags) {
            response.set("tags", tags.containsKey(key) ? tags.get(key).deepCopy() : NODES.arrayNode());
        }
        return response;
    }

    JsonNode register(JsonNode request) {
        String family = EcsApi.text(request, "family");
        if (family == null || !FAMILY.matcher(family).matches()) {
            throw new EcsError("ClientException", "Family must be 1 to 255 letters, numbers, hyphens and underscores.");
        }
        JsonNode containers = request.path("containerDefinitions");
        if (!containers.isArray() || containers.isEmpty()) {
            throw new EcsError("ClientException", "Container list cannot be empty.");
        }
        for (JsonNode c : containers) {
            if (c.path("name").asText("").isEmpty()) {
                throw new EcsError("ClientException", "Container.name should not be null or empty.");
            }
            if (c.path("image").asText("").isEmpty()) {
                throw new EcsError("ClientException", "Container.image should not be null or empty.");
            }
        }
        registrations.add(request.deepCopy());
        int revision = model.nextRevision(family);
        ObjectNode document = ((ObjectNode) request).deepCopy();
        document.remove("tags");
        document.put("taskDefinitionArn", model.arn("task-definition/" + family + ":" + revision));
        document.put("revision", revision);
        document.put("status", "ACTIVE");
        document.set("registeredAt", api.time(model.now()));
        document.put("registeredBy", "arn:aws:iam::" + EcsModel.ACCOUNT + ":role/simulated");
        document.putArray("requiresAttributes");
        ArrayNode compatibilities = document.putArray("compatibilities");
        JsonNode required = request.path("requiresCompatibilities");
        if (required.isArray() && !required.isEmpty()) {
            required.forEach(compatibilities::add);
        } else {
            compatibilities.add("EC2");
        }
        String key = family + ":" + revision;
        documents.put(key, document);
        ArrayNode given = request.path("tags").isArray() ? ((ArrayNode) request.get("tags")).deepCopy()
                : NODES.arrayNode();
        tags.put(key, given);
        ObjectNode response = NODES.objectNode();
        response.set("taskDefinition", document.deepCopy());
        response.set("tags", given.deepCopy());
        return response;
    }

    /** The container definitions of a task definition (as DescribeTaskDefinition shows them), copied. */
    JsonNode containerDefinitions(String taskDefinition) {
        return document(model.describeTaskDefinition(taskDefinition)).path("containerDefinitions").deepCopy();
    }

    /** The document registered for a revision (not a copy), else the one of a revision nobody registered. */
    private ObjectNode document(EcsModel.TaskDefinitionView td) {
        ObjectNode registered = documents.get(td.family() + ":" + td.revision());
        return registered != null ? registered : defaultDocument(td);
    }

    /** The RegisterTaskDefinition requests received, as sent. */
    List<JsonNode> registrations() {
        return List.copyOf(registrations);
    }

    private ObjectNode defaultDocument(EcsModel.TaskDefinitionView td) {
        ObjectNode definition = NODES.objectNode().put("taskDefinitionArn", td.arn()).put("family", td.family())
                .put("revision", td.revision());
        ArrayNode containers = definition.putArray("containerDefinitions");
        if (!td.images().isEmpty()) {
            td.images().forEach((name, image) -> containers.addObject().put("name", name).put("image", image)
                    .put("essential", true));
            return definition;
        }
        containers.addObject().put("name", "app")
                .put("image", EcsModel.ACCOUNT + ".dkr.ecr." + EcsModel.REGION + ".amazonaws.com/" + td.family()
                        + ":" + td.revision())
                .put("essential", true);
        return definition;
    }
}
