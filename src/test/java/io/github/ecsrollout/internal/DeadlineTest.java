package io.github.ecsrollout.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

class DeadlineTest {

    private final EcsClient mock = mock(EcsClient.class);

    @Test
    void withoutADeadlineRequestsAreUntouched() {
        UpdateServiceRequest r = UpdateServiceRequest.builder().service("web").taskDefinition("web:2").build();
        assertSame(r, Deadline.none().bound(r));
        assertFalse(Deadline.none().bound(DescribeServicesRequest.builder()).build().overrideConfiguration()
                .isPresent());
    }

    @Test
    void anUpdateGetsTheTimeLeftAndKeepsEverythingTheCallerSet() {
        UpdateServiceRequest r = UpdateServiceRequest.builder().cluster("prod").service("web").taskDefinition("web:2")
                .desiredCount(3).overrideConfiguration(o -> o.putHeader("x-trace", "abc")).build();

        UpdateServiceRequest bound = Deadline.after(System.nanoTime(), Duration.ofMinutes(5), mock).bound(r);

        Duration left = bound.overrideConfiguration().orElseThrow().apiCallTimeout().orElseThrow();
        assertTrue(left.compareTo(Duration.ofMinutes(5)) <= 0 && !left.isNegative() && !left.isZero(),
                left::toString);
        assertEquals(List.of("abc"), bound.overrideConfiguration().orElseThrow().headers().get("x-trace"));
        assertEquals(r.toBuilder().overrideConfiguration(bound.overrideConfiguration().orElseThrow()).build(), bound);
    }

    @Test
    void aShorterTimeoutOfTheCallersOwnIsKept() {
        UpdateServiceRequest r = UpdateServiceRequest.builder().service("web")
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(2))).build();

        assertSame(r, Deadline.after(System.nanoTime(), Duration.ofMinutes(5), mock).bound(r));
    }

    @Test
    void onlyAnApiCallTimeoutAtTheDeadlineCountsAsCutShortByIt() {
        Deadline passed = Deadline.after(System.nanoTime() - Duration.ofSeconds(1).toNanos(), Duration.ofMillis(1),
                mock);
        Deadline far = Deadline.after(System.nanoTime(), Duration.ofMinutes(5), mock);
        SdkClientException wrapped = SdkClientException.create("waiter",
                ApiCallTimeoutException.create(1000));

        assertTrue(passed.cutShort(wrapped));
        assertFalse(far.cutShort(wrapped), "the client's own apiCallTimeout, long before the deadline");
        assertFalse(passed.cutShort(SdkClientException.create("other")));
        assertFalse(Deadline.none().cutShort(wrapped));
    }
}
