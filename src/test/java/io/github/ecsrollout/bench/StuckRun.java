package io.github.ecsrollout.bench;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.SimulatedEcs;
import io.github.ecsrollout.support.HoldingProxy;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * A rollout with a timeout whose DescribeServices answer never ends (headers and the start of a body, then a silent
 * open socket, from {@link HoldingProxy}), on a caller's client (the SDK's defaults: a 30 s socket read timeout) or on
 * the client {@code ServiceRollout} builds itself (pointed at the proxy by the SDK's system properties), and how long
 * after its timeout the call returned. The baseline: the same held answer to a plain SDK call with the same
 * {@code apiCallTimeout}.
 */
final class StuckRun {

    /** Whose client the rollout uses. */
    enum Kind { CALLERS, OWN }

    /** How one rollout ended, and when: milliseconds after its timeout. */
    record Result(Kind kind, String verdict, double msLate, int held) {
    }

    private StuckRun() {
    }

    static Result run(Kind kind, Duration timeout) {
        try (SimulatedEcs sim = SimulatedEcs.start(Clock.systemUTC(), 4)) {
            sim.createService(Fleet.CLUSTER, "web", ServiceScript.stableAfter(Duration.ofMillis(50)));
            AtomicBoolean updateSent = new AtomicBoolean();
            try (HoldingProxy proxy = HoldingProxy.start(sim.endpoint(), r -> {
                if (r.operation().equals("UpdateService")) {
                    updateSent.set(true);
                }
                return r.operation().equals("DescribeServices") && updateSent.get();
            })) {
                Map<String, String> properties = Map.of("aws.endpointUrl", proxy.endpoint().toString(),
                        "aws.region", "us-east-1", "aws.accessKeyId", "test", "aws.secretAccessKey", "test");
                ServiceRollout.Builder b = ServiceRollout.builder().delay(Duration.ofMillis(100)).timeout(timeout)
                        .fetchStoppedTasks(false);
                EcsClient callers = null;
                if (kind == Kind.CALLERS) {
                    callers = SimulatedEcs.clientFor(proxy.endpoint(), o -> { });
                    b.ecsClient(callers);
                } else {
                    properties.forEach(System::setProperty);
                }
                String verdict = "SUCCESS";
                long elapsed;
                try (ServiceRollout rollout = b.build()) {
                    long start = System.nanoTime();
                    try {
                        rollout.rollOut(Fleet.CLUSTER, "web", "web:2");
                    } catch (RolloutNotStableException e) {
                        verdict = e.reason().name();
                    }
                    elapsed = System.nanoTime() - start;
                } finally {
                    properties.keySet().forEach(System::clearProperty);
                    if (callers != null) {
                        callers.close();
                    }
                }
                return new Result(kind, verdict, (elapsed - timeout.toNanos()) / 1e6, proxy.held());
            }
        }
    }

    /** The plain SDK: a DescribeServices whose answer is held, with an apiCallTimeout; seconds until it returned. */
    static double sdkAlone(Duration apiCallTimeout) {
        try (SimulatedEcs sim = SimulatedEcs.start(Clock.systemUTC(), 4);
                HoldingProxy proxy = HoldingProxy.start(sim.endpoint(), r -> true);
                EcsClient client = SimulatedEcs.clientFor(proxy.endpoint(), o -> { })) {
            long start = System.nanoTime();
            try {
                client.describeServices(b -> b.cluster(Fleet.CLUSTER).services("web")
                        .overrideConfiguration(o -> o.apiCallTimeout(apiCallTimeout)));
            } catch (RuntimeException expected) {
                // ApiCallTimeoutException, once the abort got through
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }
}
