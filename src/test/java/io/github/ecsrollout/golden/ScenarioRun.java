package io.github.ecsrollout.golden;

import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.sim.ServiceSpec;
import io.github.ecsrollout.sim.SimClock;
import io.github.ecsrollout.sim.SimStats;
import io.github.ecsrollout.sim.SimulatedEcs;
import io.github.ecsrollout.support.Model;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.FakeService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServiceRevisionsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.EcsRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * One scenario's run: the ECS it talks to (a {@link FakeEcs} or a {@link SimulatedEcs}), the rollouts it builds, what
 * each public call returned or threw, and, at the end, the transcript of all that, with what the listener heard and
 * the library logged.
 */
final class ScenarioRun implements AutoCloseable {

    /** The simulator's poll delay, as the integration tests': short, yet not hammering it. */
    static final Duration SIM_DELAY = Duration.ofMillis(20);
    /** ECS's 5 UpdateService a second on the tests' time scale (20 ms standing for 15 s), as the integration tests. */
    private static final double SIM_UPDATES_PER_SECOND = 5.0 * 15_000 / SIM_DELAY.toMillis();
    /** The library's 150 DescribeServices per delay, uncapped by its real-time ceiling, as the integration tests. */
    private static final double SIM_DESCRIBES_PER_SECOND = 150.0 * 1_000 / SIM_DELAY.toMillis();
    /**
     * How much of the virtual clock each call the simulator answers takes, as a call takes time of its own in real
     * time, where the transcripts were recorded (a few milliseconds there). A quarter of {@link #SIM_DELAY}: when no
     * whole delay is left before a timeout, the library makes its last poll a quarter of the time left before the
     * deadline, so at most 5 ms before it; a call of 5 ms reaches the deadline whatever the time left, and the
     * timeouts' stopped tasks are "not fetched: the timeout had passed", as recorded. A shorter one reaches it or not
     * depending on where the polls fall: 2 and 2.5 ms happen to match the recordings, 1.5 and 3 ms do not. In the
     * recorded {@code start-check-circuit-breaker-ecs-rollback-with-rollback}, likewise, the rollback's 40 polls
     * outlast ECS's 800 ms rollback only because each takes its calls' time besides its delay. Every simulator
     * scenario's calls take it: the others' transcripts match with it as without.
     */
    static final Duration SIM_CALL_TAKES = Duration.ofMillis(5);

    /** The library's loggers, as slf4j-simple shows them (the last part of the name). */
    static final Set<String> LIBRARY_LOGGERS = Set.of("ServiceRollout", "services", "progress", "events", "polls",
            "rollback", "listener");
    private static final Pattern LOG_LINE = Pattern.compile(
            "^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (INFO|WARN|ERROR) (\\S+) - (.*)$");
    /** The simulator's read operations, which a real-time rollout repeats as often as timing has it. */
    private static final Set<String> POLLS = Set.of("DescribeServices", "ListServiceDeployments",
            "DescribeServiceDeployments");
    /** The group of the DescribeTaskDefinition calls, which name no service and no cluster. */
    private static final String TASK_DEFINITIONS = "task definitions";
    /** A line about one service: {@code web [prod]: STABLE, ...}. */
    private static final Pattern SERVICE_LINE = Pattern.compile("^(\\S+) \\[(\\S+)\\]: .*");

    private final Scenario scenario;
    private final RecordingListener listener = new RecordingListener();
    /** Services in the order the scenario declares them: the transcript's groups come in this order. */
    private final List<String> declared = new ArrayList<>();
    private final List<String> outcome = new ArrayList<>();
    private FakeEcs fake;
    private SimulatedEcs sim;
    /** The simulator's virtual clock, which its rollouts share. */
    private SimClock simClock;
    private EcsClient simClient;
    private RolloutNotStableException lastFailure;

    ScenarioRun(Scenario scenario) {
        this.scenario = scenario;
    }

    // ---- set-up -------------------------------------------------------------------------------------------------

    RecordingListener listener() {
        return listener;
    }

    /** The fake ECS: {@link #fakeBuilder()}'s unless the scenario gave one. */
    FakeEcs fake() {
        if (fake == null) {
            fake = fakeBuilder().build();
        }
        return fake;
    }

