package io.github.ecsrollout.internal.report;

import io.github.ecsrollout.ContainerImage;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.model.Json;
import io.github.ecsrollout.internal.verdict.EcsWords;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * One service's object in a rollout's JSON ({@link RolloutJson}): what it ran and what ECS said, its free texts cut to
 * {@link #MAX_TEXT} characters; and the JSON pieces both write with.
 */
final class ServiceJson {

    /** The most characters of each free text a service carries (ECS's words, an event, a stopped reason). */
    static final int MAX_TEXT = 500;

    private ServiceJson() {
    }

    /**
     * One service's object: see {@code RolloutResult.toJson()} for its fields.
     *
     * @param confirmed whether its rollback, if one acted on it, was confirmed
     */
    static String of(ServiceState s, boolean confirmed) {
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
            o.append(",\"rollbackConfirmed\":").append(confirmed);
        }
        return o.append('}').toString();
    }

    /** Whether the rollback acted on the service (so that its confirmation is worth telling). */
    static boolean actedOn(RollbackAction action) {
        return action != RollbackAction.NONE && action != RollbackAction.LEFT_ALONE;
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

    /** {@code ,"name":"value"}. */
    static void field(StringBuilder o, String name, String value) {
        o.append(",\"").append(name).append("\":");
        Json.string(o, value);
    }

    /** The value as a JSON string, quotes included. */
    static String encoded(String value) {
        StringBuilder o = new StringBuilder();
        Json.string(o, value);
        return o.toString();
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
