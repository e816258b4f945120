package io.github.ecsrollout.testing;

import java.time.Clock;
import java.time.Instant;
import software.amazon.awssdk.regions.Region;

/**
 * What the services of one {@link FakeEcs} share: its region and account (so its ARNs), its clock (made strictly
 * increasing), its ids, its task definitions and service revisions, its errors as ECS sends them, and its lock.
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
    /** The task definitions this account has, and what a test said of them. */
    final FakeTaskDefinitions taskDefinitions;
    /** The service revisions its services' deployments run. */
    final FakeServiceRevisions serviceRevisions;
    private Instant lastInstant = Instant.EPOCH;
    private long counter;

    FakeAccount(Region region, String accountId, Clock clock, Object lock) {
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
        this.lock = lock;
        this.taskDefinitions = new FakeTaskDefinitions(arn(""));
        this.serviceRevisions = new FakeServiceRevisions();
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
        return taskDefinitions.arn(taskDefinition);
    }
}
