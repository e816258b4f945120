package io.github.ecsrollout.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

/**
 * The simulator on the real clock, as the demo and the benchmarks use it. Outcomes only, no timing asserts. Kept on
 * real time on purpose: the real clock, and pollers at once on several threads, are what it tests.
 */
class RealTimeTest {

    @Test
    void theSdkWaiterSeesARealTimeRolloutFinish() {
        try (SimulatedEcs ecs = SimulatedEcs.start()) {
            ecs.createService(ServiceSpec.of("prod", "web").desiredCount(2).script(ServiceScript.stableAfter(Duration.ofMillis(300))));
            EcsClient client = ecs.client();
            client.updateService(b -> b.cluster("prod").service("web").taskDefinition("web:2"));
            WaiterOverrideConfiguration fast = WaiterOverrideConfiguration.builder().maxAttempts(200)
                    .backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(20))).build();
            try (EcsWaiter waiter = EcsWaiter.builder().client(client).overrideConfiguration(fast).build()) {
                var r = waiter.waitUntilServicesStable(b -> b.cluster("prod").services("web"));
                var s = r.matched().response().orElseThrow().services().get(0);
                assertEquals(1, s.deployments().size());
                assertTrue(s.taskDefinition().endsWith("task-definition/web:2"));
            }
        }
    }

    @Test
    void concurrentPollersAllGetAnswers() throws Exception {
        try (SimulatedEcs ecs = SimulatedEcs.start()) {
            for (int i = 0; i < 10; i++) {
                ecs.createService("prod", "svc" + i, ServiceScript.crashLoop("Essential container in task exited", 1));
            }
            EcsClient client = ecs.client();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                names.add("svc" + i);
                client.updateService(b -> b.cluster("prod").service(names.get(names.size() - 1)).forceNewDeployment(true));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    results.add(pool.submit(() -> {
                        int seen = 0;
                        for (int n = 0; n < 25; n++) {
                            seen += client.describeServices(b -> b.cluster("prod").services(names)).services().size();
                        }
                        return seen;
                    }));
                }
                for (Future<Integer> f : results) {
                    assertEquals(250, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(200, ecs.stats().count("DescribeServices"));
            assertEquals(10, ecs.stats().maxServicesPerDescribeServices());
            assertTrue(ecs.stats().peakPerSecond("DescribeServices") >= 1);
        }
    }
}
