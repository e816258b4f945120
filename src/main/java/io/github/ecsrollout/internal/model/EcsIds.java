package io.github.ecsrollout.internal.model;

import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * How ECS's names and ARNs relate: the one place that takes the last segment of an ARN, tells which service an
 * answer is about, and matches task definitions and service revisions the way ECS writes them.
 */
public final class EcsIds {

    private EcsIds() {
    }

    /** The last path segment of an ARN ({@code ...:service/cluster/name} → {@code name}), or the name itself. */
    public static String lastSegment(String nameOrArn) {
        return nameOrArn == null ? null : nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1);
    }

    /** The key of the service an ECS answer describes, to match it with {@link ServiceId#key()}. */
    public static String keyOf(Service answer) {
        return answer.serviceName() != null ? answer.serviceName() : lastSegment(answer.serviceArn());
    }

    /**
     * The key of the service a DescribeServices failure names, to match it with {@link ServiceId#key()} of the
     * cluster asked about; {@code null} when its ARN names no service, or one of another cluster.
     */
    public static String keyOf(Failure failure, String clusterKey) {
        String arn = failure.arn();
        return arn == null || !EcsNames.mayBeInCluster(arn, clusterKey) ? null : lastSegment(arn);
    }

    /**
     * Whether a deployment's task definition (usually an ARN) is the one a request named (ARN, family:revision or
     * family).
     */
    public static boolean isTaskDefinition(String actual, String requested) {
        if (actual == null) {
            return false;
        }
        if (actual.equals(requested)) {
            return true;
        }
        String familyRevision = lastSegment(actual);
        String wanted = requested.startsWith("arn:") ? lastSegment(requested) : requested;
        return wanted.contains(":") ? familyRevision.equals(wanted) : familyRevision.startsWith(wanted + ":");
    }

    /**
     * The service revision the DescribeServices deployment {@code ecs-svc/N} of a service runs,
     * {@code arn:PARTITION:ecs:REGION:ACCOUNT:service-revision/CLUSTER/SERVICE/N}, built from the service's ARN (and
     * its cluster's, for a service ARN of the old form that names no cluster); {@code null} when the answer or the id
     * does not say enough.
     */
    public static String revisionArn(Service answer, String deploymentId) {
        if (answer == null || answer.serviceArn() == null || deploymentId == null) {
            return null;
        }
        String n = lastSegment(deploymentId);
        String arn = answer.serviceArn();
        int resource = arn.indexOf(":service/");
        if (n.isEmpty() || !n.chars().allMatch(Character::isDigit) || resource < 0) {
            return null;
        }
        String[] path = arn.substring(resource + ":service/".length()).split("/");
        String cluster = path.length == 2 ? path[0] : lastSegment(answer.clusterArn());
        String service = path[path.length - 1];
        if (path.length > 2 || cluster == null || cluster.isEmpty() || service.isEmpty()) {
            return null;
        }
        return arn.substring(0, resource) + ":service-revision/" + cluster + "/" + service + "/" + n;
    }

    /**
     * Whether a service deployment's target revision ({@code .../service-revision/cluster/service/N}) is the one the
     * DescribeServices deployment {@code ecs-svc/N} runs: the one link between the two APIs that ECS keeps.
     */
    public static boolean isRevisionOf(String targetServiceRevisionArn, String deploymentId) {
        if (targetServiceRevisionArn == null || deploymentId == null) {
            return false;
        }
        String n = lastSegment(deploymentId);
        return !n.isEmpty() && n.equals(lastSegment(targetServiceRevisionArn));
    }
}
