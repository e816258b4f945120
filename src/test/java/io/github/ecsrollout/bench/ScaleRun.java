package io.github.ecsrollout.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ecsrollout.sim.SimulatedEcs;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Scale runs in a fresh JVM of their own, so live threads and heap are the runs' and not Maven's:
 * {@code ScaleRun SIDE SERVICES DELAY_MS MAX_CONCURRENCY SERVER_THREADS SEED MODES WARM_UP_SECONDS}, MODES a comma
 * list of {@code rollout} (UpdateService each, then wait), {@code wait} (awaitStable on services deploying from their
 * creation) and {@code fail} (as wait, the last service's deployment failing 3 polls in). After a JIT warm-up, prints
 * one line per mode, {@code RESULT {json}}.
 */
public final class ScaleRun {

    private ScaleRun() {
    }

    public static void main(String[] args) throws Exception {
        Runs.quietLogging();
        Runs.Side side = Runs.Side.valueOf(args[0]);
        int n = Integer.parseInt(args[1]);
        Duration delay = Duration.ofMillis(Long.parseLong(args[2]));
        int maxConcurrency = Integer.parseInt(args[3]);
        int serverThreads = Integer.parseInt(args[4]);
        long seed = Long.parseLong(args[5]);
        List<String> modes = List.of(args[6].split(","));
        Runs.Settings settings = new Runs.Settings(delay, 40, null, maxConcurrency, Duration.ZERO, serverThreads);
        warmUp(side, settings, Duration.ofSeconds(Long.parseLong(args[7])));
        for (String mode : modes) {
            Fleet fleet = switch (mode) {
                case "rollout" -> Fleet.spread(n, delay, 8, seed);
                case "wait" -> Fleet.spread(n, delay, 8, seed).fromCreation();
                case "fail" -> Fleet.spread(n, delay, 8, seed).fromCreation()
                        .circuitBreaker(n - 1, delay.multipliedBy(3), false, delay.multipliedBy(6));
                default -> throw new IllegalArgumentException("mode " + mode);
            };
            ObjectNode out = measure(side, fleet, settings, serverThreads);
            out.put("mode", mode);
            out.put("services", n);
            out.put("maxConcurrency", maxConcurrency);
            System.out.println("RESULT " + out);
        }
    }

    /** The JIT needs a few thousand calls (on 2 cores) before a call costs what it will. */
    private static void warmUp(Runs.Side side, Runs.Settings settings, Duration time) {
        Fleet f = Fleet.spread(10, settings.delay(), 1, 1);
        try (SimulatedEcs sim = f.start(settings.serverThreads())) {
            EcsClient client = sim.client();
            long until = System.nanoTime() + time.toNanos();
            for (int i = 0; System.nanoTime() < until; i++) {
                String name = f.names.get(i % f.size());
                client.updateService(b -> b.cluster(Fleet.CLUSTER).service(name).taskDefinition(name + ":2"));
                client.describeServices(b -> b.cluster(Fleet.CLUSTER).services(f.names));
            }
        }
        Runs.run(side, Fleet.spread(50, settings.delay(), 2, 1), settings);
        Runs.run(side, Fleet.spread(50, settings.delay(), 2, 1).fromCreation(), settings);
    }

    private static ObjectNode measure(Runs.Side side, Fleet fleet, Runs.Settings settings, int serverThreads)
            throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = usedHeapAfterGc(memory);
        Runs.Result r;
        ThreadSampler.Peak peak;
        int threadsBefore;
        try (SimulatedEcs sim = SimulatedEcs.start(java.time.Clock.systemUTC(), serverThreads)) {
            EcsClient client = sim.client();
            sim.createCluster(Fleet.CLUSTER);
            // Opens the connection; a fleet deploying from creation is created only now, just before the wait.
            client.describeServices(b -> b.cluster(Fleet.CLUSTER).services(fleet.names.get(0)));
            fleet.populate(sim);
            sim.stats().reset();
            ThreadSampler sampler = new ThreadSampler();
            threadsBefore = sampler.sampleNow().total;
            sampler.start();
            r = side == Runs.Side.PROJECT ? Runs.project(sim, client, fleet, settings)
                    : Runs.baseline(sim, client, fleet, settings);
            peak = sampler.stop();
        }
        // The simulator is closed and unreachable, the rollout's result dropped: what the run left behind.
        long heapAfter = usedHeapAfterGc(memory);
        long delay = settings.delay().toNanos();
        long roundStart = fleet.fromCreation ? r.startNanos() : r.updatesDone();
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("side", side.name());
        out.put("verdict", r.verdict());
        out.put("detail", r.detail());
        out.put("seconds", r.seconds());
        out.put("updateSeconds", fleet.fromCreation ? 0 : (r.updatesDone() - r.startNanos()) / 1e9);
        out.put("describeCalls", r.describeCalls());
        out.put("lowerBound", Fleet.lowerBound(fleet.stableAt(r.updateNanos()), roundStart, delay));
        if (fleet.failing >= 0) {
            out.put("msAfterFailureShows", (r.endNanos() - fleet.failureShows(r.updateNanos())) / 1e6);
        } else {
            long last = java.util.Arrays.stream(fleet.stableAt(r.updateNanos())).max().orElseThrow();
            out.put("msAfterLastStable", (r.endNanos() - last) / 1e6);
        }
        out.put("peakPerSecond", r.peakPerSecond());
        out.put("peakPerDelay", r.peakPerDelay());
        out.put("threadsBefore", threadsBefore);
        out.put("peakThreads", peak.total);
        out.put("peakThreadsWithoutSim", peak.withoutSim);
        out.put("peakProjectThreads", peak.project);
        out.put("peakSimThreads", peak.sim);
        ObjectNode names = out.putObject("threadsAtPeak");
        peak.byPrefix.forEach(names::put);
        out.put("heapBeforeMB", heapBefore / 1e6);
        out.put("heapAfterMB", heapAfter / 1e6);
        return out;
    }

    static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Samples the JVM's live threads every few milliseconds, by name, while a run goes on. */
    static final class ThreadSampler implements Runnable {

        static final class Peak {
            int total;
            int withoutSim;
            int project;
            int sim;
            Map<String, Integer> byPrefix = new TreeMap<>();
        }

        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final Peak peak = new Peak();
        private volatile boolean running = true;
        private Thread thread;

        void start() {
            thread = new Thread(this, "bench-thread-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        Peak stop() throws InterruptedException {
            running = false;
            thread.join();
            return peak;
        }

        @Override
        public void run() {
            while (running) {
                Peak now = sampleNow();
                synchronized (peak) {
                    if (now.total > peak.total) {
                        peak.total = now.total;
                        peak.byPrefix = now.byPrefix;
                    }
                    peak.withoutSim = Math.max(peak.withoutSim, now.withoutSim);
                    peak.project = Math.max(peak.project, now.project);
                    peak.sim = Math.max(peak.sim, now.sim);
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** The live threads now, the sampler itself not counted. */
        Peak sampleNow() {
            Peak p = new Peak();
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
                if (info == null || info.getThreadName().equals("bench-thread-sampler")) {
                    continue;
                }
                String name = info.getThreadName();
                p.total++;
                if (name.startsWith("ecs-rollout-")) {
                    p.project++;
                }
                boolean sim = name.startsWith("simulated-ecs-") || name.startsWith("HTTP-Dispatcher")
                        || name.equals("server-timer") || name.equals("idle-timeout-task");
                if (sim) {
                    p.sim++;
                }
                p.byPrefix.merge(prefix(name), 1, Integer::sum);
            }
            p.withoutSim = p.total - p.sim;
            return p;
        }

        /** A thread's name without its trailing numbers: "ecs-rollout-1-7" is "ecs-rollout-*". */
        static String prefix(String name) {
            String p = name.replaceAll("[-_ #]?\\d+(-\\d+)*$", "");
            return p.equals(name) ? name : p + "-*";
        }
    }
}
