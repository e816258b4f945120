package io.github.ecsrollout.internal.io;

import io.github.ecsrollout.internal.model.Chunks;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.model.ServiceId;
import io.github.ecsrollout.internal.time.Deadline;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The one way a rollout reads many services at once outside its polls: a DescribeServices call per chunk of 10 of a
 * cluster, each when its turn comes, each answer matched to the services asked about.
 */
public final class ChunkedDescribe {

    /** What the caller does with each chunk's answer or error. */
    public interface Reader<T> {
        /**
         * One chunk's answer.
         *
         * @param byKey the services answered, by name; a service of the chunk not in it was not found
         */
        void answered(List<T> chunk, Map<String, Service> byKey);

        /**
         * One chunk's call failed.
         *
         * @return whether to go on with the next chunk
         */
        boolean failed(List<T> chunk, RuntimeException e);
    }

    /** How reading ended. */
    public enum End {
        /** Every chunk was read, or the reader chose to stop after a failure. */
        DONE,
        /** The deadline came before the next chunk's turn. */
        NO_TURN
    }

    private ChunkedDescribe() {
    }

    /**
     * Reads the services, chunk after chunk.
     *
     * @throws InterruptedException when interrupted while waiting for a turn
     */
    public static <T> End read(EcsPort ecs, List<T> services, Function<T, ServiceId> id, Deadline deadline,
            Reader<T> reader) throws InterruptedException {
        for (List<T> chunk : Chunks.of(services, id)) {
            if (!ecs.describeTurn(deadline)) {
                return End.NO_TURN;
            }
            DescribeServicesResponse answer;
            try {
                answer = ecs.describeServices(id.apply(chunk.get(0)).cluster(),
                        chunk.stream().map(t -> id.apply(t).service()).toList(), deadline);
            } catch (RuntimeException e) {
                if (reader.failed(chunk, e)) {
                    continue;
                }
                return End.DONE;
            }
            Map<String, Service> byKey = new HashMap<>();
            if (answer != null) {
                answer.services().forEach(s -> byKey.put(EcsIds.keyOf(s), s));
            }
            reader.answered(chunk, byKey);
        }
        return End.DONE;
    }
}
