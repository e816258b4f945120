package io.github.ecsrollout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ecsrollout.bench.Runs.Result;
import io.github.ecsrollout.bench.Runs.Settings;
import io.github.ecsrollout.bench.Runs.Side;
import io.github.ecsrollout.sim.SimulatedEcs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The benchmarks of issue 5: {@code mvn -q -B test-compile exec:java@bench}. The project ({@code ServiceRollout}) and
 * the baseline (plain SDK {@code EcsWaiter}s, one chunk of 10 after another) roll the same scripted fleets out
 * against the same simulated ECS over loopback HTTP, on a time scale where the 100 ms poll delay stands for the SDK's
 * 15 s. Nothing is asserted: the table goes to stdout and {@code target/benchmarks.json}, the targets of the issue
 * are judged from the same run, and {@code target/benchmarks.md} holds both, ready for docs/performance.md.
 *
 * <ul>
 *   <li>Scenarios 1-4 run in this JVM (after a JIT warm-up), a fresh simulator per run, both sides alternately,
 *       medians reported. Times are {@code System.nanoTime()} around {@code rollOut}; the simulator's record of
 *       each request ({@link io.github.ecsrollout.sim.SimStats}) gives the calls and when each UpdateService
 *       arrived, hence when each service is stable or shows its failure as scripted.</li>
 *   <li>The lower bound on DescribeServices calls: polls every delay from the end of the update phase, each asking
 *       about every service not yet seen stable, 10 a call: the sum over rounds of ceil(unconfirmed / 10).</li>
 *   <li>Scale runs (scenario 5) run in a JVM of their own ({@link ScaleRun}) so that live threads and heap are
 *       theirs; cold starts ({@link ColdStart}) each in a fresh JVM against a simulator in this one.</li>
 *   <li>Calls per service (scenario 7): by operation, for scenario 1's plain rolling fleet (with the bench's
 *       maxAttempts and with the defaults) and for a blue/green fleet, medians of {@code bench.reps} runs.</li>
 *   <li>Footprint: {@code dependency:build-classpath} (runtime scope) of this project and of a pom holding only
 *       {@code software.amazon.awssdk:ecs}, jar sizes summed from the local repository ({@link Footprint}).</li>
 * </ul>
 *
 * <p>System properties: {@code bench.delayMs} (100), {@code bench.reps} (5 runs per side of scenarios 1-2, medians
 * reported), {@code bench.slowReps} (3, scenarios 3-4), {@code bench.services} (100), {@code bench.scale}
 * ("1000,5000"), {@code bench.maxConcurrency} (10, the default, for the scale runs), {@code bench.latencyMs} (0:
 * loopback only; scenarios 1-4), {@code bench.coldRuns} (7), {@code bench.only} ("1,2,3,4,5,6,7,8,9"),
 * {@code bench.seed} (42), {@code bench.warmUpSeconds} (8), {@code bench.scaleWarmUpSeconds} (3);
 * {@code bench.rateServices} (5000) and {@code bench.rateScale} (50: how much faster than ECS the simulator runs)
 * for scenario 8; {@code bench.stuckTimeoutMs} (2000), {@code bench.stuckReps} (5) and {@code bench.stuckBaseline}
 * (true: time the plain SDK once, 30 s) for scenario 9. One scenario alone: {@code -Dbench.only=7} (the calls per
 * service, in about a minute).
 */
public final class Benchmarks {

    /** The SDK waiter's delay, which the bench's delay stands for. */
    static final Duration REAL_DELAY = Duration.ofSeconds(15);
    static final int SERVER_THREADS = 10;

