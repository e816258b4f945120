package io.github.ecsrollout.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.ContainerImage;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;

/**
 * The service revisions of one {@link FakeEcs}: one per deployment its services started, as DescribeServiceRevisions
 * describes it. Each runs one container, named after its task definition's family, whose image is that family in the
 * account's ECR repository tagged with the revision ({@code 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2}), and
 * whose digest is {@code sha256:} and the SHA-256 of that image's name in hex: the same image, the same digest. Callers
 * hold the fake's lock.
 */
final class FakeServiceRevisions {

    /** {@code ACCOUNT.dkr.ecr.REGION.amazonaws.com/}. */
    private final String registry;
    private final Map<String, ServiceRevision> byArn = new HashMap<>();

    FakeServiceRevisions(String accountId, String region) {
        this.registry = accountId + ".dkr.ecr." + region + ".amazonaws.com/";
    }

    /** Records the revision a new deployment runs. */
    void record(String revisionArn, String serviceArn, String clusterArn, String taskDefinitionArn, Instant createdAt) {
        String familyRevision = taskDefinitionArn.substring(taskDefinitionArn.lastIndexOf('/') + 1);
        int colon = familyRevision.indexOf(':');
        String family = colon < 0 ? familyRevision : familyRevision.substring(0, colon);
        String image = registry + familyRevision;
        byArn.put(revisionArn, ServiceRevision.builder().serviceRevisionArn(revisionArn).serviceArn(serviceArn)
                .clusterArn(clusterArn).taskDefinition(taskDefinitionArn).createdAt(createdAt)
                .containerImages(ContainerImage.builder().containerName(family).image(image)
                        .imageDigest(digestOf(image)).build())
                .build());
    }

    /** The revision with this ARN, or {@code null}. */
    ServiceRevision find(String revisionArn) {
        return byArn.get(revisionArn);
    }

    /** {@code sha256:} and the SHA-256 of the image's name, in hex: deterministic, as a registry's digest is. */
    static String digestOf(String image) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(image.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
