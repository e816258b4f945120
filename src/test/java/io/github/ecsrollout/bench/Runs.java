package io.github.ecsrollout.bench;

import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.sim.SimStats;
import io.github.ecsrollout.sim.SimulatedEcs;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

/**
 * One rollout of a fleet by the project or by the baseline, against a fresh simulator, and what it took. A fleet
 * {@link Fleet#fromCreation() deploying from creation} is only awaited ({@code awaitStable}; the baseline skips its
 * updates).
 */
final class Runs {

    /** DescribeServices takes at most 10 services. */
    static final int CHUNK = 10;

    enum Side { PROJECT, BASELINE }

    /**
     * How a side is configured for a run. {@code timeout} applies to the project only (the baseline has none);
     * {@code maxAttempts} 0 leaves the project's unset (its defaults: 40 polls, grown to fit a long deployment) and
     * gives the baseline the SDK waiter's 40.
     */
    record Settings(Duration delay, int maxAttempts, Duration timeout, int maxConcurrency, Duration latency,
            int serverThreads) {
    }

    /** What one run took: its verdict, its instants (System.nanoTime) and the simulator's record of it. */
    record Result(Side side, String verdict, String detail, long startNanos, long endNanos, long[] updateNanos,
            int describeCalls, int otherCalls, int peakPerSecond, int peakPerDelay, long[] describeNanos,
            Marks marks, List<SimStats.Call> otherCallList) {

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        /** The first DescribeServices to arrive at or after {@code nanos}, or -1. */
        long firstDescribeAfter(long nanos) {
            for (long t : describeNanos) {
                if (t >= nanos) {
                    return t;
                }
            }
            return -1;
        }

        /** When the last UpdateService arrived: the end of the update phase. */
        long updatesDone() {
            return updateNanos.length == 0 ? startNanos : updateNanos[updateNanos.length - 1];
        }
    }

    /**
     * When the project's listener heard things (System.nanoTime, 0: never): the first observation of a terminal
     * verdict (the poll's answer judged), the last service confirmed stable, the failure reported.
     */
    static final class Marks implements RolloutListener {
        private volatile long firstTerminal;
        private volatile long lastStable;
        private volatile long failed;

        long firstTerminal() {
            return firstTerminal;
        }

        long lastStable() {
            return lastStable;
        }

        long failed() {
            return failed;
        }

        @Override
        public void onObservation(ServiceState state) {
            if (firstTerminal == 0 && state.verdict().isTerminal()) {
                firstTerminal = System.nanoTime();
            }
        }

        @Override
        public void onServiceStable(ServiceState state) {
            lastStable = System.nanoTime();
        }

        @Override
        public void onRolloutFailed(RolloutNotStableException failure) {
            failed = System.nanoTime();
        }
    }

    private Runs() {
    }

