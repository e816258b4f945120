package io.github.ecsrollout.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerImage;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * The service revisions of one {@link FakeEcs}: one per deployment its services started, as DescribeServiceRevisions
 * describes it. Each records, as ECS does when the deployment starts, every container of its task definition with
 * the image it names and the digest that image resolved to: the digest an image names ({@code repo@sha256:...}), else
 * {@code sha256:} and the SHA-256 of the image's name in hex, so the same image always has the same digest. Callers
 * hold the fake's lock.
 */
final class FakeServiceRevisions {

    private final Map<String, ServiceRevision> byArn = new HashMap<>();

    /**
     * Records the revision a new deployment runs.
     *
     * @param content the task definition as it is now, or {@code null} when it cannot be described (no containers)
     */
    void record(String revisionArn, String serviceArn, String clusterArn, String taskDefinitionArn,
            TaskDefinition content, Instant createdAt) {
        List<ContainerImage> images = new ArrayList<>();
        if (content != null) {
            for (ContainerDefinition c : content.containerDefinitions()) {
                images.add(ContainerImage.builder().containerName(c.name()).image(c.image())
                        .imageDigest(digestOf(c.image())).build());
            }
        }
        byArn.put(revisionArn, ServiceRevision.builder().serviceRevisionArn(revisionArn).serviceArn(serviceArn)
                .clusterArn(clusterArn).taskDefinition(taskDefinitionArn).createdAt(createdAt)
                .containerImages(images).build());
    }

    /** The revision with this ARN, or {@code null}. */
    ServiceRevision find(String revisionArn) {
        return byArn.get(revisionArn);
    }

    /**
     * The digest an image resolves to here: the one it names after {@code @}, else {@code sha256:} and the SHA-256 of
     * its name in hex (deterministic, as a registry's digest of one image is).
     */
    static String digestOf(String image) {
        int at = image.indexOf('@');
        if (at >= 0) {
            return image.substring(at + 1);
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(image.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
