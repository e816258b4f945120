package io.github.ecsrollout.bench;

import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import io.github.ecsrollout.sim.SimulatedEcs;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * A scripted fleet for one benchmark run: the services, what each does after its UpdateService, and, for the
 * bench's own arithmetic, when each becomes stable or shows its failure as scripted (offsets from the moment the
 * simulator started its deployment).
 */
final class Fleet {

    static final String CLUSTER = "prod";
    /** Scripted offset of a service that never becomes stable. */
    static final long NEVER = Long.MAX_VALUE;
    /** Each service's desired count: ServiceSpec's default. */
    static final int DESIRED = 2;

    final List<String> names = new ArrayList<>();
    final List<ServiceScript> scripts = new ArrayList<>();
    /** Nanoseconds after its UpdateService at which each service is stable as scripted, or {@link #NEVER}. */
    final long[] stableAfter;
    /** The service whose deployment the circuit breaker fails, or -1. */
    int failing = -1;
    /** When that failure shows in DescribeServices, after its UpdateService. */
    long failAfter;
    /** Whether each service's deployment starts when it is created (then only awaited, not updated). */
    boolean fromCreation;
    /** When each service was created (System.nanoTime), filled by {@link #start(int)}. */
    long[] createdNanos;

    private Fleet(int n) {
        stableAfter = new long[n];
    }

    /**
     * {@code n} services stable at times spread evenly over {@code polls} poll delays, in a shuffled (seeded) order,
     * so every chunk of 10 holds early and late services, as a real fleet would. Offsets sit between poll instants
     * ({@code (k + 0.5) / n} of the span), never on them.
     */
    static Fleet spread(int n, Duration delay, int polls, long seed) {
        Fleet f = new Fleet(n);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        long span = delay.toNanos() * polls;
        for (int i = 0; i < n; i++) {
            long after = Math.round(span * (order.get(i) + 0.5) / n);
            f.names.add(name(i));
            f.scripts.add(ServiceScript.stableAfter(Duration.ofNanos(after)));
            f.stableAfter[i] = after;
        }
        return f;
    }

    /**
     * As {@link #spread}, but every service deploys BLUE_GREEN: green scales up beside blue, test and production
     * traffic shift, a bake of 0 minutes, clean-up, the eight stages taking equal parts of its time. DescribeServices
     * shows two deployments until the end, and the rollout reads each service deployment on every poll.
     */
    static Fleet blueGreen(int n, Duration delay, int polls, long seed) {
        Fleet f = spread(n, delay, polls, seed);
        for (int i = 0; i < n; i++) {
            f.scripts.set(i, ServiceScript.blueGreen(Duration.ofNanos(f.stableAfter[i] / BLUE_GREEN_STAGES), 0));
            f.stableAfter[i] = f.stableAfter[i] / BLUE_GREEN_STAGES * BLUE_GREEN_STAGES;
        }
        return f;
    }

    /** Stages of a blue/green deployment that take the script's stage time (the bake takes its minutes). */
    static final int BLUE_GREEN_STAGES = 8;

    /** {@code n} services whose new deployment never becomes stable. */
    static Fleet neverStable(int n) {
        Fleet f = new Fleet(n);
        for (int i = 0; i < n; i++) {
            f.names.add(name(i));
            f.scripts.add(ServiceScript.neverStable());
            f.stableAfter[i] = NEVER;
        }
        return f;
    }

    /** Service {@code index} instead trips the circuit breaker at {@code failAfter}, rolling back or not. */
    Fleet circuitBreaker(int index, Duration failAfter, boolean rollback, Duration rollbackTakes) {
        scripts.set(index, ServiceScript.circuitBreakerFails(failAfter, rollback, rollbackTakes));
        stableAfter[index] = NEVER; // stable again only on the old task definition, which is no success
        failing = index;
        this.failAfter = failAfter.toNanos();
        return this;
    }