    /**
     * The library logs every update and observation at INFO, and the test resources' simplelogger.properties turns
     * that on; system properties win over that file. Benchmarks measure the library, not slf4j-simple writing lines.
     */
    static void quietLogging() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.io.github.ecsrollout", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.io.github.ecsrollout.sim", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.demo", "warn");
    }

    /** Starts a simulator with the fleet, rolls it out with one side, and closes the simulator. */
    static Result run(Side side, Fleet fleet, Settings s) {
        try (SimulatedEcs sim = fleet.start(s.serverThreads())) {
            if (!s.latency().isZero()) {
                sim.faults().latency(s.latency());
            }
            EcsClient client = sim.client();
            return side == Side.PROJECT ? project(sim, client, fleet, s) : baseline(sim, client, fleet, s);
        }
    }

    static Result project(SimulatedEcs sim, EcsClient client, Fleet fleet, Settings s) {
        Marks marks = new Marks();
        // ECS's UpdateService rate (5 a second) on the bench's time scale, as the default describe pacing scales
        // with the delay: the bench's 100 ms delay stands for 15 s.
        double updatesPerSecond = 5.0 * Benchmarks.REAL_DELAY.toNanos() / s.delay().toNanos();
        // The default describe pacing (150 per delay) on the same scale; its real-time ceiling of 20 a second (ECS's
        // rate) would otherwise hold the scaled-down bench back.
        double describesPerSecond = 150.0 * 1e9 / s.delay().toNanos();
        ServiceRollout.Builder b = ServiceRollout.builder().ecsClient(client).delay(s.delay())
                .maxConcurrency(s.maxConcurrency()).maxUpdateServicePerSecond(updatesPerSecond).listener(marks);
        if (!s.delay().isZero()) {
            b.maxDescribeServicesPerSecond(describesPerSecond);
        }
        if (s.timeout() != null) {
            b.timeout(s.timeout()); // the timeout alone bounds the wait
        } else if (s.maxAttempts() > 0) {
            b.maxAttempts(s.maxAttempts());
        }
        ServiceRollout rollout = b.build();
        List<UpdateServiceRequest> requests = fleet.requests();
        String verdict;
        String detail;
        long start = System.nanoTime();
        try {
            if (fleet.fromCreation) {
                rollout.awaitStable(Fleet.CLUSTER, fleet.names);
            } else {
                rollout.rollOut(requests);
            }
            verdict = "SUCCESS";
            detail = "";
        } catch (RolloutNotStableException e) {
            verdict = e.reason().name();
            detail = firstLine(e.getMessage());
        }
        long end = System.nanoTime();
        return result(Side.PROJECT, sim, s, verdict, detail, start, end, marks);
    }

    /**
     * The plain SDK way: UpdateService for each service, then one EcsWaiter per chunk of 10, one chunk after
     * another, fixed delay, the same maxAttempts. The first waiter that throws ends the rollout with the SDK's
     * verdict.
     */
    static Result baseline(SimulatedEcs sim, EcsClient client, Fleet fleet, Settings s) {
        WaiterOverrideConfiguration config = WaiterOverrideConfiguration.builder()
                .maxAttempts(s.maxAttempts() > 0 ? s.maxAttempts() : 40)
                .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(s.delay()))
                .build();
        List<UpdateServiceRequest> requests = fleet.requests();
        String verdict = "SUCCESS";
        String detail = "";
        long start = System.nanoTime();
        try {
            for (UpdateServiceRequest r : fleet.fromCreation ? List.<UpdateServiceRequest>of() : requests) {
                client.updateService(r);
            }
            for (int i = 0; i < fleet.size() && verdict.equals("SUCCESS"); i += CHUNK) {
                DescribeServicesRequest chunk = DescribeServicesRequest.builder().cluster(Fleet.CLUSTER)
                        .services(fleet.names.subList(i, Math.min(fleet.size(), i + CHUNK))).build();
                try (EcsWaiter waiter = EcsWaiter.builder().client(client).overrideConfiguration(config).build()) {
                    WaiterResponse<DescribeServicesResponse> r = waiter.waitUntilServicesStable(chunk);
                    if (r.matched().exception().isPresent()) {
                        verdict = "ERROR";
                        detail = firstLine(String.valueOf(r.matched().exception().get()));
                    }
                }
            }
        } catch (SdkClientException e) {
            verdict = classify(e);
            detail = firstLine(e.getMessage());
        } catch (RuntimeException e) {
            verdict = "ERROR";
            detail = firstLine(String.valueOf(e));
        }
        long end = System.nanoTime();
        return result(Side.BASELINE, sim, s, verdict, detail, start, end, new Marks());
    }

    /** The SDK waiter's own verdict, from its message (it has no typed one). */
    static String classify(SdkClientException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (e.getCause() == null && (m.contains("max retry attempts") || m.contains("max attempts")
                || m.contains("timeout") || m.contains("timed out"))) {
            return "TIMED_OUT";
        }
        if (e.getCause() == null && m.contains("failure state")) {
            return "FAILURE";
        }
        return "ERROR";
    }

    private static Result result(Side side, SimulatedEcs sim, Settings s, String verdict, String detail, long start,
            long end, Marks marks) {
        SimStats stats = sim.stats();
        List<SimStats.Call> updates = stats.calls("UpdateService");
        long[] updateNanos = updates.stream().mapToLong(SimStats.Call::nanoTime).sorted().toArray();
        List<SimStats.Call> describes = stats.calls("DescribeServices");
        int describeCalls = describes.size();
        int other = stats.total() - describeCalls - updates.size();
        long[] times = describes.stream().mapToLong(SimStats.Call::nanoTime).sorted().toArray();
        return new Result(side, verdict, detail, start, end, updateNanos, describeCalls, other,
                stats.peakPerSecond("DescribeServices"), peakWithin(times, s.delay().toNanos()), times, marks,
                stats.calls().stream().filter(c -> !c.operation().equals("DescribeServices")
                        && !c.operation().equals("UpdateService")).toList());
    }

    /** The most of these (sorted) instants within any window of {@code windowNanos}. */
    static int peakWithin(long[] sorted, long windowNanos) {
        int peak = 0;
        for (int lo = 0, hi = 0; hi < sorted.length; hi++) {
            while (sorted[hi] - sorted[lo] >= windowNanos) {
                lo++;
            }
            peak = Math.max(peak, hi - lo + 1);
        }
        return peak;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
