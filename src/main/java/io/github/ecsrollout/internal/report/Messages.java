package io.github.ecsrollout.internal.report;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.verdict.EcsWords;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Builds a failure's message once, to read like a good log line: reason, clusters, each failed service with ECS's
 * words and its stopped tasks, the services merely not stable yet in one line; and the WARN line's brief of each
 * failed service.
 */
public final class Messages {

    /** Past this many failed services the WARN line says how many more there are instead of telling them. */
    public static final int BRIEFED = 5;
    /**
     * A message tells a service in a line of its own (ECS's words, stopped tasks) while it is shorter than this, and
     * for at most {@value #BRIEFED} services; the others are named by verdict, {@value #BRIEFED} names at most (all of
     * them are in the exception's getters).
     */
    static final int FULL_LINES_UP_TO = 1_000;

    private Messages() {
    }

    /**
     * A failure's message: its first line ({@code REASON: headline (cluster ...; counts)}), then a line for each
     * failed service, one for the services merely not stable of each verdict, and the tail's lines.
     *
     * @param tail further lines (a rollback's, notes), or {@code null}
     */
    public static String failure(Reason reason, String headline, List<ServiceState> states, List<String> unstableNames,
            List<String> updated, int attempts, Duration elapsed, String tail) {
        List<ServiceState> unstable = matching(unstableNames, states, s -> !s.isStable());
        Set<String> clusters = new LinkedHashSet<>();
        states.forEach(s -> clusters.add(s.cluster()));
        StringBuilder sb = new StringBuilder()
                .append(reason).append(": ").append(headline)
                .append(" (cluster ").append(String.join(", ", clusters))
                .append("; ").append(unstable.size()).append(" of ").append(states.size())
                .append(" services not stable; ").append(updated.size()).append(" updated")
                .append("; ").append(attempts).append(attempts == 1 ? " poll" : " polls")
                .append(" in ").append(elapsed.truncatedTo(ChronoUnit.MILLIS)).append(')');
        // When a service's own failure ended the rollout, those still deploying only stopped with it: named, by
        // verdict, in one line each, so that the failure stands out (their detail is in serviceStates() and DEBUG).
        boolean someFailed = reason != Reason.TIMED_OUT && reason != Reason.UPDATE_FAILED
                && reason != Reason.TASK_DEFINITION_UNUSABLE && unstable.stream().anyMatch(s -> s.verdict().isTerminal());
        List<ServiceState> told = someFailed ? unstable.stream().filter(s -> s.verdict().isTerminal()).toList()
                : unstable;
        // A line each for the first few, while the message is short; the rest by verdict, names only (their detail is
        // in serviceStates()), so that a failure of many services still reads in a glance.
        List<ServiceState> namedOnly = new ArrayList<>();
        int full = 0;
        for (ServiceState s : told) {
            if (full < BRIEFED && sb.length() < FULL_LINES_UP_TO) {
                sb.append("\n  ").append(serviceLine(s));
                full++;
            } else {
                namedOnly.add(s);
            }
        }
        namedByVerdict(sb, "and", namedOnly);
        if (someFailed) {
            // A STABLE one is here only by sharing its name with a failed one of another cluster.
            namedByVerdict(sb, "also", unstable.stream()
                    .filter(s -> !s.verdict().isTerminal() && s.verdict() != Verdict.STABLE).toList());
        }
        if (tail != null) {
            sb.append("\n  ").append(tail);
        }
        return sb.toString();
    }

    /**
     * A line {@code WORD VERDICT (n): [names]} for each verdict of these services, verdicts in the order they first
     * come, {@value #BRIEFED} names at most.
     */
    private static void namedByVerdict(StringBuilder sb, String word, List<ServiceState> states) {
        Map<Verdict, List<String>> byVerdict = new LinkedHashMap<>();
        states.forEach(s -> byVerdict.computeIfAbsent(s.verdict(), v -> new ArrayList<>()).add(s.service()));
        byVerdict.forEach((verdict, names) -> sb.append("\n  ").append(word).append(' ').append(verdict).append(" (")
                .append(names.size()).append("): ").append(Listing.names(names, BRIEFED)));
    }

    /** A service's line in a message: its state, ECS's words, its stopped tasks grouped by why. */
    public static String serviceLine(ServiceState s) {
        StringBuilder sb = new StringBuilder().append(s.service());
        if (s.lastObserved().isEmpty()) {
            return sb.append(": ").append(s.verdict()).append(", not observed").toString();
        }
        sb.append(": ").append(describe(s));
        String words = EcsWords.of(s.lastObserved().get(), s.serviceDeployment().orElse(null),
                s.expectedDeploymentId().orElse(null));
        if (words != null) {
            sb.append("; ECS: \"").append(words).append('"');
        }
        // Tasks stopped for the same reason, with the same exit codes, are told once.
        Map<String, List<String>> tasksByWhy = new LinkedHashMap<>();
        for (Task t : s.stoppedTasks()) {
            tasksByWhy.computeIfAbsent(stopped(t), k -> new ArrayList<>())
                    .add(EcsIds.lastSegment(String.valueOf(t.taskArn())));
        }
        tasksByWhy.forEach((why, tasks) -> sb.append(tasks.size() == 1 ? "; stopped task " : "; stopped tasks ")
                .append(String.join(", ", tasks)).append(": ").append(why));
        s.stoppedTasksUnavailableReason().ifPresent(r -> sb.append("; stopped tasks unavailable: ").append(r));
        return sb.toString();
    }

