package io.github.ecsrollout.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the simulated endpoint was asked: one {@link Call} per HTTP request (so per SDK attempt,
 * faulted ones included). Tests assert on it ("no DescribeServices carried more than 10
 * services"), benchmarks compute request rates from it.
 */
public final class SimStats {

    /**
     * One request. {@code services} is the number of services asked for (DescribeServices) or 1
     * (UpdateService), else 0; {@code httpStatus} is 0 while the answer is still being prepared
     * and -1 if none was sent (dropped connection); {@code nanoTime} is {@link System#nanoTime()}
     * on arrival (real time, for rates), {@code simTime} the simulator clock on arrival.
     */
    public record Call(String operation, String cluster, int services, int httpStatus, long nanoTime, Instant simTime) {
    }

    /** A request recorded on arrival, so counts include requests still sleeping in a delay. */
    static final class Entry {
        private volatile Call call;

        private Entry(Call call) {
            this.call = call;
        }

        void completed(int httpStatus) {
            Call c = call;
            call = new Call(c.operation(), c.cluster(), c.services(), httpStatus, c.nanoTime(), c.simTime());
        }
    }

    private final List<Entry> calls = new ArrayList<>();

    Entry arrived(String operation, String cluster, int services, long nanoTime, Instant simTime) {
        Entry e = new Entry(new Call(operation, cluster, services, 0, nanoTime, simTime));
        synchronized (this) {
            calls.add(e);
        }
        return e;
    }

    synchronized void record(Call call) {
        calls.add(new Entry(call));
    }

    public synchronized List<Call> calls() {
        return calls.stream().map(e -> e.call).toList();
    }

    public synchronized List<Call> calls(String operation) {
        return calls().stream().filter(c -> c.operation().equals(operation)).toList();
    }

    public synchronized int count(String operation) {
        return (int) calls().stream().filter(c -> c.operation().equals(operation)).count();
    }

    /** Requests per operation, sorted by name. */
    public synchronized Map<String, Integer> counts() {
        Map<String, Integer> counts = new TreeMap<>();
        calls().forEach(c -> counts.merge(c.operation(), 1, Integer::sum));
        return counts;
    }

    public synchronized int total() {
        return calls.size();
    }

    /** The most services any single DescribeServices request asked for (0 if none). */
    public synchronized int maxServicesPerDescribeServices() {
        return calls().stream().filter(c -> c.operation().equals("DescribeServices"))
                .mapToInt(Call::services).max().orElse(0);
    }

    /** The most requests of {@code operation} that arrived within any one-second window of real time. */
    public synchronized int peakPerSecond(String operation) {
        long[] times = calls().stream().filter(c -> c.operation().equals(operation)).mapToLong(Call::nanoTime)
                .sorted().toArray();
        long window = TimeUnit.SECONDS.toNanos(1);
        int peak = 0;
        for (int lo = 0, hi = 0; hi < times.length; hi++) {
            while (times[hi] - times[lo] >= window) {
                lo++;
            }
            peak = Math.max(peak, hi - lo + 1);
        }
        return peak;
    }

    public synchronized void reset() {
        calls.clear();
    }
}
