package io.github.ecsrollout.internal.report;

import io.github.ecsrollout.ContainerImage;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.model.Json;
import io.github.ecsrollout.internal.verdict.EcsWords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

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

    /** The most characters of each free text a service carries (ECS's words, an event, a stopped reason). */
    static final int MAX_TEXT = 500;

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
        services.stream().filter(s -> actedOn(s.rollbackAction())).forEach(s -> confirmed.add(s.service()));
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

    private static boolean actedOn(RollbackAction action) {
        return action != RollbackAction.NONE && action != RollbackAction.LEFT_ALONE;
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
            field(head, "outcome", outcome);
            if (reason != null) {
                field(head, "reason", reason);
                field(head, "message", capped(firstLine(message), MAX_MESSAGE));
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
            List<Integer> detailed = new ArrayList<>();
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
            detailed.sort(Comparator.naturalOrder());

            StringBuilder out = head;
            for (Map.Entry<String, List<String>> e : kept.entrySet()) {
                out.append(",\"").append(e.getKey()).append("\":[");
                List<String> entries = e.getKey().equals("services")
                        ? detailed.stream().map(i -> detail(services.get(i))).toList() : e.getValue();
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
                String encoded = encoded(name);
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
        private void addDetails(List<Integer> group, List<Integer> detailed) {
            for (int i : group) {
                int size = detail(services.get(i)).length() + 1;
                if (used + size > MAX_CHARS) {
                    return;
                }
                used += size;
                detailed.add(i);
            }
        }

        /** One service's object: see {@code RolloutResult.toJson()} for its fields. */
        private String detail(ServiceState s) {
            StringBuilder o = new StringBuilder("{\"cluster\":");
            Json.string(o, s.cluster());
            field(o, "service", s.service());
            field(o, "verdict", s.verdict().name());
            s.requestedTaskDefinition().ifPresent(td -> field(o, "requestedTaskDefinition", td));
            s.previousTaskDefinition().ifPresent(td -> field(o, "previousTaskDefinition", td));
            s.taskDefinition().ifPresent(td -> field(o, "taskDefinition", td));
            s.expectedDeploymentId().ifPresent(id -> field(o, "deploymentId", id));
            if (s.lastObserved().isPresent()) {
                o.append(",\"runningCount\":").append(s.runningCount())
                        .append(",\"desiredCount\":").append(s.desiredCount())
                        .append(",\"pendingCount\":").append(s.pendingCount());
            }
            s.rolloutState().ifPresent(r -> field(o, "rolloutState", r));
            s.rolloutStateReason().ifPresent(r -> field(o, "rolloutStateReason", capped(r, MAX_TEXT)));
            s.serviceDeployment().map(d -> d.statusAsString())
                    .ifPresent(status -> field(o, "serviceDeploymentStatus", status));
            if (s.verdict() != Verdict.STABLE && s.lastObserved().isPresent()) {
                String words = EcsWords.of(s.lastObserved().get(), s.serviceDeployment().orElse(null),
                        s.expectedDeploymentId().orElse(null));
                if (words != null) {
                    field(o, "ecsWords", capped(words, MAX_TEXT));
                }
            }
            latestProblem(s.events()).ifPresent(e -> {
                o.append(",\"latestProblemEvent\":{\"message\":");
                Json.string(o, capped(e.message(), MAX_TEXT));
                if (e.createdAt() != null) {
                    field(o, "createdAt", e.createdAt().toString());
                }
                o.append('}');
            });
            if (!s.stoppedTasks().isEmpty()) {
                o.append(",\"stoppedTask\":").append(stoppedTask(s.stoppedTasks().get(0)));
            }
            s.stoppedTasksUnavailableReason()
                    .ifPresent(r -> field(o, "stoppedTasksUnavailable", capped(r, MAX_TEXT)));
            if (!s.images().isEmpty()) {
                o.append(",\"images\":[");
                for (int i = 0; i < s.images().size(); i++) {
                    ContainerImage image = s.images().get(i);
                    o.append(i == 0 ? "{\"containerName\":" : ",{\"containerName\":");
                    Json.string(o, capped(image.containerName(), MAX_TEXT));
                    field(o, "image", capped(image.image(), MAX_TEXT));
                    image.digest().ifPresent(d -> field(o, "digest", capped(d, MAX_TEXT)));
                    o.append('}');
                }
                o.append(']');
            }
            field(o, "rollbackAction", s.rollbackAction().name());
            if (actedOn(s.rollbackAction())) {
                o.append(",\"rollbackConfirmed\":").append(confirmed.contains(s.service()));
            }
            return o.append('}').toString();
        }
    }

    /** The newest event seen during the rollout that reports a problem. */
    private static Optional<ServiceEvent> latestProblem(List<ServiceEvent> oldestFirst) {
        for (int i = oldestFirst.size() - 1; i >= 0; i--) {
            ServiceEvent e = oldestFirst.get(i);
            if (e.message() != null && EcsWords.isProblem(e.message())) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The task's id, reasons and the container that explains it best: the first with an exit code other than 0. */
    private static String stoppedTask(Task t) {
        StringBuilder o = new StringBuilder("{\"taskId\":");
        Json.string(o, t.taskArn() == null ? null : EcsIds.lastSegment(t.taskArn()));
        if (t.stoppedReason() != null) {
            field(o, "stoppedReason", capped(t.stoppedReason(), MAX_TEXT));
        }
        if (t.stopCode() != null) {
            field(o, "stopCode", t.stopCodeAsString());
        }
        Optional<Container> c = t.containers().stream()
                .filter(x -> x.exitCode() != null && x.exitCode() != 0).findFirst()
                .or(() -> t.containers().stream().filter(x -> x.reason() != null).findFirst());
        c.ifPresent(x -> {
            if (x.name() != null) {
                field(o, "container", x.name());
            }
            if (x.exitCode() != null) {
                o.append(",\"exitCode\":").append(x.exitCode().intValue());
            }
            if (x.reason() != null) {
                field(o, "containerReason", capped(x.reason(), MAX_TEXT));
            }
        });
        return o.append('}').toString();
    }

    /** The cause's type, ECS's error code when it is an ECS error, and its message: no request, no credentials. */
    private static String cause(Throwable cause) {
        StringBuilder o = new StringBuilder("{\"type\":");
        Json.string(o, cause.getClass().getSimpleName());
        if (cause instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                && aws.awsErrorDetails().errorCode() != null) {
            field(o, "errorCode", aws.awsErrorDetails().errorCode());
        }
        if (cause.getMessage() != null) {
            field(o, "message", capped(cause.getMessage(), MAX_MESSAGE));
        }
        return o.append('}').toString();
    }

    private static void field(StringBuilder o, String name, String value) {
        o.append(",\"").append(name).append("\":");
        Json.string(o, value);
    }

    private static String encoded(String value) {
        StringBuilder o = new StringBuilder();
        Json.string(o, value);
        return o.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * The text, cut so that its JSON string (quotes aside) takes at most {@code max} characters, ending in
     * {@code ...} when cut, never between the two halves of a surrogate pair.
     */
    static String capped(String text, int max) {
        if (encoded(text).length() - 2 <= max) {
            return text;
        }
        int budget = max - 3;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int width = encoded(new String(Character.toChars(cp))).length() - 2;
            if (width > budget) {
                break;
            }
            budget -= width;
            end += Character.charCount(cp);
        }
        return text.substring(0, end) + "...";
    }
}
