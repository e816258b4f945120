package io.github.ecsrollout.internal.checkpoint;

import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.model.EcsNames;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One service of a checkpoint: what a later process needs to go on judging it. Written as one line of
 * {@code |}-separated fields, which no ECS name, ARN or task definition can contain, so that a checkpoint of 1,000
 * services stays far below Step Functions' 256 KB state limit:
 *
 * <pre>cluster|service|U or P|deploymentId|serviceDeployment|previousTaskDefinition|requestedTaskDefinition|sentMs|verdict|eventsMs|hookIds</pre>
 *
 * {@code U} is an update ECS answered, {@code P} one whose answer was lost (ECS may have applied it). Times are
 * milliseconds after the rollout's start. The service deployment is its last ARN segment when its ARN is the
 * checkpoint's prefix, cluster and service, else the whole ARN. Empty fields are absent values.
 *
 * @param cluster the cluster as the caller spelled it
 * @param service the service as the caller spelled it
 * @param possiblyUpdated whether the update's answer was lost
 * @param deploymentId the DescribeServices deployment the update started, or {@code null} when not known yet
 * @param serviceDeploymentArn the service deployment the update started, once found, or {@code null}
 * @param previousTaskDefinition what a rollback puts back, or {@code null}
 * @param requestedTaskDefinition what the update asked for, or {@code null}
 * @param updateSentAt when the update was sent
 * @param verdict the last verdict (STABLE: confirmed, not polled again)
 * @param eventsSeenUntil events created until then were seen (and told), or {@code null}
 * @param pausesHeard the PAUSE hooks the listener has heard about
 */
public record CheckpointEntry(String cluster, String service, boolean possiblyUpdated, String deploymentId,
        String serviceDeploymentArn, String previousTaskDefinition, String requestedTaskDefinition,
        Instant updateSentAt, Verdict verdict, Instant eventsSeenUntil, List<String> pausesHeard) {

    private static final int FIELDS = 11;

    public CheckpointEntry {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(updateSentAt, "updateSentAt");
        Objects.requireNonNull(verdict, "verdict");
        pausesHeard = List.copyOf(pausesHeard);
    }

    /** The line for a checkpoint that started at {@code startedAt} and shortens ARNs that begin with {@code prefix}. */
    public String format(Instant startedAt, String prefix) {
        StringBuilder line = new StringBuilder(160);
        field(line, cluster);
        field(line, service);
        field(line, possiblyUpdated ? "P" : "U");
        field(line, deploymentId);
        field(line, shorten(serviceDeploymentArn, prefix));
        field(line, previousTaskDefinition);
        field(line, requestedTaskDefinition);
        field(line, String.valueOf(updateSentAt.toEpochMilli() - startedAt.toEpochMilli()));
        field(line, verdict.name());
        field(line, eventsSeenUntil == null ? null
                : String.valueOf(eventsSeenUntil.toEpochMilli() - startedAt.toEpochMilli()));
        line.append(String.join(",", pausesHeard));
        return line.toString();
    }

    /**
     * Reads a line written by {@link #format}.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static CheckpointEntry parse(String line, Instant startedAt, String prefix) {
        Objects.requireNonNull(line, "service entry");
        String[] f = line.split("\\|", -1);
        if (f.length != FIELDS) {
            throw new IllegalArgumentException("service entry \"" + brief(line) + "\" has " + f.length
                    + " fields, not " + FIELDS);
        }
        try {
            String cluster = required(f[0], "cluster");
            String service = required(f[1], "service");
            EcsNames.lenient().cluster(cluster, "cluster");
            EcsNames.lenient().service(service, cluster, "service");
            if (!f[2].equals("U") && !f[2].equals("P")) {
                throw new IllegalArgumentException("the update field is \"" + f[2] + "\", not U or P");
            }
            String arn = f[4].isEmpty() ? null : expand(f[4], prefix, cluster, service);
            // Task definitions are ECS's own words (or the caller's, checked when sent): only the separator is refused.
            Verdict verdict;
            try {
                verdict = Verdict.valueOf(f[8]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown verdict \"" + f[8] + "\"");
            }
            return new CheckpointEntry(cluster, service, f[2].equals("P"), empty(f[3]), arn, empty(f[5]),
                    empty(f[6]), after(startedAt, required(f[7], "sent time")), verdict,
                    f[9].isEmpty() ? null : after(startedAt, f[9]),
                    f[10].isEmpty() ? List.of() : List.of(f[10].split(",", -1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("service entry \"" + brief(line) + "\": " + e.getMessage(), e);
        }
    }

    /** The ARN prefix ({@code arn:aws:ecs:region:account:service-deployment/}) of a service-deployment ARN. */
    public static String prefixOf(String serviceDeploymentArn) {
        if (serviceDeploymentArn == null) {
            return null;
        }
        int at = serviceDeploymentArn.indexOf(":service-deployment/");
        return at < 0 ? null : serviceDeploymentArn.substring(0, at + ":service-deployment/".length());
    }

    /** The id alone when the ARN is the prefix, this entry's cluster and service, and the id; else the ARN. */
    private String shorten(String arn, String prefix) {
        if (arn == null || prefix == null || !arn.startsWith(prefix)) {
            return arn;
        }
        String rest = arn.substring(prefix.length());
        String path = EcsIds.lastSegment(cluster) + "/" + EcsIds.lastSegment(service) + "/";
        String id = rest.startsWith(path) ? rest.substring(path.length()) : "";
        return id.isEmpty() || id.indexOf('/') >= 0 ? arn : id;
    }

    private static String expand(String stored, String prefix, String cluster, String service) {
        if (stored.startsWith("arn:")) {
            return stored;
        }
        if (prefix == null) {
            throw new IllegalArgumentException("the service deployment \"" + stored
                    + "\" is an id, but the checkpoint has no serviceDeploymentArnPrefix");
        }
        if (stored.indexOf('/') >= 0) {
            throw new IllegalArgumentException("the service deployment \"" + stored + "\" is neither an ARN nor an id");
        }
        return prefix + EcsIds.lastSegment(cluster) + "/" + EcsIds.lastSegment(service) + "/" + stored;
    }

    private static void field(StringBuilder line, String value) {
        if (value != null) {
            if (value.indexOf('|') >= 0) {
                throw new IllegalArgumentException("a checkpoint value may not contain '|': " + value);
            }
            line.append(value);
        }
        line.append('|');
    }

    private static String required(String value, String what) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("no " + what);
        }
        return value;
    }

    private static String empty(String value) {
        return value.isEmpty() ? null : value;
    }

    /** The instant {@code value} milliseconds after {@code start}; one an Instant cannot hold is no checkpoint's. */
    private static Instant after(Instant start, String value) {
        try {
            return start.plusMillis(millis(value));
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("\"" + value + "\" milliseconds after " + start
                    + " is beyond the times an Instant holds");
        }
    }

    private static long millis(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + value + "\" is not a number of milliseconds");
        }
    }

    private static String brief(String line) {
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }
}
