package io.github.ecsrollout.internal.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Splits services into what one DescribeServices call takes: by cluster, in order, at most 10 a chunk. */
public final class Chunks {

    private Chunks() {
    }

    /**
     * The chunks of a list of services.
     *
     * @param items services, in the caller's order
     * @param id the service each item is
     * @return chunks of one cluster each, at most {@link EcsLimits#SERVICES_PER_DESCRIBE} items, clusters in the order
     *     they first appear
     */
    public static <T> List<List<T>> of(List<T> items, Function<T, ServiceId> id) {
        Map<String, List<T>> byCluster = items.stream().collect(
                Collectors.groupingBy(t -> id.apply(t).clusterKey(), LinkedHashMap::new, Collectors.toList()));
        List<List<T>> chunks = new ArrayList<>();
        for (List<T> group : byCluster.values()) {
            for (int i = 0; i < group.size(); i += EcsLimits.SERVICES_PER_DESCRIBE) {
                chunks.add(List.copyOf(group.subList(i, Math.min(group.size(),
                        i + EcsLimits.SERVICES_PER_DESCRIBE))));
            }
        }
        return chunks;
    }
}
