package io.github.ecsrollout.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;

/**
 * The batcher's rules, made deterministic by a window far longer than any test: a batch leaves only when it is full or
 * every active chunk has joined or a chunk finishes, never because time passed.
 */
class DescribeBatcherTest {

    private static final long FOREVER = TimeUnit.HOURS.toNanos(1);

    private final EcsClient ecs = mock(EcsClient.class);
    private final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> pollers = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService threads = Executors.newFixedThreadPool(3, r -> {
        Thread t = new Thread(r);
        pollers.add(t);
        return t;
    });
    private final DescribeBatcher batcher = new DescribeBatcher(ecs, CallPacer.UNLIMITED, FOREVER, Deadline.none());

    DescribeBatcherTest() {
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
            DescribeServicesRequest r = inv.getArgument(0);
            calls.add(r.services());
            return DescribeServicesResponse.builder().build();
        });
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private Future<DescribeServicesResponse> poll(String... services) {
        return threads.submit(() -> batcher.describe("prod", "prod", List.of(services)));
    }

    @Test
    void pollsOfAllActiveChunksShareOneCall() throws Exception {
        batcher.chunkStarted("prod");
        batcher.chunkStarted("prod");

        Future<DescribeServicesResponse> a = poll("a1", "a2", "a3");
        Future<DescribeServicesResponse> b = poll("b1", "b2");

        assertSame(a.get(), b.get());
        assertEquals(1, calls.size());
        assertEquals(5, calls.get(0).size());
    }

    @Test
    void aPollThatDoesNotFitLeadsTheNextCall() throws Exception {
        batcher.chunkStarted("prod");
        batcher.chunkStarted("prod");
        batcher.chunkStarted("prod");

        Future<DescribeServicesResponse> a = poll("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8");
        awaitBlocked(1);
        Future<DescribeServicesResponse> b = poll("b1", "b2", "b3", "b4", "b5");
        a.get();
        Future<DescribeServicesResponse> c = poll("c1", "c2");
        batcher.chunkFinished("prod"); // chunk a is done: the batch of b and c waits for nobody else
        b.get();
        c.get();

        assertEquals(List.of(8, 7), calls.stream().map(List::size).toList(),
                "five services do not fit beside eight: they lead the next call, which the two-service poll joins");
    }

    @Test
    void aLoneChunkIsNeverKeptWaiting() throws Exception {
        batcher.chunkStarted("prod");

        poll("a1").get();
        poll("a1").get();

        assertEquals(2, calls.size());
    }

    @Test
    void aChunkThatFinishesReleasesTheBatchWaitingForIt() throws Exception {
        batcher.chunkStarted("prod");
        batcher.chunkStarted("prod");
        Future<DescribeServicesResponse> a = poll("a1");

        batcher.chunkFinished("prod");

        a.get();
        assertEquals(List.of(List.of("a1")), calls);
    }

    @Test
    void clustersAreBatchedApart() throws Exception {
        batcher.chunkStarted("blue");
        batcher.chunkStarted("green");

        threads.submit(() -> batcher.describe("blue", "blue", List.of("a"))).get();
        threads.submit(() -> batcher.describe("green", "green", List.of("b"))).get();

        assertEquals(List.of(List.of("a"), List.of("b")), calls);
    }

    @Test
    void anEcsErrorReachesEveryMemberOfTheBatch() throws Exception {
        ClusterNotFoundException missing = ClusterNotFoundException.builder().message("Cluster not found.").build();
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenThrow(missing);
        batcher.chunkStarted("prod");
        batcher.chunkStarted("prod");

        Future<DescribeServicesResponse> a = poll("a1");
        Future<DescribeServicesResponse> b = poll("b1");

        assertSame(missing, assertThrows(ExecutionException.class, a::get).getCause());
        assertSame(missing, assertThrows(ExecutionException.class, b::get).getCause());
    }

    @Test
    void anInterruptedLeaderReleasesItsMembers() throws Exception {
        batcher.chunkStarted("prod");
        batcher.chunkStarted("prod");
        batcher.chunkStarted("prod");
        Future<DescribeServicesResponse> a = poll("a1");
        Future<DescribeServicesResponse> b = poll("b1");
        awaitBlocked(2);

        threads.shutdownNow();

        assertEquals(InterruptedException.class, assertThrows(ExecutionException.class, a::get).getCause().getClass());
        assertEquals(InterruptedException.class, assertThrows(ExecutionException.class, b::get).getCause().getClass());
        assertEquals(List.of(), calls);
    }

    /** Waits until this many pollers are parked: the leader in its window, the member on the answer. */
    private void awaitBlocked(int n) {
        while (pollers.stream().filter(t -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING).count() < n) {
            Thread.onSpinWait();
        }
    }
}