    /**
     * The services are created mid-deployment, their scripts running from creation: for {@code awaitStable}, which
     * waits without updating.
     */
    Fleet fromCreation() {
        fromCreation = true;
        for (int i = 0; i < scripts.size(); i++) {
            if (stableAfter[i] != NEVER && i != failing) {
                // Nothing old to drain: the service has one deployment throughout, so the SDK's rule (one
                // deployment, running == desired) holds once the last of its DESIRED tasks starts, at
                // DESIRED / (DESIRED + 1) of the script's time (tasks start evenly spread), before the deployment
                // is COMPLETED. Stretch the script so that moment is the intended one.
                long stretched = stableAfter[i] * (DESIRED + 1) / DESIRED;
                scripts.set(i, ServiceScript.stableAfter(Duration.ofNanos(stretched)));
            }
        }
        return this;
    }

    /** When each service's deployment started: its creation, or its UpdateService's arrival. */
    long[] deploymentStarts(long[] updateNanos) {
        return fromCreation ? createdNanos : updateNanos;
    }

    int size() {
        return names.size();
    }

    /** A simulator on real time holding this fleet, steady on {@code NAME:1}. */
    SimulatedEcs start(int serverThreads) {
        SimulatedEcs sim = SimulatedEcs.start(Clock.systemUTC(), serverThreads);
        populate(sim);
        return sim;
    }

    /** Creates this fleet's services in {@code sim}; a fleet deploying from creation starts deploying now. */
    void populate(SimulatedEcs sim) {
        createdNanos = new long[names.size()];
        for (int i = 0; i < names.size(); i++) {
            ServiceSpec spec = ServiceSpec.of(CLUSTER, names.get(i)).script(scripts.get(i));
            createdNanos[i] = System.nanoTime();
            sim.createService(fromCreation ? spec.deployingFromCreation() : spec);
        }
    }

    /** One UpdateService per service, to {@code NAME:2}, in fleet order. */
    List<UpdateServiceRequest> requests() {
        List<UpdateServiceRequest> requests = new ArrayList<>(names.size());
        for (String name : names) {
            requests.add(UpdateServiceRequest.builder().cluster(CLUSTER).service(name).taskDefinition(name + ":2")
                    .build());
        }
        return requests;
    }

    /** The absolute nanoTime at which each service is stable, given when its UpdateService arrived (if any). */
    long[] stableAt(long[] updateNanos) {
        long[] starts = deploymentStarts(updateNanos);
        long[] at = new long[stableAfter.length];
        for (int i = 0; i < at.length; i++) {
            at[i] = stableAfter[i] == NEVER ? NEVER : starts[i] + stableAfter[i];
        }
        return at;
    }

    /** When the failing service's failure shows (System.nanoTime). */
    long failureShows(long[] updateNanos) {
        return deploymentStarts(updateNanos)[failing] + failAfter;
    }

    /**
     * The fewest DescribeServices calls any poller with this delay needs to see every service stable, once the
     * updates are done: rounds at {@code roundStart + k * delay}; each round asks about every service not yet seen
     * stable, packed 10 to a call; a service is seen stable on the first round at or after its scripted time. That is
     * the sum over rounds of ceil(unconfirmed / 10). -1 if some service is never stable.
     */
    static int lowerBound(long[] stableAt, long roundStart, long delayNanos) {
        long[] s = stableAt.clone();
        Arrays.sort(s);
        if (s.length > 0 && s[s.length - 1] == NEVER) {
            return -1;
        }
        int n = s.length;
        int calls = 0;
        int confirmed = 0;
        for (long k = 0; confirmed < n; k++) {
            calls += (n - confirmed + 9) / 10;
            long t = roundStart + k * delayNanos;
            while (confirmed < n && s[confirmed] <= t) {
                confirmed++;
            }
        }
        return calls;
    }

    static String name(int i) {
        return String.format("svc-%05d", i);
    }
}
