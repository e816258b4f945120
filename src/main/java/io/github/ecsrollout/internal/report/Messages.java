package io.github.ecsrollout.internal.report;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.verdict.EcsWords;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.Task;

/** Builds a failure's message once, to read like a good log line: reason, clusters, each unstable service. */
public final class Messages {

    /** Past this many unstable services the message says how many more there are instead of listing them. */
    static final int MAX_LISTED = Listing.MAX_LISTED;

    private Messages() {
    }

    public static String failure(Reason reason, String headline, List<ServiceState> states, List<String> unstableNames,
            List<String> updated, int attempts, Duration elapsed, String tail) {
        List<ServiceState> unstable = states.stream().filter(s -> unstableNames.contains(s.service())).toList();
        Set<String> clusters = new LinkedHashSet<>();
        states.forEach(s -> clusters.add(s.cluster()));
        StringBuilder sb = new StringBuilder()
                .append(reason).append(": ").append(headline)
                .append(" (cluster ").append(String.join(", ", clusters))
                .append("; ").append(unstable.size()).append(" of ").append(states.size())
                .append(" services not stable; ").append(updated.size()).append(" updated")
                .append("; ").append(attempts).append(attempts == 1 ? " poll" : " polls")
                .append(" in ").append(elapsed.truncatedTo(ChronoUnit.MILLIS)).append(')');
        int listed = 0;
        for (ServiceState s : unstable) {
            if (listed++ == MAX_LISTED) {
                sb.append("\n  ... and ").append(unstable.size() - MAX_LISTED).append(" more");
                break;
            }
            sb.append("\n  ").append(serviceLine(s));
        }
        if (tail != null) {
            sb.append("\n  ").append(tail);
        }
        return sb.toString();
    }

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
        for (Task t : s.stoppedTasks()) {
            sb.append("; stopped task ").append(EcsIds.lastSegment(String.valueOf(t.taskArn())))
                    .append(": ").append(t.stoppedReason());
            String containers = t.containers().stream().map(Messages::container).collect(Collectors.joining(", "));
            if (!containers.isEmpty()) {
                sb.append(" (").append(containers).append(')');
            }
        }
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
        if (s.rolloutState() != null) {
            sb.append(", rolloutState ").append(s.rolloutState());
        }
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
