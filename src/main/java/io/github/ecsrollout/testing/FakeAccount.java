package io.github.ecsrollout.testing;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;

/**
 * What the services of one {@link FakeEcs} share: its region and account (so its ARNs), its clock (made strictly
 * increasing), its ids, the task definition revisions it has seen, its errors as ECS sends them, and its lock.
 * Callers hold {@link #lock}.
 */
final class FakeAccount {

    /** Deployment ids have ECS's 19 digits. */
    private static final long FIRST_DEPLOYMENT_NUMBER = 7_000_000_000_000_000_000L;

    final Region region;
    final String accountId;
    /** The one lock of the fake and all its services. */
    final Object lock;
    private final Clock clock;
    private final Map<String, Integer> latestRevisions = new LinkedHashMap<>();
    private Instant lastInstant = Instant.EPOCH;
    private long counter;

    FakeAccount(Region region, String accountId, Clock clock, Object lock) {
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
        this.lock = lock;
    }

    /** Now, by the clock, but always after the last instant handed out. */
    Instant now() {
        Instant t = clock.instant();
        lastInstant = t.isAfter(lastInstant) ? t : lastInstant.plusMillis(1);
        return lastInstant;
    }

    String arn(String resource) {
        return "arn:aws:ecs:" + region.id() + ":" + accountId + ":" + resource;
    }

    String newDeploymentId() {
        return "ecs-svc/" + (FIRST_DEPLOYMENT_NUMBER + ++counter);
    }

    /** An id of {@code length} hex digits, unrelated to any other: service-deployment tokens, task and event ids. */
    String newHexId(int length) {
        String hex = Long.toHexString(++counter * 0x9E3779B97F4A7C15L);
        StringBuilder s = new StringBuilder();
        while (s.length() < length) {
            s.append(hex);
        }
        return s.substring(0, length);
    }

    /** See {@link FakeEcs#taskDefinitionArn(String)}. */
    String taskDefinitionArn(String taskDefinition) {
        Objects.requireNonNull(taskDefinition, "taskDefinition");
        if (taskDefinition.startsWith("arn:")) {
            return taskDefinition;
        }
        int colon = taskDefinition.lastIndexOf(':');
        String family = colon < 0 ? taskDefinition : taskDefinition.substring(0, colon);
        int revision;
        if (colon < 0) {
            revision = latestRevisions.getOrDefault(family, 1);
        } else {
            try {
                revision = Integer.parseInt(taskDefinition.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw invalidParameter("Invalid revision number. Number: " + taskDefinition.substring(colon + 1));
            }
        }
        latestRevisions.merge(family, revision, Math::max);
        return arn("task-definition/" + family + ":" + revision);
    }

    /** An error as ECS sends it: its code, message and HTTP status 400. */
    static AwsServiceException error(AwsServiceException.Builder builder, String code, String message) {
        return builder.message(message).statusCode(400).awsErrorDetails(AwsErrorDetails.builder().errorCode(code)
                .errorMessage(message).serviceName("Ecs").build()).build();
    }

    static InvalidParameterException invalidParameter(String message) {
        return (InvalidParameterException) error(InvalidParameterException.builder(), "InvalidParameterException",
                message);
    }
}
