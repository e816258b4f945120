package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.SimulatedEcs;
import io.github.ecsrollout.support.HoldingProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * A response that starts and never ends (headers and part of a body, then a silent open socket), from a raw-socket
 * proxy in front of the simulated ECS: the JDK's HttpURLConnection waits for the rest until its socket read timeout
 * (30 s by default), and the SDK's own apiCallTimeout cannot cut it short. A rollout with a timeout must still end at
 * its timeout, with the client it builds itself and with a caller's; a terminal verdict of one chunk must not wait for
 * another chunk's stuck call. The generous bounds here only catch a hang; the benchmark measures the real lateness.
 *
 * <p>Kept on real time on purpose ({@link RealTime}): a socket that never answers holds a call, and the call's own
 * thread, in real time, and a rollout on a virtual clock takes its calls to need none of its time. Several chunks are
 * also watched on the pool of chunk threads only on the system clock.
 */
@Timeout(120)
@RealTime("a response that never ends holds a socket, and a call's thread, in real time")
class StuckResponseIT extends ItBase {

    /** Far above timeout plus bound, far below the 30 s socket read timeout a hang would wait for. */
    private static final Duration NO_HANG = Duration.ofSeconds(12);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** Whose EcsClient the rollout uses. */
    enum ClientKind { CALLERS, OWN }

    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** The SDK properties that point a client the library builds at the proxy; the SDK reads some at each call. */
    private final Map<String, String> ownClientProperties = new HashMap<>();

    @AfterEach
    void closeProxyAndRollouts() throws Exception {
        // Closing the proxy ends the stuck reads, so the threads left with them end before ItBase counts them.
        for (AutoCloseable c : toClose) {
            c.close();
        }
        ownClientProperties.keySet().forEach(System::clearProperty);
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(ClientKind.class)
    void aStuckDescribeServicesEndsTheRolloutAtItsTimeout(ClientKind kind) {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMillis(50)));
        // Held once the update went out: the DescribeServices that reads the service before it is answered.
        AtomicBoolean updateSent = new AtomicBoolean();
        HoldingProxy proxy = proxy(r -> {
            if (r.operation().equals("UpdateService")) {
                updateSent.set(true);
            }
            return r.operation().equals("DescribeServices") && updateSent.get();
        });

        RolloutNotStableException e = assertTimeoutPreemptively(NO_HANG,
                () -> failure(() -> rollout(kind, proxy, TIMEOUT).rollOut("prod", "web", "web:2")));

        assertEquals(Reason.TIMED_OUT, e.reason(), e.getMessage());
        assertEquals(List.of("web"), e.updatedServices());
        assertEquals(List.of("web"), e.unstableServices());
        assertTrue(proxy.held() >= 1, "a DescribeServices answer was held");
        assertTrue(liveCallThreads() >= 1, "the stuck call's thread is still reading, under the library's name");
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(ClientKind.class)
    void aStuckUpdateServiceEndsTheRolloutAtItsTimeoutAsPossiblyApplied(ClientKind kind) {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMillis(50)));
        sim.createService("prod", "api", ServiceScript.stableAfter(Duration.ofMillis(50)));
        HoldingProxy proxy = proxy(r -> r.operation().equals("UpdateService") && r.body().contains("\"web\""));

        RolloutNotStableException e = assertTimeoutPreemptively(NO_HANG,
                () -> failure(() -> rollout(kind, proxy, TIMEOUT)
                        .rollOut(toRevision("prod", List.of("api", "web"), 2))));

        assertEquals(Reason.TIMED_OUT, e.reason(), e.getMessage());
        assertEquals(List.of("api"), e.updatedServices());
        assertEquals(List.of("web"), e.possiblyUpdatedServices(), "its answer was lost: ECS may have applied it");
    }

    /**
     * Chunk 1 (services 00-09) holds a missing service, which the first poll shows; chunk 2's DescribeServices
     * answer never ends. The verdict is returned at once, with or without a timeout, while chunk 2's thread still
     * reads.
     */
    @ParameterizedTest(name = "timeout {0}")
    @ValueSource(booleans = {false, true})
    void aTerminalVerdictIsNotHeldBackByAnotherChunksStuckCall(boolean withTimeout) {
        List<String> services = names("svc", 20);
        for (String s : services) {
            if (!s.equals("svc-03")) {
                sim.createService("prod", s, ServiceScript.neverStable());
            }
        }
        HoldingProxy proxy = proxy(r -> r.operation().equals("DescribeServices") && r.body().contains("svc-15"));
        ServiceRollout rollout = rollout(ClientKind.CALLERS, proxy, withTimeout ? Duration.ofSeconds(60) : null);

        RolloutNotStableException e = assertTimeoutPreemptively(NO_HANG,
                () -> failure(() -> rollout.awaitStable("prod", services)));

        assertEquals(Reason.SERVICE_MISSING, e.reason(), e.getMessage());
        assertEquals(List.of("svc-03"), e.unstableServices().stream().filter(s -> s.equals("svc-03")).toList());
        assertEquals(1, proxy.held());
    }

    private HoldingProxy proxy(Predicate<HoldingProxy.Request> hold) {
        HoldingProxy proxy = HoldingProxy.start(sim.endpoint(), hold);
        toClose.add(0, proxy);
        return proxy;
    }

    /**
     * A rollout through the proxy: on a caller's client with the SDK's defaults (30 s socket read timeout), or on the
     * client {@code ServiceRollout} builds itself, pointed at the proxy the way a user would point it anywhere: the
     * SDK's {@code aws.endpointUrl}, {@code aws.region} and credentials system properties (until the test ends).
     */
    private ServiceRollout rollout(ClientKind kind, HoldingProxy proxy, Duration timeout) {
        ServiceRollout.Builder b = ServiceRollout.builder().delay(DELAY)
                .maxDescribeServicesPerSecond(DESCRIBES_PER_SECOND);
        if (timeout != null) {
            b.timeout(timeout);
        }
        if (kind == ClientKind.CALLERS) {
            EcsClient client = SimulatedEcs.clientFor(proxy.endpoint(), o -> { });
            toClose.add(client);
            return b.ecsClient(client).build();
        }
        ownClientProperties.putAll(Map.of("aws.endpointUrl", proxy.endpoint().toString(),
                "aws.region", "us-east-1", "aws.accessKeyId", "test", "aws.secretAccessKey", "test"));
        ownClientProperties.forEach(System::setProperty);
        ServiceRollout own = b.build();
        toClose.add(own);
        return own;
    }

    private static long liveCallThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("ecs-rollout-call-"))
                .count();
    }
}
