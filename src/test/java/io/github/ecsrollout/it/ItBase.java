package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.sim.SimClock;
import io.github.ecsrollout.sim.SimStats;
import io.github.ecsrollout.sim.SimulatedEcs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * What every integration test shares: a simulated ECS and a rollout on one virtual clock, the real SDK client pointed
 * at the simulator over HTTP, a rollout with a short poll delay, and the check that no {@code ecs-rollout-*} thread
 * outlives its call.
 *
 * <p>The clock is the simulator's manual {@link SimClock}, given to the rollout too ({@link #rollout()}): each poll
 * delay and pacing wait of the rollout moves it, and nothing else does, so scripts play out in the same polls however
 * busy the machine is, and a rollout timed in ECS minutes takes milliseconds. A test marked {@link RealTime} (a stuck
 * socket, a call's thread, the listener's thread, the pool of chunk threads) runs on the system clock instead, and
 * its rollouts poll in real time. A class's {@code @Timeout} only turns a hang into a failure.
 *
 * <p>The library logs one INFO line per state change and per ECS event; over a thousand services that is thousands of
 * lines, so the integration tests keep it at WARN.
 * {@code mvn verify -Dorg.slf4j.simpleLogger.log.io.github.ecsrollout=info} brings it back (failsafe passes Maven
 * user properties on to the test JVM).
 */
abstract class ItBase {

    /**
     * The poll delay for most tests, the one the scripts' timings are chosen for: short enough for a test on real time
     * to be quick, long enough not to hammer the simulator.
     */
    static final Duration DELAY = Duration.ofMillis(20);
    /**
     * UpdateService calls a second: ECS's 5 on the tests' time scale (the 20 ms delay standing for the default 15 s),
     * so that a 1,000-service rollout is not paced at 5 a second of the tests' clock.
     */
    static final double UPDATES_PER_SECOND = 5.0 * 15_000 / DELAY.toMillis();
    /**
     * DescribeServices calls a second: the library's default of 150 per poll delay, which its ceiling of 20 a second
     * (ECS's rate, meant for the default delay) would otherwise cap.
     */
    static final double DESCRIBES_PER_SECOND = 150.0 * 1_000 / DELAY.toMillis();
    private static final String LIBRARY_LOG_LEVEL = "org.slf4j.simpleLogger.log.io.github.ecsrollout";

    static {
        // Runs before any rollout of this JVM creates the library's logger, which reads its level once.
        if (System.getProperty(LIBRARY_LOG_LEVEL) == null) {
            System.setProperty(LIBRARY_LOG_LEVEL, "warn");
        }
    }

    SimulatedEcs sim;
    /**
     * The clock the simulator and {@link #rollout()}'s rollouts share, started at the current instant (to the
     * millisecond) so that ECS's instants look recent; {@code null} for a test on {@link RealTime}.
     */
    SimClock clock;

    /** Server threads of the simulator: concurrent requests it can serve (and delayed ones it can hold). */
    int simThreads() {
        return 4;
    }

    @BeforeEach
    void startSimulator(TestInfo test) {
        boolean realTime = getClass().isAnnotationPresent(RealTime.class)
                || test.getTestMethod().map(m -> m.isAnnotationPresent(RealTime.class)).orElse(false);
        clock = realTime ? null : SimClock.startingAt(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        sim = SimulatedEcs.start(realTime ? Clock.systemUTC() : clock, simThreads());
    }

    @AfterEach
    void stopSimulatorAndCheckThreads() {
        sim.close();
        assertEquals(0, rolloutThreadsAfterExit(), "an ecs-rollout-* thread outlived its call");
    }

    /** A real SDK client with the SDK's default retries and timeouts, closed with the simulator. */
    EcsClient client() {
        return sim.client();
    }

    /** A real SDK client with the SDK's standard retry conditions but millisecond backoffs. */
    EcsClient fastRetryClient(int maxAttempts) {
        return sim.client(o -> o.retryStrategy(SimulatedEcs.fastRetries(maxAttempts)));
    }

    /**
     * A rollout on {@link #client()} polling every {@link #DELAY}, updating at {@link #UPDATES_PER_SECOND} and
     * describing at {@link #DESCRIBES_PER_SECOND} (the library's paces on the tests' time scale), on the simulator's
     * clock unless the test is on {@link RealTime}.
     */
    ServiceRollout.Builder rollout() {
        return rollout(client());
    }

    ServiceRollout.Builder rollout(EcsClient client) {
        return onTheClock(ServiceRollout.builder().ecsClient(client).delay(DELAY)
                .maxUpdateServicePerSecond(UPDATES_PER_SECOND).maxDescribeServicesPerSecond(DESCRIBES_PER_SECOND));
    }

    /** A rollout on the simulator's clock, unless the test is on {@link RealTime}. */
    ServiceRollout.Builder onTheClock(ServiceRollout.Builder rollout) {
        return clock == null ? rollout : rollout.clock(clock);
    }

    /** How far the shared clock moved: the virtual time the test's rollouts took (and the test's own advances). */
    Duration elapsed() {
        return clock.advanced();
    }

    static RolloutNotStableException failure(Executable call) {
        return assertThrows(RolloutNotStableException.class, call);
    }

    /** One request per service: move it to revision {@code revision} of its own family ({@code NAME:revision}). */
    static List<UpdateServiceRequest> toRevision(String cluster, List<String> services, int revision) {
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (String s : services) {
            requests.add(UpdateServiceRequest.builder().cluster(cluster).service(s).taskDefinition(s + ":" + revision)
                    .build());
        }
        return requests;
    }

    /** {@code prefix-00}, {@code prefix-01}, ... (three digits past 100). */
    static List<String> names(String prefix, int count) {
        String format = count > 100 ? "%s-%03d" : "%s-%02d";
        return IntStream.range(0, count).mapToObj(i -> String.format(format, prefix, i)).toList();
    }

    List<SimStats.Call> polls() {
        return sim.stats().calls("DescribeServices");
    }

    /**
     * Live threads of the library's chunk pools, once they had a moment to exit. The pool is terminated when the call
     * returns, but ThreadPoolExecutor counts a worker gone just before its thread ends, so a thread can still be alive
     * for a few microseconds after that.
     */
    static long rolloutThreadsAfterExit() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long live = liveRolloutThreads();
        while (live > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            live = liveRolloutThreads();
        }
        return live;
    }

    /** Live threads of the library's chunk pools. */
    static long liveRolloutThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("ecs-rollout-"))
                .count();
    }

    static String ofRevision(String family, int revision) {
        return "task-definition/" + family + ":" + revision;
    }
}
