package io.github.ecsrollout.internal.model;

import io.github.ecsrollout.RolloutClock;
import io.github.ecsrollout.RolloutListener;
import java.time.Duration;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;

/**
 * A {@code ServiceRollout}'s settings, as its builder validated them: the one immutable value every part of a rollout
 * reads. Values the caller left unset are {@code null}; the derived accessors ({@link #attempts()},
 * {@link #describeServicesPerSecond()}) say what applies then.
 *
 * @param ecs the client every ECS call goes through
 * @param delay pause between polls of a chunk
 * @param maxAttempts polls per chunk as the caller set them, or {@code null}
 * @param timeout one deadline for the whole call, or {@code null}
 * @param maxConcurrency chunks watched at once
 * @param listener progress listener, never {@code null}
 * @param fetchStoppedTasks whether failures fetch the failed deployment's stopped tasks
 * @param rollbackOnFailure whether failures put changed services back on their previous task definition
 * @param rollbackTimeout how long the rollback's wait may take, or {@code null}
 * @param maxDescribeServicesPerSecond the caller's DescribeServices rate, or {@code null}
 * @param maxUpdateServicePerSecond the caller's UpdateService rate, or {@code null}
 * @param succeedAtStage the service-deployment stage at which a service counts as deployed, or {@code null}
 * @param clock the clock every wait and deadline goes through
 */
