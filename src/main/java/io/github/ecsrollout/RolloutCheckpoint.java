package io.github.ecsrollout;

import io.github.ecsrollout.internal.checkpoint.CheckpointEntry;
import io.github.ecsrollout.internal.model.Json;
import io.github.ecsrollout.internal.model.EcsIds;
import java.io.Serializable;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;

/**
 * A rollout written down: everything a later process needs to go on judging it exactly as the process that started it
 * would have, so a rollout can outlive one AWS Lambda invocation. Returned by {@link ServiceRollout#start} and
 * {@link RolloutProgress#checkpoint()}, and carried by a {@link RolloutNotStableException} that leaves a rollout
 * unfinished but alive ({@link RolloutNotStableException#checkpoint()}); passed to {@link ServiceRollout#check},
 * {@link ServiceRollout#watch}, {@link ServiceRollout#resume} or {@link ServiceRollout#rollBack}, in this JVM or
 * another. It carries the rollout's deadline ({@link #deadline()}): a call that takes it up ends the rollout only at a
 * verdict or at that deadline; the end of the call's own time ends only the call.
 *
 * <p>It travels as JSON: {@link #toJson()} and {@link #fromJson(String)}, or as a plain record through any JSON
 * mapper that handles Java records (Jackson 2.12 and later, the AWS Lambda Java runtime's serialization of handler
 * inputs and outputs) with no custom code. It is {@link Serializable} too. Its components are an encoding private to
 * this library: build one only by those means; a value that is not one this library wrote is refused with an
 * {@link IllegalArgumentException} saying what is wrong, never half read.
 *
 * <p>Its components {@code succeedAtStage}, {@code serviceDeploymentArnPrefix} and {@code deadlineAt} may be
 * {@code null} rather than {@code Optional}: they are the JSON's fields as a mapper writes and reads them (Jackson
 * would write an {@code Optional} as an object without a module of its own), not values to use; {@link #deadline()}
 * is the deadline's typed view.
 *
 * <p>A checkpoint of 1,000 services (names up to 32 characters, task definitions as {@code family:revision}) is about
 * 170 KB of JSON, within Step Functions' 256 KB state limit.
 *
 * @param version the format's version; this library reads every version up to {@link #CURRENT_VERSION}
 * @param startedAt when the rollout started (ISO-8601)
 * @param succeedAtStage the stage at which a service counted as deployed, or {@code null}: it applies to every later
 *     check, whatever the {@code ServiceRollout} checking it says
 * @param rollbackOnFailure whether a failure rolls back the changed services: it applies to every later check too
 * @param serviceDeploymentArnPrefix the part common to the services' service-deployment ARNs, or {@code null}
 * @param services one entry per service: its cluster and name as the caller spelled them, the deployment the rollout
 *     started, its service deployment once found, its previous task definition, its last verdict, and what the
 *     listener has been told
 * @param deadlineAt when the rollout ends, if not done (ISO-8601): its start plus the starting
 *     {@code ServiceRollout}'s timeout, or {@code null} when it had none; version 2 and later ({@link #deadline()})
 * @serial exclude
 */
