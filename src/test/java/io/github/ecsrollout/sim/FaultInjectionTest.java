package io.github.ecsrollout.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.ServerException;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

/**
 * Faults as the real SDK client experiences them: what it retries, what it surfaces. The simulator's state is on a
 * manual clock; the slow answers are kept on real time on purpose: they are held on the server for real, which the
 * SDK's apiCallAttemptTimeout counts.
 */
class FaultInjectionTest {

    private SimulatedEcs ecs;

    @BeforeEach
    void start() {
        ecs = SimulatedEcs.start(SimClock.manual());
        ecs.createService("prod", "web", ServiceScript.stableAfter(Duration.ZERO));
    }

    @AfterEach
    void stop() {
        ecs.close();
    }

    private EcsClient fastClient(int attempts) {
        return ecs.client(o -> o.retryStrategy(SimulatedEcs.fastRetries(attempts)));
    }

    private List<Integer> statuses(String operation) {
        return ecs.stats().calls(operation).stream().map(SimStats.Call::httpStatus).toList();
    }

    @Test
    void aThrottlingBurstIsAbsorbedByRetries() {
        ecs.faults().next(2, "DescribeServices").throttle();
        var r = fastClient(3).describeServices(b -> b.cluster("prod").services("web"));
        assertEquals("web", r.services().get(0).serviceName());
        assertEquals(List.of(400, 400, 200), statuses("DescribeServices"));
        assertEquals(0, ecs.faults().pending());
    }

    @Test
    void throttlingBeyondTheRetryBudgetSurfacesAsThrottlingException() {
        ecs.faults().always("DescribeServices").throttle();
        EcsException e = assertThrows(EcsException.class,
                () -> fastClient(3).describeServices(b -> b.cluster("prod").services("web")));
        assertEquals("ThrottlingException", e.awsErrorDetails().errorCode());
        assertEquals("Rate exceeded", e.awsErrorDetails().errorMessage());
        assertTrue(e.isThrottlingException());
        assertEquals(3, ecs.stats().count("DescribeServices"));
    }

    @Test
    void serverExceptionSurfacesAfterTheDefaultRetriesAreExhausted() {
        ecs.faults().always(Faults.ANY).serverError();
        // A client with no retry configuration at all: what the library gets if the caller sets nothing.
        ServerException e = assertThrows(ServerException.class,
                () -> ecs.client().describeServices(b -> b.cluster("prod").services("web")));
        assertEquals(500, e.statusCode());
        assertEquals(4, ecs.stats().count("DescribeServices"), "the SDK default for ECS: 1 attempt + 3 retries");
        assertTrue(e.getMessage().contains("SDK Attempt Count: 4"), e.getMessage());
    }

    @Test
    void aFewServerErrorsAreRetriedAway() {
        ecs.faults().next(1, "UpdateService").serverError();
        var r = fastClient(3).updateService(b -> b.cluster("prod").service("web").taskDefinition("web:2"));
        assertEquals(2, r.service().deployments().size());
        assertEquals(List.of(500, 200), statuses("UpdateService"));
    }

    @Test
    void malformedJsonIsAnUnmarshallingClientExceptionThatTheSdkRetries() {
        ecs.faults().always("DescribeServices").malformedJson();
        SdkClientException e = assertThrows(SdkClientException.class,
                () -> fastClient(3).describeServices(b -> b.cluster("prod").services("web")));
        assertTrue(e.getMessage().startsWith("Unable to unmarshall response"), e.getMessage());
        assertEquals(3, ecs.stats().count("DescribeServices"), "a JSON syntax error is an IOException: retried");

        ecs.faults().clear();
        ecs.stats().reset();
        ecs.faults().next(1, "DescribeServices").malformedJson();
        assertEquals(1, fastClient(3).describeServices(b -> b.cluster("prod").services("web")).services().size());
        assertEquals(List.of(200, 200), statuses("DescribeServices"));
    }

    @Test
    void aWellFormedBodyOfTheWrongTypeIsNotRetried() {
        ecs.faults().always("DescribeServices").respond(200, "{\"services\":[{\"serviceName\":\"web\",\"runningCount\":\"many\"}]}");
        SdkClientException e = assertThrows(SdkClientException.class,
                () -> fastClient(3).describeServices(b -> b.cluster("prod").services("web")));
        assertTrue(e.getMessage().startsWith("Unable to unmarshall response"), e.getMessage());
        assertEquals(1, ecs.stats().count("DescribeServices"));
    }