    /**
     * A builder of the fake ECS on a clock that stands still a day ahead: the fake then dates everything a
     * millisecond after the last thing it dated (it makes instants strictly increasing), so its instants depend only
     * on what it was asked, never on the microseconds between calls. On the system clock, whether a check tells an
     * event depended on them: a checkpoint keeps event times in milliseconds, and an event of the same millisecond as
     * the newest one a check saw, later within it, is taken as seen by the next check. Ahead, so that whether an event
     * the fake dates comes before the start of a rollout call never depends on the microseconds between the two.
     */
    static FakeEcs.Builder fakeBuilder() {
        Instant ahead = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofDays(1));
        return FakeEcs.builder().clock(Clock.fixed(ahead, ZoneOffset.UTC));
    }

    /** Uses a fake built otherwise, from {@link #fakeBuilder()} (operations denied, say); call before anything else. */
    void fake(FakeEcs ecs) {
        this.fake = ecs;
    }

    /** A service of the fake, declared in this order for the transcript. */
    FakeService service(String cluster, String service) {
        declare(cluster, service);
        return fake().service(cluster, service);
    }

    /** A rollout on the fake: no delay, bounded by 10 polls, with the recording listener. */
    ServiceRollout.Builder fakeRollout() {
        return ServiceRollout.builder().ecsClient(fake()).delay(Duration.ZERO).maxAttempts(10).listener(listener);
    }

    /**
     * The simulator, on a manual clock that its rollouts share ({@link #simRollout()}), started at the current instant
     * (to the millisecond) so that ECS's instants look recent: each poll delay and pacing wait of a rollout moves it,
     * each call ECS answers moves it by {@link #SIM_CALL_TAKES} (once ECS has answered, before the answer goes out),
     * and nothing else does but the scenario's own {@link #letPass}, so a script plays out in the same polls however
     * busy the machine is.
     */
    SimulatedEcs sim() {
        if (sim == null) {
            simClock = SimClock.startingAt(Instant.now().truncatedTo(ChronoUnit.MILLIS));
            sim = SimulatedEcs.start(simClock, 4);
            // First of the meanwhile actions, so that a scenario's own ones run with the call's time already taken.
            sim.meanwhile(a -> true, a -> {
                simClock.advance(SIM_CALL_TAKES);
                return false;
            });
            simClient = sim.client();
        }
        return sim;
    }

    /** Lets {@code time} pass between two calls of the scenario: moves the simulator's virtual clock on. */
    void letPass(Duration time) {
        sim();
        simClock.advance(time);
    }

    /** A simulated service, declared in this order for the transcript. */
    void simService(String cluster, String service, UnaryOperator<ServiceSpec> spec) {
        declare(cluster, service);
        sim().createService(spec.apply(ServiceSpec.of(cluster, service)));
    }

    /**
     * A rollout on the simulator through the real SDK client, at the integration tests' delay and paces, on the
     * simulator's virtual clock.
     */
    ServiceRollout.Builder simRollout() {
        sim();
        return ServiceRollout.builder().ecsClient(simClient).delay(SIM_DELAY).clock(simClock)
                .maxUpdateServicePerSecond(SIM_UPDATES_PER_SECOND)
                .maxDescribeServicesPerSecond(SIM_DESCRIBES_PER_SECOND).listener(listener);
    }

    private void declare(String cluster, String service) {
        String key = Names.key(cluster, service);
        if (!declared.contains(key)) {
            declared.add(key);
        }
    }

    int serviceCount() {
        return declared.size();
    }

    // ---- calls --------------------------------------------------------------------------------------------------

    /**
     * Makes one public call and writes down what it returned (a result, a checkpoint, a progress) or threw.
     *
     * @return what it returned, or {@code null} when it threw
     */
    <T> T call(String label, Callable<T> call) {
        try {
            T value = call.call();
            describe(label, value);
            return value;
        } catch (RolloutNotStableException e) {
            lastFailure = e;
            failure(label, e);
            return null;
        } catch (Exception e) {
            outcome.add(label + " -> threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return null;
        }
    }

    /** The last {@link RolloutNotStableException} a call threw, or {@code null}. */
    RolloutNotStableException lastFailure() {
        return lastFailure;
    }

    /** A line of the scenario's own in the outcome. */
    void note(String line) {
        outcome.add(line);
    }

    /**
     * Checks a checkpoint until the rollout is done or fails, at most {@code max} times, each check written down.
     *
     * @return the last progress, or {@code null} when a check threw
     */
    RolloutProgress checkUntilDone(ServiceRollout rollout, RolloutCheckpoint checkpoint, int max) {
        RolloutCheckpoint next = checkpoint;
        RolloutProgress progress = null;
        for (int i = 1; i <= max; i++) {
            RolloutCheckpoint current = next;
            progress = call("check#" + i, () -> rollout.check(current));
            if (progress == null || progress.isDone()) {
                return progress;
            }
            next = progress.checkpoint();
        }
        return progress;
    }

    private void describe(String label, Object value) {
        if (value instanceof RolloutResult r) {
            outcome.add(label + " -> RolloutResult services=" + r.services().size()
                    + (scenario.coarse() ? "" : " attempts=" + r.attempts()));
            for (ServiceState s : r.services()) {
                listener.learn(s);
                outcome.add("  " + Names.key(s.cluster(), s.service()) + ": verdict=" + s.verdict()
                        + " rollbackAction=" + s.rollbackAction() + " taskDefinition=" + s.taskDefinition().orElse(null)
                        + " expectedDeployment=" + s.expectedDeploymentId().orElse("-"));
            }
        } else if (value instanceof RolloutCheckpoint c) {
            outcome.add(label + " -> checkpoint " + checkpoint(c));
        } else if (value instanceof RolloutProgress p) {
            outcome.add(label + " -> RolloutProgress done=" + p.isDone() + " " + p);
            for (ServiceState s : p.services()) {
                listener.learn(s);
                outcome.add("  " + s);
            }
            p.result().ifPresent(r -> describe("  result", r));
            outcome.add("  checkpoint " + checkpoint(p.checkpoint()));
        } else {
            outcome.add(label + " -> " + value);
        }
    }

    private void failure(String label, RolloutNotStableException e) {
        outcome.add(label + " -> RolloutNotStableException reason=" + e.reason());
        String[] message = String.valueOf(e.getMessage()).split("\n", -1);
        outcome.add("  message: " + message[0]);
        for (int i = 1; i < message.length; i++) {
            outcome.add("           " + message[i]);
        }
        outcome.add("  unstableServices: " + e.unstableServices());
        outcome.add("  failedServices: " + e.failedServices());
        outcome.add("  updatedServices: " + e.updatedServices());
        outcome.add("  possiblyUpdatedServices: " + e.possiblyUpdatedServices());
        outcome.add("  rolledBackServices: " + e.rolledBackServices());
        outcome.add("  cause: " + (e.getCause() == null ? "-" : e.getCause().getClass().getSimpleName()));
        for (Throwable t : e.getSuppressed()) {
            outcome.add("  suppressed: " + t.getClass().getSimpleName());
        }
        for (ServiceState s : e.serviceStates()) {
            listener.learn(s);
            outcome.add("  state: " + s);
        }
        outcome.add("  checkpoint: " + e.checkpoint().map(ScenarioRun::checkpoint).orElse("none"));
    }

    /**
     * The checkpoint's JSON with each service line's times (milliseconds after the start) as {@code <ms>} and its
     * service-deployment token and hook ids marked as ids: see RolloutCheckpoint's Javadoc for the line's fields.
     */
    static String checkpoint(RolloutCheckpoint c) {
        String json = c.toJson();
        for (String line : c.services()) {
            String[] f = line.split("\\|", -1);
            if (f.length != 11) {
                continue;
            }
            f[4] = f[4].startsWith("arn:") ? f[4] : Masker.id(f[4]);
            f[7] = f[7].isEmpty() ? "" : "<ms>";
            f[9] = f[9].isEmpty() ? "" : "<ms>";
            if (!f[10].isEmpty()) {
                String[] hooks = f[10].split(",", -1);
                for (int i = 0; i < hooks.length; i++) {
                    hooks[i] = Masker.id(hooks[i]);
                }
                f[10] = String.join(",", hooks);
            }
            json = json.replace("\"" + line + "\"", "\"" + String.join("|", f) + "\"");
        }
        return json;
    }

    // ---- the transcript -----------------------------------------------------------------------------------------

    /** The whole transcript, masked. */
    String transcript(List<String> logLines) {
        List<String> out = new ArrayList<>();
        out.add("scenario: " + scenario.name());
        out.add("mode: " + (scenario.coarse() ? "coarse (timing-dependent counts and repeats collapsed)" : "exact"));
        out.add("");
        out.add("== outcome ==");
        out.addAll(outcome);
        out.add("");
        out.add("== ECS calls ==");
        out.addAll(fake != null ? fakeCalls() : sim != null ? simCalls() : List.of());
        out.add("");
        out.add("== listener ==");
        out.addAll(listenerLines());
        out.add("");
        out.add("== log (INFO and above) ==");
        out.addAll(logLines(logLines));
        return new Masker().mask(String.join("\n", out) + "\n", scenario.coarse(), sim != null);
    }

    /**
     * What each service was asked, in order, grouped by service in the order declared: each service's own order is
     * deterministic, the interleaving of services on several threads is not.
     */
    private List<String> fakeCalls() {
        List<EcsRequest> calls = fake.calls();
        Map<String, String> owners = new HashMap<>(listener.deploymentOwners());
        for (String key : declared) {
            String[] cs = key.split("/");
            fake.service(cs[0], cs[1]).describe().ifPresent(s -> {
                for (Deployment d : s.deployments()) {
                    owners.put(d.id(), key);
                }
            });
        }
        Map<String, List<String>> groups = groups();
        for (EcsRequest r : calls) {
            if (r instanceof UpdateServiceRequest u) {
                add(groups, Names.key(u.cluster(), u.service()), "UpdateService taskDefinition=" + u.taskDefinition()
                        + (u.desiredCount() == null ? "" : " desiredCount=" + u.desiredCount())
                        + (u.forceNewDeployment() == null ? "" : " forceNewDeployment=" + u.forceNewDeployment()));
            } else if (r instanceof DescribeServicesRequest d) {
                String batch = d.services().size() == 1 ? "" : " (batch of " + d.services().size() + ")";
                for (String s : d.services()) {
                    add(groups, Names.key(d.cluster(), s), "DescribeServices" + batch);
                }
            } else if (r instanceof DescribeTaskDefinitionRequest t) {
                add(groups, TASK_DEFINITIONS, "DescribeTaskDefinition " + t.taskDefinition());
            } else if (r instanceof ListTasksRequest l) {
                add(groups, owners.getOrDefault(l.startedBy(), Model.shortName(l.cluster()) + "/?"),
                        "ListTasks startedBy=" + l.startedBy() + " desiredStatus=" + l.desiredStatusAsString());
            } else if (r instanceof DescribeTasksRequest d) {
                add(groups, taskOwner(d), "DescribeTasks tasks=" + d.tasks().size());
            } else if (r instanceof ListServiceDeploymentsRequest l) {
                add(groups, Names.key(l.cluster(), l.service()), "ListServiceDeployments");
            } else if (r instanceof DescribeServiceDeploymentsRequest d) {
                String batch = d.serviceDeploymentArns().size() == 1 ? ""
                        : " (batch of " + d.serviceDeploymentArns().size() + ")";
                for (String arn : d.serviceDeploymentArns()) {
                    add(groups, orUnknown(Model.ofServiceDeployment(arn)), "DescribeServiceDeployments" + batch);
                }
            } else if (r instanceof DescribeServiceRevisionsRequest d) {
                String batch = d.serviceRevisionArns().size() == 1 ? ""
                        : " (batch of " + d.serviceRevisionArns().size() + ")";
                for (String arn : d.serviceRevisionArns()) {
                    add(groups, orUnknown(Model.ofServiceRevision(arn)), "DescribeServiceRevisions" + batch);
                }
            } else if (r instanceof StopServiceDeploymentRequest s) {
                add(groups, orUnknown(Model.ofServiceDeployment(s.serviceDeploymentArn())),
                        "StopServiceDeployment stopType=" + s.stopTypeAsString());
            } else if (r instanceof ContinueServiceDeploymentRequest c) {
                add(groups, orUnknown(Model.ofServiceDeployment(c.serviceDeploymentArn())),
                        "ContinueServiceDeployment action=" + c.actionAsString());
            } else {
                add(groups, "?/?", r.getClass().getSimpleName());
            }
        }
        return render(groups, scenario.coarse());
    }

    /** The service whose tasks a DescribeTasks asked for, by their {@code group}, as the fake tells it. */
    private String taskOwner(DescribeTasksRequest request) {
        try {
            // Asked after the calls were read, so this call is not in the transcript.
            for (Task t : fake.describeTasks(DescribeTasksRequest.builder().cluster(request.cluster())
                    .tasks(request.tasks()).build()).tasks()) {
                if (t.group() != null && t.group().startsWith("service:")) {
                    return Names.key(request.cluster(), t.group().substring("service:".length()));
                }
            }
        } catch (RuntimeException e) {
            // Denied in this scenario: the owner stays unknown.
        }
        return Model.shortName(request.cluster()) + "/?";
    }

    /**
     * What the simulator was asked, by cluster (its statistics name no service), operation names only: the calls that
     * change or diagnose a deployment in order, runs of one as one; not the polls (DescribeServices and the
     * service-deployment reads), since how many a real-time rollout makes, and which of them a phase needs, depends on
     * timing.
     */
    private List<String> simCalls() {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String key : declared) {
            groups.computeIfAbsent("cluster " + key.split("/")[0], k -> new ArrayList<>());
        }
        for (SimStats.Call c : sim.stats().calls()) {
            if (c.operation().equals("DescribeTaskDefinition")) {
                add(groups, TASK_DEFINITIONS, c.operation());
            } else if (!POLLS.contains(c.operation())) {
                add(groups, "cluster " + c.cluster(), c.operation());
            }
        }
        List<String> out = new ArrayList<>();
        groups.forEach((key, lines) -> {
            out.add(key + ":");
            collapseRepeats(lines).forEach(l -> out.add("  " + l));
        });
        return out;
    }

    private Map<String, List<String>> groups() {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        declared.forEach(k -> groups.put(k, new ArrayList<>()));
        return groups;
    }

    private static void add(Map<String, List<String>> groups, String key, String line) {
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(line);
    }

    private static String orUnknown(String key) {
        return key == null ? "?/?" : key;
    }

    private static List<String> render(Map<String, List<String>> groups, boolean coarse) {
        List<String> out = new ArrayList<>();
        groups.forEach((key, lines) -> {
            out.add(key + ":");
            collapse(lines, coarse).forEach(l -> out.add("  " + l));
        });
        return out;
    }

    /**
     * Runs of one line as one: {@code line x3} where counts are exact, {@code line+} for a run of more than one
     * where they are not.
     */
    static List<String> collapse(List<String> lines, boolean coarse) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            int j = i;
            while (j < lines.size() && lines.get(j).equals(lines.get(i))) {
                j++;
            }
            int n = j - i;
            out.add(lines.get(i) + (n == 1 ? "" : coarse ? "+" : " x" + n));
            i = j;
        }
        return out;
    }

    /**
     * The listener's calls: in one sequence for one service watched on one thread; otherwise the rollout's own calls
     * in order, then each service's in order, since services watched on several threads interleave as they please.
     */
    private List<String> listenerLines() {
        List<RecordingListener.Call> calls = listener.calls();
        List<String> out = new ArrayList<>();
        if (!grouped()) {
            calls.forEach(c -> out.add(c.line()));
            return out;
        }
        Map<String, List<String>> groups = groups();
        boolean realTime = sim != null;
        for (RecordingListener.Call c : calls) {
            if (c.service() == null) {
                out.add(c.line());
            } else if (!(c.event() && realTime)) {
                // In real time, which events a poll sees before the rollout ends depends on timing: left out.
                add(groups, c.service(), c.line());
            }
        }
        groups.forEach((key, lines) -> {
            out.add(key + ":");
            (scenario.coarse() ? collapseRepeats(lines) : lines).forEach(l -> out.add("  " + l));
        });
        if (realTime) {
            out.add("(onServiceEvent calls not compared: which events a real-time poll sees depends on timing)");
        }
        return out;
    }

    /** Whether lines are grouped by service rather than kept in one sequence. */
    private boolean grouped() {
        return scenario.coarse() || declared.size() > 1;
    }

    /** Consecutive identical lines as one. */
    private static List<String> collapseRepeats(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (out.isEmpty() || !out.get(out.size() - 1).equals(l)) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * The library's lines at INFO and above, without their time: in one sequence for one service, else the rollout's
     * own lines in order and then each service's in order. In a timing-dependent scenario repeats are collapsed and
     * progress lines left out (when they come, and with which counts, depends on which thread gets there first).
     */
    private List<String> logLines(List<String> captured) {
        Map<String, List<String>> groups = groups();
        List<String> rollout = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (String raw : captured) {
            Matcher m = LOG_LINE.matcher(raw);
            if (!m.matches() || !LIBRARY_LOGGERS.contains(m.group(2))) {
                continue;
            }
            // Progress lines come at most once per delay of wall time: on several threads, which counts they show
            // depends on timing, for the rollout's progress logger and for a rollback's wait alike.
            if (scenario.coarse() && (m.group(2).equals("progress")
                    || (m.group(2).equals("rollback") && m.group(3).startsWith("Rollback: ")))) {
                continue;
            }
            String line = m.group(1) + " " + m.group(2) + " - " + m.group(3);
            all.add(line);
            Matcher s = SERVICE_LINE.matcher(m.group(3));
            if (s.matches()) {
                add(groups, Names.key(s.group(2), s.group(1)), line);
            } else {
                rollout.add(line);
            }
        }
        if (!grouped()) {
            return all;
        }
        List<String> out = new ArrayList<>(scenario.coarse() ? collapseRepeats(rollout) : rollout);
        groups.forEach((key, lines) -> {
            if (!lines.isEmpty()) {
                out.add(key + ":");
                (scenario.coarse() ? collapseRepeats(lines) : lines).forEach(l -> out.add("  " + l));
            }
        });
        return out;
    }

    @Override
    public void close() {
        if (sim != null) {
            sim.close();
        }
    }
}
