package io.github.ecsrollout.internal.model;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * ECS's own rules for the names a caller passes, checked before any call reaches ECS: a name is 1 to 255 ASCII letters,
 * digits, hyphens and underscores; an ARN is {@code arn:PARTITION:ecs:REGION:ACCOUNT:RESOURCE}. A service ARN must
 * belong to the cluster it is used with, and every ARN to the client's region when that can be read. Each check throws
 * an {@link IllegalArgumentException} whose message starts with the parameter's name.
 */
public final class EcsNames {

    /** The cluster a request without one goes to. */
    public static final String DEFAULT_CLUSTER = "default";

    private static final String NAME = "[A-Za-z0-9_-]{1,255}";
    private static final Pattern NAME_ONLY = Pattern.compile(NAME);
    private static final Pattern ARN = Pattern.compile(
            "arn:(aws(?:-[a-z0-9]+)*):ecs:([a-z0-9]+(?:-[a-z0-9]+)+):([0-9]{12}):([a-z-]+)/([^\\s]+)");
    private static final Pattern SERVICE = Pattern.compile("(?:(" + NAME + ")/)?(" + NAME + ")");
    private static final Pattern FAMILY_REVISION = Pattern.compile("(" + NAME + ")(?::([0-9]{1,10}))?");

    /** What an ARN says: where the resource lives, its type, and the path after the type. */
    record Arn(String partition, String region, String account, String type, String path) {

