package io.github.ecsrollout.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * DescribeServiceRevisions: the service revision each deployment runs ({@code service-revision/CLUSTER/SERVICE/N} for
 * {@code ecs-svc/N}, the target of its service deployment), with the limits and failures the ECS API reference gives.
 * A revision lists each container of its task definition with the image it names and the digest ECS "resolved": the
 * one the image names after {@code @}, else {@code sha256:} and the SHA-256 of the image's name in hex, so the same
 * image always has the same digest. A service without deployment history has no revisions either. The caller
 * ({@link EcsApi#call}) holds the model lock.
 */
final class ServiceRevisionApi {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** DescribeServiceRevisions: "You can specify a maximum of 20 ARNs." */
    static final int MAX_DESCRIBE = 20;

    private final EcsModel model;
    private final EcsApi api;

    ServiceRevisionApi(EcsModel model, EcsApi api) {
        this.model = model;
        this.api = api;
    }

    JsonNode describe(JsonNode request) {
        List<String> arns = EcsApi.strings(request, "serviceRevisionArns");
        if (arns.isEmpty()) {
            throw EcsError.invalidParameter("serviceRevisionArns cannot be empty.");
        }
        if (arns.size() > MAX_DESCRIBE) {
            throw EcsError.invalidParameter("serviceRevisionArns can have at most 20 items.");
        }
        return EcsApi.describeEach("serviceRevisions", arns, this::revision);
    }

    /** The revision document, or {@code null} when no (recorded) service deployment targets it. */
    private ObjectNode revision(String arn) {
        SimServiceDeployment sd = model.serviceDeploymentTargeting(arn);
        return sd == null ? null : document(arn, sd.service, sd.target);
    }

    private ObjectNode document(String arn, SimService s, Deployment d) {
        ObjectNode o = NODES.objectNode();
        o.put("serviceRevisionArn", arn);
        o.put("serviceArn", s.arn);
        o.put("clusterArn", model.clusterArn(s.clusterName));
        o.put("taskDefinition", d.taskDefinition);
        ArrayNode images = o.putArray("containerImages");
        JsonNode containers;
        try {
            containers = api.taskDefinitions.containerDefinitions(d.taskDefinition);
        } catch (EcsError e) {
            containers = NODES.arrayNode(); // made missing since: nothing to say of its containers
        }
        for (JsonNode c : containers) {
            String image = c.path("image").asText();
            images.addObject().put("containerName", c.path("name").asText()).put("imageDigest", digestOf(image))
                    .put("image", image);
        }
        o.set("createdAt", api.time(d.createdAt));
        return o;
    }

    /** The digest the image names after {@code @}, else {@code sha256:} and the SHA-256 of its name in hex. */
    static String digestOf(String image) {
        int at = image.indexOf('@');
        if (at >= 0) {
            return image.substring(at + 1);
        }
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(image.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
