package io.github.ecsrollout.golden;

/** The transcript's key of a service: {@code cluster/service} by short names, whether given by name or ARN. */
final class Names {

    private Names() {
    }

    static String key(String cluster, String service) {
        return shortName(cluster == null ? "default" : cluster) + "/" + shortName(service);
    }

    /** The last segment of an ARN's resource ({@code service/prod/web} is {@code web}), or the name as given. */
    static String shortName(String nameOrArn) {
        if (nameOrArn == null) {
            return "?";
        }
        int slash = nameOrArn.lastIndexOf('/');
        return slash < 0 ? nameOrArn : nameOrArn.substring(slash + 1);
    }

    /** {@code cluster/service} of a service-deployment ARN ({@code ...:service-deployment/CLUSTER/SERVICE/TOKEN}). */
    static String ofServiceDeployment(String arn) {
        int at = arn == null ? -1 : arn.indexOf(":service-deployment/");
        if (at < 0) {
            return null;
        }
        String[] path = arn.substring(at + ":service-deployment/".length()).split("/");
        return path.length == 3 ? path[0] + "/" + path[1] : null;
    }
}