        /** The ARN in {@code value}, or empty when it is not one (it may still be a name). */
        static Optional<Arn> parse(String value) {
            Matcher m = ARN.matcher(value);
            return m.matches() ? Optional.of(new Arn(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)))
                    : Optional.empty();
        }
    }

    private final Supplier<Optional<String>> clientRegion;
    /** Whether a service ARN of the old form, which names no cluster, is taken (names read back only). */
    private final boolean oldServiceArns;
    private Optional<String> region;

    private EcsNames(Supplier<Optional<String>> clientRegion, boolean oldServiceArns) {
        this.clientRegion = clientRegion;
        this.oldServiceArns = oldServiceArns;
    }

    /**
     * Checks for calls through {@code ecs}. Its region is read only if an ARN is checked, so that bad names alone
     * never touch the client; a client whose region cannot be read (a Mockito mock) leaves ARNs' regions unchecked.
     */
    public static EcsNames forClient(EcsClient ecs) {
        return new EcsNames(() -> regionOf(ecs), false);
    }

    /**
     * Checks with no client region to compare ARNs with, taking a service ARN of the old form: for names read back from
     * a checkpoint, which a version that took that form may have written.
     */
    public static EcsNames lenient() {
        return new EcsNames(Optional::empty, true);
    }

    /**
     * Checks a cluster's name or ARN.
     *
     * @return the cluster's name
     */
    public String cluster(String value, String parameter) {
        Optional<Arn> arn = arnOf(value, "cluster", parameter);
        String name = arn.map(Arn::path).orElse(value);
        if (!NAME_ONLY.matcher(name).matches()) {
            throw invalid(parameter, "a cluster name of 1 to 255 letters, digits, hyphens and underscores, "
                    + "or a cluster ARN", value);
        }
        return name;
    }

    /**
     * Checks a service's name or ARN, and that an ARN belongs to the cluster it is used with (same name; same region
     * and account when the cluster is an ARN too). An ARN of the old form {@code service/NAME} names no cluster, so it
     * cannot be shown to belong to one: it is refused.
     *
     * @param cluster the cluster the service is used with, already checked; {@code null} for {@link #DEFAULT_CLUSTER}
     * @return the service's name within its cluster
     */
    public String service(String value, String cluster, String parameter) {
        Optional<Arn> arn = arnOf(value, "service", parameter);
        Matcher m = SERVICE.matcher(arn.map(Arn::path).orElse(value));
        if (!m.matches() || (arn.isEmpty() && m.group(1) != null)) {
            throw invalid(parameter, "a service name of 1 to 255 letters, digits, hyphens and underscores, "
                    + "or a service ARN", value);
        }
        if (arn.isPresent() && m.group(1) == null && !oldServiceArns) {
            throw new IllegalArgumentException(parameter + " is a service ARN of the old form, which names no cluster; "
                    + "give the service's name, or its ARN arn:PARTITION:ecs:REGION:ACCOUNT:service/CLUSTER/NAME: "
                    + quote(value));
        }
        String clusterName = cluster == null ? DEFAULT_CLUSTER : Arn.parse(cluster).map(Arn::path).orElse(cluster);
        if (m.group(1) != null && !m.group(1).equals(clusterName)) {
            throw new IllegalArgumentException(parameter + " is a service of cluster " + m.group(1)
                    + ", not of cluster " + clusterName + ": " + quote(value));
        }
        Optional<Arn> clusterArn = cluster == null ? Optional.empty() : Arn.parse(cluster);
        if (arn.isPresent() && clusterArn.isPresent() && !(arn.get().region().equals(clusterArn.get().region())
                && arn.get().account().equals(clusterArn.get().account()))) {
            throw new IllegalArgumentException(parameter + " is in region " + arn.get().region() + " of account "
                    + arn.get().account() + ", but its cluster is in region " + clusterArn.get().region()
                    + " of account " + clusterArn.get().account() + ": " + quote(value));
        }
        return m.group(2);
    }

    /** Checks a task definition: {@code family}, {@code family:revision} (revision 1 or more), or its ARN. */
    public void taskDefinition(String value, String parameter) {
        Optional<Arn> arn = arnOf(value, "task-definition", parameter);
        Matcher m = FAMILY_REVISION.matcher(arn.map(Arn::path).orElse(value));
        boolean valid = m.matches() && (m.group(2) == null ? arn.isEmpty() : isRevision(m.group(2)));
        if (!valid) {
            throw invalid(parameter, "a task definition family, family:revision with a revision of 1 or more, "
                    + "or a task definition ARN ending in family:revision", value);
        }
    }

    /**
     * Whether the ARN ECS reported about a service (a DescribeServices failure) may name a service of the given cluster:
     * an ARN of the form {@code service/CLUSTER/NAME} must name that cluster; a name or the old form
     * {@code service/NAME} may.
     */
    public static boolean mayBeInCluster(String reportedArn, String clusterName) {
        return Arn.parse(reportedArn).map(a -> {
            Matcher m = SERVICE.matcher(a.path());
            return !m.matches() || m.group(1) == null || m.group(1).equals(clusterName);
        }).orElse(true);
    }

    /**
     * The ARN in {@code value} if it is one, checked to be of {@code type} and in the client's region; empty for a
     * value that does not start with {@code arn:} (to be checked as a name).
     */
    private Optional<Arn> arnOf(String value, String type, String parameter) {
        Objects.requireNonNull(value, parameter);
        if (!value.startsWith("arn:")) {
            return Optional.empty();
        }
        Arn arn = Arn.parse(value).filter(a -> a.type().equals(type)).orElseThrow(() -> invalid(parameter,
                "an ECS " + type + " ARN (arn:PARTITION:ecs:REGION:ACCOUNT:" + type + "/...)", value));
        Optional<String> clientRegion = region();
        if (clientRegion.isPresent() && !clientRegion.get().equals(arn.region())) {
            throw new IllegalArgumentException(parameter + " is in region " + arn.region() + ", but the EcsClient calls "
                    + clientRegion.get() + ": " + quote(value));
        }
        return Optional.of(arn);
    }

    private synchronized Optional<String> region() {
        if (region == null) {
            region = clientRegion.get();
        }
        return region;
    }

    private static Optional<String> regionOf(EcsClient ecs) {
        try {
            return Optional.ofNullable(ecs.serviceClientConfiguration().region()).map(Region::id);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isRevision(String digits) {
        long revision = Long.parseLong(digits);
        return revision >= 1 && revision <= Integer.MAX_VALUE;
    }

    private static IllegalArgumentException invalid(String parameter, String expected, String value) {
        return new IllegalArgumentException(parameter + " must be " + expected + ": " + quote(value));
    }

    /**
     * The value for a message: in quotes, characters outside printable ASCII as {@code \}{@code uXXXX} escapes (a
     * newline or a no-break space must be seen), cut after 80 characters.
     */
    public static String quote(String value) {
        StringBuilder sb = new StringBuilder("\"");
        value.codePoints().limit(80).forEach(c -> {
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                sb.append((char) c);
            } else {
                for (char ch : Character.toChars(c)) {
                    sb.append(String.format("\\u%04x", (int) ch));
                }
            }
        });
        sb.append('"');
        long length = value.codePoints().count();
        if (length > 80) {
            sb.append("... (").append(length).append(" characters)");
        }
        return sb.toString();
    }
}