    private final Duration delay = Duration.ofMillis(Long.getLong("bench.delayMs", 100));
    private final long d = delay.toNanos();
    /** Runs per side of scenarios 1 and 2 (short, and their lags vary with where in a poll cycle things happen). */
    private final int reps = Integer.getInteger("bench.reps", 5);
    /** Runs per side of scenarios 3 and 4, where the baseline takes 40 polls. */
    private final int slowReps = Integer.getInteger("bench.slowReps", 3);
    private final int services = Integer.getInteger("bench.services", 100);
    private final int maxConcurrency = Integer.getInteger("bench.maxConcurrency", 10);
    private final int coldRuns = Integer.getInteger("bench.coldRuns", 7);
    private final long seed = Long.getLong("bench.seed", 42);
    private final Duration latency = Duration.ofNanos(
            Math.round(Double.parseDouble(System.getProperty("bench.latencyMs", "0")) * 1e6));
    private final List<Integer> scale = Arrays.stream(System.getProperty("bench.scale", "1000,5000").split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).map(Integer::valueOf).toList();
    private final Set<String> only = new HashSet<>(Arrays.asList(
            System.getProperty("bench.only", "1,2,3,4,5,6,7,8,9").split(",")));
    /** Scenario 8: services rolled out under ECS's rate limits, and how much faster than ECS the simulator runs. */
    private final int rateServices = Integer.getInteger("bench.rateServices", 5000);
    private final int rateScale = Integer.getInteger("bench.rateScale", 50);
    /** Scenario 9: the rollout's timeout, runs per client kind, and whether to time the plain SDK too (30 s). */
    private final Duration stuckTimeout = Duration.ofMillis(Long.getLong("bench.stuckTimeoutMs", 2000));
    private final int stuckReps = Integer.getInteger("bench.stuckReps", 5);
    private final boolean stuckBaseline = Boolean.parseBoolean(System.getProperty("bench.stuckBaseline", "true"));
    private final Report report = new Report();

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Runs.quietLogging();
        preload();
        Processes.snapshot();
        try {
            new Benchmarks().run();
        } finally {
            Processes.cleanUp();
        }
    }

    /**
     * Loads every class of the library, the simulator and the bench now: another Maven build in the same working
     * tree may rewrite target/ while this runs, and a class first needed minutes in would then be missing.
     */
    private static void preload() throws IOException {
        ClassLoader loader = Benchmarks.class.getClassLoader();
        Path dir = Processes.projectDir().resolve("target");
        for (String root : List.of("classes", "test-classes")) {
            for (String pkg : List.of("io/github/ecsrollout", "io/github/ecsrollout/internal",
                    "io/github/ecsrollout/sim", "io/github/ecsrollout/bench")) {
                Path p = dir.resolve(root).resolve(pkg);
                if (!Files.isDirectory(p)) {
                    continue;
                }
                try (var files = Files.list(p)) {
                    for (Path f : files.filter(x -> x.toString().endsWith(".class")).toList()) {
                        String name = pkg.replace('/', '.') + "." + f.getFileName().toString().replace(".class", "");
                        try {
                            Class.forName(name, false, loader);
                        } catch (ClassNotFoundException | LinkageError e) {
                            // tests of other packages, or a class being rewritten: found again when needed
                        }
                    }
                }
            }
        }
    }

    private void run() throws IOException {
        long started = System.nanoTime();
        String loadAtStart = loadAverage();
        String environment = environment();
        progress(environment);
        String s1 = "1: " + services + " services succeed";
        String s2 = "2: circuit breaker + rollback";
        String s3 = "3: circuit breaker, no rollback";
        String s3b = "3b: as 3, that service updated first";
        String s4 = "4: never stable";
        guarded("1", () -> scenarioSucceed(s1));
        guarded("2", () -> scenarioCircuitBreaker(s2, true, services - 1));
        guarded("3", () -> scenarioCircuitBreaker(s3, false, services - 1));
        guarded("3", () -> scenarioCircuitBreaker(s3b, false, 0));
        guarded("4", () -> scenarioNeverStable(s4));
        guarded("5", this::scenarioScale);
        guarded("6", this::scenarioFootprint);
        guarded("7", this::scenarioCallsPerService);
        guarded("8", this::scenarioRateLimits);
        guarded("9", this::scenarioStuckResponse);

        double minutes = (System.nanoTime() - started) / 60e9;
        environment += " Load average (1 min) " + loadAtStart + " at the start, " + loadAverage() + " at the end.";
        String table = report.markdownTable();
        String targets = report.targetList();
        String notes = report.notes.stream().map(n -> "- " + n + "\n").collect(Collectors.joining());
        System.out.println();
        System.out.println(environment);
        System.out.println();
        System.out.print(table);
        System.out.println();
        System.out.println("Targets:");
        System.out.print(targets);
        if (!notes.isEmpty()) {
            System.out.println("Notes:");
            System.out.print(notes);
        }
        Path dir = Processes.projectDir().resolve("target");
        report.writeJson(dir.resolve("benchmarks.json"));
        String md = environment + String.format(Locale.ROOT, " Whole run: %.1f min.%n%n", minutes) + table + "\n"
                + targets + (notes.isEmpty() ? "" : "\n" + notes);
        Files.writeString(dir.resolve("benchmarks.md"), md, StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "%nWrote %s and %s in %.1f min.%n", dir.resolve("benchmarks.json"),
                dir.resolve("benchmarks.md"), minutes);
    }

    private void guarded(String id, Runnable scenario) {
        if (!only.contains(id)) {
            return;
        }
        try {
            scenario.run();
        } catch (RuntimeException e) {
            e.printStackTrace();
            report.notes.add("scenario " + id + " could not run: " + Runs.firstLine(String.valueOf(e)));
        }
    }

    // ---- scenarios 1-4: in this JVM, fresh simulator per run, medians over reps runs per side ----------------

    private Settings settings(Duration timeout) {
        return new Settings(delay, 40, timeout, 10, latency, SERVER_THREADS);
    }

    /** Each side {@code reps} times, alternating which goes first. */
    private Map<Side, List<Result>> runs(String label, Supplier<Fleet> fleet, Settings s, int reps) {
        Map<Side, List<Result>> all = new EnumMap<>(Side.class);
        for (int rep = 0; rep < reps; rep++) {
            for (Side side : rep % 2 == 0 ? List.of(Side.PROJECT, Side.BASELINE) : List.of(Side.BASELINE, Side.PROJECT)) {
                Result r = Runs.run(side, fleet.get(), s);
                all.computeIfAbsent(side, k -> new ArrayList<>()).add(r);
                progress(String.format(Locale.ROOT, "  %s, %s run %d: %s in %.2f s (updates %.0f ms, first poll "
                        + "+%.0f ms), %d DescribeServices, %d other calls%s", label,
                        side.name().toLowerCase(Locale.ROOT), rep + 1, r.verdict(), r.seconds(),
                        ms(r.updatesDone() - r.startNanos()),
                        ms(r.firstDescribeAfter(r.updatesDone()) - r.updatesDone()),
                        r.describeCalls(), r.otherCalls(),
                        r.detail().isEmpty() ? "" : " (" + abbreviate(r.detail(), 100) + ")"));
                if (r.marks().firstTerminal() != 0) {
                    long judged = r.marks().firstTerminal();
                    progress("    from the terminal verdict judged: " + r.otherCallList().stream()
                            .map(c -> String.format(Locale.ROOT, "%s %+.1f ms", c.operation(), ms(c.nanoTime() - judged)))
                            .collect(Collectors.joining(", ")) + String.format(Locale.ROOT,
                            ", exception built %+.1f ms, rollOut returned %+.1f ms", ms(r.marks().failed() - judged),
                            ms(r.endNanos() - judged)));
                }
            }
        }
        return all;
    }

    private void scenarioSucceed(String label) {
        Supplier<Fleet> fleet = () -> Fleet.spread(services, delay, 8, seed);
        Map<Side, List<Result>> runs = runs(label, fleet, settings(null), reps);
        Fleet f = fleet.get();
        ToDoubleFunction<Result> lag = r -> ms(r.endNanos() - max(f.stableAt(r.updateNanos())));
        ToDoubleFunction<Result> bound = r -> Fleet.lowerBound(f.stableAt(r.updateNanos()), r.updatesDone(), d);
        ToDoubleFunction<Result> wait = r -> (r.endNanos() - r.updatesDone()) / 1e9;
        double pWait = median(runs.get(Side.PROJECT), wait);
        double bWait = median(runs.get(Side.BASELINE), wait);
        common(label, runs, () -> report.row(label, "  of which waiting, after the last UpdateService", pWait, bWait,
                Report.ratio(pWait, bWait), "s"));
        double pCalls = median(runs.get(Side.PROJECT), Result::describeCalls);
        double bCalls = median(runs.get(Side.BASELINE), Result::describeCalls);
        double pBound = median(runs.get(Side.PROJECT), bound);
        double bBound = median(runs.get(Side.BASELINE), bound);
        report.row(label, "calls / lower bound Σ ceil(unconfirmed/10)", pCalls / pBound, bCalls / bBound, null, "x");
        double pLag = median(runs.get(Side.PROJECT), lag);
        double pLagMax = max(runs.get(Side.PROJECT), lag);
        report.row(label, "verdict after last service stable (ratio: / delay)", pLag,
                median(runs.get(Side.BASELINE), lag), pLag / ms(d), "ms");

        double timeRatio = median(runs.get(Side.PROJECT), Result::seconds) / median(runs.get(Side.BASELINE), Result::seconds);
        report.target("scenario 1: time ratio ≤ 1.0 and verdict within one poll delay of the last service stable",
                timeRatio <= 1.0 && pLagMax <= ms(d) && verdicts(runs.get(Side.PROJECT)).equals("SUCCESS"),
                String.format(Locale.ROOT, "%s; time ratio %.3f (%.3f s vs %.3f s; the wait after the last "
                        + "UpdateService alone %.3f s vs %.3f s, ratio %.3f); %.0f ms after the last service was stable "
                        + "(median; worst of %d runs %.0f ms; baseline %.0f ms; delay %d ms)",
                        verdicts(runs.get(Side.PROJECT)), timeRatio, median(runs.get(Side.PROJECT), Result::seconds),
                        median(runs.get(Side.BASELINE), Result::seconds), pWait, bWait, pWait / bWait, pLag, reps,
                        pLagMax, median(runs.get(Side.BASELINE), lag), delay.toMillis()));
        report.target("scenario 1: DescribeServices calls ≤ 1.5 × lower bound", pCalls / pBound <= 1.5,
                String.format(Locale.ROOT, "%.0f calls vs bound %.0f: %.2fx (baseline %.0f calls, %.2fx its bound "
                        + "of %.0f: it watches one chunk at a time, so it asks about the other 90 services only once, "
                        + "when they are long stable, and would see their failures that late too)",
                        pCalls, pBound, pCalls / pBound, bCalls, bCalls / bBound, bBound));
    }

    /**
     * One service ({@code index} in update and chunk order) trips the circuit breaker 3 polls into its deployment;
     * with rollback, ECS's rollback completes 6 polls later. The others succeed as in scenario 1.
     */
    private void scenarioCircuitBreaker(String label, boolean rollback, int index) {
        Supplier<Fleet> fleet = () -> Fleet.spread(services, delay, 8, seed)
                .circuitBreaker(index, delay.multipliedBy(3), rollback, delay.multipliedBy(6));
        int n = rollback ? reps : slowReps;
        Map<Side, List<Result>> runs = runs(label, fleet, settings(null), n);
        Fleet f = fleet.get();
        ToDoubleFunction<Result> lag = r -> ms(r.endNanos() - (r.updateNanos()[f.failing] + f.failAfter));
        common(label, runs);
        double pLag = median(runs.get(Side.PROJECT), lag);
        double pLagMax = max(runs.get(Side.PROJECT), lag);
        double bLag = median(runs.get(Side.BASELINE), lag);
        report.row(label, "verdict after ECS shows the failure (ratio: / delay)", pLag, bLag, pLag / ms(d), "ms");

        String pv = verdicts(runs.get(Side.PROJECT));
        String bv = verdicts(runs.get(Side.BASELINE));
        boolean right = runs.get(Side.PROJECT).stream()
                .allMatch(r -> r.verdict().equals("DEPLOYMENT_FAILED") || r.verdict().equals("ROLLED_BACK"));
        boolean baselineWrong = runs.get(Side.BASELINE).stream()
                .allMatch(r -> r.verdict().equals("SUCCESS") || r.verdict().equals("TIMED_OUT"));
        String id = label.substring(0, label.indexOf(':'));
        List<Result> p = runs.get(Side.PROJECT);
        ToDoubleFunction<Result> visible = r -> r.updateNanos()[f.failing] + f.failAfter;
        ToDoubleFunction<Result> judged = r -> r.marks().firstTerminal() == 0 ? Double.NaN
                : ms(r.marks().firstTerminal() - (long) visible.applyAsDouble(r));
        ToDoubleFunction<Result> after = r -> r.marks().firstTerminal() == 0 ? Double.NaN
                : ms(r.endNanos() - r.marks().firstTerminal());
        double updatesAfter = max(p, r -> ms(r.updatesDone() - (long) visible.applyAsDouble(r)));
        long over = p.stream().filter(r -> lag.applyAsDouble(r) > ms(d)).count();
        report.target("scenario " + id + ": correct verdict within one poll delay after ECS shows the failure",
                right && pLagMax <= ms(d),
                String.format(Locale.ROOT, "project %s %.0f ms after the failure showed (median of %d runs; worst "
                        + "%.0f ms, %d of %d runs over the %d ms delay). The poll that showed it was judged %.0f ms "
                        + "after (median; worst %.0f ms)%s; fetching stopped tasks (ListTasks, DescribeTasks), "
                        + "stopping the other chunks and building the exception took %.0f ms more (median; worst "
                        + "%.0f ms). Baseline %s%s",
                        pv, pLag, n, pLagMax, over, n, delay.toMillis(), median(p, judged), max(p, judged),
                        updatesAfter > 0 ? String.format(Locale.ROOT, ", polling starting only after the last "
                                + "UpdateService, up to %.0f ms after the failure showed", updatesAfter) : "",
                        median(p, after), max(p, after), bv,
                        baselineWrong ? String.format(Locale.ROOT, " after %.2f s", median(runs.get(Side.BASELINE),
                                Result::seconds)) : " (the baseline did not say SUCCESS/TIMED_OUT here)"));
        if (!rollback) {
            double speedup = median(runs.get(Side.BASELINE), Result::seconds)
                    / median(runs.get(Side.PROJECT), Result::seconds);
            report.target("scenario " + id + ": ≥ 5x faster than the baseline at maxAttempts 40", speedup >= 5,
                    String.format(Locale.ROOT, "%.2f s vs %.2f s: %.1fx", median(runs.get(Side.PROJECT),
                            Result::seconds), median(runs.get(Side.BASELINE), Result::seconds), speedup));
        }
    }

    private void scenarioNeverStable(String label) {
        Duration timeout = delay.multipliedBy(10);
        Supplier<Fleet> fleet = () -> Fleet.neverStable(services);
        Map<Side, List<Result>> runs = runs(label, fleet, settings(timeout), slowReps);
        ToDoubleFunction<Result> lag = r -> ms(r.endNanos() - r.startNanos() - timeout.toNanos());
        common(label, runs);
        double pLag = median(runs.get(Side.PROJECT), lag);
        double worst = runs.get(Side.PROJECT).stream().mapToDouble(lag).map(Math::abs).max().orElse(Double.NaN);
        report.row(label, "verdict after the timeout (" + timeout.toMillis() + " ms; ratio: / delay)", pLag, null,
                pLag / ms(d), "ms");
        String pv = verdicts(runs.get(Side.PROJECT));
        report.target("scenario 4: verdict within one poll delay of the timeout",
                pv.equals("TIMED_OUT") && worst <= ms(d),
                String.format(Locale.ROOT, "project %s %+.0f ms from the %d ms timeout (median; largest |offset| of "
                        + "%d runs %.0f ms); baseline %s after %.2f s (maxAttempts 40, it has no timeout)", pv, pLag,
                        timeout.toMillis(), slowReps, worst, verdicts(runs.get(Side.BASELINE)),
                        median(runs.get(Side.BASELINE), Result::seconds)));
    }

    private void common(String label, Map<Side, List<Result>> runs) {
        common(label, runs, () -> { });
    }

    /** Verdict, time to verdict ({@code afterTime} adds rows after it) and DescribeServices calls, medians. */
    private void common(String label, Map<Side, List<Result>> runs, Runnable afterTime) {
        List<Result> p = runs.get(Side.PROJECT);
        List<Result> b = runs.get(Side.BASELINE);
        report.row(label, "verdict", verdicts(p), verdicts(b), null, "");
        double pt = median(p, Result::seconds);
        double bt = median(b, Result::seconds);
        report.row(label, "time to verdict", pt, bt, Report.ratio(pt, bt), "s");
        afterTime.run();
        double pc = median(p, Result::describeCalls);
        double bc = median(b, Result::describeCalls);
        report.row(label, "DescribeServices calls", pc, bc, Report.ratio(pc, bc), "calls");
    }

    // ---- scenario 7: ECS calls per service, by operation ------------------------------------------------------

    /** The operations a rollout may call, in the order the rows show them. */
    private static final List<String> OPERATIONS = List.of("DescribeServices", "ListServiceDeployments",
            "DescribeServiceDeployments", "UpdateService");

    /**
     * What rolling a fleet out costs in ECS calls, per service and operation: a plain rolling fleet (scenario 1's,
     * with the bench's maxAttempts 40 and with the defaults) must cost DescribeServices only, as before service
     * deployments were read; a blue/green fleet reads each service's deployment on every poll.
     */
    private void scenarioCallsPerService() {
        Settings bounded = settings(null);
        Settings defaults = new Settings(delay, 0, null, 10, latency, SERVER_THREADS);
        String plain = "7a: plain rolling (1's fleet), maxAttempts 40";
        String plainDefaults = "7b: plain rolling, default settings";
        String blueGreen = "7c: blue/green, default settings";
        Supplier<Fleet> plainFleet = () -> Fleet.spread(services, delay, 8, seed);
        Supplier<Fleet> blueGreenFleet = () -> Fleet.blueGreen(services, delay, 8, seed);
        Map<Side, List<Result>> a = runs(plain, plainFleet, bounded, reps);
        Map<Side, List<Result>> b = runs(plainDefaults, plainFleet, defaults, reps);
        Map<Side, List<Result>> c = runs(blueGreen, blueGreenFleet, defaults, reps);
        callRows(plain, a, plainFleet.get());
        callRows(plainDefaults, b, plainFleet.get());
        callRows(blueGreen, c, blueGreenFleet.get());
        double deploymentCalls = perService(a.get(Side.PROJECT), "ListServiceDeployments")
                + perService(a.get(Side.PROJECT), "DescribeServiceDeployments")
                + perService(b.get(Side.PROJECT), "ListServiceDeployments")
                + perService(b.get(Side.PROJECT), "DescribeServiceDeployments");
        report.target("scenario 7: plain rolling services cost no service-deployment call",
                deploymentCalls == 0 && verdicts(a.get(Side.PROJECT)).equals("SUCCESS"),
                String.format(Locale.ROOT, "%s services: %.2f DescribeServices per service with maxAttempts 40 (%.2f "
                        + "of them the read before the updates that checks the bound), %.2f with the defaults; "
                        + "List/DescribeServiceDeployments %.0f; blue/green: %.2f DescribeServices, %.2f "
                        + "ListServiceDeployments, %.2f DescribeServiceDeployments per service (%s)", services,
                        perService(a.get(Side.PROJECT), "DescribeServices"), Math.ceil(services / 10.0) / services,
                        perService(b.get(Side.PROJECT), "DescribeServices"), deploymentCalls,
                        perService(c.get(Side.PROJECT), "DescribeServices"),
                        perService(c.get(Side.PROJECT), "ListServiceDeployments"),
                        perService(c.get(Side.PROJECT), "DescribeServiceDeployments"), verdicts(c.get(Side.PROJECT))));
    }

    /**
     * Verdict and, per operation, the median calls per service of each side; then the DescribeServices polls (those
     * after the first UpdateService) against scenario 1's lower bound, which does not depend on how long the updates
     * took, unlike the calls themselves.
     */
    private void callRows(String label, Map<Side, List<Result>> runs, Fleet f) {
        List<Result> p = runs.get(Side.PROJECT);
        List<Result> b = runs.get(Side.BASELINE);
        report.row(label, "verdict", verdicts(p), verdicts(b), null, "");
        for (String op : OPERATIONS) {
            double pc = perService(p, op);
            double bc = perService(b, op);
            report.row(label, op + " per service", pc, bc, Report.ratio(pc, bc), "calls");
        }
        ToDoubleFunction<Result> before = r -> Arrays.stream(r.describeNanos())
                .filter(t -> r.updateNanos().length > 0 && t < r.updateNanos()[0]).count();
        report.row(label, "  DescribeServices before the first UpdateService", median(p, before), median(b, before),
                null, "calls");
        ToDoubleFunction<Result> polls = r -> (r.describeCalls() - before.applyAsDouble(r))
                / Fleet.lowerBound(f.stableAt(r.updateNanos()), r.updatesDone(), d);
        report.row(label, "  polls / lower bound Σ ceil(unconfirmed/10)", median(p, polls), median(b, polls), null,
                "x");
    }

    /** The median over runs of one operation's calls, divided by the services. */
    private double perService(List<Result> runs, String operation) {
        return median(runs, r -> calls(r, operation)) / services;
    }

    private static double calls(Result r, String operation) {
        switch (operation) {
            case "DescribeServices":
                return r.describeCalls();
            case "UpdateService":
                return r.updateNanos().length;
            default:
                return r.otherCallList().stream().filter(c -> c.operation().equals(operation)).count();
        }
    }

    // ---- scenario 5: scale, each run in a JVM of its own ---------------------------------------------------

    private void scenarioScale() {
        String classpath = Processes.testClasspath();
        ObjectMapper json = new ObjectMapper();
        double toReal = (double) d / REAL_DELAY.toNanos();
        int largest = scale.stream().mapToInt(Integer::intValue).max().orElse(0);
        for (int n : scale) {
            String label = String.format(Locale.ROOT, "5: %,d services, maxConcurrency %d", n, maxConcurrency);
            String modes = n == largest ? "wait,rollout,fail" : "wait,rollout";
            Map<Side, Map<String, JsonNode>> r = new EnumMap<>(Side.class);
            for (Side side : Side.values()) {
                Processes.Output o = Processes.runJava(List.of(Processes.java(), "-Dsun.net.httpserver.nodelay=true",
                        "-cp", classpath, ScaleRun.class.getName(), side.name(), String.valueOf(n),
                        String.valueOf(delay.toMillis()), String.valueOf(maxConcurrency),
                        String.valueOf(SERVER_THREADS), String.valueOf(seed), modes,
                        String.valueOf(Long.getLong("bench.scaleWarmUpSeconds", 3))), Processes.projectDir(), 900,
                        "RESULT ");
                List<String> lines = o.stdout().lines().filter(l -> l.startsWith("RESULT ")).toList();
                if (lines.size() != modes.split(",").length) {
                    throw new IllegalStateException("scale run failed (" + o.exitCode() + "):\n" + o.stdout()
                            + o.stderr());
                }
                for (String line : lines) {
                    JsonNode x;
                    try {
                        x = json.readTree(line.substring("RESULT ".length()));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    r.computeIfAbsent(side, k -> new java.util.HashMap<>()).put(x.get("mode").asText(), x);
                    progress(String.format(Locale.ROOT, "  %s, %s, %s: %s in %.2f s (updates %.2f s), %d "
                            + "DescribeServices (bound %d), peak %d/s and %d per delay, threads %d (%d without the "
                            + "simulator, %d ecs-rollout), heap %.1f MB before, %.1f MB after; %s", label,
                            x.get("mode").asText(), side.name().toLowerCase(Locale.ROOT), x.get("verdict").asText(),
                            x.get("seconds").asDouble(), x.get("updateSeconds").asDouble(),
                            x.get("describeCalls").asInt(), x.get("lowerBound").asInt(), x.get("peakPerSecond").asInt(),
                            x.get("peakPerDelay").asInt(), x.get("peakThreads").asInt(),
                            x.get("peakThreadsWithoutSim").asInt(), x.get("peakProjectThreads").asInt(),
                            x.get("heapBeforeMB").asDouble(), x.get("heapAfterMB").asDouble(),
                            x.has("msAfterFailureShows") ? "verdict " + x.get("msAfterFailureShows").asInt()
                                    + " ms after the failure showed" : "verdict " + x.get("msAfterLastStable").asInt()
                                    + " ms after the last service was stable"));
                }
            }
            Map<String, JsonNode> p = r.get(Side.PROJECT);
            Map<String, JsonNode> b = r.get(Side.BASELINE);
            report.row(label, "verdict: awaitStable, rollOut", p.get("wait").get("verdict").asText() + ", "
                    + p.get("rollout").get("verdict").asText(), b.get("wait").get("verdict").asText() + ", "
                    + b.get("rollout").get("verdict").asText(), null, "");
            num(label, "awaitStable (deploying): time to verdict", p.get("wait"), b.get("wait"), "seconds", "s",
                    true);
            num(label, "  DescribeServices calls", p.get("wait"), b.get("wait"), "describeCalls", "calls", true);
            double pc = p.get("wait").get("describeCalls").asDouble() / p.get("wait").get("lowerBound").asDouble();
            double bc = b.get("wait").get("describeCalls").asDouble() / b.get("wait").get("lowerBound").asDouble();
            report.row(label, "  calls / lower bound", pc, bc, null, "x");
            double pl = p.get("wait").get("msAfterLastStable").asDouble();
            report.row(label, "  verdict after the last service is stable (ratio: / delay)", pl,
                    b.get("wait").get("msAfterLastStable").asDouble(), pl / ms(d), "ms");
            num(label, "rollOut: time to verdict", p.get("rollout"), b.get("rollout"), "seconds", "s", true);
            num(label, "  of which UpdateService, one by one", p.get("rollout"), b.get("rollout"), "updateSeconds",
                    "s", true);
            double pPeak = maxOf(p, "peakPerSecond") * toReal;
            double bPeak = maxOf(b, "peakPerSecond") * toReal;
            report.row(label, "peak DescribeServices/s at a 15 s delay (measured × 100 ms / 15 s)", pPeak, bPeak,
                    Report.ratio(pPeak, bPeak), "calls/s");
            double pThreads = maxOf(p, "peakThreadsWithoutSim");
            double bThreads = maxOf(b, "peakThreadsWithoutSim");
            report.row(label, "peak live threads (JVM, simulator's not counted)", pThreads, bThreads,
                    Report.ratio(pThreads, bThreads), "threads");
            report.row(label, "  of which the project's own (ecs-rollout-*)", maxOf(p, "peakProjectThreads"),
                    maxOf(b, "peakProjectThreads"), null, "threads");
            double pHeap = maxOf(p, "heapAfterMB");
            double bHeap = maxOf(b, "heapAfterMB");
            report.row(label, "heap used after a run, after GC", pHeap, bHeap, Report.ratio(pHeap, bHeap), "MB");
            if (n != largest) {
                continue;
            }
            JsonNode pf = p.get("fail");
            JsonNode bf = b.get("fail");
            report.row(label, "last service's deployment fails 3 polls in: verdict", pf.get("verdict").asText(),
                    bf.get("verdict").asText(), null, "");
            double pfl = pf.get("msAfterFailureShows").asDouble();
            report.row(label, "  verdict after ECS shows the failure (ratio: / delay)", pfl,
                    bf.get("msAfterFailureShows").asDouble(), pfl / ms(d), "ms");

            report.notes.add(String.format(Locale.ROOT, "%,d services, maxConcurrency %d: with the last service's "
                    + "deployment failing 3 polls in, the project said %s %.0f ms after ECS showed it (%.1f poll "
                    + "delays). With more chunks than its %d threads, chunks take turns of one poll each, so every "
                    + "chunk is watched, but one round of %,d polls takes longer than a 100 ms delay here: each poll's "
                    + "own work (HTTP, parsing, judging 10 services) does not shrink with the scaled delay. awaitStable "
                    + "likewise ended %.0f ms after the last service was stable (baseline %.0f ms).", n,
                    maxConcurrency, pf.get("verdict").asText(), pfl, pfl / ms(d), maxConcurrency, (n + 9) / 10,
                    p.get("wait").get("msAfterLastStable").asDouble(),
                    b.get("wait").get("msAfterLastStable").asDouble()));
            double pWin = maxOf(p, "peakPerDelay") / REAL_DELAY.toSeconds();
            report.target(String.format(Locale.ROOT, "scale: %,d services with ≤ 32 live threads", n),
                    pThreads <= 32 && p.values().stream().noneMatch(x -> x.get("mode").asText().equals("wait")
                            && !x.get("verdict").asText().equals("SUCCESS")),
                    String.format(Locale.ROOT, "at most %.0f live threads in the JVM besides the simulator's (%.0f of "
                            + "them ecs-rollout-*; the baseline %.0f); at the peak: %s", pThreads,
                            maxOf(p, "peakProjectThreads"), bThreads, p.get("rollout").get("threadsAtPeak")));
            report.target(String.format(Locale.ROOT, "scale: %,d services, peak DescribeServices < 20/s at a 15 s "
                    + "delay (extrapolated)", n), pPeak < 20 && pWin < 20,
                    String.format(Locale.ROOT, "%.1f/s from the busiest second (%.0f calls × 100 ms / 15 s); %.1f/s "
                            + "from the busiest 100 ms window (%.0f calls in one delay, / 15 s); baseline %.1f/s",
                            pPeak, maxOf(p, "peakPerSecond"), pWin, maxOf(p, "peakPerDelay"), bPeak));
            report.target(String.format(Locale.ROOT, "scale: %,d services, DescribeServices calls ≤ 1.5 × lower "
                    + "bound", n), pc <= 1.5, String.format(Locale.ROOT, "awaitStable: %d calls vs bound %d: %.2fx "
                    + "(below the bound because a round of turns takes longer than one delay here, so each service is "
                    + "asked about less often); rollOut: %d calls vs bound %d", p.get("wait").get("describeCalls").asInt(),
                    p.get("wait").get("lowerBound").asInt(), pc, p.get("rollout").get("describeCalls").asInt(),
                    p.get("rollout").get("lowerBound").asInt()));
        }
    }

    private static double maxOf(Map<String, JsonNode> runs, String field) {
        return runs.values().stream().mapToDouble(x -> x.get(field).asDouble()).max().orElse(Double.NaN);
    }

    private void num(String label, String metric, JsonNode p, JsonNode b, String field, String unit, boolean ratio) {
        double pv = p.get(field).asDouble();
        double bv = b.get(field).asDouble();
        report.row(label, metric, pv, bv, ratio ? Report.ratio(pv, bv) : null, unit);
    }

    // ---- scenario 6: footprint --------------------------------------------------------------------------------

    private void scenarioFootprint() {
        Footprint fp = new Footprint();
        fp.resolve();
        String label = "6: footprint";
        report.row(label, "runtime closure (vs ecs default closure)", fp.project.megabytes(),
                fp.sdkDefault.megabytes(), Report.ratio(fp.project.megabytes(), fp.sdkDefault.megabytes()), "MB");
        report.row(label, "Netty / Apache HTTP client jars in it", (double) fp.project.heavyClients().size(),
                (double) fp.sdkDefault.heavyClients().size(), null, "jars");
        progress("  footprint: project " + fp.project.jars().size() + " jars " + fp.project.bytes() + " B; "
                + fp.sdkDefault.label() + ": " + fp.sdkDefault.jars().size() + " jars " + fp.sdkDefault.bytes()
                + " B, heavy: " + fp.sdkDefault.heavyClients());
        report.target("footprint: closure ≤ 9.5 MB with no Netty or Apache client",
                fp.project.megabytes() <= 9.5 && fp.project.heavyClients().isEmpty(),
                String.format(Locale.ROOT, "%.2f MB (%.2f MiB) in %d jars, Netty/Apache jars: %s; the ecs artifact's "
                        + "default closure: %.2f MB in %d jars, %d of them Netty/Apache (%s)", fp.project.megabytes(),
                        fp.project.bytes() / 1048576.0, fp.project.jars().size(),
                        Footprint.jarNames(fp.project.heavyClients()), fp.sdkDefault.megabytes(),
                        fp.sdkDefault.jars().size(), fp.sdkDefault.heavyClients().size(),
                        Footprint.families(fp.sdkDefault.heavyClients())));

        List<Footprint.Cold> cold = fp.coldStarts(coldRuns);
        Footprint.Cold url = cold.stream().filter(c -> c.variant().equals("url")).findFirst().orElseThrow();
        Footprint.Cold def = cold.stream().filter(c -> c.variant().equals("sdk-default")).findFirst().orElseThrow();
        Footprint.Cold a4 = cold.stream().filter(c -> c.variant().equals("apache4")).findFirst().orElseThrow();
        cold.forEach(c -> progress("  cold start " + c.variant() + ": " + c.runsMs() + " ms, " + c.verdicts()
                + ", in-JVM median " + c.medianInJvmMs() + " ms"));
        report.row(label, "cold start to verdict, fresh JVM (vs SDK default: Apache 5)", url.medianMs(),
                def.medianMs(), Report.ratio(url.medianMs(), def.medianMs()), "ms");
        report.row(label, "  same (vs apache-client, Apache 4)", url.medianMs(), a4.medianMs(),
                Report.ratio(url.medianMs(), a4.medianMs()), "ms");
        report.target("footprint: cold start no slower than with the SDK's default HTTP client",
                url.medianMs() <= def.medianMs() && url.medianMs() <= a4.medianMs()
                        && url.verdicts().equals("SUCCESS"),
                String.format(Locale.ROOT, "median of %d fresh JVMs each, process start to exit: %.0f ms with "
                        + "UrlConnectionHttpClient vs %.0f ms with the SDK default (apache5-client) and %.0f ms with "
                        + "apache-client (Apache 4); in-JVM part %.0f / %.0f / %.0f ms; verdicts %s / %s / %s",
                        coldRuns, url.medianMs(), def.medianMs(), a4.medianMs(), url.medianInJvmMs(),
                        def.medianInJvmMs(), a4.medianInJvmMs(), url.verdicts(), def.verdicts(), a4.verdicts()));
    }

    // ---- scenario 8: ECS's rate limits -----------------------------------------------------------------------

    /**
     * The simulator's token buckets on, its clock {@code rateScale} times faster than ECS, a fleet whose deployments
     * take 2 minutes of ECS time each: the rollout's time against the physical limit (5,000 updates at ECS's 5 a
     * second after its burst of 50, then the last deployment).
     */
    private void scenarioRateLimits() {
        Duration deployment = Duration.ofMinutes(2);
        String label = String.format(Locale.ROOT, "8: %,d services, ECS rate limits", rateServices);
        RateLimitedRun.Result r = RateLimitedRun.run(rateServices, rateScale, deployment, SERVER_THREADS);
        int throttledUpdates = r.throttled().getOrDefault("UpdateService", 0);
        int throttledAll = r.throttled().values().stream().mapToInt(Integer::intValue).sum();
        progress(String.format(Locale.ROOT, "  %s: %s in %.0f s of ECS time (%.1f s real at 1:%d), updates done at "
                + "%.0f s (limit %.0f s), physical limit %.0f s; %d UpdateService, %d DescribeServices, %d other calls;"
                + " throttled %s; HTTP 400 answers %d%s", label, r.verdict(), r.seconds(), r.realSeconds(), r.scale(),
                r.updatePhaseSeconds(), r.updateLimitSeconds(), r.physicalLimitSeconds(), r.updateCalls(),
                r.describeCalls(), r.otherCalls(), r.throttled(), r.http400(),
                r.detail().isEmpty() ? "" : " (" + r.detail() + ")"));
        report.row(label, "verdict; updates refused for throttling", r.verdict() + "; " + throttledUpdates, null, null,
                "");
        report.row(label, "rollOut: time to verdict, ECS seconds (vs physical limit)", r.seconds(),
                r.physicalLimitSeconds(), Report.ratio(r.seconds(), r.physicalLimitSeconds()), "s");
        report.row(label, "  of which UpdateService (vs ECS: 50 at once, then 5/s)", r.updatePhaseSeconds(),
                r.updateLimitSeconds(), Report.ratio(r.updatePhaseSeconds(), r.updateLimitSeconds()), "s");
        report.row(label, "  after the last UpdateService (vs the last deployment)",
                r.seconds() - r.updatePhaseSeconds(), (double) deployment.toSeconds(),
                Report.ratio(r.seconds() - r.updatePhaseSeconds(), deployment.toSeconds()), "s");
        double perUpdate = r.updatePhaseSeconds() / r.scale() / r.updateCalls() * 1000;
        double ecsPace = 1000 / RateLimitedRun.ECS_UPDATES_PER_SECOND / r.scale();
        report.row(label, "  real ms per UpdateService (vs ECS's pace, 200 ms / scale)", perUpdate, ecsPace,
                Report.ratio(perUpdate, ecsPace), "ms");
        report.row(label, "  real time, simulator at 1:" + r.scale(), r.realSeconds(), null, null, "s");
        report.row(label, "ThrottlingException answers, any call", (double) throttledAll, null, null, "calls");
        report.row(label, "DescribeServices calls", (double) r.describeCalls(), null, null, "calls");
        report.target(String.format(Locale.ROOT, "rate limits: %,d services end SUCCESS, no update refused for "
                + "throttling, no API_ERROR", rateServices), r.verdict().equals("SUCCESS") && throttledUpdates == 0,
                String.format(Locale.ROOT, "%s; %d ThrottlingException answers (%s); %.0f s of ECS time against a "
                        + "physical limit of %.0f s (%.0f s of updates at 50 at once then 5 a second, plus the last "
                        + "%d s deployment): %.2fx; the updates themselves took %.0f s (%.3fx their limit)",
                        r.verdict(), throttledAll, r.throttled(), r.seconds(), r.physicalLimitSeconds(),
                        r.updateLimitSeconds(), deployment.toSeconds(), r.seconds() / r.physicalLimitSeconds(),
                        r.updatePhaseSeconds(), r.updatePhaseSeconds() / r.updateLimitSeconds()));
    }

    // ---- scenario 9: a response that never ends --------------------------------------------------------------

    /** How long after its timeout a rollout whose DescribeServices answer never ends returns, for each client. */
    private void scenarioStuckResponse() {
        String label = "9: stuck response, timeout " + stuckTimeout.toMillis() + " ms";
        double worst = 0;
        for (StuckRun.Kind kind : StuckRun.Kind.values()) {
            List<StuckRun.Result> runs = new ArrayList<>();
            for (int i = 0; i < stuckReps; i++) {
                runs.add(StuckRun.run(kind, stuckTimeout));
            }
            double[] late = runs.stream().mapToDouble(StuckRun.Result::msLate).sorted().toArray();
            String verdicts = runs.stream().map(StuckRun.Result::verdict).distinct().collect(Collectors.joining("/"));
            progress(String.format(Locale.ROOT, "  %s, %s client: %s, ms after the timeout %s", label,
                    kind.name().toLowerCase(Locale.ROOT), verdicts, Arrays.toString(late)));
            String who = kind == StuckRun.Kind.CALLERS ? "caller's client" : "the library's own client";
            report.row(label, "returned after the timeout, " + who + " (median)", late[late.length / 2],
                    null, null, "ms");
            report.row(label, "  worst of " + stuckReps + ", " + who + "; verdict", String.format(Locale.ROOT,
                    "%.0f ms; %s", late[late.length - 1], verdicts), null, null, "");
            worst = Math.max(worst, late[late.length - 1]);
            if (!verdicts.equals("TIMED_OUT")) {
                worst = Double.POSITIVE_INFINITY;
            }
        }
        String baseline = "";
        if (stuckBaseline) {
            double sdk = StuckRun.sdkAlone(stuckTimeout);
            report.row(label, "plain SDK call, same apiCallTimeout: returned after", null, sdk, null, "s");
            baseline = String.format(Locale.ROOT, "; the plain SDK call with the same apiCallTimeout returned after "
                    + "%.1f s (its abort waits for the 30 s socket read timeout)", sdk);
        }
        report.target("stuck response: TIMED_OUT within the timeout + 250 ms, both clients", worst <= 250,
                String.format(Locale.ROOT, "worst %.0f ms after the %d ms timeout over %d runs per client%s", worst,
                        stuckTimeout.toMillis(), stuckReps, baseline));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** Loads and JIT-warms both sides, and measures a loopback round trip, before anything counts. */
    private void warmUp() {
        // The JIT needs a few thousand calls on 2 cores before a loopback call costs what it will.
        Fleet f = Fleet.spread(10, delay, 1, seed);
        try (SimulatedEcs sim = f.start(SERVER_THREADS)) {
            EcsClient client = sim.client();
            long until = System.nanoTime() + Duration.ofSeconds(Long.getLong("bench.warmUpSeconds", 8)).toNanos();
            for (int i = 0; System.nanoTime() < until; i++) {
                String name = f.names.get(i % f.size());
                client.updateService(b -> b.cluster(Fleet.CLUSTER).service(name).taskDefinition(name + ":2"));
                client.describeServices(b -> b.cluster(Fleet.CLUSTER).services(f.names));
            }
        }
        // Both sides through success and failure once or twice, so no measured run is the first of its kind.
        Settings s = settings(null);
        for (int i = 0; i < 2; i++) {
            for (Side side : Side.values()) {
                Runs.run(side, Fleet.spread(20, delay, 2, seed), s);
                Runs.run(side, Fleet.spread(20, delay, 2, seed).circuitBreaker(19, delay, true, delay), s);
            }
        }
        Runs.run(Side.PROJECT, Fleet.neverStable(20), settings(delay.multipliedBy(3)));
    }

    private String environment() {
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        warmUp();
        double rtt = loopbackRoundTrip();
        String commit = Processes.git("rev-parse", "--short", "HEAD");
        String dirty = Processes.git("status", "--porcelain", "--", "src/main", "pom.xml");
        return String.format(Locale.ROOT, "Machine: %d cores%s, %s %s (%s), %s %s %s, %d MB max heap. "
                + "Library at commit %s%s. Time scale: poll delay %d ms stands for 15 s; one DescribeServices of 10 "
                + "services over loopback takes %.2f ms (median), standing for %.0f ms; added latency %s.",
                Runtime.getRuntime().availableProcessors(), cpu.isEmpty() ? "" : " (" + cpu + ")",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.vendor"), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"), Runtime.getRuntime().maxMemory() / 1_000_000, commit,
                dirty.isEmpty() || dirty.equals("?") ? "" : " plus uncommitted changes to src/main",
                delay.toMillis(), rtt, rtt * REAL_DELAY.toNanos() / d,
                latency.isZero() ? "none" : latency.toNanos() / 1e6 + " ms");
    }

    /** The 1-minute load average (other work on the machine skews every number here), or "?". */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private double loopbackRoundTrip() {
        Fleet f = Fleet.spread(10, delay, 1, seed);
        try (SimulatedEcs sim = f.start(SERVER_THREADS)) {
            EcsClient client = sim.client();
            long[] t = new long[300];
            for (int i = 0; i < t.length; i++) {
                long start = System.nanoTime();
                client.describeServices(b -> b.cluster(Fleet.CLUSTER).services(f.names));
                t[i] = System.nanoTime() - start;
            }
            long[] measured = Arrays.copyOfRange(t, 100, t.length);
            Arrays.sort(measured);
            return measured[measured.length / 2] / 1e6;
        }
    }

    private static String verdicts(List<Result> runs) {
        return runs.stream().map(Result::verdict).distinct().collect(Collectors.joining("/"));
    }

    private static double median(List<Result> runs, ToDoubleFunction<Result> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double max(List<Result> runs, ToDoubleFunction<Result> f) {
        return runs.stream().mapToDouble(f).max().orElse(Double.NaN);
    }

    private static long max(long[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private static void progress(String line) {
        System.err.println(line);
    }
}
