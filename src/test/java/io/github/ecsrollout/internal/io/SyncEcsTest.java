package io.github.ecsrollout.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.internal.model.RolloutSettings;
import io.github.ecsrollout.internal.time.Deadline;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/** The deadline reaching each call as its apiCallTimeout, and the classifier's reading of a call it cut short. */
class SyncEcsTest {

    private final VirtualClock clock = VirtualClock.create();
    private final EcsClient mock = mock(EcsClient.class);
    /** Bounding calls as on the system clock, with the time left read on a clock the test moves. */
    private final SyncEcs ecs = new SyncEcs(new RolloutSettings(mock, Duration.ZERO, null, null, 10,
            RolloutListener.NONE, false, false, null, null, null, null, clock), true);

    private Deadline in(Duration timeout) {
        return Deadline.after(clock, clock.nanoTime(), timeout);
    }

    @Test
    void withoutADeadlineRequestsAreUntouched() {
        List<DescribeServicesRequest> sent = new ArrayList<>();
        when(mock.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
            sent.add(inv.getArgument(0));
            return DescribeServicesResponse.builder().build();
        });
        UpdateServiceRequest r = UpdateServiceRequest.builder().service("web").taskDefinition("web:2").build();

        assertSame(r, ecs.bound(r, Deadline.none()));
        ecs.describeServices("prod", List.of("web"), Deadline.none());
        assertFalse(sent.get(0).overrideConfiguration().isPresent());
    }

    @Test
    void aCallGetsTheTimeLeftAsItsApiCallTimeout() {
        List<DescribeServicesRequest> sent = new ArrayList<>();
        when(mock.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
            sent.add(inv.getArgument(0));
            return DescribeServicesResponse.builder().build();
        });
        Deadline deadline = in(Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(3));

        ecs.describeServices("prod", List.of("web"), deadline);

        assertEquals(Duration.ofMinutes(2), sent.get(0).overrideConfiguration().orElseThrow().apiCallTimeout()
                .orElseThrow());
    }

    @Test
    void aTaskDefinitionIsDescribedAsNamedWithTheTimeLeft() {
        List<DescribeTaskDefinitionRequest> sent = new ArrayList<>();
        when(mock.describeTaskDefinition(any(DescribeTaskDefinitionRequest.class))).thenAnswer(inv -> {
            sent.add(inv.getArgument(0));
            return DescribeTaskDefinitionResponse.builder().build();
        });

        ecs.describeTaskDefinition("web", in(Duration.ofSeconds(30)));

        assertEquals("web", sent.get(0).taskDefinition());
        assertEquals(Duration.ofSeconds(30), sent.get(0).overrideConfiguration().orElseThrow().apiCallTimeout()
                .orElseThrow());
    }

    @Test
    void onAVirtualClockCallsCarryNoTimeLeftForTheSdkWouldCountItInRealTime() {
        SyncEcs virtual = new SyncEcs(new RolloutSettings(mock, Duration.ZERO, null, null, 10, RolloutListener.NONE,
                false, false, null, null, null, null, clock));
        UpdateServiceRequest r = UpdateServiceRequest.builder().service("web").taskDefinition("web:2").build();

        assertSame(r, virtual.bound(r, in(Duration.ofMillis(5))));
    }

    @Test
    void anUpdateGetsTheTimeLeftAndKeepsEverythingTheCallerSet() {
        UpdateServiceRequest r = UpdateServiceRequest.builder().cluster("prod").service("web").taskDefinition("web:2")
                .desiredCount(3).overrideConfiguration(o -> o.putHeader("x-trace", "abc")).build();

        UpdateServiceRequest bound = ecs.bound(r, in(Duration.ofMinutes(5)));

        assertEquals(Duration.ofMinutes(5), bound.overrideConfiguration().orElseThrow().apiCallTimeout()
                .orElseThrow());
        assertEquals(List.of("abc"), bound.overrideConfiguration().orElseThrow().headers().get("x-trace"));
        assertEquals(r.toBuilder().overrideConfiguration(bound.overrideConfiguration().orElseThrow()).build(), bound);
    }

    @Test
    void aShorterTimeoutOfTheCallersOwnIsKept() {
        UpdateServiceRequest r = UpdateServiceRequest.builder().service("web")
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(2))).build();

        assertSame(r, ecs.bound(r, in(Duration.ofMinutes(5))));
    }

    @Test
    void onlyAnApiCallTimeoutAtTheDeadlineCountsAsCutShortByIt() {
        Deadline passed = in(Duration.ofMillis(1));
        Deadline far = in(Duration.ofMinutes(5));
        clock.advance(Duration.ofSeconds(1));
        SdkClientException wrapped = SdkClientException.create("waiter", ApiCallTimeoutException.create(1000));

        assertTrue(EcsErrors.cutShort(wrapped, passed));
        assertEquals(EcsErrors.Kind.CUT_SHORT, EcsErrors.kind(wrapped, passed));
        assertFalse(EcsErrors.cutShort(wrapped, far), "the client's own apiCallTimeout, long before the deadline");
        assertFalse(EcsErrors.cutShort(SdkClientException.create("other"), passed));
        assertFalse(EcsErrors.cutShort(wrapped, Deadline.none()));
        assertEquals(EcsErrors.Kind.NO_ANSWER, EcsErrors.kind(wrapped, far));
    }
}
