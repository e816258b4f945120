package io.github.ecsrollout.it;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.ServiceRollout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * The self-continuing Lambda function of docs/long-rollouts.md, as printed there (DocsTest checks it): watches a
 * checkpointed rollout for most of an invocation, then invokes itself again with the next checkpoint.
 * {@link ReadmeWatcherIT} runs it.
 */
public class RolloutWatcher implements RequestStreamHandler {
    private final ServiceRollout rollout;
    private final LambdaClient lambda;

    public RolloutWatcher() {                              // what Lambda calls, once per cold start
        this(ServiceRollout.builder().ecsClient(EcsClient.create()).build(), LambdaClient.create());
    }

    public RolloutWatcher(ServiceRollout rollout, LambdaClient lambda) {   // what a test calls, with fakes
        this.rollout = rollout;
        this.lambda = lambda;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        RolloutCheckpoint checkpoint = RolloutCheckpoint.fromJson(new String(input.readAllBytes(), UTF_8));
        // two thirds of the time left to watch: a rollback, should the rollout fail meanwhile, gets half that again
        Duration budget = Duration.ofMillis(Math.max(1, (context.getRemainingTimeInMillis() - 30_000) * 2 / 3));
        RolloutCheckpoint next = watch(checkpoint, budget);
        if (next != null) {                                   // not done yet: hand over to a new invocation
            lambda.invoke(r -> r.functionName(context.getInvokedFunctionArn())
                    .invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String(next.toJson())));
        }
    }

    /** The checkpoint to go on from, or null once every service is stable. */
    private RolloutCheckpoint watch(RolloutCheckpoint checkpoint, Duration budget) {
        try {
            RolloutProgress progress = rollout.watch(checkpoint, budget);
            return progress.isDone() ? null : progress.checkpoint();
        } catch (RolloutNotStableException e) {
            // alive (e.g. ECS throttled us): go on; else the rollout ended, rolled back already if it said so
            return e.checkpoint().orElseThrow(() -> e);
        }
    }
}
