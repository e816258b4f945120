package io.github.ecsrollout.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.support.DefaultRegion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * The self-continuing Lambda recipe of docs/long-rollouts.md ({@link RolloutWatcher}, as printed there, and the
 * start that hands it the first checkpoint), invoked as Lambda invokes it: the payload as bytes, a {@code Context} whose remaining time runs on the
 * virtual clock the simulated ECS shares, each asynchronous invocation it sends queued and run after it returns, and a
 * failed one retried twice with the same payload, as Lambda does by default. Every invocation is a cold start: the
 * watcher's {@code ServiceRollout} is built afresh, and only the payload carries the rollout on.
 */
class ReadmeWatcherIT extends ItBase {

    /** The function's timeout: each invocation watches two thirds of it less the margin, three minutes. */
    private static final Duration FUNCTION_TIMEOUT = Duration.ofMinutes(5);
    private static final String FUNCTION_NAME = "rollout-watcher";
    private static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:rollout-watcher";

    // ---- Lambda, for this function -----------------------------------------------------------------------------

    /** Asynchronous invocations sent and not yet run. */
    private final Deque<String> queued = new ArrayDeque<>();
    /** What each invocation ended with: "handed over", "done", or the exception that left the handler. */
    private final List<String> invocations = new ArrayList<>();
    private final List<Throwable> escaped = new ArrayList<>();

    private final LambdaClient lambda = new LambdaClient() {
        @Override
        public InvokeResponse invoke(InvokeRequest request) {
            assertTrue(List.of(FUNCTION_NAME, FUNCTION_ARN).contains(request.functionName()), request.functionName());
            assertEquals(InvocationType.EVENT, request.invocationType());
            queued.add(request.payload().asUtf8String());
            return InvokeResponse.builder().statusCode(202).build();
        }

        @Override
        public String serviceName() {
            return "lambda";
        }

        @Override
        public void close() {
        }
    };

    /** Runs queued invocations until none is left; a failed one is run again twice with the same payload. */
    private void runLambda() {
        for (int i = 0; !queued.isEmpty(); i++) {
            assertTrue(i < 100, "the watcher keeps invoking itself: " + invocations);
            String payload = queued.poll();
            for (int attempt = 0; attempt < 3; attempt++) {
                if (invokeOnce(payload)) {
                    break;
                }
            }
        }
    }

    private boolean invokeOnce(String payload) {
        int before = queued.size();
        try {
            // a cold start: the page's ROLLOUT has no settings, so polls come at the default delay
            new RolloutWatcher(rollout().delay(ServiceRollout.DEFAULT_DELAY).build(), lambda).handleRequest(new ByteArrayInputStream(payload.getBytes(UTF_8)),
                    new ByteArrayOutputStream(), context(clock.instant().plus(FUNCTION_TIMEOUT)));
            invocations.add(queued.size() > before ? "handed over" : "done");
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            invocations.add(e.getClass().getSimpleName());
            escaped.add(e);
            return false;
        }
    }

    /** A context whose remaining time runs on the virtual clock, to {@code end}. */
    private Context context(Instant end) {
        return new Context() {
            @Override public String getAwsRequestId() { return "request"; }
            @Override public String getLogGroupName() { return "/aws/lambda/rollout-watcher"; }
            @Override public String getLogStreamName() { return "stream"; }
            @Override public String getFunctionName() { return "rollout-watcher"; }
            @Override public String getFunctionVersion() { return "$LATEST"; }
            @Override public String getInvokedFunctionArn() { return FUNCTION_ARN; }
            @Override public CognitoIdentity getIdentity() { return null; }
            @Override public ClientContext getClientContext() { return null; }
            @Override public int getMemoryLimitInMB() { return 512; }
            @Override public LambdaLogger getLogger() { return null; }

            @Override
            public int getRemainingTimeInMillis() {
                long left = Duration.between(clock.instant(), end).toMillis();
                assertTrue(left > 0, "the invocation outlived its timeout");
                return (int) left;
            }
        };
    }

