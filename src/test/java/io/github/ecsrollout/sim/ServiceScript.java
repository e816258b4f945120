package io.github.ecsrollout.sim;

import java.time.Duration;

/**
 * How a simulated service behaves after each UpdateService that starts a new deployment (or from
 * creation, for a service created with {@link ServiceSpec#deployingFromCreation()}). Offsets are
 * measured on the simulator's clock from the moment the deployment started.
 *
 * <pre>{@code
 * ServiceScript.stableAfter(Duration.ofSeconds(30))
 * ServiceScript.circuitBreakerFails(Duration.ofSeconds(20), true, Duration.ofSeconds(15))
 * ServiceScript.neverStable()
 * ServiceScript.crashLoop("Essential container in task exited", 137)
 * ServiceScript.unableToPlace()
 * }</pre>
 */
public final class ServiceScript {

    /** Crash-looping tasks start and die once per cycle; one second keeps real-time demos lively. */
    static final Duration CRASH_CYCLE = Duration.ofSeconds(1);
    static final Duration EVENT_PERIOD = Duration.ofSeconds(5);
    static final String CIRCUIT_BREAKER_TASK_REASON = "Essential container in task exited";

    /** What a script does once a deployment starts; it only schedules steps on the rollout. */
    interface Behaviour {
        void start(Rollout rollout);
    }

    private final String description;
    private final Behaviour behaviour;
    final boolean circuitBreaker;
    final boolean rollback;

    private ServiceScript(String description, boolean circuitBreaker, boolean rollback, Behaviour behaviour) {
        this.description = description;
        this.circuitBreaker = circuitBreaker;
        this.rollback = rollback;
        this.behaviour = behaviour;
    }

    /**
     * The new deployment's tasks start one by one while the old deployment drains; at {@code after}
     * the service has one PRIMARY deployment, COMPLETED, running == desired, and the events
     * "deployment completed." and "has reached a steady state.".
     */
    public static ServiceScript stableAfter(Duration after) {
        requireNonNegative(after);
        return new ServiceScript("stableAfter(" + after + ")", false, false, r -> rollToCompletion(r, after));
    }

    /**
     * New tasks keep failing to start; at {@code failAfter} the circuit breaker marks the deployment
     * FAILED. With {@code rollback}, a new PRIMARY deployment on the previous task definition appears
     * at once, the failed one turns ACTIVE and is gone {@code rollbackTakes/2} later, and after
     * {@code rollbackTakes} the service is stable again on the old task definition. Without rollback
     * the failed deployment stays PRIMARY/FAILED and never reaches its desired count.
     */
    public static ServiceScript circuitBreakerFails(Duration failAfter, boolean rollback, Duration rollbackTakes) {
        requireNonNegative(failAfter);
        requireNonNegative(rollbackTakes);
        Duration cycle = shorter(CRASH_CYCLE, failAfter.dividedBy(4));
        return new ServiceScript("circuitBreakerFails(" + failAfter + ", rollback=" + rollback + ", " + rollbackTakes + ")",
                true, rollback, r -> {
                    crashCycles(r, cycle, CIRCUIT_BREAKER_TASK_REASON, 1);
                    r.at(failAfter, x -> breakerTrips(x, rollback, rollbackTakes));
                });
    }

    /** Two deployments forever (the new one one task short), with a task failing health checks now and then. */
    public static ServiceScript neverStable() {
        return neverStable(EVENT_PERIOD);
    }

    public static ServiceScript neverStable(Duration eventEvery) {
        requirePositive(eventEvery);
        return new ServiceScript("neverStable", false, false, r -> {
            r.at(Duration.ZERO, Rollout::matchDesiredCount);
            int replaced = Math.max(r.desiredCount() - 1, 0);
            for (int i = 1; i <= replaced; i++) {
                r.at(eventEvery.multipliedBy(i).dividedBy(replaced + 1L), Rollout::replaceOneOldTask);
            }
            r.every(eventEvery, eventEvery, Rollout::churnUnhealthyTask);
        });
    }

    /**
     * Tasks of the new deployment start and stop again, forever: STOPPED tasks with this reason and
     * exit code ({@code exitCode < 0}: the container never ran, no exit code), and after three the
     * event "is unable to consistently start tasks successfully.". No circuit breaker.
     */
    public static ServiceScript crashLoop(String stoppedReason, int exitCode) {
        return new ServiceScript("crashLoop(" + stoppedReason + ")", false, false,
                r -> crashCycles(r, CRASH_CYCLE, stoppedReason, exitCode));
    }

    /** A crash loop that the circuit breaker (without rollback) fails at {@code circuitBreakerAfter}. */
    public static ServiceScript crashLoop(String stoppedReason, int exitCode, Duration circuitBreakerAfter) {
        requireNonNegative(circuitBreakerAfter);
        Duration cycle = shorter(CRASH_CYCLE, circuitBreakerAfter.dividedBy(4));
        return new ServiceScript("crashLoop(" + stoppedReason + ", breaker after " + circuitBreakerAfter + ")", true, false,
                r -> {
                    crashCycles(r, cycle, stoppedReason, exitCode);
                    r.at(circuitBreakerAfter, x -> breakerTrips(x, false, Duration.ZERO));
                });
    }

    /** No task of the new deployment can be placed: running stays 0, "was unable to place a task" events repeat. */
    public static ServiceScript unableToPlace() {
        return unableToPlace(EVENT_PERIOD);
    }

    public static ServiceScript unableToPlace(Duration eventEvery) {
        requirePositive(eventEvery);
        return new ServiceScript("unableToPlace", false, false, r -> {
            r.at(Duration.ZERO, Rollout::matchDesiredCount);
            r.every(Duration.ZERO, eventEvery, Rollout::unableToPlaceEvent);
        });
    }

    void start(Rollout rollout) {
        behaviour.start(rollout);
    }

    @Override
    public String toString() {
        return description;
    }

    static void rollToCompletion(Rollout r, Duration after) {
        r.at(Duration.ZERO, Rollout::matchDesiredCount);
        int n = r.desiredCount();
        // One new task per slot, evenly spread, so a poller sees the counts move, not jump.
        for (int i = 1; i <= n; i++) {
            r.at(after.multipliedBy(i).dividedBy(n + 1L), Rollout::replaceOneOldTask);
        }
        r.at(after, Rollout::complete);
    }

    private static void crashCycles(Rollout r, Duration cycle, String reason, int exitCode) {
        r.at(Duration.ZERO, Rollout::matchDesiredCount);
        r.every(Duration.ZERO, cycle, x -> {
            SimTask task = x.startPendingTask();
            x.after(cycle.dividedBy(2), y -> y.crash(task, reason, exitCode));
        });
    }

    private static void breakerTrips(Rollout r, boolean rollback, Duration rollbackTakes) {
        r.failDeployment();
        if (rollback) {
            r.rollBack(rollbackTakes);
        }
    }

    /** The shorter of the two, but never below 10 ms: a real-time catch-up must not run millions of steps. */
    private static Duration shorter(Duration a, Duration b) {
        Duration d = a.compareTo(b) <= 0 ? a : b;
        Duration floor = Duration.ofMillis(10);
        return d.compareTo(floor) < 0 ? floor : d;
    }

    private static void requireNonNegative(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration: " + d);
        }
    }

    private static void requirePositive(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("period must be positive: " + d);
        }
    }
}
