package io.github.ecsrollout.golden;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Replaces what differs from run to run (times, durations, generated ids) in a transcript by stable placeholders. */
final class Masker {

    /** Marks a value the transcript knows to be an id (a checkpoint's shortened service-deployment token, say). */
    private static final char ID_START = '\u0001';
    private static final char ID_END = '\u0002';

    /**
     * One pass, left to right, so that ids are numbered in the order they first appear. Each alternative is a named
     * group; at one position the first alternative that matches wins.
     */
    private static final Pattern MASKED = Pattern.compile(String.join("|",
            "\u0001(?<marked>[^\u0002]*)\u0002",
            "(?<instant>\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?Z)",
            "(?<duration>\\bPT(?=-?\\d)[-0-9.HMS]+)",
            "(?<millis>\\b\\d+ ?ms\\b)",
            "(?<deployment>\\becs-svc/\\d+)",
            // A service deployment's token: the ARN keeps its cluster and service, only the token is masked.
            "(?<sdprefix>service-deployment/[^/\\s\"|,\\]]+/[^/\\s\"|,\\]]+/)(?<sdtoken>[A-Za-z0-9_-]+)",
            // Hook ids: a token after the prefix (a Lambda function named ecs-hook-post-scale-up is no hook id).
            "(?<hookprefix>\\becs-(?:pause|hook)-)(?<hooktoken>(?=[A-Za-z0-9_]*\\d)[A-Za-z0-9_]{12,})",
            "(?<uuid>\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b)",
            // Task and event ids: 12 or more hex digits with a letter and a digit (an account's 12 digits stay).
            "(?<hex>\\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{12,}\\b)",
            // A service-deployment token on its own (a rollback's account of what it did): ECS's 21 characters.
            "(?<token>\\b(?=\\w*\\d)(?=\\w*[A-Za-z])\\w{21}\\b)"));
    /** What a scenario that depends on timing cannot hold still: the polls a rollout took. */
    private static final Map<Pattern, String> COARSE = new LinkedHashMap<>();
    /**
     * What a scenario in real time cannot hold still either: the counts of tasks and deployments at the poll that
     * ended it, and the stopped tasks it lists (a real-time service moves on between polls).
     */
    private static final Map<Pattern, String> REAL_TIME = new LinkedHashMap<>();

    static {
        COARSE.put(Pattern.compile("\\b\\d+ polls?\\b"), "<n> polls");
        COARSE.put(Pattern.compile("\\battempts=\\d+"), "attempts=<n>");
        REAL_TIME.put(Pattern.compile("\\brunning([ =])\\d+/\\d+"), "running$1<n>/<n>");
        REAL_TIME.put(Pattern.compile("\\bpending([ =])\\d+"), "pending$1<n>");
        REAL_TIME.put(Pattern.compile("\\b\\d+ deployments?\\b"), "<n> deployment(s)");
        REAL_TIME.put(Pattern.compile("\\bdeployments=\\d+"), "deployments=<n>");
        // Within one poll, DescribeServices may still show the deployment IN_PROGRESS that the service-deployment
        // read a moment later finds SUCCESSFUL ("still converging"), or already COMPLETED; after a failure, the failed
        // deployment (FAILED) or the rollback's new one: a race with real time.
        REAL_TIME.put(Pattern.compile("\\brolloutState([ =])[A-Z_]+"), "rolloutState$1<not compared>");
        REAL_TIME.put(Pattern.compile(", still converging\\b"), "");
        // Which stopped tasks a failure lists (and how many) depends on when the last crash happened.
        REAL_TIME.put(Pattern.compile("(?:; stopped task [^;\\n]*)+"), "; stopped tasks <not compared>");
    }

    /**
     * A state's PRIMARY deployment at the poll that ended a real-time rollout: when ECS starts a rollback (its new
     * PRIMARY) between the poll's DescribeServices and its service-deployment read, the state shows the failed
     * deployment PRIMARY, else the rollback's. Masked before ids are numbered, so that the numbers do not shift.
     */
    private static final Pattern REAL_TIME_PRIMARY = Pattern.compile("\\bprimary=[^,\\]]*, taskDefinition=[^,\\]]*");

    private final Map<String, String> ids = new LinkedHashMap<>();

    /** {@code value} marked as an id for {@link #mask(String, boolean)}. */
    static String id(String value) {
        return value == null || value.isEmpty() ? "" : ID_START + value + ID_END;
    }

    /**
     * The text with every time, duration and id replaced; ids as {@code <idN>}, numbered in order of first
     * appearance, so that two mentions of one id stay visibly equal.
     *
     * @param coarse also masks poll counts, which depend on timing in a scenario that does
     * @param realTime also masks the counts of tasks and deployments and the stopped tasks, as of a real-time poll
     */
    String mask(String text, boolean coarse, boolean realTime) {
        String raw = realTime ? REAL_TIME_PRIMARY.matcher(text)
                .replaceAll("primary=<not compared>, taskDefinition=<not compared>") : text;
        Matcher m = MASKED.matcher(raw);
        StringBuilder out = new StringBuilder(raw.length());
        while (m.find()) {
            String replacement;
            if (m.group("marked") != null) {
                replacement = placeholder(m.group("marked"));
            } else if (m.group("instant") != null) {
                replacement = "<instant>";
            } else if (m.group("duration") != null) {
                replacement = "<duration>";
            } else if (m.group("millis") != null) {
                replacement = "<ms>";
            } else if (m.group("deployment") != null) {
                replacement = "ecs-svc/" + placeholder(m.group("deployment"));
            } else if (m.group("sdtoken") != null) {
                replacement = m.group("sdprefix") + placeholder(m.group("sdtoken"));
            } else if (m.group("hooktoken") != null) {
                replacement = m.group("hookprefix") + placeholder(m.group("hooktoken"));
            } else if (m.group("uuid") != null) {
                replacement = placeholder(m.group("uuid"));
            } else if (m.group("hex") != null) {
                replacement = placeholder(m.group("hex"));
            } else {
                replacement = placeholder(m.group("token"));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        String masked = out.toString();
        if (coarse) {
            masked = replaceAll(masked, COARSE);
        }
        if (realTime) {
            masked = replaceAll(masked, REAL_TIME);
        }
        return masked;
    }

    private static String replaceAll(String text, Map<Pattern, String> replacements) {
        String out = text;
        for (Map.Entry<Pattern, String> e : replacements.entrySet()) {
            out = e.getKey().matcher(out).replaceAll(e.getValue());
        }
        return out;
    }

    private String placeholder(String raw) {
        return ids.computeIfAbsent(raw, r -> "<id" + (ids.size() + 1) + ">");
    }
}
