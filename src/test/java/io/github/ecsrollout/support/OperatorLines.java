package io.github.ecsrollout.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.ServiceState;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * What an operator reads of a failed rollout at INFO, checked against the failure itself (issue 18, item 3): few lines
 * after the failure is first seen, ECS's reason and the first stopped task on the WARN line, a message short enough
 * to read, and progress lines that count stable, in progress and failed services.
 */
public final class OperatorLines {

    /** What may follow the line that first tells of the failure: a progress line, the rollback's two, the WARN. */
    public static final int MAX_LINES_AFTER_THE_FAILURE = 4;
    /** The longest message a failure of a few dozen services may have. */
    public static final int MAX_MESSAGE_CHARS = 2_000;
    private static final Pattern PROGRESS = Pattern.compile(
            "progress - (\\d+) of (\\d+) stable, (\\d+) in progress, (\\d+) failed(?:, (\\d+) not yet updated)?$");

    private OperatorLines() {
    }

    /**
     * Checks the INFO and WARN lines of a rollout of {@code services} services that failed on {@code failed}'s own
     * failure (a circuit breaker, its stopped tasks fetched).
     *
     * @param lines every line captured during the rollout
     */
    public static void check(List<String> lines, RolloutNotStableException e, String failed, int services) {
        List<String> shown = lines.stream().filter(l -> l.contains(" INFO ") || l.contains(" WARN ")).toList();
        ServiceState state = e.serviceState(failed).orElseThrow();
        int first = -1;
        for (int i = 0; i < shown.size() && first < 0; i++) {
            if (shown.get(i).contains(" services - " + failed + " [") && shown.get(i).contains(": " + state.verdict())) {
                first = i;
            }
        }
        assertTrue(first >= 0, "a line tells of " + failed + "'s failure when it is seen: " + shown);
        List<String> after = shown.subList(first + 1, shown.size());
        assertTrue(after.size() <= MAX_LINES_AFTER_THE_FAILURE, after.size() + " lines after the failure: " + after);

        List<String> warn = shown.stream().filter(l -> l.contains(" WARN ServiceRollout - Rollout failed: ")).toList();
        assertEquals(1, warn.size(), shown.toString());
        String line = warn.get(0);
        assertTrue(line.contains(failed), line);
        String reason = state.rolloutStateReason().orElse(null);
        assertTrue(reason != null && line.contains(reason + '"') && line.contains("ECS: \""),
                "ECS's reason, verbatim and quoted: " + line);
        List<Task> stopped = state.stoppedTasks();
        assertFalse(stopped.isEmpty(), "stopped tasks fetched: " + state.stoppedTasksUnavailableReason());
        Task task = stopped.get(0);
        assertTrue(line.contains(task.stoppedReason()), "the first stopped task's reason: " + line);
        for (Container c : task.containers()) {
            if (c.exitCode() != null) {
                assertTrue(line.contains(c.name() + " exit " + c.exitCode()), "its exit code: " + line);
            }
        }
        assertFalse(line.contains("arn:aws:"), "no ARN on the WARN line: " + line);

        assertTrue(e.getMessage().length() < MAX_MESSAGE_CHARS, e.getMessage().length() + " characters: "
                + e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());

        List<String> progress = shown.stream().filter(l -> l.contains(" progress - ")).toList();
        assertFalse(progress.isEmpty(), "more than 10 services log progress: " + shown);
        for (String p : progress) {
            Matcher m = PROGRESS.matcher(p);
            assertTrue(m.find(), p);
            int sum = Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(3)) + Integer.parseInt(m.group(4))
                    + (m.group(5) == null ? 0 : Integer.parseInt(m.group(5)));
            assertEquals(services, Integer.parseInt(m.group(2)), p);
            assertEquals(services, sum, "every service counted once: " + p);
        }
    }
}
