package io.github.ecsrollout.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rate and size figures benchmarks read, on calls with made-up arrival times. */
class SimStatsTest {

    private static final long MS = 1_000_000L;

    private static SimStats.Call describe(long atMillis, int services) {
        return new SimStats.Call("DescribeServices", "prod", services, 200, atMillis * MS, Instant.EPOCH);
    }

    @Test
    void peakPerSecondIsTheBusiestOneSecondWindow() {
        SimStats stats = new SimStats();
        for (long t : new long[] {0, 100, 900, 1_500, 1_600, 1_700, 1_800, 2_400, 5_000}) {
            stats.record(describe(t, 10));
        }
        stats.record(new SimStats.Call("UpdateService", "prod", 1, 200, 1_650 * MS, Instant.EPOCH));
        // 900..1800 holds 5 calls; 1500..2400 holds 5 too (2400 - 1500 < 1000); never 6.
        assertEquals(5, stats.peakPerSecond("DescribeServices"));
        assertEquals(1, stats.peakPerSecond("UpdateService"));
        assertEquals(0, stats.peakPerSecond("ListTasks"));
    }

    @Test
    void windowIsHalfOpen() {
        SimStats stats = new SimStats();
        stats.record(describe(0, 1));
        stats.record(describe(1_000, 1));
        assertEquals(1, stats.peakPerSecond("DescribeServices"), "calls exactly one second apart are in different windows");
    }

    @Test
    void countsAndLargestDescribe() {
        SimStats stats = new SimStats();
        stats.record(describe(0, 3));
        stats.record(describe(1, 10));
        stats.record(new SimStats.Call("UpdateService", "prod", 1, 400, 2, Instant.EPOCH));
        assertEquals(Map.of("DescribeServices", 2, "UpdateService", 1), stats.counts());
        assertEquals(10, stats.maxServicesPerDescribeServices());
        assertEquals(3, stats.total());
        stats.reset();
        assertEquals(Map.of(), stats.counts());
    }
}
