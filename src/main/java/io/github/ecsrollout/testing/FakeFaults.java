package io.github.ecsrollout.testing;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.EcsRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * The errors a test scripted for the next calls of each operation, of the whole fake or of one service, used up one a
 * call. Callers hold the fake's lock.
 */
final class FakeFaults {

    /** The operations whose requests name a service (directly, or by a service deployment's ARN). */
    static final Set<Class<? extends EcsRequest>> PER_SERVICE = Set.of(UpdateServiceRequest.class,
            DescribeServicesRequest.class, ListServiceDeploymentsRequest.class, DescribeServiceDeploymentsRequest.class,
            StopServiceDeploymentRequest.class, ContinueServiceDeploymentRequest.class, ListTasksRequest.class);

    private final Map<Class<? extends EcsRequest>, Deque<RuntimeException>> next = new HashMap<>();

    /** Checks a test's arguments, naming the bad one, before anything is scripted. */
    static void check(Class<? extends EcsRequest> operation, int times, RuntimeException error) {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(error, "error");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1: " + times);
        }
        if (operation == EcsRequest.class) {
            throw new IllegalArgumentException("operation must be the request class of one operation, "
                    + "UpdateServiceRequest.class for one: " + operation.getName());
        }
    }

    /** Checks that an operation's requests name a service, so that one service's faults can apply to it. */
    static void checkPerService(Class<? extends EcsRequest> operation) {
        if (!PER_SERVICE.contains(operation)) {
            throw new IllegalArgumentException("operation " + operation.getSimpleName() + " names no service; "
                    + "script it on FakeEcs instead, or use one of "
                    + Arrays.toString(PER_SERVICE.stream().map(Class::getSimpleName).sorted().toArray()));
        }
    }

    /** The next {@code times} calls of {@code operation} throw {@code error}, after the ones already scripted. */
    void add(Class<? extends EcsRequest> operation, int times, RuntimeException error) {
        Deque<RuntimeException> queue = next.computeIfAbsent(operation, o -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.addLast(error);
        }
    }

    /** Throws the error scripted next for {@code request}'s operation, used up; returns when there is none. */
    void throwNext(EcsRequest request) {
        Deque<RuntimeException> queue = next.get(request.getClass());
        RuntimeException error = queue == null ? null : queue.pollFirst();
        if (error != null) {
            throw error;
        }
    }
}
