package io.github.ecsrollout.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.EcsServiceClientConfiguration;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;

/**
 * A timed call on a thread of its own, given up after its timeout plus the grace. Kept on real time on purpose: the
 * wait for a call that never returns counts real time whatever the rollout's clock, and the threads are the point.
 */
class CallThreadsTest {

    private final EcsClient ecs = mock(EcsClient.class);
    private final EcsClient calls = CallThreads.wrap(ecs);
    private final AtomicReference<String> callThread = new AtomicReference<>();
    /** Released after each test, so a call left stuck ends with it. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseStuckCalls() {
        release.countDown();
        Thread.interrupted();
    }

    private static DescribeServicesRequest timed(Duration apiCallTimeout) {
        return DescribeServicesRequest.builder().services("web")
                .overrideConfiguration(o -> o.apiCallTimeout(apiCallTimeout)).build();
    }

    /** Answers after recording the thread, or never (until the test ends) when {@code stuck}, ignoring interrupts. */
    private void answer(boolean stuck) {
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
            callThread.set(Thread.currentThread().getName());
            while (stuck) {
                try {
                    release.await();
                    break;
                } catch (InterruptedException e) {
                    // like a socket read: the interrupt does not end it
                }
            }
            return DescribeServicesResponse.builder().build();
        });
    }

    @Test
    void aCallWithoutATimeoutRunsOnTheCallersThread() {
        answer(false);

        calls.describeServices(DescribeServicesRequest.builder().services("web").build());

        assertEquals(Thread.currentThread().getName(), callThread.get());
    }

    @Test
    void aTimedCallRunsOnAThreadNamedAsTheLibrarysOwn() {
        answer(false);

        calls.describeServices(timed(Duration.ofMinutes(1)));

        assertTrue(callThread.get().startsWith("ecs-rollout-call-"), callThread.get());
    }

    @Test
    void aClientTimeoutBoundsCallsThatCarryNone() {
        answer(true);
        EcsServiceClientConfiguration.Builder config = EcsServiceClientConfiguration.builder();
        config.overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofMillis(1))
                .build());
        when(ecs.serviceClientConfiguration()).thenReturn(config.build());

        assertThrows(ApiCallTimeoutException.class,
                () -> calls.describeServices(DescribeServicesRequest.builder().services("web").build()));
    }

    @Test
    void aCallStuckPastItsTimeoutIsAnApiCallTimeoutAndItsThreadIsLeftToEndByItself() {
        answer(true);

        assertThrows(ApiCallTimeoutException.class, () -> calls.describeServices(timed(Duration.ofMillis(1))));

        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(callThread.get()) && t.isAlive()), "still in its call");
    }

    @Test
    void whatTheCallThrowsIsThrownAsItIs() {
        ClusterNotFoundException thrown = ClusterNotFoundException.builder().message("Cluster not found.").build();
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenThrow(thrown);

        assertSame(thrown, assertThrows(ClusterNotFoundException.class,
                () -> calls.describeServices(timed(Duration.ofMinutes(1)))));
    }

    @Test
    void anInterruptWhileWaitingIsAnAbortWithTheFlagSetAgain() {
        answer(true);
        Thread.currentThread().interrupt();

        assertThrows(AbortedException.class, () -> calls.describeServices(timed(Duration.ofMinutes(1))));

        assertTrue(Thread.currentThread().isInterrupted());
    }
}