public record RolloutSettings(EcsClient ecs, Duration delay, Integer maxAttempts, Duration timeout, int maxConcurrency,
        RolloutListener listener, boolean fetchStoppedTasks, boolean rollbackOnFailure, Duration rollbackTimeout,
        Double maxDescribeServicesPerSecond, Double maxUpdateServicePerSecond,
        ServiceDeploymentLifecycleStage succeedAtStage, RolloutClock clock) {

    /** The polls per chunk unless set: 40, the SDK waiter's own. */
    public static final int DEFAULT_MAX_ATTEMPTS = 40;
    /** DescribeServices calls allowed per poll delay unless a rate is set. */
    public static final int DEFAULT_DESCRIBE_SERVICES_PER_DELAY = 150;
    /** The slowest default rate: 10 DescribeServices calls a second, 150 per default 15-second delay. */
    public static final double MIN_DEFAULT_DESCRIBE_SERVICES_PER_SECOND = 10;
    /**
     * The fastest default rate: 20 DescribeServices calls a second, what ECS sustains per account and Region; a faster
     * pace would only be throttled and, once the SDK's retries ran out, end a healthy rollout in API_ERROR.
     */
    public static final double MAX_DEFAULT_DESCRIBE_SERVICES_PER_SECOND = 20;
    /** UpdateService calls a second unless set: what ECS sustains per account and Region. */
    public static final double DEFAULT_UPDATE_SERVICE_PER_SECOND = 5;
    /**
     * UpdateService calls that go out at once before the rate applies: ECS's bucket for them holds 50, and the 10 left
     * over absorb calls that arrive closer together than they were sent (the first one is the slowest to arrive, a
     * new connection), which would otherwise be refused one by one at the edge of the bucket.
     */
    public static final int UPDATE_SERVICE_BURST = 40;
    /**
     * RegisterTaskDefinition calls a second after a burst of {@link #REGISTER_TASK_DEFINITION_BURST}: what ECS sustains
     * per account and Region (its bucket for registrations holds 20, refilled at 1 a second).
     */
    public static final double REGISTER_TASK_DEFINITION_PER_SECOND = 1;
    /**
     * RegisterTaskDefinition calls that go out at once: 15 of ECS's 20, the 5 left for the account's other callers (a
     * pipeline registering at the same time) and for calls that arrive closer together than they left.
     */
    public static final int REGISTER_TASK_DEFINITION_BURST = 15;

    /**
     * Saturates each duration to what a {@code long} of nanoseconds holds (about 292 years), so that every part of a
     * rollout can take any duration the builder accepted, {@code ChronoUnit.FOREVER} included, in nanoseconds.
     */
    public RolloutSettings {
        delay = Durations.saturate(delay);
        timeout = Durations.saturate(timeout);
        rollbackTimeout = Durations.saturate(rollbackTimeout);
    }

    /**
     * The polls each chunk may make: the caller's {@code maxAttempts}; else, with a timeout, as many as the timeout
     * allows; else {@link #DEFAULT_MAX_ATTEMPTS}.
     */
    public int attempts() {
        return maxAttempts != null ? maxAttempts : timeout != null ? Integer.MAX_VALUE : DEFAULT_MAX_ATTEMPTS;
    }

    /**
     * The polls each chunk may make when the longest deployment takes at least {@code longest}: {@link #attempts()},
     * grown by as many delays as {@code longest} spans when the caller bounded nothing, so that a healthy blue/green
     * rollout does not time out in its bake.
     */
    public int attemptsCovering(Duration longest) {
        int attempts = attempts();
        if (isBounded() || delay.isZero() || longest.isZero()) {
            return attempts;
        }
        long extra = Durations.ceilDiv(longest, delay);
        return (int) Math.min(Integer.MAX_VALUE, (long) attempts + extra);
    }

    /** These settings for a plan, which writes nothing: no listener to tell, no stopped tasks to fetch. */
    public RolloutSettings forPlan() {
        return new RolloutSettings(ecs, delay, maxAttempts, timeout, maxConcurrency, RolloutListener.NONE, false,
                rollbackOnFailure, rollbackTimeout, maxDescribeServicesPerSecond, maxUpdateServicePerSecond,
                succeedAtStage, clock);
    }

    /** Whether the caller bounded the wait, by a timeout or by maxAttempts. */
    public boolean isBounded() {
        return maxAttempts != null || timeout != null;
    }

    /**
     * The most DescribeServices calls a second: the caller's rate, else {@link #DEFAULT_DESCRIBE_SERVICES_PER_DELAY}
     * per delay but never fewer than {@link #MIN_DEFAULT_DESCRIBE_SERVICES_PER_SECOND} (what the default delay
     * gives), so that a long delay does not starve the calls, nor more than
     * {@link #MAX_DEFAULT_DESCRIBE_SERVICES_PER_SECOND}, what ECS sustains; 0 (no limit) for a zero delay.
     */
    public double describeServicesPerSecond() {
        if (maxDescribeServicesPerSecond != null) {
            return maxDescribeServicesPerSecond;
        }
        return delay.isZero() ? 0 : Math.min(MAX_DEFAULT_DESCRIBE_SERVICES_PER_SECOND, Math.max(
                MIN_DEFAULT_DESCRIBE_SERVICES_PER_SECOND, DEFAULT_DESCRIBE_SERVICES_PER_DELAY * 1e9 / delay.toNanos()));
    }

    /** The most UpdateService calls a second after a burst of {@link #UPDATE_SERVICE_BURST}: the caller's, or ECS's. */
    public double updateServicePerSecond() {
        return maxUpdateServicePerSecond != null ? maxUpdateServicePerSecond : DEFAULT_UPDATE_SERVICE_PER_SECOND;
    }

    /**
     * The parts a timeout is shared in when rollbackOnFailure is set without a rollbackTimeout: one is the rollback's.
     */
    private static final int DEFAULT_ROLLBACK_PARTS = 3;
    /**
     * The share of a timeout reserved for a rollback when rollbackOnFailure is set without a rollbackTimeout: a third.
     */
    public static final double DEFAULT_ROLLBACK_SHARE = 1.0 / DEFAULT_ROLLBACK_PARTS;

    /** The longest rollbackTimeout a timeout leaves the rollout's own wait room for: half of it. */
    public static Duration maxRollbackTimeout(Duration timeout) {
        return timeout.dividedBy(2);
    }

    /**
     * The rollback's default time after a wait of {@code wait} (a {@code watch}'s budget): the rollback's share of the
     * whole, as a timeout's default share gives it (half the wait, for a third of the whole).
     */
    public static Duration defaultRollbackAfter(Duration wait) {
        return wait.dividedBy(DEFAULT_ROLLBACK_PARTS - 1);
    }

    /**
     * How long the forward part of a call (updates and wait) may take: the timeout, less what is reserved for a
     * rollback when one may follow (the rollbackTimeout, at most half the timeout; else {@link #DEFAULT_ROLLBACK_SHARE}
     * of it), so the rollback fits in the same timeout; {@code null} without a timeout.
     */
    public Duration forwardTimeout() {
        if (timeout == null || !rollbackOnFailure) {
            return timeout;
        }
        Duration reserve = rollbackTimeout == null ? timeout.dividedBy(DEFAULT_ROLLBACK_PARTS)
                : Durations.min(rollbackTimeout, maxRollbackTimeout(timeout));
        return timeout.minus(reserve);
    }

    /** These settings for a rollback's own wait: no listener, no diagnostics, no rollback of the rollback. */
    public RolloutSettings forRollbackWait(Duration bound) {
        return new RolloutSettings(ecs, delay, bound == null ? Integer.valueOf(attempts()) : null, bound,
                maxConcurrency, RolloutListener.NONE, false, false, null, maxDescribeServicesPerSecond,
                maxUpdateServicePerSecond, null, clock);
    }

    /** These settings, judging by the verdict settings a checkpoint carries, which the rollout started with. */
    public RolloutSettings following(ServiceDeploymentLifecycleStage checkpointStage, boolean checkpointRollback) {
        return new RolloutSettings(ecs, delay, maxAttempts, timeout, maxConcurrency, listener, fetchStoppedTasks,
                checkpointRollback, rollbackTimeout, maxDescribeServicesPerSecond, maxUpdateServicePerSecond,
                checkpointStage, clock);
    }
}
