package io.github.ecsrollout.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.sim.ServiceScript;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * The README's self-continuing Lambda recipe as printed there ({@link RolloutWatcher}, checked line by line against
 * README.md), invoked as Lambda invokes it: the payload as bytes, a {@code Context} whose remaining time runs on the
 * virtual clock the simulated ECS shares, each asynchronous invocation it sends queued and run after it returns, and a
 * failed one retried twice with the same payload, as Lambda does by default. Every invocation is a cold start: the
 * watcher's {@code ServiceRollout} is built afresh, and only the payload carries the rollout on.
 */
class ReadmeWatcherIT extends ItBase {

    /** The function's timeout: each invocation watches two thirds of it less the margin, three minutes. */
    private static final Duration FUNCTION_TIMEOUT = Duration.ofMinutes(5);
    private static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:rollout-watcher";

    // ---- as printed in the README ----------------------------------------------------------------------------

    public static class RolloutWatcher implements RequestStreamHandler {
        private static ServiceRollout ROLLOUT;   // the README's: ServiceRollout.builder().ecsClient(...).build()
        private static LambdaClient LAMBDA;

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            RolloutCheckpoint checkpoint = RolloutCheckpoint.fromJson(new String(input.readAllBytes(), UTF_8));
            // two thirds of the time left to watch: a rollback, should the rollout fail meanwhile, gets half that again
            Duration budget = Duration.ofMillis(Math.max(1, (context.getRemainingTimeInMillis() - 30_000) * 2 / 3));
            RolloutCheckpoint next = watch(checkpoint, budget);
            if (next != null) {                                   // not done yet: hand over to a new invocation
                LAMBDA.invoke(r -> r.functionName(context.getInvokedFunctionArn())
                        .invocationType(InvocationType.EVENT)
                        .payload(SdkBytes.fromUtf8String(next.toJson())));
            }
        }

        /** The checkpoint to go on from, or null once every service is stable. */
        private static RolloutCheckpoint watch(RolloutCheckpoint checkpoint, Duration budget) {
            try {
                RolloutProgress progress = ROLLOUT.watch(checkpoint, budget);
                return progress.isDone() ? null : progress.checkpoint();
            } catch (RolloutNotStableException e) {
                // alive (e.g. ECS throttled us): go on; else the rollout ended, rolled back already if it said so
                return e.checkpoint().orElseThrow(() -> e);
            }
        }
    }

    // ---- Lambda, for this function -----------------------------------------------------------------------------

    /** Asynchronous invocations sent and not yet run. */
    private final Deque<String> queued = new ArrayDeque<>();
    /** What each invocation ended with: "handed over", "done", or the exception that left the handler. */
    private final List<String> invocations = new ArrayList<>();
    private final List<Throwable> escaped = new ArrayList<>();

    private final LambdaClient lambda = new LambdaClient() {
        @Override
        public InvokeResponse invoke(InvokeRequest request) {
            assertEquals(FUNCTION_ARN, request.functionName());
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
        RolloutWatcher.ROLLOUT = rollout().delay(Duration.ofSeconds(15)).build();   // a cold start
        RolloutWatcher.LAMBDA = lambda;
        int before = queued.size();
        try {
            new RolloutWatcher().handleRequest(new ByteArrayInputStream(payload.getBytes(UTF_8)),
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

    /** The README's start, then its hand-over of the first checkpoint. */
    private void start(Duration timeout, List<String> services) {
        ServiceRollout.Builder builder = rollout().delay(Duration.ofSeconds(15));
        RolloutCheckpoint checkpoint = builder
                .timeout(timeout)        // the rollout's deadline, carried by the checkpoint
                .rollbackOnFailure(true)
                .build()
                .start(toRevision("prod", services, 2));
        lambda.invoke(r -> r.functionName(FUNCTION_ARN).invocationType(InvocationType.EVENT)
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

    // ---- the README prints this --------------------------------------------------------------------------------

    @Test
    void theReadmePrintsThisHandlerAsItIs() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```java\npublic class RolloutWatcher implements RequestStreamHandler {");
        assertTrue(start >= 0, "README.md prints the watcher");
        String printed = readme.substring(start + 8, readme.indexOf("```", start + 8));
        String source = Files.readString(Path.of("src/test/java/io/github/ecsrollout/it/ReadmeWatcherIT.java"));
        String here = source.substring(source.indexOf("public static class RolloutWatcher"),
                source.indexOf("// ---- Lambda, for this function"));
        String body = printed.substring(printed.indexOf("    @Override\n"));
        for (String line : body.split("\n")) {
            assertTrue(here.contains("\n" + (line.isEmpty() ? "" : "    " + line) + "\n")
                            || line.equals("}"),
                    "README.md's watcher line is not in this test: " + line);
        }
        assertTrue(printed.contains("ServiceRollout.builder().ecsClient(EcsClient.create()).build();"),
                "the README's ROLLOUT has no settings, as this test's");
        String starter = readme.substring(readme.indexOf("```java\nRolloutCheckpoint checkpoint = ServiceRollout"));
        for (String line : List.of(".timeout(Duration.ofHours(2))        // the rollout's deadline, carried by the checkpoint",
                ".rollbackOnFailure(true)", ".payload(SdkBytes.fromUtf8String(checkpoint.toJson())));")) {
            assertTrue(starter.substring(0, starter.indexOf("```", 8)).contains(line), line);
        }
    }
}