    @Test
    void anEmptyAnswerSatisfiesTheSdkWaiter() {
        // Neither services nor failures: the waiter's success rule (no unstable service listed) holds.
        // A library that wants true verdicts must check every requested service is accounted for.
        ecs.faults().always("DescribeServices").respond(200, "{}");
        try (EcsWaiter waiter = EcsWaiter.builder().client(fastClient(1)).build()) {
            var r = waiter.waitUntilServicesStable(b -> b.cluster("prod").services("web"));
            assertTrue(r.matched().response().isPresent());
            assertFalse(r.matched().response().get().hasServices());
        }
    }

    @Test
    void aDroppedConnectionIsRetried() {
        ecs.faults().next(1, "DescribeServices").dropConnection();
        var r = fastClient(3).describeServices(b -> b.cluster("prod").services("web"));
        assertEquals("web", r.services().get(0).serviceName());
        assertEquals(2, ecs.stats().count("DescribeServices"));
    }

    @Test
    void connectionsDroppedEveryTimeSurfaceAsAnIoClientException() {
        ecs.faults().always("DescribeServices").dropConnection();
        SdkClientException e = assertThrows(SdkClientException.class,
                () -> fastClient(2).describeServices(b -> b.cluster("prod").services("web")));
        assertInstanceOf(java.io.IOException.class, rootCause(e), e.toString());
        assertEquals(List.of(-1, -1), statuses("DescribeServices"));
        assertEquals(2, ecs.stats().count("DescribeServices"));
    }

    @Test
    void aSlowAnswerHitsTheAttemptTimeoutAndTheRetrySucceeds() {
        ecs.faults().next(1, "DescribeServices").delay(Duration.ofSeconds(3));
        EcsClient client = ecs.client(o -> o.retryStrategy(SimulatedEcs.fastRetries(2))
                .apiCallAttemptTimeout(Duration.ofMillis(300)));
        var r = client.describeServices(b -> b.cluster("prod").services("web"));
        assertEquals(1, r.services().size());
        assertEquals(2, ecs.stats().count("DescribeServices"));
    }

    @Test
    void aSlowAnswerWithoutRetriesIsAnAttemptTimeout() {
        ecs.faults().next(1, "DescribeServices").delay(Duration.ofSeconds(3));
        EcsClient client = ecs.client(o -> o.retryStrategy(SimulatedEcs.fastRetries(1))
                .apiCallAttemptTimeout(Duration.ofMillis(300)));
        assertThrows(ApiCallAttemptTimeoutException.class,
                () -> client.describeServices(b -> b.cluster("prod").services("web")));
    }

    @Test
    void rulesApplyInOrderAndOnlyToTheirOperation() {
        ecs.faults().next(1, "UpdateService").serverError().next(1, Faults.ANY).throttle();
        EcsClient client = fastClient(1);
        EcsException first = assertThrows(EcsException.class, () -> client.describeServices(b -> b.cluster("prod").services("web")));
        assertEquals("ThrottlingException", first.awsErrorDetails().errorCode(), "UpdateService's rule is skipped");
        assertEquals(1, ecs.faults().pending());
        assertThrows(ServerException.class, () -> client.updateService(b -> b.cluster("prod").service("web").forceNewDeployment(true)));
        client.describeServices(b -> b.cluster("prod").services("web"));
        assertEquals(0, ecs.faults().pending());
    }

    @Test
    void latencyAndClearDoNotChangeAnswers() {
        ecs.faults().latency(Duration.ofMillis(5)).latency("DescribeServices", Duration.ofMillis(5));
        assertEquals(1, fastClient(1).describeServices(b -> b.cluster("prod").services("web")).services().size());
        ecs.faults().always("DescribeServices").serverError();
        ecs.faults().clear();
        assertEquals(1, fastClient(1).describeServices(b -> b.cluster("prod").services("web")).services().size());
    }

    @Test
    void errorMessagesWrittenWithACapitalMAreReadToo() {
        ecs.faults().next(1, "DescribeServices").respond(400, "{\"__type\":\"AccessDeniedException\",\"Message\":\"User is not authorized\"}");
        EcsException e = assertThrows(EcsException.class,
                () -> fastClient(1).describeServices(b -> b.cluster("prod").services("web")));
        assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
        assertEquals("User is not authorized", e.awsErrorDetails().errorMessage());
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
