package io.github.ecsrollout.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

    /** What an AWS_LAMBDA lifecycle hook answers when the deployment reaches its stage. */
    public enum HookOutcome {
        /** The hook succeeds and the deployment goes on. */
        SUCCEEDED,
        /** The hook fails and the deployment rolls back. */
        FAILED,
        /** The hook never answers: after its timeoutInMinutes its timeoutAction (CONTINUE or ROLLBACK) applies. */
        TIMED_OUT
    }

    private final String description;
    private final Behaviour behaviour;
    final boolean circuitBreaker;
    final boolean rollback;
    /** deploymentConfiguration fields the service gets at creation unless its ServiceSpec sets them. */
    final ObjectNode configuration;
    /** What each AWS_LAMBDA hook (by hookTargetArn) answers; a hook not listed succeeds. */
    private final Map<String, HookOutcome> hookOutcomes;

    private ServiceScript(String description, boolean circuitBreaker, boolean rollback, Behaviour behaviour) {
        this(description, circuitBreaker, rollback, behaviour, JsonNodeFactory.instance.objectNode(), Map.of());
    }

    private ServiceScript(String description, boolean circuitBreaker, boolean rollback, Behaviour behaviour,
            ObjectNode configuration, Map<String, HookOutcome> hookOutcomes) {
        this.description = description;
        this.circuitBreaker = circuitBreaker;
        this.rollback = rollback;
        this.behaviour = behaviour;
        this.configuration = configuration;
        this.hookOutcomes = Map.copyOf(hookOutcomes);
    }

    private static ServiceScript configured(String description, ObjectNode configuration, Behaviour behaviour) {
        return new ServiceScript(description, false, false, behaviour, configuration, Map.of());
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

    /**
     * As {@link #circuitBreakerFails} with rollback, but the rollback's tasks crash too: the service deployment goes
     * ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, and {@code rollbackFailsAfter} into the rollback ROLLBACK_FAILED,
     * with the rollback deployment FAILED beside the failed one.
     */
    public static ServiceScript circuitBreakerRollbackFails(Duration failAfter, Duration rollbackFailsAfter) {
        requireNonNegative(failAfter);
        requireNonNegative(rollbackFailsAfter);
        Duration cycle = shorter(CRASH_CYCLE, failAfter.dividedBy(4));
        return new ServiceScript("circuitBreakerRollbackFails(" + failAfter + ", " + rollbackFailsAfter + ")", true,
                true, r -> {
                    crashCycles(r, cycle, CIRCUIT_BREAKER_TASK_REASON, 1);
                    r.at(failAfter, x -> {
                        x.failDeployment(true);
                        x.rollBackAndFail(rollbackFailsAfter);
                    });
                });
    }

    /**
     * Tasks roll over as with {@link #stableAfter}, but at {@code requestedAt} somebody asks for a rollback that
     * ECS never gets to: the service deployment is ROLLBACK_REQUESTED from then on, yet the deployment completes at
     * {@code completesAt} and ends SUCCESSFUL. Give the service deployment alarms or another strategy
     * ({@link ServiceSpec#alarms}) for a rollout to look at it.
     */
    public static ServiceScript rollbackRequestedButCompletes(Duration requestedAt, Duration completesAt) {
        requireNonNegative(requestedAt);
        if (completesAt.compareTo(requestedAt) < 0) {
            throw new IllegalArgumentException("completesAt before requestedAt");
        }
        return new ServiceScript("rollbackRequestedButCompletes(" + requestedAt + ", " + completesAt + ")", false,
                false, r -> {
                    rollTasks(r, completesAt);
                    r.at(requestedAt, x -> x.serviceDeployment.rollbackRequested(ROLLBACK_REQUESTED_REASON,
                            x.previous(), x.now()));
                    r.at(completesAt, Rollout::complete);
                });
    }

    static final String ROLLBACK_REQUESTED_REASON = "Rollback requested by a user.";

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

    /**
     * ROLLING with CloudWatch alarms and a bake: tasks roll over as with {@link #stableAfter} and at
     * {@code rollsIn} the new deployment runs all desired tasks and the old one is gone, yet for
     * {@code bakeTimeInMinutes} more the deployment's rolloutState stays IN_PROGRESS and its service
     * deployment IN_PROGRESS with {@code alarms.status} MONITORING: ECS is still watching the alarms.
     * Then: COMPLETED, "deployment completed.", "has reached a steady state.", the service deployment
     * SUCCESSFUL with alarms MONITORING_COMPLETE.
     */
    public static ServiceScript rollingWithAlarms(Duration rollsIn, int bakeTimeInMinutes, String... alarmNames) {
        requireNonNegative(rollsIn);
        return configured("rollingWithAlarms(" + rollsIn + ", bake " + bakeTimeInMinutes + " min)",
                alarmConfig(bakeTimeInMinutes, false, alarmNames), r -> {
                    rollTasks(r, rollsIn);
                    r.at(rollsIn, Rollout::drainOld);
                    r.at(rollsIn.plusMinutes(r.serviceDeployment.config("/bakeTimeInMinutes").asInt()), Rollout::complete);
                });
    }

    /**
     * As {@link #rollingWithAlarms}, but {@code alarmAfter} into the bake the first alarm goes to
     * ALARM: the service deployment's {@code alarms.status} TRIGGERED with that alarm in
     * {@code triggeredAlarmNames}, the deployment's rolloutState FAILED. With {@code rollback} the
     * service deployment goes ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS and ROLLBACK_SUCCESSFUL as a
     * new PRIMARY on the previous task definition settles over {@code rollsIn}; without it the service
     * deployment is STOPPED and the service stays on the new task definition.
     */
    public static ServiceScript alarmFiresDuringBake(Duration rollsIn, int bakeTimeInMinutes, Duration alarmAfter,
            boolean rollback, String... alarmNames) {
        requireNonNegative(rollsIn);
        requireNonNegative(alarmAfter);
        if (alarmNames.length == 0) {
            throw new IllegalArgumentException("no alarm to fire");
        }
        return configured("alarmFiresDuringBake(" + rollsIn + ", " + alarmNames[0] + " after " + alarmAfter
                + ", rollback=" + rollback + ")", alarmConfig(bakeTimeInMinutes, rollback, alarmNames), r -> {
                    rollTasks(r, rollsIn);
                    r.at(rollsIn, Rollout::drainOld);
                    r.at(rollsIn.plus(alarmAfter), x -> x.alarmFires(alarmNames[0], rollback, rollsIn));
                });
    }

    /**
     * BLUE_GREEN: the green deployment scales up beside the blue one (two deployments in
     * DescribeServices from the first poll to the last but one), while the service deployment's
     * lifecycleStage moves PRE_SCALE_UP, SCALE_UP (green tasks start), POST_SCALE_UP,
     * TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT (green's
     * requestedProductionTrafficWeight 0 then 100), POST_PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME
     * ({@code bakeTimeInMinutes}) and CLEAN_UP, {@code eachStage} each (RECONCILE_SERVICE first when
     * more than one revision was running). At the end of CLEAN_UP blue is gone, green COMPLETED and the
     * service deployment SUCCESSFUL. Lifecycle hooks ({@link #withLambdaHook}, {@link #withPauseHook})
     * run at the start of their stage.
     */
    public static ServiceScript blueGreen(Duration eachStage, int bakeTimeInMinutes) {
        requireNonNegative(eachStage);
        ObjectNode config = strategyConfig("BLUE_GREEN", bakeTimeInMinutes);
        return configured("blueGreen(" + eachStage + ", bake " + bakeTimeInMinutes + " min)", config,
                r -> LifecycleStages.run(r, eachStage));
    }

    /**
     * LINEAR: as {@link #blueGreen}, with PRODUCTION_TRAFFIC_SHIFT moving green's
     * requestedProductionTrafficWeight by {@code stepPercent} at a time (ceil(100 / stepPercent) steps,
     * the first {@code eachStage} into the stage), {@code stepBakeTimeInMinutes} between steps and none
     * after the step that reaches 100.
     */
    public static ServiceScript linear(Duration eachStage, double stepPercent, int stepBakeTimeInMinutes,
            int bakeTimeInMinutes) {
        return shifting("LINEAR", eachStage, bakeTimeInMinutes, "linearConfiguration", "stepPercent", stepPercent,
                "stepBakeTimeInMinutes", stepBakeTimeInMinutes);
    }

    /**
     * CANARY: as {@link #blueGreen}, with PRODUCTION_TRAFFIC_SHIFT moving green's
     * requestedProductionTrafficWeight to {@code canaryPercent}, then after {@code canaryBakeTimeInMinutes}
     * to 100.
     */
    public static ServiceScript canary(Duration eachStage, double canaryPercent, int canaryBakeTimeInMinutes,
            int bakeTimeInMinutes) {
        return shifting("CANARY", eachStage, bakeTimeInMinutes, "canaryConfiguration", "canaryPercent", canaryPercent,
                "canaryBakeTimeInMinutes", canaryBakeTimeInMinutes);
    }

    /**
     * This script plus an AWS_LAMBDA lifecycle hook at {@code stage} (a DeploymentLifecycleHookStage
     * name) that answers {@code outcome}: the service deployment's lifecycleHookDetails show it
     * IN_PROGRESS for one stage's time, then SUCCEEDED (the deployment goes on), FAILED (rollback,
     * rollback.reason naming the hook) or, after {@code timeoutInMinutes}, TIMED_OUT (then
     * {@code timeoutAction}: CONTINUE goes on, ROLLBACK rolls back). Only staged scripts run hooks.
     */
    public ServiceScript withLambdaHook(String stage, HookOutcome outcome, int timeoutInMinutes, String timeoutAction) {
        Objects.requireNonNull(outcome, "outcome");
        String arn = "arn:aws:lambda:" + EcsModel.REGION + ":" + EcsModel.ACCOUNT + ":function:ecs-hook-"
                + stage.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        Map<String, HookOutcome> outcomes = new HashMap<>(hookOutcomes);
        outcomes.put(arn, outcome);
        ObjectNode hook = hook("AWS_LAMBDA", stage, timeoutInMinutes, timeoutAction);
        hook.put("hookTargetArn", arn).put("roleArn", "arn:aws:iam::" + EcsModel.ACCOUNT + ":role/ecsLifecycleHooks");
        return withHook(hook, outcomes, description + ".withLambdaHook(" + stage + ", " + outcome + ")");
    }

    /**
     * This script plus a PAUSE lifecycle hook at {@code stage}: the deployment stops there, status
     * IN_PROGRESS, its lifecycleHookDetails entry AWAITING_ACTION with a hookId, expiresAt ({@code
     * timeoutInMinutes} later) and timeoutAction, until ContinueServiceDeployment (CONTINUE goes on,
     * ROLLBACK rolls back) or until it expires (TIMED_OUT, then {@code timeoutAction}).
     */
    public ServiceScript withPauseHook(String stage, int timeoutInMinutes, String timeoutAction) {
        return withHook(hook("PAUSE", stage, timeoutInMinutes, timeoutAction), hookOutcomes,
                description + ".withPauseHook(" + stage + ")");
    }

    /**
     * ROLLING with earlySuccessCriteria: tasks roll over until {@code successAt}, when ECS calls the
     * deployment done (rolloutState COMPLETED, "deployment completed.", service deployment SUCCESSFUL)
     * although the service is not steady yet: with {@code healthyPercent} below 100 only that share of
     * the desired tasks runs (old deployment gone, running &lt; desired); with cleanup DEFERRED the old
     * deployment is still listed. At {@code stableAt} all desired tasks run on one deployment and the
     * event "has reached a steady state." follows.
     */
    public static ServiceScript earlySuccess(int healthyPercent, String sourceServiceRevisionCleanup, Duration successAt,
            Duration stableAt) {
        requireNonNegative(successAt);
        if (stableAt.compareTo(successAt) < 0) {
            throw new IllegalArgumentException("stableAt before successAt");
        }
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.putObject("earlySuccessCriteria").put("enable", true).put("healthyPercent", healthyPercent)
                .put("sourceServiceRevisionCleanup", sourceServiceRevisionCleanup);
        return configured("earlySuccess(" + healthyPercent + "%, " + sourceServiceRevisionCleanup + ")", config, r -> {
            r.at(Duration.ZERO, Rollout::matchDesiredCount);
            JsonNode criteria = r.serviceDeployment.config("/earlySuccessCriteria");
            int healthy = (int) Math.ceil(r.desiredCount() * criteria.path("healthyPercent").asInt(100) / 100.0);
            boolean deferred = "DEFERRED".equals(criteria.path("sourceServiceRevisionCleanup").asText());
            for (int i = 1; i <= healthy; i++) {
                r.at(successAt.multipliedBy(i).dividedBy(healthy + 1L), Rollout::replaceOneOldTask);
            }
            r.at(successAt, x -> {
                if (!deferred) {
                    x.removeOlderDeployments();
                }
                x.declareCompleted();
            });
            r.at(stableAt, Rollout::complete);
        });
    }

    void start(Rollout rollout) {
        rollout.script = this;
        behaviour.start(rollout);
    }

    /** What the AWS_LAMBDA hook with this target answers. */
    HookOutcome hookOutcome(String hookTargetArn) {
        return hookOutcomes.getOrDefault(hookTargetArn, HookOutcome.SUCCEEDED);
    }

    private ServiceScript withHook(ObjectNode hook, Map<String, HookOutcome> outcomes, String newDescription) {
        ObjectNode config = configuration.deepCopy();
        ArrayNode hooks = config.has("lifecycleHooks") ? (ArrayNode) config.get("lifecycleHooks") : config.putArray("lifecycleHooks");
        hooks.add(hook);
        return new ServiceScript(newDescription, circuitBreaker, rollback, behaviour, config, outcomes);
    }

    private static ObjectNode hook(String targetType, String stage, int timeoutInMinutes, String timeoutAction) {
        if (!LifecycleStages.HOOK_STAGES.contains(stage)) {
            throw new IllegalArgumentException("not a lifecycle hook stage: " + stage);
        }
        if (!List.of("CONTINUE", "ROLLBACK").contains(timeoutAction)) {
            throw new IllegalArgumentException("timeoutAction must be CONTINUE or ROLLBACK: " + timeoutAction);
        }
        ObjectNode hook = JsonNodeFactory.instance.objectNode();
        hook.put("targetType", targetType);
        hook.putArray("lifecycleStages").add(stage);
        hook.putObject("timeoutConfiguration").put("timeoutInMinutes", timeoutInMinutes).put("action", timeoutAction);
        return hook;
    }

    /** LINEAR or CANARY: blue/green stages with the production traffic shift its {@code member} configures. */
    private static ServiceScript shifting(String strategy, Duration eachStage, int bakeTimeInMinutes, String member,
            String percentField, double percent, String stepBakeField, int stepBakeTimeInMinutes) {
        requireNonNegative(eachStage);
        ObjectNode config = strategyConfig(strategy, bakeTimeInMinutes);
        config.putObject(member).put(percentField, percent).put(stepBakeField, stepBakeTimeInMinutes);
        return configured(strategy.toLowerCase(java.util.Locale.ROOT) + "(" + eachStage + ", " + percent + "%)", config,
                r -> LifecycleStages.run(r, eachStage));
    }

    private static ObjectNode strategyConfig(String strategy, int bakeTimeInMinutes) {
        if (bakeTimeInMinutes < 0) {
            throw new IllegalArgumentException("bakeTimeInMinutes < 0");
        }
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("strategy", strategy).put("bakeTimeInMinutes", bakeTimeInMinutes);
        return config;
    }

    private static ObjectNode alarmConfig(int bakeTimeInMinutes, boolean rollback, String... alarmNames) {
        ObjectNode config = strategyConfig("ROLLING", bakeTimeInMinutes);
        ArrayNode names = config.putObject("alarms").put("enable", true).put("rollback", rollback).putArray("alarmNames");
        for (String name : alarmNames) {
            names.add(name);
        }
        return config;
    }

    @Override
    public String toString() {
        return description;
    }

    static void rollToCompletion(Rollout r, Duration after) {
        rollTasks(r, after);
        r.at(after, Rollout::complete);
    }

    /** One new task per slot, evenly spread over {@code over}, so a poller sees the counts move, not jump. */
    private static void rollTasks(Rollout r, Duration over) {
        r.at(Duration.ZERO, Rollout::matchDesiredCount);
        int n = r.desiredCount();
        for (int i = 1; i <= n; i++) {
            r.at(over.multipliedBy(i).dividedBy(n + 1L), Rollout::replaceOneOldTask);
        }
    }

    static void crashCycles(Rollout r, Duration cycle, String reason, int exitCode) {
        r.at(Duration.ZERO, Rollout::matchDesiredCount);
        r.every(Duration.ZERO, cycle, x -> {
            SimTask task = x.startPendingTask();
            x.after(cycle.dividedBy(2), y -> y.crash(task, reason, exitCode));
        });
    }

    private static void breakerTrips(Rollout r, boolean rollback, Duration rollbackTakes) {
        r.failDeployment(rollback);
        if (rollback) {
            r.rollBack(rollbackTakes);
        }
    }

    /** The shorter of the two, but never below 10 ms: a real-time catch-up must not run millions of steps. */
    static Duration shorter(Duration a, Duration b) {
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
