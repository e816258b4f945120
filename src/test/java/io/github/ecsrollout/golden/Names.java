package io.github.ecsrollout.golden;

import static io.github.ecsrollout.support.Model.shortName;

/** The transcript's key of a service: {@code cluster/service} by short names, whether given by name or ARN. */
final class Names {

    private Names() {
    }

    static String key(String cluster, String service) {
        return shortName(cluster == null ? "default" : cluster) + "/" + shortName(service);
    }
}
