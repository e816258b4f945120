package io.github.ecsrollout;

import io.github.ecsrollout.internal.model.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a rollout would do, read from ECS without writing anything: per service, the task definition now and the one
 * to deploy, each container's image before and after, every other difference, the deployment strategy and the time
 * the rollout would allow; and every problem that would stop the rollout before its first update. Made by
 * {@link ServiceRollout#plan(java.util.Collection)} and {@link ServiceRollout#planImages(java.util.Collection)}.
 *
 * <p>{@link #toString()} is a table to paste into a pull request; {@link #toJson()} the same for a pipeline.
 * Immutable.
 */
public final class RolloutPlan {

    /** The version of {@link #toJson()}'s document, its {@code "version"} field: raised when a field changes meaning. */
    public static final int JSON_VERSION = 1;

    private final List<ServicePlan> services;
    private final List<Problem> problems;

    /**
     * Makes a plan; {@link ServiceRollout} makes these, and tests of code that consumes them may too.
     *
     * @param services the services that could be planned, in the caller's order
     * @param problems what would stop the rollout, in the caller's order
     */
    public RolloutPlan(List<ServicePlan> services, List<Problem> problems) {
        this.services = List.copyOf(Objects.requireNonNull(services, "services"));
        this.problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
    }

    /**
     * Each service that could be planned, in the caller's order; a service with a problem is in {@link #problems()}
     * instead.
     *
     * @return the service plans
     */
    public List<ServicePlan> services() {
        return services;
    }

    /**
     * Everything that would stop the rollout before its first update, one per service concerned.
     *
     * @return the problems; empty when the rollout could start
     */
    public List<Problem> problems() {
        return problems;
    }

    /**
     * Whether anything would stop the rollout.
     *
     * @return whether {@link #problems()} is not empty
     */
    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    /**
     * The services the rollout would change.
     *
     * @return the service plans whose {@link ServicePlan#hasChanges()} holds, in the caller's order
     */
    public List<ServicePlan> changes() {
        return services.stream().filter(ServicePlan::hasChanges).toList();
    }

    /**
     * The plan as JSON, for a pipeline. Fields: {@code version} ({@link #JSON_VERSION}); {@code services}, each with
     * {@code cluster}, {@code service}, {@code currentTaskDefinition}, {@code targetTaskDefinition} ({@code null} when
     * a new revision would be registered), {@code newRevision}, {@code changes} (whether it changes anything),
     * {@code images} (each {@code container}, {@code before}, {@code after}; {@code null} for a container added or
     * removed), {@code differences} and {@code serviceChanges} (lines as {@link ServicePlan} describes them),
     * {@code strategy}, {@code allowed} and {@code minimum} (ISO-8601 durations, {@code PT10M}); and
     * {@code problems}, each with {@code cluster}, {@code service}, {@code kind} ({@link Problem.Kind}) and
     * {@code detail}.
     *
     * @return one JSON document
     */
    public String toJson() {
        StringBuilder out = new StringBuilder("{\"version\":").append(JSON_VERSION).append(",\"services\":[");
        for (int i = 0; i < services.size(); i++) {
            ServicePlan s = services.get(i);
            out.append(i == 0 ? "" : ",").append('{');
            member(out, "cluster", s.cluster()).append(',');
            member(out, "service", s.service()).append(',');
            member(out, "currentTaskDefinition", s.currentTaskDefinition()).append(',');
            member(out, "targetTaskDefinition", s.targetTaskDefinition().orElse(null)).append(',');
            out.append("\"newRevision\":").append(s.targetTaskDefinition().isEmpty()).append(',');
            out.append("\"changes\":").append(s.hasChanges()).append(",\"images\":[");
            for (int j = 0; j < s.images().size(); j++) {
                ImageChange c = s.images().get(j);
                out.append(j == 0 ? "" : ",").append('{');
                member(out, "container", c.container()).append(',');
                member(out, "before", c.before()).append(',');
                member(out, "after", c.after()).append('}');
            }
            out.append("],");
            strings(out, "differences", s.differences()).append(',');
            strings(out, "serviceChanges", s.serviceChanges()).append(',');
            member(out, "strategy", s.strategy()).append(',');
            member(out, "allowed", s.allowed().toString()).append(',');
            member(out, "minimum", s.minimum().toString()).append('}');
        }
        out.append("],\"problems\":[");
        for (int i = 0; i < problems.size(); i++) {
            Problem p = problems.get(i);
            out.append(i == 0 ? "" : ",").append('{');
            member(out, "cluster", p.cluster()).append(',');
            member(out, "service", p.service()).append(',');
            member(out, "kind", p.kind().name()).append(',');
            member(out, "detail", p.detail()).append('}');
        }
        return out.append("]}").toString();
    }

    private static StringBuilder member(StringBuilder out, String name, String value) {
        Json.string(out, name);
        out.append(':');
        Json.string(out, value);
        return out;
    }

    private static StringBuilder strings(StringBuilder out, String name, List<String> values) {
        Json.string(out, name);
        out.append(":[");
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ",");
            Json.string(out, values.get(i));
        }
        return out.append(']');
    }

    /**
     * The plan as a person reviews it in a pull request: a summary line, a markdown table of the services (task
     * definition, images changed, and containers whose image stays, strategy, the time allowed and the least a
     * deployment takes), the other changes one per line, and a table of the problems. Columns are padded, so it reads as well in a log as rendered.
     *
     * @return the plan, several lines
     */
    @Override
    public String toString() {
        List<ServicePlan> changing = changes();
        StringBuilder out = new StringBuilder("Rollout plan: ").append(count(changing.size(), "service"))
                .append(" would change, ").append(services.size() - changing.size()).append(" unchanged, ")
                .append(count(problems.size(), "problem")).append("; nothing was written\n");
        if (!services.isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("cluster", "service", "task definition", "images", "strategy", "allowed", "minimum"));
            for (ServicePlan s : services) {
                rows.add(List.of(s.cluster(), s.service(), shortName(s.currentTaskDefinition()) + " -> "
                        + s.targetTaskDefinition().map(RolloutPlan::shortName).orElse("new revision"),
                        images(s.images()), s.strategy(), words(s.allowed()), words(s.minimum())));
            }
            out.append('\n');
            table(out, rows);
            List<String> other = new ArrayList<>();
            for (ServicePlan s : services) {
                s.serviceChanges().forEach(line -> other.add(s.cluster() + "/" + s.service() + ": " + line));
                s.differences().forEach(line -> other.add(s.cluster() + "/" + s.service() + ": " + line));
            }
            if (!other.isEmpty()) {
                out.append("\nOther changes:\n");
                other.forEach(line -> out.append("- ").append(oneLine(line)).append('\n'));
            }
        }
        if (!problems.isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("cluster", "service", "problem", "detail"));
            problems.forEach(p -> rows.add(List.of(p.cluster(), p.service(), p.kind().name(), p.detail())));
            out.append("\nProblems:\n\n");
            table(out, rows);
        }
        return out.toString();
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static String images(List<ImageChange> images) {
        List<String> parts = new ArrayList<>();
        for (ImageChange c : images) {
            parts.add(Objects.equals(c.before(), c.after()) ? c.container() + " (unchanged)"
                    : c.container() + ": " + (c.before() == null ? "(none)" : c.before()) + " -> "
                            + (c.after() == null ? "(none)" : newPart(c.before(), c.after())));
        }
        return String.join("; ", parts);
    }

    /**
     * The new image, shortened to its tag or digest ({@code :2.0}, {@code @sha256:...}) when it is of the same
     * repository as the old one, so a table row says what changed rather than the registry twice.
     */
    private static String newPart(String before, String after) {
        int cut = tagOrDigest(after);
        return before != null && cut > 0 && cut == tagOrDigest(before)
                && before.regionMatches(0, after, 0, cut) ? after.substring(cut) : after;
    }

    /** Where an image's tag ({@code :}) or digest ({@code @}) starts, after its repository; -1 when it has neither. */
    private static int tagOrDigest(String image) {
        int at = image.indexOf('@');
        if (at >= 0) {
            return at;
        }
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? colon : -1;
    }

    /** {@code family:revision} out of a task definition ARN; anything else as it is. */
    private static String shortName(String taskDefinition) {
        int slash = taskDefinition.lastIndexOf('/');
        return taskDefinition.startsWith("arn:") && slash >= 0 ? taskDefinition.substring(slash + 1) : taskDefinition;
    }

    /** {@code 1h 5m}, {@code 45s}, {@code 250ms}; {@code no limit} for about 292 years or more. */
    private static String words(Duration d) {
        if (d.compareTo(Duration.ofDays(365L * 292)) >= 0) {
            return "no limit";
        }
        if (d.isZero()) {
            return "0s";
        }
        List<String> parts = new ArrayList<>();
        long hours = d.toHours();
        if (hours > 0) {
            parts.add(hours + "h");
        }
        if (d.toMinutesPart() > 0) {
            parts.add(d.toMinutesPart() + "m");
        }
        if (d.toSecondsPart() > 0) {
            parts.add(d.toSecondsPart() + "s");
        }
        if (d.toMillisPart() > 0 && hours == 0 && d.toMinutesPart() == 0) {
            parts.add(d.toMillisPart() + "ms");
        }
        return parts.isEmpty() ? "<1ms" : String.join(" ", parts);
    }

    /** A markdown table with padded columns; {@code |} and line breaks in a cell are escaped. */
    private static void table(StringBuilder out, List<List<String>> rows) {
        List<List<String>> cells = rows.stream().map(r -> r.stream().map(RolloutPlan::cell).toList()).toList();
        int[] widths = new int[cells.get(0).size()];
        for (List<String> row : cells) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], Math.max(3, row.get(i).length()));
            }
        }
        for (int r = 0; r < cells.size(); r++) {
            line(out, cells.get(r), widths);
            if (r == 0) {
                List<String> rule = new ArrayList<>();
                for (int width : widths) {
                    rule.add("-".repeat(width));
                }
                line(out, rule, widths);
            }
        }
    }

    private static void line(StringBuilder out, List<String> row, int[] widths) {
        out.append('|');
        for (int i = 0; i < row.size(); i++) {
            out.append(' ').append(row.get(i)).append(" ".repeat(widths[i] - row.get(i).length())).append(" |");
        }
        out.append('\n');
    }

    private static String cell(String value) {
        return value == null ? "" : oneLine(value.replace("|", "\\|"));
    }

    /**
     * The text on one line: each line break a value holds (an environment variable with a certificate, a multi-line
     * command) written as its escape ({@code \n}), so that one change stays one line of the plan and a value cannot
     * make up lines of its own.
     */
    private static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\u0085': out.append("\\u0085"); break;
                case '\u2028': out.append("\\u2028"); break;
                case '\u2029': out.append("\\u2029"); break;
                default: out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * What the rollout would do to one service.
     *
     * @param cluster the cluster as given ({@code default} when none was)
     * @param service the service as given (name or ARN)
     * @param currentTaskDefinition the service's task definition now, as ECS reports it (an ARN)
     * @param targetTaskDefinition the task definition the rollout would deploy, as ECS describes it (an ARN); empty
     *     when a new revision would be registered ({@link ServiceRollout#planImages})
     * @param images each container's image before and after, in the target's container order
     * @param differences every other difference between the two task definitions, one readable line each
     *     ({@code containerDefinitions[web].environment.LOG_LEVEL: info -> debug}, {@code cpu: 256 -> 512}), sorted by
     *     property; what ECS sets at registration (ARN, revision, status, dates) is left out, and a secret shows its
     *     {@code valueFrom}, never its value
     * @param serviceChanges what the request changes in the service itself ({@code desiredCount: 2 -> 4},
     *     {@code forceNewDeployment: true}), one line each
     * @param strategy the deployment strategy that would apply ({@code ROLLING}, {@code BLUE_GREEN}, ...)
     * @param allowed how long this {@code ServiceRollout}'s settings would let the rollout wait: its timeout (less a
     *     rollback's reserve), or its polls times its delay
     * @param minimum the least time the deployment takes by its strategy's own waits (bake time, linear steps, canary
     *     bake); zero when it has none
     */
    public record ServicePlan(String cluster, String service, String currentTaskDefinition,
            Optional<String> targetTaskDefinition, List<ImageChange> images, List<String> differences,
            List<String> serviceChanges, String strategy, Duration allowed, Duration minimum) {

        /**
         * Checks every part; the lists are copied.
         *
         * @param cluster the cluster as given
         * @param service the service as given
         * @param currentTaskDefinition the service's task definition now
         * @param targetTaskDefinition the task definition to deploy; empty for a revision to register
         * @param images each container's image before and after
         * @param differences the other differences between the task definitions
         * @param serviceChanges what the request changes in the service itself
         * @param strategy the deployment strategy
         * @param allowed how long the settings let the rollout wait
         * @param minimum the least time the deployment takes
         */
        public ServicePlan {
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(currentTaskDefinition, "currentTaskDefinition");
            Objects.requireNonNull(targetTaskDefinition, "targetTaskDefinition");
            images = List.copyOf(Objects.requireNonNull(images, "images"));
            differences = List.copyOf(Objects.requireNonNull(differences, "differences"));
            serviceChanges = List.copyOf(Objects.requireNonNull(serviceChanges, "serviceChanges"));
            Objects.requireNonNull(strategy, "strategy");
            Objects.requireNonNull(allowed, "allowed");
            Objects.requireNonNull(minimum, "minimum");
        }

        /**
         * Whether the rollout would change anything in this service: another task definition, an image, a
         * difference, or a change the request makes.
         *
         * @return whether it changes the service
         */
        public boolean hasChanges() {
            return targetTaskDefinition.map(t -> !t.equals(currentTaskDefinition)).orElse(false)
                    || images.stream().anyMatch(c -> !Objects.equals(c.before(), c.after()))
                    || !differences.isEmpty() || !serviceChanges.isEmpty();
        }
    }

    /**
     * One container's image before and after.
     *
     * @param container the container's name
     * @param before its image now, or {@code null} when the container is new
     * @param after its image after the rollout, or {@code null} when the container goes away
     */
    public record ImageChange(String container, String before, String after) {

        /**
         * Checks the container's name.
         *
         * @param container the container's name
         * @param before its image now, or {@code null}
         * @param after its image after, or {@code null}
         */
        public ImageChange {
            Objects.requireNonNull(container, "container");
        }
    }

    /**
     * What would stop the rollout of one service before its first update.
     *
     * @param cluster the cluster as given ({@code default} when none was)
     * @param service the service as given
     * @param kind what kind of problem
     * @param detail what ECS said, or what is wrong, for a person
     */
    public record Problem(String cluster, String service, Kind kind, String detail) {

        /**
         * Checks every part.
         *
         * @param cluster the cluster as given
         * @param service the service as given
         * @param kind what kind of problem
         * @param detail what is wrong, for a person
         */
        public Problem {
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
        }

        /** The kinds of problem a plan finds. */
        public enum Kind {
            /** ECS does not know the service ({@code MISSING}). */
            SERVICE_MISSING,
            /** The service is {@code DRAINING} or {@code INACTIVE}. */
            SERVICE_INACTIVE,
            /** The service uses the {@code CODE_DEPLOY} or {@code EXTERNAL} deployment controller. */
            UNSUPPORTED_SERVICE,
            /** The task definition to deploy does not exist or is not {@code ACTIVE}. */
            TASK_DEFINITION_UNUSABLE,
            /** The service's current task definition could not be read, so nothing can be compared with it. */
            TASK_DEFINITION_UNREADABLE,
            /** An image update names a container the task definition does not have, or names none for several. */
            UNKNOWN_CONTAINER,
            /**
             * This {@code ServiceRollout}'s settings cannot apply to the service: a {@code succeedAtStage} its
             * strategy lacks, or a bound shorter than its shortest deployment.
             */
            SETTINGS_DO_NOT_FIT
        }
    }
}
