package io.github.ecsrollout.bench;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.sim.RateLimits;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import io.github.ecsrollout.sim.SimClock;
import io.github.ecsrollout.sim.SimStats;
import io.github.ecsrollout.sim.SimulatedEcs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * One rollout of a fleet against the simulated ECS with ECS's request throttling on, on a clock {@code scale} times
 * faster than ECS: the buckets refill, the deployments run and the rollout polls (its delay 15 s / scale, so its
 * default describe pacing is ECS's 10 a second) all on that scale, and so does its UpdateService rate (5 a second of
 * ECS time). Times are reported in ECS's seconds (real × scale), next to the physical limit: the earliest moment the
 * last service can be stable when UpdateService takes 50 calls at once and 5 a second after that.
 */
final class RateLimitedRun {

    /** ECS's UpdateService bucket. */
    static final int ECS_BURST = RateLimits.UPDATE_SERVICE.burst();
    static final double ECS_UPDATES_PER_SECOND = RateLimits.UPDATE_SERVICE.perSecond();

    /** What the run took, in ECS's seconds unless said otherwise. */
    record Result(String verdict, String detail, int services, int scale, Duration deployment, double seconds,
            double realSeconds, double updatePhaseSeconds, double physicalLimitSeconds, double updateLimitSeconds,
            Map<String, Integer> throttled, int updateCalls, int describeCalls, int otherCalls, int http400) {
    }

    private RateLimitedRun() {
    }

    /** The earliest the n-th UpdateService can go, in ECS's seconds: the burst at once, then 5 a second. */
    static double updateLimitSeconds(int n) {
        return Math.max(0, n - ECS_BURST) / ECS_UPDATES_PER_SECOND;
    }

    /**
     * Rolls out {@code n} services, each stable {@code deployment} (ECS time) after its UpdateService, with the
     * library's defaults but the delay and the update rate, which stand on the simulator's time scale.
     */
    static Result run(int n, int scale, Duration deployment, int serverThreads) {
        SimClock clock = SimClock.scaled(scale);
        try (SimulatedEcs sim = SimulatedEcs.start(clock, serverThreads)) {
            List<UpdateServiceRequest> requests = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String name = Fleet.name(i);
                sim.createService(ServiceSpec.of(Fleet.CLUSTER, name).script(ServiceScript.stableAfter(deployment)));
                requests.add(UpdateServiceRequest.builder().cluster(Fleet.CLUSTER).service(name)
                        .taskDefinition(name + ":2").build());
            }
            EcsClient client = sim.client();
            // Opens the connection before anything counts; then the buckets start full, as an idle account's are.
            client.describeServices(b -> b.cluster(Fleet.CLUSTER).services(Fleet.name(0)));
            sim.stats().reset();
            sim.rateLimits(true);
            ServiceRollout rollout = ServiceRollout.builder().ecsClient(client)
                    .delay(Benchmarks.REAL_DELAY.dividedBy(scale))
                    .maxUpdateServicePerSecond(ECS_UPDATES_PER_SECOND * scale)
                    // The default describe pacing, 10 a second at ECS's 15 s delay, on the simulator's time scale.
                    .maxDescribeServicesPerSecond(10.0 * scale)
                    .build();
            String verdict = "SUCCESS";
            String detail = "";
            long start = System.nanoTime();
            try {
                rollout.rollOut(requests);
            } catch (RolloutNotStableException e) {
                verdict = e.reason().name();
                detail = Runs.firstLine(e.getMessage());
            }
            long end = System.nanoTime();
            SimStats stats = sim.stats();
            List<SimStats.Call> updates = stats.calls("UpdateService");
            long lastUpdate = updates.stream().mapToLong(SimStats.Call::nanoTime).max().orElse(start);
            int describes = stats.count("DescribeServices");
            return new Result(verdict, detail, n, scale, deployment, (end - start) / 1e9 * scale,
                    (end - start) / 1e9, (lastUpdate - start) / 1e9 * scale,
                    updateLimitSeconds(n) + deployment.toNanos() / 1e9, updateLimitSeconds(n),
                    sim.rateLimits().throttled(), updates.size(), describes,
                    stats.total() - describes - updates.size(),
                    (int) stats.calls().stream().filter(c -> c.httpStatus() == 400).count());
        }
    }
}
