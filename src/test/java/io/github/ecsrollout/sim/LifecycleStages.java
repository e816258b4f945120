package io.github.ecsrollout.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The lifecycle stages of a BLUE_GREEN, LINEAR or CANARY deployment, one after the other, with the
 * lifecycle hooks configured for each: green scales up beside blue, test then production traffic
 * shifts to it, the bake runs, blue is cleaned up. Each stage is one chain of rollout steps, so a
 * newer deployment cancels the rest as it cancels any script; a PAUSE hook ends the chain until
 * ContinueServiceDeployment or its expiry picks it up again.
 */
final class LifecycleStages {

    /** The stages a lifecycle hook can name (DeploymentLifecycleHookStage). */
    static final List<String> HOOK_STAGES = List.of("RECONCILE_SERVICE", "PRE_SCALE_UP", "POST_SCALE_UP",
            "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT", "PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT",
            "POST_PRODUCTION_TRAFFIC_SHIFT");
    /** What ECS documents for a hook without timeoutConfiguration is not public; an hour is assumed. */
    static final int DEFAULT_HOOK_TIMEOUT_MINUTES = 60;

    private final Rollout rollout;
    private final SimServiceDeployment sd;
    private final Duration each;
    private final List<String> stages = new ArrayList<>();

    private LifecycleStages(Rollout rollout, Duration each) {
        this.rollout = rollout;
        this.sd = rollout.serviceDeployment;
        this.each = each;
        // RECONCILE_SERVICE "only happens when you start a new service deployment with more than 1 service
        // revision in an ACTIVE state" (ServiceDeployment.lifecycleStage).
        if (sd.sources.size() > 1) {
            stages.add("RECONCILE_SERVICE");
        }
        stages.addAll(List.of("PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT",
                "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"));
    }

    static void run(Rollout rollout, Duration each) {
        LifecycleStages stages = new LifecycleStages(rollout, each);
        rollout.at(Duration.ZERO, r -> {
            r.matchDesiredCount();
            stages.enter(0);
        });
    }

    private void enter(int i) {
        String stage = stages.get(i);
        sd.stage(stage, rollout.now());
        List<JsonNode> hooks = new ArrayList<>();
        if (stage.equals("PRODUCTION_TRAFFIC_SHIFT")) {
            hooks.addAll(hooksAt("PRE_PRODUCTION_TRAFFIC_SHIFT")); // no stage of its own: before any traffic moves
        }
        hooks.addAll(hooksAt(stage));
        runHooks(hooks, 0, () -> work(i));
    }

    private void work(int i) {
        Runnable next = () -> enter(i + 1);
        switch (stages.get(i)) {
            case "SCALE_UP" -> {
                int n = rollout.desiredCount();
                for (int k = 1; k <= n; k++) {
                    rollout.after(each.multipliedBy(k).dividedBy(n + 1L), Rollout::startNewTask);
                }
                rollout.after(each, r -> next.run());
            }
            case "TEST_TRAFFIC_SHIFT" -> rollout.after(each, r -> {
                sd.testWeight = 100.0;
                sd.updatedAt = r.now();
                next.run();
            });
            case "PRODUCTION_TRAFFIC_SHIFT" -> shiftProductionTraffic(next);
            case "BAKE_TIME" -> rollout.after(Duration.ofMinutes(sd.config("/bakeTimeInMinutes").asInt(0)), r -> next.run());
            case "CLEAN_UP" -> rollout.after(each, Rollout::complete);
            default -> rollout.after(each, r -> next.run());
        }
    }

