package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.sim.Faults;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.SimulatedEcs;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.ServerException;

/**
 * Faults on the wire, as the real SDK client meets them: bursts its retries absorb must not change the verdict, faults
 * that persist must end in {@link Reason#API_ERROR} with the SDK's exception as cause, and a slow endpoint must end in
 * a verdict, never a hang. On the virtual clock the rollout shares with the simulator, except the slow endpoint, kept
 * on real time on purpose ({@link RealTime}): its answers are late in real time, which the client's apiCallTimeout
 * counts.
 */
@Timeout(60)
class FaultsIT extends ItBase {

    /** Bounds the calls that must not hang; far above what they take. */
    private static final Duration NO_HANG = Duration.ofSeconds(20);

    private static void inject(Faults.Plan plan, String fault) {
        switch (fault) {
            case "throttle" -> plan.throttle();
            case "serverError" -> plan.serverError();
            case "malformedJson" -> plan.malformedJson();
            case "dropConnection" -> plan.dropConnection();
            default -> throw new IllegalArgumentException(fault);
        }
    }

    /**
     * Three faults in a row on UpdateService, on the first poll, and again on any call once ECS answered the first
     * poll, in the middle of the wait. One call may meet the end of one burst and all of the next: a client with 7
     * attempts per call absorbs them, and the rollout succeeds as if nothing had happened.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"throttle", "serverError", "malformedJson", "dropConnection"})
    void burstsTheSdkRetriesAbsorbLeaveTheVerdictUnchanged(String fault) {
        List<String> services = names("web", 12);
        // The last one takes longer, so the wait outlives the burst injected in its middle.
        services.forEach(s -> sim.createService("prod", s, ServiceScript.stableAfter(Duration.ofMillis(
                s.equals(services.get(11)) ? 600 : 150))));
        inject(sim.faults().next(3, "UpdateService"), fault);
        inject(sim.faults().next(3, "DescribeServices"), fault);
        AtomicBoolean midway = new AtomicBoolean();
        sim.once(a -> a.operation().equals("DescribeServices") && a.ok(), a -> {
            midway.set(true);
            inject(sim.faults().next(3, Faults.ANY), fault);
        });

        RolloutResult result = rollout(fastRetryClient(7)).build().rollOut(toRevision("prod", services, 2));

        assertEquals(services, result.serviceNames());
        assertTrue(result.services().stream().allMatch(ServiceState::isStable));
        assertTrue(midway.get());
        assertEquals(0, sim.faults().pending(), "all nine faults were met, and retried");
        if (!fault.equals("malformedJson")) { // a malformed body travels with HTTP 200
            assertEquals(9, sim.stats().calls().stream().filter(c -> c.httpStatus() != 200).count());
        }
        for (String s : services) {
            assertTrue(sim.service("prod", s).taskDefinition().endsWith(ofRevision(s, 2)));
            assertEquals(1, sim.service("prod", s).deploymentCount(), "one deployment, however many attempts");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"malformedJson", "dropConnection", "throttle", "serverError"})
    void aFaultThatPersistsEndsInApiErrorWithTheSdkExceptionAsCause(String fault) {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMillis(50)));
        // From the update on: the read before it finds the service (a fault there ends the rollout before any
        // update), the polls meet the fault.
        sim.once(a -> a.operation().equals("UpdateService"), a -> inject(sim.faults().always("DescribeServices"),
                fault));
        EcsClient client = fastRetryClient(3);

        RolloutNotStableException e = assertTimeoutPreemptively(NO_HANG,
                () -> failure(() -> rollout(client).build().rollOut("prod", "web", "web:2")));

        assertEquals(Reason.API_ERROR, e.reason());
        assertEquals(List.of("web"), e.updatedServices());
        assertEquals(List.of("web"), e.unstableServices());
        assertInstanceOf(SdkException.class, e.getCause(), "the SDK's exception is the cause");
        switch (fault) {
            case "malformedJson" -> assertInstanceOf(SdkClientException.class, e.getCause());
            case "dropConnection" -> assertTrue(causeChainHas(e.getCause(), IOException.class),
                    e.getCause().toString());
            case "throttle" -> assertTrue(assertInstanceOf(EcsException.class, e.getCause()).isThrottlingException());
            default -> assertInstanceOf(ServerException.class, e.getCause());
        }
        assertEquals(1 + 3, polls().size(), "the read before the update, then one DescribeServices poll, three "
                + "attempts, no retry by the library");
    }

    @RealTime("a slow answer meets the client's apiCallTimeout in real time")
    @Test
    void aSlowEndpointWithAnApiCallTimeoutEndsInAVerdict() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMillis(50)));
        sim.faults().latency("DescribeServices", Duration.ofSeconds(5));
        EcsClient client = sim.client(o -> o.retryStrategy(SimulatedEcs.fastRetries(2))
                .apiCallTimeout(Duration.ofMillis(300)));

        RolloutNotStableException e = assertTimeoutPreemptively(NO_HANG,
                () -> failure(() -> rollout(client).timeout(Duration.ofSeconds(3)).build()
                        .rollOut("prod", "web", "web:2")));

        assertTrue(Set.of(Reason.API_ERROR, Reason.TIMED_OUT).contains(e.reason()), e.reason().toString());
        assertEquals(List.of("web"), e.unstableServices());
        assertTrue(polls().stream().allMatch(c -> c.httpStatus() == 0 || c.httpStatus() == 200),
                "no error was answered: the client gave up waiting; " + polls());
    }

    private static boolean causeChainHas(Throwable t, Class<? extends Throwable> type) {
        for (; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
