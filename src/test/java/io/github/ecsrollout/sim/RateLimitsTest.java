package io.github.ecsrollout.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;

/**
 * ECS's token buckets in the simulator, through the real SDK client (one attempt a call: no retry hides a 400), on a
 * manual clock. The scaled clock's refill is kept on real time on purpose: a scaled clock runs by itself in real time,
 * which is what it tests (its 200 ms sleep stands for 20 s, and the bucket is full from 10 s on).
 */
class RateLimitsTest extends SimTestBase {

    private EcsClient once;

    @BeforeEach
    void serviceAndClient() {
        ecs.createService("prod", "web", ServiceScript.stableAfter(Duration.ZERO));
        once = ecs.client(o -> o.retryStrategy(SimulatedEcs.fastRetries(1)));
    }

    private void update() {
        once.updateService(b -> b.cluster("prod").service("web").taskDefinition("web:2"));
    }

    private void describe() {
        once.describeServices(b -> b.cluster("prod").services("web"));
    }

    /** Makes {@code n} calls that must all pass. */
    private static void times(int n, Runnable call) {
        for (int i = 0; i < n; i++) {
            call.run();
        }
    }

    private static void assertThrottled(Runnable call) {
        EcsException e = assertThrows(EcsException.class, call::run);
        assertTrue(e.isThrottlingException());
        assertEquals(400, e.statusCode());
        assertEquals("ThrottlingException", e.awsErrorDetails().errorCode());
        assertEquals("Rate exceeded", e.awsErrorDetails().errorMessage());
    }

    @Test
    void offByDefault() {
        times(101, this::describe);
        times(51, this::update);
        assertEquals(Map.of(), ecs.rateLimits().throttled());
    }

    @Test
    void updateServiceTakesABurstOf50ThenFiveASecondOfSimulatedTime() {
        ecs.rateLimits(true);

        times(50, this::update);
        assertThrottled(this::update);
        clock.advance(Duration.ofSeconds(1));
        times(5, this::update);
        assertThrottled(this::update);
        clock.advance(Duration.ofHours(1));
        times(50, this::update); // a bucket holds its burst, however long it rested
        assertThrottled(this::update);

        assertEquals(3, ecs.rateLimits().throttled("UpdateService"));
        assertEquals(3, ecs.stats().calls("UpdateService").stream().filter(c -> c.httpStatus() == 400).count());
    }

    @Test
    void describeServicesHasABucketOfItsOwnOf100AtTwentyASecond() {
        ecs.rateLimits(true);

        times(100, this::describe);
        assertThrottled(this::describe);
        update(); // another bucket
        clock.advance(Duration.ofMillis(500));
        times(10, this::describe);
        assertThrottled(this::describe);
    }

    @Test
    void theFourServiceDeploymentOperationsShareOneBucketOf50() {
        ecs.rateLimits(true);
        String arn = once.listServiceDeployments(b -> b.cluster("prod").service("web")).serviceDeployments().get(0)
                .serviceDeploymentArn();

        times(24, () -> once.listServiceDeployments(b -> b.cluster("prod").service("web")));
        times(25, () -> once.describeServiceDeployments(b -> b.serviceDeploymentArns(arn)));
        assertThrottled(() -> once.stopServiceDeployment(b -> b.serviceDeploymentArn(arn)));
        clock.advance(Duration.ofMillis(50)); // one token at 20 a second
        once.describeServiceDeployments(b -> b.serviceDeploymentArns(arn));
        assertThrottled(() -> once.listServiceDeployments(b -> b.cluster("prod").service("web")));
    }

    @Test
    void aScaledClockRefillsFasterInRealTimeBySameFactor() throws InterruptedException {
        SimClock fast = SimClock.scaled(100);
        try (SimulatedEcs scaled = SimulatedEcs.start(fast).rateLimits(true)) {
            RateLimits limits = scaled.rateLimits();
            for (int i = 0; i < 50; i++) {
                assertTrue(limits.tryAcquire("UpdateService"));
            }
            assertTrue(limits.tokens("UpdateService") < 50);
            Thread.sleep(200); // 20 s of simulated time: 100 tokens at 5 a second, capped at the burst
            assertEquals(50.0, limits.tokens("UpdateService"));
        }
    }
}