    /**
     * The target's requestedProductionTrafficWeight in steps: BLUE_GREEN 100 at once, LINEAR stepPercent
     * at a time with stepBakeTimeInMinutes between (none after 100), CANARY canaryPercent then the rest
     * after canaryBakeTimeInMinutes. The first shift comes one stage time into the stage, the stage ends
     * with the last.
     */
    private void shiftProductionTraffic(Runnable next) {
        List<Double> weights = new ArrayList<>();
        Duration bake = Duration.ZERO;
        switch (sd.strategy()) {
            case "LINEAR" -> {
                double step = sd.config("/linearConfiguration/stepPercent").asDouble(10.0);
                bake = Duration.ofMinutes(sd.config("/linearConfiguration/stepBakeTimeInMinutes").asInt(6));
                for (int k = 1; k <= Math.ceil(100.0 / step); k++) {
                    weights.add(Math.min(100.0, Math.round(k * step * 1000) / 1000.0));
                }
            }
            case "CANARY" -> {
                weights.add(sd.config("/canaryConfiguration/canaryPercent").asDouble(5.0));
                weights.add(100.0);
                bake = Duration.ofMinutes(sd.config("/canaryConfiguration/canaryBakeTimeInMinutes").asInt(10));
            }
            default -> weights.add(100.0);
        }
        Duration at = each;
        for (int k = 0; k < weights.size(); k++) {
            double weight = weights.get(k);
            boolean last = k == weights.size() - 1;
            rollout.after(at, r -> {
                sd.productionWeight = weight;
                sd.updatedAt = r.now();
                if (last) {
                    next.run();
                }
            });
            at = at.plus(bake);
        }
    }

    private List<JsonNode> hooksAt(String stage) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode hook : sd.config("/lifecycleHooks")) {
            for (JsonNode s : hook.path("lifecycleStages")) {
                if (s.asText().equals(stage)) {
                    found.add(hook);
                }
            }
        }
        return found;
    }

    /** Runs the hooks one after the other, then {@code then}; a failed hook rolls the deployment back instead. */
    private void runHooks(List<JsonNode> hooks, int k, Runnable then) {
        if (k == hooks.size()) {
            then.run();
            return;
        }
        JsonNode hook = hooks.get(k);
        String type = hook.path("targetType").asText();
        String timeoutAction = hook.at("/timeoutConfiguration/action").asText("ROLLBACK");
        Duration timeout = Duration.ofMinutes(hook.at("/timeoutConfiguration/timeoutInMinutes")
                .asInt(DEFAULT_HOOK_TIMEOUT_MINUTES));
        boolean pause = type.equals("PAUSE");
        String hookId = (pause ? "ecs-pause-" : "ecs-hook-") + rollout.service().model.newServiceDeploymentToken()
                + rollout.service().model.newServiceDeploymentToken();
        SimServiceDeployment.HookRun run = new SimServiceDeployment.HookRun(hookId, type,
                hook.path("hookTargetArn").asText(null), timeoutAction, pause ? "AWAITING_ACTION" : "IN_PROGRESS");
        sd.hooks.add(run);
        sd.updatedAt = rollout.now();
        Runnable goOn = () -> runHooks(hooks, k + 1, then);
        if (pause) {
            run.expiresAt = rollout.now().plus(timeout);
            sd.onHookAction = action -> rollout.atInstant(rollout.service().model.now(), r -> {
                sd.onHookAction = null;
                finish(run, action.equals("CONTINUE") ? "SUCCEEDED" : "FAILED", action, goOn);
            });
            rollout.after(timeout, r -> {
                if (run.status.equals("AWAITING_ACTION")) {
                    sd.onHookAction = null;
                    finish(run, "TIMED_OUT", timeoutAction, goOn);
                }
            });
            return;
        }
        switch (rollout.script.hookOutcome(run.targetArn)) {
            case SUCCEEDED -> rollout.after(each, r -> finish(run, "SUCCEEDED", "CONTINUE", goOn));
            case FAILED -> rollout.after(each, r -> finish(run, "FAILED", "ROLLBACK", goOn));
            case TIMED_OUT -> rollout.after(timeout, r -> finish(run, "TIMED_OUT", timeoutAction, goOn));
            default -> throw new IllegalStateException();
        }
    }

    private void finish(SimServiceDeployment.HookRun run, String status, String action, Runnable goOn) {
        run.status = status;
        sd.updatedAt = rollout.now();
        if (action.equals("CONTINUE")) {
            goOn.run();
            return;
        }
        String hook = run.targetArn != null ? run.targetArn : run.hookId;
        String why = switch (status) {
            case "TIMED_OUT" -> "timed out";
            case "FAILED" -> run.targetType.equals("PAUSE") ? "was answered ROLLBACK" : "failed";
            default -> "asked for a rollback";
        };
        rollout.rollBack(each.multipliedBy(2), "Lifecycle hook " + hook + " " + why + " at stage " + sd.lifecycleStage + ".");
    }
}