    /** A person-readable line about a service's state: verdict, counts, deployments, rolloutState. */
    public static String describe(ServiceState s) {
        StringBuilder sb = new StringBuilder().append(s.verdict())
                .append(", running ").append(s.runningCount()).append('/').append(s.desiredCount())
                .append(", pending ").append(s.pendingCount());
        s.status().filter(status -> !"ACTIVE".equals(status)).ifPresent(status -> sb.append(", status ").append(status));
        int deployments = s.deployments().size();
        sb.append(", ").append(deployments).append(deployments == 1 ? " deployment" : " deployments");
        s.rolloutState().ifPresent(r -> sb.append(", rolloutState ").append(r));
        s.serviceDeployment().ifPresent(d -> {
            sb.append(", service deployment ").append(d.statusAsString());
            if (d.lifecycleStage() != null) {
                sb.append(" at ").append(d.lifecycleStageAsString());
            }
        });
        s.pausedHook().ifPresent(h -> sb.append(", PAUSED at hook ").append(h.hookId()).append(" until ")
                .append(h.expiresAt()));
        if (s.isConverging()) {
            sb.append(", still converging");
        }
        return sb.toString();
    }

    /**
     * The failed services for a WARN line: each of the first {@value #BRIEFED} with ECS's words and its first stopped
     * task's reason and exit codes ({@code web (ECS: "..."; stopped task: Essential container in task exited (app
     * exit 1))}), then how many more.
     *
     * @param names the failed services
     * @param states every service's state, where theirs are found
     */
    public static String briefs(List<String> names, List<ServiceState> states) {
        List<String> parts = new ArrayList<>();
        List<String> briefed = names.subList(0, Math.min(names.size(), BRIEFED));
        List<ServiceState> found = matching(briefed, states, s -> s.verdict().isTerminal() || !s.isStable());
        for (String name : briefed) {
            parts.add(found.stream().filter(s -> s.service().equals(name)).findFirst().map(s -> {
                found.remove(s);
                return brief(s);
            }).orElse(name));
        }
        if (names.size() > BRIEFED) {
            parts.add("and " + (names.size() - BRIEFED) + " more");
        }
        return String.join(", ", parts);
    }

    /**
     * The states the names stand for, in the states' order: a name is a service's spelling alone, and two clusters may
     * each have a service of that name, so each name takes one state of its spelling (a name given twice, two), the
     * one {@code preferred} picks first: the failed {@code web} of one cluster, not the stable {@code web} of another.
     */
    private static List<ServiceState> matching(List<String> names, List<ServiceState> states,
            Predicate<ServiceState> preferred) {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        names.forEach(n -> wanted.merge(n, 1, Integer::sum));
        Set<ServiceState> picked = Collections.newSetFromMap(new IdentityHashMap<>());
        for (boolean firstPass : new boolean[] {true, false}) {
            for (ServiceState s : states) {
                Integer left = wanted.get(s.service());
                if (left != null && left > 0 && !picked.contains(s) && (!firstPass || preferred.test(s))) {
                    picked.add(s);
                    wanted.put(s.service(), left - 1);
                }
            }
        }
        return new ArrayList<>(states.stream().filter(picked::contains).toList());
    }

    /** One failed service for a WARN line: its name, ECS's words verbatim and its first stopped task. */
    private static String brief(ServiceState s) {
        List<String> said = new ArrayList<>();
        s.lastObserved().map(last -> EcsWords.of(last, s.serviceDeployment().orElse(null),
                s.expectedDeploymentId().orElse(null))).ifPresent(words -> said.add("ECS: \"" + words + '"'));
        if (!s.stoppedTasks().isEmpty()) {
            said.add("stopped task: " + stopped(s.stoppedTasks().get(0)));
        }
        return said.isEmpty() ? s.service() : s.service() + " (" + String.join("; ", said) + ")";
    }

    /** Why a task stopped, in ECS's words, with its containers' exit codes and reasons. */
    private static String stopped(Task t) {
        String containers = t.containers().stream().map(Messages::container).collect(Collectors.joining(", "));
        return t.stoppedReason() + (containers.isEmpty() ? "" : " (" + containers + ")");
    }

    private static String container(Container c) {
        StringBuilder sb = new StringBuilder(String.valueOf(c.name()));
        if (c.exitCode() != null) {
            sb.append(" exit ").append(c.exitCode());
        }
        if (c.reason() != null) {
            sb.append(": ").append(c.reason());
        }
        return sb.toString();
    }
}
