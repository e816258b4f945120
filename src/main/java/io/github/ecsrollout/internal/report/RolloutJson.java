package io.github.ecsrollout.internal.report;

import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.internal.model.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Writes a rollout's outcome as one JSON object for pipelines (a Step Functions {@code Cause}, a CI annotation, a chat
 * message): stable field names, a {@code version}, ASCII only, and never more than {@link #MAX_CHARS} characters.
 * What does not fit is left out by priority (the failed services' details and names first, stable services' details
 * last), each list keeping its first entries in the caller's order, and {@code omitted} counts what was left out.
 * It carries what the rollout observed, never credentials or request bodies.
 */
public final class RolloutJson {

    /** The version of the fields' meaning: a field is only ever added in version 1, never renamed or retyped. */
    public static final int VERSION = 1;

    /** The most characters the JSON takes: under Step Functions' {@code Cause} limit of 32,768, with room to spare. */
    public static final int MAX_CHARS = 32_000;

    /** The most characters of the message's first line, and of a cause's message. */
    static final int MAX_MESSAGE = 1_000;

    /**
     * The most characters each of the long lists (unstable, rolled back, updated services) takes, so that none of
     * them crowds out the others or every service's details.
     */
    static final int MAX_LIST = MAX_CHARS / 5;

    /** Room kept for {@code "truncated"} and {@code "omitted"}, which are written last. */
    private static final int RESERVE = 512;

    /** The lists of names a failure carries, as the exception has them, in the caller's order. */
    public record Lists(List<String> failed, List<String> unstable, List<String> updated, List<String> possiblyUpdated,
            List<String> rolledBack, List<String> notRestored) {
    }

    private RolloutJson() {
    }

    /**
     * A success's JSON.
     *
     * @param services each service's final state, in the caller's order
     * @param attempts the most polls any chunk made
     * @param elapsed the call's time
     */
    public static String success(List<ServiceState> services, int attempts, Duration elapsed) {
        Set<String> confirmed = new LinkedHashSet<>();
        // A successful rollBack(checkpoint) confirmed every service it acted on.
        services.stream().filter(s -> ServiceJson.actedOn(s.rollbackAction())).forEach(s -> confirmed.add(s.service()));
        return new Writer(services, confirmed).write("SUCCESS", null, null, null, null, false, attempts,
                elapsed);
    }

    /**
     * A failure's JSON.
     *
     * @param reason the reason's name
     * @param message the exception's message; only its first line is written
     * @param cause the exception's cause, or {@code null}: only its type, ECS's error code and its message are written
     * @param services every service's last state, in the caller's order
     * @param lists the exception's lists of services
     * @param checkpoint whether the exception carries a checkpoint
     * @param attempts the most polls any chunk made
     * @param elapsed the call's time
     */
    public static String failure(String reason, String message, Throwable cause, List<ServiceState> services,
            Lists lists, boolean checkpoint, int attempts, Duration elapsed) {
        return new Writer(services, new LinkedHashSet<>(lists.rolledBack()))
                .write("FAILURE", reason, message, cause, lists, checkpoint, attempts, elapsed);
    }

    /** One writing: the pieces, their priorities, and what did not fit. */
    private static final class Writer {

        private final List<ServiceState> services;
        private final Set<String> confirmed;
        /** Per list field, the encoded entries that fit, in the caller's order. */
        private final Map<String, List<String>> kept = new LinkedHashMap<>();
        /** Per list field, how many entries were left out. */
        private final Map<String, Integer> omitted = new LinkedHashMap<>();
        private int used;

        Writer(List<ServiceState> services, Set<String> confirmed) {
            this.services = services;
            this.confirmed = confirmed;
        }

        String write(String outcome, String reason, String message, Throwable cause, Lists lists,
                boolean checkpoint, int attempts, Duration elapsed) {
            Set<String> clusters = new LinkedHashSet<>();
            services.forEach(s -> clusters.add(s.cluster()));
            Map<String, List<String>> names = new LinkedHashMap<>();
            names.put("clusters", List.copyOf(clusters));
            if (lists != null) {
                names.put("failedServices", lists.failed());
                names.put("unstableServices", lists.unstable());
                names.put("updatedServices", lists.updated());
                names.put("possiblyUpdatedServices", lists.possiblyUpdated());
                names.put("rolledBackServices", lists.rolledBack());
                names.put("notRestoredServices", lists.notRestored());
            }
            names.keySet().forEach(k -> kept.put(k, new ArrayList<>()));
            kept.put("services", new ArrayList<>());
            StringBuilder head = new StringBuilder("{\"version\":").append(VERSION);
            ServiceJson.field(head, "outcome", outcome);
            if (reason != null) {
                ServiceJson.field(head, "reason", reason);
                ServiceJson.field(head, "message", ServiceJson.capped(message == null ? "" : Headlines.firstLine(message), MAX_MESSAGE));
            }
            head.append(",\"serviceCount\":").append(services.size())
                    .append(",\"attempts\":").append(attempts)
                    .append(",\"elapsedMillis\":").append(elapsed.toMillis());
            if (lists != null) {
                head.append(",\"checkpoint\":").append(checkpoint);
                if (cause != null) {
                    head.append(",\"cause\":").append(cause(cause));
                }
            }
            used = head.length() + RESERVE;
            kept.keySet().forEach(k -> used += k.length() + 6); // ,"name":[]
            used += 1; // }

            // What a pipeline needs first: the services that ended the rollout, then what needs a person, then the
            // rest of what is unstable, then what went well.
            Set<String> failed = new LinkedHashSet<>(lists == null ? List.of() : lists.failed());
            Set<String> notRestored = new LinkedHashSet<>(lists == null ? List.of() : lists.notRestored());
            List<Integer> first = new ArrayList<>();
            List<Integer> unstable = new ArrayList<>();
            List<Integer> rest = new ArrayList<>();
            for (int i = 0; i < services.size(); i++) {
                ServiceState s = services.get(i);
                if (s.verdict().isTerminal() || failed.contains(s.service()) || notRestored.contains(s.service())) {
                    first.add(i);
                } else if (!s.isStable()) {
                    unstable.add(i);
                } else {
                    rest.add(i);
                }
            }
            // Each service's object, written once: by its place in the caller's order.
            Map<Integer, String> detailed = new TreeMap<>();
            addNames(names, "clusters", MAX_CHARS);
            addDetails(first, detailed);
            addNames(names, "failedServices", MAX_CHARS);
            addNames(names, "notRestoredServices", MAX_CHARS);
            addNames(names, "possiblyUpdatedServices", MAX_CHARS);
            addDetails(unstable, detailed);
            addNames(names, "unstableServices", MAX_LIST);
            addNames(names, "rolledBackServices", MAX_LIST);
            addNames(names, "updatedServices", MAX_LIST);
            addDetails(rest, detailed);
            int left = services.size() - detailed.size();
            if (left > 0) {
                omitted.put("services", left);
            }

            StringBuilder out = head;
            for (Map.Entry<String, List<String>> e : kept.entrySet()) {
                out.append(",\"").append(e.getKey()).append("\":[");
                List<String> entries = e.getKey().equals("services") ? List.copyOf(detailed.values()) : e.getValue();
                out.append(String.join(",", entries)).append(']');
            }
            out.append(",\"truncated\":").append(!omitted.isEmpty());
            if (!omitted.isEmpty()) {
                out.append(",\"omitted\":{");
                omitted.forEach((k, n) -> out.append('"').append(k).append("\":").append(n).append(','));
                out.setLength(out.length() - 1);
                out.append('}');
            }
            return out.append('}').toString();
        }

        /** Keeps a list's first entries while they fit, in at most {@code max} characters; counts the rest. */
        private void addNames(Map<String, List<String>> names, String field, int max) {
            List<String> all = names.get(field);
            if (all == null) {
                return;
            }
            List<String> into = kept.get(field);
            int taken = 0;
            for (String name : all) {
                String encoded = ServiceJson.encoded(name);
                if (used + encoded.length() + 1 > MAX_CHARS || taken + encoded.length() + 1 > max) {
                    break;
                }
                into.add(encoded);
                used += encoded.length() + 1;
                taken += encoded.length() + 1;
            }
            if (into.size() < all.size()) {
                omitted.put(field, all.size() - into.size());
            }
        }

        /** Keeps the details of a group's first services while they fit. */
        private void addDetails(List<Integer> group, Map<Integer, String> detailed) {
            for (int i : group) {
                ServiceState s = services.get(i);
                String detail = ServiceJson.of(s, confirmed.contains(s.service()));
                if (used + detail.length() + 1 > MAX_CHARS) {
                    return;
                }
                used += detail.length() + 1;
                detailed.put(i, detail);
            }
        }
    }

    /** The cause's type, ECS's error code when it is an ECS error, and its message: no request, no credentials. */
    private static String cause(Throwable cause) {
        StringBuilder o = new StringBuilder("{\"type\":");
        Json.string(o, cause.getClass().getSimpleName());
        if (cause instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                && aws.awsErrorDetails().errorCode() != null) {
            ServiceJson.field(o, "errorCode", aws.awsErrorDetails().errorCode());
        }
        if (cause.getMessage() != null) {
            ServiceJson.field(o, "message", ServiceJson.capped(cause.getMessage(), MAX_MESSAGE));
        }
        return o.append('}').toString();
    }

}
