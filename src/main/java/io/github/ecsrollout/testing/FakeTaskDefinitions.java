package io.github.ecsrollout.testing;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * The task definitions of one {@link FakeEcs}: every revision of a family, from 1 to the highest one seen (run by a
 * service, or named by an update), exists and is ACTIVE, unless a test said otherwise: a revision, or a whole family,
 * missing ({@link FakeEcs#missingTaskDefinition}), or a revision INACTIVE or DELETE_IN_PROGRESS
 * ({@link FakeEcs#taskDefinitionStatus}). A family alone stands for its latest ACTIVE revision, as in ECS. Each has
 * one container, {@code app}, unless registered (RegisterTaskDefinition: the family's next revision, as ECS numbers
 * them) or given by a test ({@link FakeEcs#taskDefinition}), with its tags. Callers hold the fake's lock.
 */
final class FakeTaskDefinitions {

    /** The one container of a task definition no test gave content to. */
    static final String DEFAULT_CONTAINER = "app";

    private static final Pattern FAMILY = Pattern.compile("[A-Za-z0-9_-]{1,255}");

    /** What ECS answers DescribeTaskDefinition for a task definition it cannot describe. */
    static final String CANNOT_DESCRIBE = "Unable to describe task definition.";

    /** {@code arn:aws:ecs:REGION:ACCOUNT:}. */
    private final String arnPrefix;
    private final Map<String, Integer> latestRevisions = new LinkedHashMap<>();
    /** {@code family:revision} → a status other than ACTIVE. */
    private final Map<String, TaskDefinitionStatus> statuses = new HashMap<>();
    /** {@code family:revision} missing, or {@code family} with every revision missing. */
    private final Set<String> missing = new HashSet<>();
    /** {@code family:revision} → its content, registered or given by a test; others have {@link #defaultContent}. */
    private final Map<String, TaskDefinition> contents = new HashMap<>();
    /** {@code family:revision} → its tags. */
    private final Map<String, List<Tag>> tags = new HashMap<>();

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
        TaskDefinition.Builder td = content != null ? content.toBuilder() : defaultContent(ref);
        return td.taskDefinitionArn(arnOf(ref.family(), ref.revision())).family(ref.family())
                .revision(ref.revision()).status(status).build();
    }

    /** The tags of the revision {@link #describe} would describe; empty when it has none. */
    List<Tag> tagsOf(String taskDefinition) {
        return tags.getOrDefault(existing(taskDefinition, CANNOT_DESCRIBE).key(), List.of());
    }

    /**
     * What a task definition nobody registered holds: one essential container, {@code app}, whose image is
     * {@code ACCOUNT.dkr.ecr.REGION.amazonaws.com/FAMILY:REVISION}.
     */
    private TaskDefinition.Builder defaultContent(Ref ref) {
        String[] arn = arnPrefix.split(":");
        String image = arn[4] + ".dkr.ecr." + arn[3] + ".amazonaws.com/" + ref.family() + ":" + ref.revision();
        return TaskDefinition.builder().containerDefinitions(ContainerDefinition.builder().name(DEFAULT_CONTAINER)
                .image(image).essential(true).build());
    }

    /**
     * Registers a new revision as ECS does: the family's next revision number, ACTIVE, with the request's fields and
     * tags, and ECS's own (ARN, registration time and principal, compatibilities).
     *
     * @throws ClientException for a request ECS refuses: no family, no container, a container without a name or image
     */
    TaskDefinition register(RegisterTaskDefinitionRequest request, Instant now, String registeredBy) {
        if (request.family() == null || !FAMILY.matcher(request.family()).matches()) {
            throw clientException("Family must be 1 to 255 letters, numbers, hyphens and underscores.");
        }
        if (!request.hasContainerDefinitions() || request.containerDefinitions().isEmpty()) {
            throw clientException("Container list cannot be empty.");
        }
        for (ContainerDefinition c : request.containerDefinitions()) {
            if (c.name() == null || c.name().isEmpty()) {
                throw clientException("Container.name should not be null or empty.");
            }
            if (c.image() == null || c.image().isEmpty()) {
                throw clientException("Container.image should not be null or empty.");
            }
        }
        String family = request.family();
        Ref ref = new Ref(family, latestRevisions.getOrDefault(family, 0) + 1);
        status(ref.key(), TaskDefinitionStatus.ACTIVE); // now the family's latest revision, there and ACTIVE
        TaskDefinition.Builder td = FakeRegistrations.taskDefinitionOf(request)
                .registeredAt(now).registeredBy(registeredBy);
        td.compatibilitiesWithStrings(request.hasRequiresCompatibilities() && !request.requiresCompatibilities()
                .isEmpty() ? request.requiresCompatibilitiesAsStrings() : List.of("EC2"));
        contents.put(ref.key(), td.build());
        tags.put(ref.key(), request.hasTags() ? List.copyOf(request.tags()) : List.of());
        return describe(ref.key());
    }

    /** See {@link FakeEcs#taskDefinition(TaskDefinition, java.util.Collection)}. */
    void put(TaskDefinition definition, List<Tag> definitionTags) {
        Objects.requireNonNull(definition, "definition");
        Ref ref = definition.taskDefinitionArn() != null ? parse(definition.taskDefinitionArn())
                : definition.family() == null || definition.revision() == null ? null
                : new Ref(definition.family(), definition.revision());
        if (ref == null || ref.revision() == null) {
            throw new IllegalArgumentException("definition must name its revision: a taskDefinitionArn, or a family "
                    + "and a revision");
        }
        status(ref.key(), definition.status() == null ? TaskDefinitionStatus.ACTIVE : definition.status());
        contents.put(ref.key(), definition);
        tags.put(ref.key(), List.copyOf(definitionTags));
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

    /** See {@link FakeEcs#taskDefinition(String, TaskDefinition)}: {@link #put} under the name given, tags kept. */
    void content(String taskDefinition, TaskDefinition content) {
        Objects.requireNonNull(content, "content");
        Ref ref = revision(taskDefinition);
        put(content.toBuilder().taskDefinitionArn(null).family(ref.family()).revision(ref.revision())
                .status(statuses.getOrDefault(ref.key(), TaskDefinitionStatus.ACTIVE)).build(),
                tags.getOrDefault(ref.key(), List.of()));
    }

    /** See {@link FakeEcs#missingTaskDefinition(String)}. */
    void markMissing(String taskDefinition) {
        Ref ref = parse(taskDefinition);
        missing.add(ref.revision() == null ? ref.family() : ref.key());
    }

    /** See {@link FakeEcs#taskDefinitionStatus(String, TaskDefinitionStatus)}. */
    void status(String taskDefinition, TaskDefinitionStatus status) {
        Objects.requireNonNull(status, "status");
        Ref ref = revision(taskDefinition);
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

    /** A reference that names one revision ({@code family:revision} or an ARN), taken apart. */
    private static Ref revision(String taskDefinition) {
        Ref ref = parse(taskDefinition);
        if (ref.revision() == null) {
            throw new IllegalArgumentException("taskDefinition must name a revision (family:revision or an ARN): \""
                    + taskDefinition + "\"");
        }
        return ref;
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
