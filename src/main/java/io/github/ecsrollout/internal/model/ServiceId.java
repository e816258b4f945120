package io.github.ecsrollout.internal.model;

import java.util.Objects;

/**
 * A service as the caller named it, with the keys ECS's answers are matched by: the last segment of the cluster's and
 * the service's name or ARN. Immutable; equal when cluster and service are spelled the same.
 */
public final class ServiceId {

    private final String cluster;
    private final String service;
    private final String clusterKey;
    private final String key;

    private ServiceId(String cluster, String service) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.service = Objects.requireNonNull(service, "service");
        this.clusterKey = EcsIds.lastSegment(cluster);
        this.key = EcsIds.lastSegment(service);
    }

    /** A service of a cluster; {@code null} for the cluster means ECS's {@code default}. */
    public static ServiceId of(String cluster, String service) {
        return new ServiceId(cluster == null ? EcsNames.DEFAULT_CLUSTER : cluster, service);
    }

    /** The cluster as the caller spelled it. */
    public String cluster() {
        return cluster;
    }

    /** The service as the caller spelled it. */
    public String service() {
        return service;
    }

    /** The cluster's name. */
    public String clusterKey() {
        return clusterKey;
    }

    /** The service's name. */
    public String key() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceId other && cluster.equals(other.cluster) && service.equals(other.service);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cluster, service);
    }

    @Override
    public String toString() {
        return service + " [" + cluster + "]";
    }
}
