package io.github.ecsrollout.testing;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * The task definitions of one {@link FakeEcs}: every revision of a family, from 1 to the highest one seen (run by a
 * service, or named by an update), exists and is ACTIVE, unless a test said otherwise: a revision, or a whole family,
 * missing ({@link FakeEcs#missingTaskDefinition}), or a revision INACTIVE or DELETE_IN_PROGRESS
 * ({@link FakeEcs#taskDefinitionStatus}). A family alone stands for its latest ACTIVE revision, as in ECS. Callers
 * hold the fake's lock.
 */
final class FakeTaskDefinitions {

    /** What ECS answers DescribeTaskDefinition for a task definition it cannot describe. */
    static final String CANNOT_DESCRIBE = "Unable to describe task definition.";

    /** {@code arn:aws:ecs:REGION:ACCOUNT:}. */
    private final String arnPrefix;
    private final Map<String, Integer> latestRevisions = new LinkedHashMap<>();
    /** {@code family:revision} → a status other than ACTIVE. */
    private final Map<String, TaskDefinitionStatus> statuses = new HashMap<>();
    /** {@code family:revision} missing, or {@code family} with every revision missing. */
    private final Set<String> missing = new HashSet<>();
    /** {@code family:revision} → what DescribeTaskDefinition reports of it besides its ARN, family, revision, status. */
    private final Map<String, TaskDefinition> contents = new HashMap<>();

    FakeTaskDefinitions(String arnPrefix) {
        this.arnPrefix = arnPrefix;
    }

    /** A task definition reference taken apart: {@code revision} is {@code null} for a family alone. */
    private record Ref(String family, Integer revision) {

        String key() {
            return family + ":" + revision;
        }
    }

    /** See {@link FakeEcs#taskDefinitionArn(String)}; remembers the revision named as seen. */
    String arn(String taskDefinition) {
        Objects.requireNonNull(taskDefinition, "taskDefinition");
        if (taskDefinition.startsWith("arn:")) {
            return taskDefinition;
        }
        Ref ref = parse(taskDefinition);
        int revision;
        if (ref.revision() == null) {
            Integer active = latestActive(ref.family());
            revision = active != null ? active : latestRevisions.getOrDefault(ref.family(), 1);
        } else {
            revision = ref.revision();
        }
        latestRevisions.merge(ref.family(), revision, Math::max);
        return arnOf(ref.family(), revision);
    }

    /**
     * DescribeTaskDefinition's answer: the revision named, or a family's latest ACTIVE one, with its status. (ECS
     * describes an INACTIVE revision only while a service or task uses it; this fake always does.)
     *
     * @throws ClientException "Unable to describe task definition." when there is none
     */
    TaskDefinition describe(String taskDefinition) {
        Ref ref = existing(taskDefinition, CANNOT_DESCRIBE);
        TaskDefinitionStatus status = statuses.getOrDefault(ref.key(), TaskDefinitionStatus.ACTIVE);
        TaskDefinition content = contents.get(ref.key());
        return (content == null ? TaskDefinition.builder() : content.toBuilder())
                .taskDefinitionArn(arnOf(ref.family(), ref.revision())).family(ref.family())
                .revision(ref.revision()).status(status).build();
    }

    /**
     * Refuses an UpdateService to a task definition ECS would refuse: one that does not exist, or is not ACTIVE.
     *
     * @throws ClientException as ECS words it
     */
    void requireUsable(String taskDefinition) {
        Ref ref = existing(taskDefinition, "TaskDefinition not found.");
        if (statuses.containsKey(ref.key())) {
            throw clientException("TaskDefinition is inactive.");
        }
    }

    /**
     * The revision a reference names, or its family's latest ACTIVE one.
     *
     * @throws ClientException with {@code notFound} when there is none
     */
    private Ref existing(String taskDefinition, String notFound) {
        Ref ref = parse(taskDefinition);
        Integer revision = ref.revision() != null ? ref.revision() : latestActive(ref.family());
        if (revision == null || isMissing(ref.family(), revision)) {
            throw clientException(notFound);
        }
        return new Ref(ref.family(), revision);
    }

    /** See {@link FakeEcs#taskDefinitionContent(String, TaskDefinition)}. */
    void content(String taskDefinition, TaskDefinition content) {
        Objects.requireNonNull(content, "content");
        Ref ref = parse(taskDefinition);
        if (ref.revision() == null) {
            throw new IllegalArgumentException("taskDefinition must name a revision (family:revision or an ARN): \""
                    + taskDefinition + "\"");
        }
        latestRevisions.merge(ref.family(), ref.revision(), Math::max);
        contents.put(ref.key(), content);
    }

    /** See {@link FakeEcs#missingTaskDefinition(String)}. */
    void markMissing(String taskDefinition) {
        Ref ref = parse(taskDefinition);
        missing.add(ref.revision() == null ? ref.family() : ref.key());
    }

    /** See {@link FakeEcs#taskDefinitionStatus(String, TaskDefinitionStatus)}. */
    void status(String taskDefinition, TaskDefinitionStatus status) {
        Objects.requireNonNull(status, "status");
        Ref ref = parse(taskDefinition);
        if (ref.revision() == null) {
            throw new IllegalArgumentException("taskDefinition must name a revision (family:revision or an ARN): \""
                    + taskDefinition + "\"");
        }
        if (status == TaskDefinitionStatus.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalArgumentException("status must be ACTIVE, INACTIVE or DELETE_IN_PROGRESS");
        }
        missing.remove(ref.key());
        latestRevisions.merge(ref.family(), ref.revision(), Math::max);
        if (status == TaskDefinitionStatus.ACTIVE) {
            statuses.remove(ref.key());
        } else {
            statuses.put(ref.key(), status);
        }
    }

    /** The family's highest revision that exists and is ACTIVE, or {@code null} when none does. */
    private Integer latestActive(String family) {
        for (int r = latestRevisions.getOrDefault(family, 1); r >= 1; r--) {
            if (!isMissing(family, r) && !statuses.containsKey(family + ":" + r)) {
                return r;
            }
        }
        return null;
    }

    private boolean isMissing(String family, int revision) {
        return missing.contains(family) || missing.contains(family + ":" + revision);
    }

    private String arnOf(String family, int revision) {
        return arnPrefix + "task-definition/" + family + ":" + revision;
    }

    /** {@code family}, {@code family:revision}, or an ARN ending in {@code task-definition/family:revision}. */
    private static Ref parse(String taskDefinition) {
        Objects.requireNonNull(taskDefinition, "taskDefinition");
        String value = taskDefinition;
        if (value.startsWith("arn:")) {
            int slash = value.indexOf(":task-definition/");
            value = slash < 0 ? "" : value.substring(slash + ":task-definition/".length());
        }
        int colon = value.lastIndexOf(':');
        String family = colon < 0 ? value : value.substring(0, colon);
        if (family.isEmpty()) {
            throw FakeErrors.invalidParameter("Invalid task definition: " + taskDefinition);
        }
        if (colon < 0) {
            return new Ref(family, null);
        }
        try {
            return new Ref(family, Integer.parseInt(value.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw FakeErrors.invalidParameter("Invalid revision number. Number: " + value.substring(colon + 1));
        }
    }

    private static ClientException clientException(String message) {
        return (ClientException) FakeErrors.error(ClientException.builder(), "ClientException", message);
    }
}
