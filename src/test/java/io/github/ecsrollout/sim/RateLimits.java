package io.github.ecsrollout.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ECS's request throttling (AWS documentation, "Amazon ECS API request throttling"): a token bucket per account and
 * Region for each action, the service-deployment actions sharing one. A bucket holds at most its burst, and refills at
 * its sustained rate on the simulator's clock: a {@link SimClock#scaled scaled} clock refills it that many times
 * faster in real time, a manual one only as a test advances it. A request that finds its bucket empty is answered as
 * ECS answers it, HTTP 400 {@code ThrottlingException} "Rate exceeded", and never reaches the model.
 *
 * <p>Off unless {@link SimulatedEcs#rateLimits(boolean)} turns it on, so tests that do not ask for it keep their
 * behaviour. Buckets start full.
 */
public final class RateLimits {

    /** A token bucket: up to {@code burst} requests at once, refilled at {@code perSecond} of simulated time. */
    public record Bucket(String name, int burst, double perSecond) {
    }

    public static final Bucket DESCRIBE_SERVICES = new Bucket("DescribeServices", 100, 20);
    public static final Bucket LIST_SERVICES = new Bucket("ListServices", 100, 20);
    public static final Bucket UPDATE_SERVICE = new Bucket("UpdateService", 50, 5);
    public static final Bucket LIST_TASKS = new Bucket("ListTasks", 100, 20);
    public static final Bucket DESCRIBE_TASKS = new Bucket("DescribeTasks", 100, 20);
    /** RegisterTaskDefinition: 20 at once, then 1 a second. */
    public static final Bucket REGISTER_TASK_DEFINITION = new Bucket("RegisterTaskDefinition", 20, 1);
    /** List/DescribeServiceDeployments and Stop/ContinueServiceDeployment, one bucket for the four. */
    public static final Bucket SERVICE_DEPLOYMENTS = new Bucket("ServiceDeployments", 50, 20);
    public static final Bucket DESCRIBE_SERVICE_REVISIONS = new Bucket("DescribeServiceRevisions", 50, 20);

    private static final Map<String, Bucket> BY_OPERATION = byOperation();

    private final Clock clock;
    private volatile boolean on;
    private final Map<Bucket, Level> levels = new HashMap<>();
    private final Map<String, AtomicInteger> throttled = new ConcurrentHashMap<>();

    RateLimits(Clock clock) {
        this.clock = clock;
    }

    private static Map<String, Bucket> byOperation() {
        Map<String, Bucket> m = new HashMap<>();
        for (Bucket b : List.of(DESCRIBE_SERVICES, LIST_SERVICES, UPDATE_SERVICE, LIST_TASKS, DESCRIBE_TASKS,
                REGISTER_TASK_DEFINITION, DESCRIBE_SERVICE_REVISIONS)) {
            m.put(b.name(), b);
        }
        Faults.SERVICE_DEPLOYMENT_OPERATIONS.forEach(op -> m.put(op, SERVICE_DEPLOYMENTS));
        return Map.copyOf(m);
    }

    /** The bucket an operation draws from, or {@code null} for one ECS does not throttle here. */
    public static Bucket bucketOf(String operation) {
        return BY_OPERATION.get(operation);
    }

    void enable(boolean enabled) {
        on = enabled;
    }

    public boolean isOn() {
        return on;
    }

    /** Takes a token for one request of {@code operation}; false (throttled) when its bucket is empty. */
    boolean tryAcquire(String operation) {
        Bucket bucket = BY_OPERATION.get(operation);
        if (!on || bucket == null) {
            return true;
        }
        boolean taken;
        synchronized (levels) {
            taken = levels.computeIfAbsent(bucket, b -> new Level(b, clock.instant())).take(clock.instant());
        }
        if (!taken) {
            throttled.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        }
        return taken;
    }

    /** Requests of {@code operation} answered ThrottlingException so far. */
    public int throttled(String operation) {
        AtomicInteger n = throttled.get(operation);
        return n == null ? 0 : n.get();
    }

    /** Throttled requests so far, by operation. */
    public Map<String, Integer> throttled() {
        Map<String, Integer> m = new HashMap<>();
        throttled.forEach((op, n) -> m.put(op, n.get()));
        return m;
    }

    /** Tokens left in {@code operation}'s bucket now (a full bucket until first used). */
    public double tokens(String operation) {
        Bucket bucket = BY_OPERATION.get(operation);
        synchronized (levels) {
            Level level = levels.get(bucket);
            return level == null ? bucket.burst() : level.refill(clock.instant());
        }
    }

    /** One bucket's level; guarded by {@code levels}. */
    private static final class Level {
        private final Bucket bucket;
        private double tokens;
        private Instant refilled;

        Level(Bucket bucket, Instant now) {
            this.bucket = bucket;
            this.tokens = bucket.burst();
            this.refilled = now;
        }

        double refill(Instant now) {
            if (now.isAfter(refilled)) {
                double seconds = Duration.between(refilled, now).toNanos() / 1e9;
                tokens = Math.min(bucket.burst(), tokens + seconds * bucket.perSecond());
                refilled = now;
            }
            return tokens;
        }

        boolean take(Instant now) {
            if (refill(now) >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
