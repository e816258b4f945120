package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.internal.io.EcsPort;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.time.Deadline;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

/**
 * One poll of the chunks that share a DescribeServices call: each chunk is awaited by its SDK {@code EcsWaiter} for
 * one attempt, through a client that makes the one real call of the group and gives each waiter ECS's answer about its
 * own services. It judges nothing: the watch does, from ECS's answer itself (the waiter's own acceptors see the same
 * answer; what they conclude is not needed).
 */
final class GroupPoll {

    /**
     * What one poll brought back.
     *
     * @param asked each chunk's services asked about, in order
     * @param answer ECS's answer to the group's call, or {@code null} when it failed
     * @param error what the call threw, or {@code null}
     */
    record Answer(Map<Chunk, List<TrackedService>> asked, DescribeServicesResponse answer, Exception error)
            implements PollResult {
    }

    private static final WaiterOverrideConfiguration ONE_ATTEMPT = WaiterOverrideConfiguration.builder()
            .maxAttempts(1).build();

    private GroupPoll() {
    }

    /**
     * Polls a group once.
     *
     * @param asked each chunk's services to ask about
     */
    static Answer poll(EcsPort ecs, Deadline deadline, Map<Chunk, List<TrackedService>> asked) {
        Chunk first = asked.keySet().iterator().next();
        List<String> names = asked.values().stream().flatMap(List::stream).map(t -> t.id().service()).toList();
        OneCall client = new OneCall(() -> ecs.describeServices(first.cluster(), names, deadline));
        for (Map.Entry<Chunk, List<TrackedService>> e : asked.entrySet()) {
            DescribeServicesRequest request = DescribeServicesRequest.builder().cluster(e.getKey().cluster())
                    .services(e.getValue().stream().map(t -> t.id().service()).toList()).build();
            try (EcsWaiter waiter = EcsWaiter.builder().client(client).overrideConfiguration(ONE_ATTEMPT).build()) {
                waiter.waitUntilServicesStable(request);
            } catch (RuntimeException notStableYetOrFailed) {
                // The waiter's own view; the verdict comes from ECS's answer, which the client kept.
            }
        }
        return new Answer(asked, client.answer, client.error);
    }

    /** The services of a group ECS answered about, matched by name, in the answer's order. */
    static Map<TrackedService, Service> answered(Answer answer) {
        Map<String, TrackedService> byKey = new HashMap<>();
        answer.asked().values().forEach(ts -> ts.forEach(t -> byKey.put(t.id().key(), t)));
        Map<TrackedService, Service> answered = new LinkedHashMap<>();
        for (Service s : answer.answer().services()) {
            TrackedService t = byKey.get(EcsIds.keyOf(s));
            if (t != null) {
                answered.put(t, s);
            }
        }
        return answered;
    }

    /** The one DescribeServices call of a group, made at the first waiter's request; each waiter sees its part. */
    private static final class OneCall implements EcsClient {
        private final Supplier<DescribeServicesResponse> call;
        private boolean made;
        private DescribeServicesResponse answer;
        private RuntimeException error;

        OneCall(Supplier<DescribeServicesResponse> call) {
            this.call = call;
        }

        @Override
        public DescribeServicesResponse describeServices(DescribeServicesRequest request) {
            if (!made) {
                made = true;
                try {
                    answer = call.get();
                } catch (RuntimeException e) {
                    error = e;
                }
            }
            if (error != null) {
                throw error;
            }
            if (answer == null) {
                return DescribeServicesResponse.builder().build();
            }
            String clusterKey = EcsIds.lastSegment(request.cluster());
            Set<String> keys = request.services().stream().map(EcsIds::lastSegment).collect(Collectors.toSet());
            return answer.toBuilder()
                    .services(answer.services().stream().filter(s -> keys.contains(EcsIds.keyOf(s))).toList())
                    .failures(answer.failures().stream().filter(f -> keys.contains(EcsIds.keyOf(f, clusterKey)))
                            .toList())
                    .build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
            // The caller's client is not ours to close.
        }
    }
}
