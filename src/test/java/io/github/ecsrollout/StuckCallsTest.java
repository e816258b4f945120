package io.github.ecsrollout;

import static io.github.ecsrollout.support.Model.deploying;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Issue 11: an ECS call that never returns and ignores interrupts, as a stalled HTTP response does, neither holds a
 * rollout past its timeout nor holds back another chunk's verdict. (The {@code @Timeout} only turns a regression into
 * a failure instead of a hang; nothing here measures time.) Kept on real time on purpose: a stuck call is given up
 * in real time, on the call's own thread, and the chunks watched together poll on the pool of chunk threads, which
 * only the system clock uses.
 */
@Timeout(60)
class StuckCallsTest {

    private final EcsClient ecs = mock(EcsClient.class);
    /** Released after each test: the stuck calls end with it. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> names = IntStream.range(0, 20).mapToObj(i -> String.format("svc-%02d", i)).toList();

    @AfterEach
    void releaseStuckCalls() {
        release.countDown();
    }

    /** Calls about {@code stuckService} never return until the test ends; {@code missing} is MISSING. */
    private void describe(String stuckService, String missing) {
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
            DescribeServicesRequest r = inv.getArgument(0);
            if (r.services().contains(stuckService)) {
                awaitIgnoringInterrupts(release);
            }
            List<Service> services = new ArrayList<>();
            List<Failure> failures = new ArrayList<>();
            for (String s : r.services()) {
                if (s.equals(missing)) {
                    failures.add(Failure.builder().arn("arn:aws:ecs:us-east-1:123456789012:service/prod/" + s)
                            .reason("MISSING").build());
                } else {
                    services.add(deploying(s, "ecs-svc/" + s));
                }
            }
            return DescribeServicesResponse.builder().services(services).failures(failures).build();
        });
    }

    @Test
    void aMissingServiceIsReportedWhileAnotherChunksCallIsStillStuck() {
        describe("svc-15", "svc-03");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> ServiceRollout.builder()
                .ecsClient(ecs).delay(Duration.ZERO).build().awaitStable("prod", names));

        assertEquals(Reason.SERVICE_MISSING, e.reason());
        assertEquals(1, release.getCount(), "returned while the other chunk's call was still stuck");
    }

    @Test
    void aStuckCallEndsTheRolloutAtItsTimeout() {
        describe("web", null);

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> ServiceRollout.builder()
                .ecsClient(ecs).delay(Duration.ZERO).timeout(Duration.ofMillis(200)).build().awaitStable("prod",
                        "web"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(1, release.getCount(), "returned while the call was still stuck");
    }

    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // like a socket read: an interrupt does not end it
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