public record RolloutCheckpoint(int version, String startedAt, String succeedAtStage, boolean rollbackOnFailure,
        String serviceDeploymentArnPrefix, List<String> services, String deadlineAt) implements Serializable {

    /** The newest version this library writes: 2, for a checkpoint with a deadline; without one it writes 1. */
    public static final int CURRENT_VERSION = 2;

    private static final Set<String> MEMBERS = Set.of("version", "startedAt", "succeedAtStage", "rollbackOnFailure",
            "serviceDeploymentArnPrefix", "services", "deadlineAt");

    /**
     * Checks every component, as {@link #fromJson(String)} and JSON mappers call it.
     *
     * @param version the format's version, 1 to {@link #CURRENT_VERSION}
     * @param startedAt when the rollout started (ISO-8601)
     * @param succeedAtStage a lifecycle stage, or {@code null}
     * @param rollbackOnFailure whether a failure rolls back the changed services
     * @param serviceDeploymentArnPrefix an ARN prefix ending in {@code :service-deployment/}, or {@code null}
     * @param services one entry per service, as this library writes them; at least one
     * @param deadlineAt when the rollout ends (ISO-8601, not before {@code startedAt}), or {@code null}; version 2 only
     * @throws IllegalArgumentException when a component is not what this library writes
     * @throws NullPointerException when {@code startedAt} or {@code services} is {@code null}
     */
    public RolloutCheckpoint {
        if (version < 1 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("checkpoint version " + version + " is not one this library reads (1 to "
                    + CURRENT_VERSION + ")" + (version > CURRENT_VERSION ? ": written by a newer ecs-rollout" : ""));
        }
        Objects.requireNonNull(startedAt, "startedAt");
        Instant start = instant(startedAt, "startedAt");
        if (deadlineAt != null) {
            if (version < 2) {
                throw new IllegalArgumentException("a version " + version + " checkpoint has no deadlineAt");
            }
            if (instant(deadlineAt, "deadlineAt").isBefore(start)) {
                throw new IllegalArgumentException("deadlineAt " + deadlineAt + " is before startedAt " + startedAt);
            }
        }
        if (succeedAtStage != null
                && ServiceDeploymentLifecycleStage.fromValue(succeedAtStage)
                        == ServiceDeploymentLifecycleStage.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalArgumentException("succeedAtStage \"" + succeedAtStage + "\" is not a lifecycle stage");
        }
        if (serviceDeploymentArnPrefix != null && !(serviceDeploymentArnPrefix.startsWith("arn:")
                && serviceDeploymentArnPrefix.endsWith(":service-deployment/"))) {
            throw new IllegalArgumentException("serviceDeploymentArnPrefix \"" + serviceDeploymentArnPrefix
                    + "\" is not an ARN prefix ending in :service-deployment/");
        }
        Objects.requireNonNull(services, "services");
        if (services.isEmpty()) {
            throw new IllegalArgumentException("a checkpoint has at least one service");
        }
        services = List.copyOf(services);
        Set<String> seen = new HashSet<>();
        for (String line : services) {
            CheckpointEntry e = CheckpointEntry.parse(line, start, serviceDeploymentArnPrefix);
            if (!seen.add(EcsIds.lastSegment(e.cluster()) + "/" + EcsIds.lastSegment(e.service()))) {
                throw new IllegalArgumentException("service " + e.service() + " of cluster " + e.cluster()
                        + " appears twice");
            }
        }
    }

    /**
     * This checkpoint as one JSON object, which {@link #fromJson(String)} reads back.
     *
     * @return the JSON text
     */
    public String toJson() {
        StringBuilder out = new StringBuilder(256 + services.size() * 150);
        out.append("{\"version\":").append(version).append(",\"startedAt\":");
        Json.string(out, startedAt);
        out.append(",\"succeedAtStage\":");
        Json.string(out, succeedAtStage);
        out.append(",\"rollbackOnFailure\":").append(rollbackOnFailure).append(",\"serviceDeploymentArnPrefix\":");
        Json.string(out, serviceDeploymentArnPrefix);
        out.append(",\"services\":[");
        for (int i = 0; i < services.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Json.string(out, services.get(i));
        }
        out.append(']');
        if (deadlineAt != null) {
            // Only with one: a checkpoint without a deadline stays version 1, which earlier releases read.
            out.append(",\"deadlineAt\":");
            Json.string(out, deadlineAt);
        }
        return out.append('}').toString();
    }

    /**
     * Reads a checkpoint from the JSON of {@link #toJson()} (or of a JSON mapper that wrote this record).
     *
     * @param json the JSON text
     * @return the checkpoint
     * @throws IllegalArgumentException when the text is not a checkpoint this library wrote, saying what is wrong
     * @throws NullPointerException when {@code json} is {@code null}
     */
    public static RolloutCheckpoint fromJson(String json) {
        Objects.requireNonNull(json, "json");
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a RolloutCheckpoint: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map)) {
            throw new IllegalArgumentException("not a RolloutCheckpoint: expected a JSON object");
        }
        Map<?, ?> map = (Map<?, ?>) parsed;
        for (Object name : map.keySet()) {
            if (!MEMBERS.contains(name)) {
                throw new IllegalArgumentException("not a RolloutCheckpoint: unknown member \"" + name + "\"");
            }
        }
        Object version = required(map, "version", Long.class);
        Object services = required(map, "services", List.class);
        for (Object line : (List<?>) services) {
            if (!(line instanceof String)) {
                throw new IllegalArgumentException("not a RolloutCheckpoint: every services entry must be a string");
            }
        }
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) services;
        long v = (Long) version;
        return new RolloutCheckpoint((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v)),
                (String) required(map, "startedAt", String.class),
                (String) optional(map, "succeedAtStage", String.class),
                Boolean.TRUE.equals(optional(map, "rollbackOnFailure", Boolean.class)),
                (String) optional(map, "serviceDeploymentArnPrefix", String.class), lines,
                (String) optional(map, "deadlineAt", String.class));
    }

    /**
     * A checkpoint without a deadline, as version 1 wrote them: see the canonical constructor.
     *
     * @param version the format's version
     * @param startedAt when the rollout started (ISO-8601)
     * @param succeedAtStage a lifecycle stage, or {@code null}
     * @param rollbackOnFailure whether a failure rolls back the changed services
     * @param serviceDeploymentArnPrefix an ARN prefix ending in {@code :service-deployment/}, or {@code null}
     * @param services one entry per service, as this library writes them; at least one
     */
    public RolloutCheckpoint(int version, String startedAt, String succeedAtStage, boolean rollbackOnFailure,
            String serviceDeploymentArnPrefix, List<String> services) {
        this(version, startedAt, succeedAtStage, rollbackOnFailure, serviceDeploymentArnPrefix, services, null);
    }

    /**
     * When the rollout ends if it is not done by then: its start plus the timeout of the {@code ServiceRollout} that
     * started it. {@code check}, {@code resume} and {@code watch} end it {@code TIMED_OUT} then (rolled back when
     * {@link #rollbackOnFailure()}), whatever the checking {@code ServiceRollout}'s own timeout, which bounds only its
     * call.
     *
     * @return the deadline; empty when the rollout was started without a timeout
     */
    public Optional<Instant> deadline() {
        return Optional.ofNullable(deadlineAt).map(Instant::parse);
    }

    /** A short form: a checkpoint of many services would otherwise fill a log line. */
    @Override
    public String toString() {
        return "RolloutCheckpoint[version=" + version + ", startedAt=" + startedAt + ", services=" + services.size()
                + (succeedAtStage == null ? "" : ", succeedAtStage=" + succeedAtStage)
                + (rollbackOnFailure ? ", rollbackOnFailure" : "")
                + (deadlineAt == null ? "" : ", deadline=" + deadlineAt) + "]";
    }

    private static Instant instant(String value, String name) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " \"" + value + "\" is not an ISO-8601 instant", e);
        }
    }

    private static Object required(Map<?, ?> map, String name, Class<?> type) {
        Object value = map.get(name);
        if (value == null) {
            throw new IllegalArgumentException("not a RolloutCheckpoint: no \"" + name + "\"");
        }
        return optional(map, name, type);
    }

    private static Object optional(Map<?, ?> map, String name, Class<?> type) {
        Object value = map.get(name);
        if (value != null && !type.isInstance(value)) {
            throw new IllegalArgumentException("not a RolloutCheckpoint: \"" + name + "\" must be "
                    + (type == Long.class ? "a whole number" : type == List.class ? "an array"
                            : "a " + type.getSimpleName().toLowerCase(java.util.Locale.ROOT)));
        }
        return value;
    }
}
