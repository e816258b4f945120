package io.github.ecsrollout.internal.time;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The one factory of the library's threads: daemon threads named {@code ecs-rollout-...}, so that a thread dump (and
 * the tests that look for leftovers) tells them apart, and none keeps a JVM alive.
 */
public final class NamedThreads {

    /** What every name starts with. */
    public static final String PREFIX = "ecs-rollout-";

    private static final Map<String, AtomicLong> COUNTERS = new ConcurrentHashMap<>();

    private NamedThreads() {
    }

    /** The next number of a family of names ({@code call}, {@code listener}, ...): 1, 2, 3... for the JVM's life. */
    public static long next(String family) {
        return COUNTERS.computeIfAbsent(family, k -> new AtomicLong()).incrementAndGet();
    }

    /** A started daemon thread named {@code ecs-rollout-<family>-<n>}. */
    public static Thread start(String family, Runnable body) {
        Thread t = new Thread(body, PREFIX + family + "-" + next(family));
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * A factory of daemon threads named {@code ecs-rollout-<name>-1}, {@code -2}, ...; {@code created} hears of each
     * thread as it is made (to wait for them later).
     */
    public static ThreadFactory factory(String name, Consumer<Thread> created) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, PREFIX + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            created.accept(t);
            return t;
        };
    }
}