    /** The page's start, then its hand-over of the first checkpoint, as printed. */
    private void start(Duration rolloutTimeout, List<String> services) {
        EcsClient ecs = client();
        List<UpdateServiceRequest> requests = toRevision("prod", services, 2);
        // On the system clock: the simulator's started at the same instant and has not moved yet.
        RolloutCheckpoint checkpoint = ServiceRollout.builder().ecsClient(ecs)
                .timeout(rolloutTimeout)             // the rollout's deadline, carried by the checkpoint: 2 hours, say
                .rollbackOnFailure(true)
                .build()
                .start(requests);
        lambda.invoke(r -> r.functionName("rollout-watcher").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String(checkpoint.toJson())));
    }

    private List<String> writes() {
        return sim.stats().calls().stream()
                .map(c -> c.operation())
                .filter(o -> !o.startsWith("Describe") && !o.startsWith("List"))
                .toList();
    }

    // ---- the tests -------------------------------------------------------------------------------------------

    @Test
    void aTenMinuteRolloutIsWatchedToItsEndOverShortInvocations() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMinutes(10)));
        sim.createService("prod", "api", ServiceScript.blueGreen(Duration.ofSeconds(20), 8));
        Instant started = clock.instant();

        start(Duration.ofHours(2), List.of("web", "api"));
        runLambda();

        assertEquals(List.of(), escaped, "no exception left a handler");
        assertEquals(List.of("handed over", "handed over", "handed over", "done"), invocations,
                "three minutes of watching an invocation");
        assertTrue(Duration.between(started, clock.instant()).compareTo(Duration.ofMinutes(10)) >= 0);
        assertEquals(List.of("UpdateService", "UpdateService"), writes(), "nothing rolled back");
        assertTrue(sim.service("prod", "web").taskDefinition().endsWith(ofRevision("web", 2)));
        assertTrue(sim.service("prod", "api").taskDefinition().endsWith(ofRevision("api", 2)));
    }

    @Test
    void aFailureEndsTheChainRolledBackAndLambdasRetriesSendNothingMore() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMinutes(1)));
        sim.createService("prod", "api", ServiceScript.circuitBreakerFails(Duration.ofMinutes(7), false,
                Duration.ZERO));
        // Only the new revision crashes: the old one, put back (api's next deployment), starts fine.
        sim.afterUpdateOf("prod", "api", ServiceScript.stableAfter(Duration.ofMinutes(1)));

        start(Duration.ofHours(2), List.of("web", "api"));
        runLambda();

        assertEquals(List.of("handed over", "handed over", "RolloutNotStableException", "RolloutNotStableException",
                "RolloutNotStableException"), invocations, "the third invocation sees the failure, Lambda retries it");
        RolloutNotStableException first = assertInstanceOf(RolloutNotStableException.class, escaped.get(0));
        assertEquals(Reason.DEPLOYMENT_FAILED, first.reason(), first.getMessage());
        assertEquals(List.of("api", "web"), first.rolledBackServices().stream().sorted().toList(),
                first.getMessage());
        for (Throwable retry : escaped.subList(1, 3)) {
            RolloutNotStableException again = assertInstanceOf(RolloutNotStableException.class, retry);
            // From the checkpoint before the failure: every service is back on its previous task definition.
            assertEquals(Reason.ROLLED_BACK, again.reason(), again.getMessage());
        }
        List<String> writes = writes();
        assertEquals(4, writes.size(), "the two updates and the two restores, and nothing from the retries: "
                + writes);
        assertTrue(sim.service("prod", "web").taskDefinition().endsWith(ofRevision("web", 1)));
        assertTrue(sim.service("prod", "api").taskDefinition().endsWith(ofRevision("api", 1)));
    }

    @Test
    void aRolloutThatNeverSettlesEndsAtItsDeadlineRolledBack() {
        sim.createService("prod", "web", ServiceScript.neverStable());
        sim.stopRollbackTakes(Duration.ofMinutes(1));
        Instant started = clock.instant();

        start(Duration.ofMinutes(20), List.of("web"));
        runLambda();

        assertEquals("RolloutNotStableException", invocations.get(6), invocations.toString());
        assertEquals(List.of("handed over", "handed over", "handed over", "handed over", "handed over",
                "handed over"), invocations.subList(0, 6), "three minutes each until the deadline at 20");
        RolloutNotStableException e = assertInstanceOf(RolloutNotStableException.class, escaped.get(0));
        assertEquals(Reason.TIMED_OUT, e.reason(), e.getMessage());
        assertEquals(List.of("web"), e.rolledBackServices(), e.getMessage());
        assertTrue(Duration.between(started, clock.instant()).compareTo(Duration.ofMinutes(20)) >= 0);
        assertEquals(List.of("UpdateService", "StopServiceDeployment"), writes(),
                "the update, and its deployment stopped with ROLLBACK once");
    }

    // ---- what the tests above do not run -------------------------------------------------------------------------

    @Test
    void lambdasConstructorBuildsTheClientsAsAColdStartWould() {
        RolloutWatcher watcher = DefaultRegion.during(RolloutWatcher::new);

        assertNotNull(watcher);
    }
}
