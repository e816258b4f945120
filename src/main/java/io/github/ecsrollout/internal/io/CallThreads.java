package io.github.ecsrollout.internal.io;

import io.github.ecsrollout.internal.model.Durations;
import io.github.ecsrollout.internal.time.NamedThreads;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.EcsServiceClientConfiguration;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServiceRevisionsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServiceRevisionsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentResponse;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * The client every part of a rollout calls ECS through: a call with an {@code apiCallTimeout} (each call of a rollout
 * with a timeout carries the time left as one, see {@link SyncEcs}; or the client's own) is made on a daemon
 * thread of its own, {@code ecs-rollout-call-N}, and the rollout waits for it no longer than that timeout plus
 * {@link #GRACE}.
 *
 * <p>Why: the SDK ends an overdue call by aborting its HTTP request, but with {@code UrlConnectionHttpClient} a
 * response that started and then stalled keeps the abort blocked in {@code HttpURLConnection.disconnect()} until the
 * socket read timeout (30 s by default), and the calling thread with it. Here only the call's own thread waits that
 * long; it ends by itself when the read times out or the connection closes, and its answer is dropped. A call
 * without any timeout runs on the caller's thread, as before. The wait counts real time whatever the rollout's clock:
 * it is about a socket.
 */
public final class CallThreads implements EcsClient {

    /**
     * How long past its apiCallTimeout a call may hold the rollout: enough for the SDK to end a call it can end
     * itself (its own timeout exception then arrives first), small next to any timeout worth setting.
     */
    static final Duration GRACE = Duration.ofMillis(100);

    private final EcsClient ecs;
    /** The client's own apiCallTimeout, read at the first call (building a rollout makes no call on the client). */
    private volatile Optional<Duration> clientTimeout;

    private CallThreads(EcsClient ecs) {
        this.ecs = ecs;
    }

    /** The client, its timed calls made on threads of their own. */
    public static EcsClient wrap(EcsClient ecs) {
        return ecs instanceof CallThreads ? ecs : new CallThreads(ecs);
    }

    @Override
    public DescribeServicesResponse describeServices(DescribeServicesRequest request) {
        return call(request, () -> ecs.describeServices(request));
    }

    @Override
    public DescribeTaskDefinitionResponse describeTaskDefinition(DescribeTaskDefinitionRequest request) {
        return call(request, () -> ecs.describeTaskDefinition(request));
    }

    @Override
    public RegisterTaskDefinitionResponse registerTaskDefinition(RegisterTaskDefinitionRequest request) {
        return call(request, () -> ecs.registerTaskDefinition(request));
    }

    @Override
    public UpdateServiceResponse updateService(UpdateServiceRequest request) {
        return call(request, () -> ecs.updateService(request));
    }

    @Override
    public ListTasksResponse listTasks(ListTasksRequest request) {
        return call(request, () -> ecs.listTasks(request));
    }

    @Override
    public DescribeTasksResponse describeTasks(DescribeTasksRequest request) {
        return call(request, () -> ecs.describeTasks(request));
    }

    @Override
    public ListServiceDeploymentsResponse listServiceDeployments(ListServiceDeploymentsRequest request) {
        return call(request, () -> ecs.listServiceDeployments(request));
    }

    @Override
    public DescribeServiceDeploymentsResponse describeServiceDeployments(DescribeServiceDeploymentsRequest request) {
        return call(request, () -> ecs.describeServiceDeployments(request));
    }

    @Override
    public DescribeServiceRevisionsResponse describeServiceRevisions(DescribeServiceRevisionsRequest request) {
        return call(request, () -> ecs.describeServiceRevisions(request));
    }

    @Override
    public StopServiceDeploymentResponse stopServiceDeployment(StopServiceDeploymentRequest request) {
        return call(request, () -> ecs.stopServiceDeployment(request));
    }

    @Override
    public ContinueServiceDeploymentResponse continueServiceDeployment(ContinueServiceDeploymentRequest request) {
        return call(request, () -> ecs.continueServiceDeployment(request));
    }

    @Override
    public EcsServiceClientConfiguration serviceClientConfiguration() {
        return ecs.serviceClientConfiguration();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        // The client stays its owner's to close.
    }

    private Optional<Duration> clientTimeout() {
        Optional<Duration> own = clientTimeout;
        if (own == null) {
            own = clientTimeoutOf(ecs);
            clientTimeout = own;
        }
        return own;
    }

    /** The client's own apiCallTimeout, if it can be read (a Mockito mock, for one, has none). */
    static Optional<Duration> clientTimeoutOf(EcsClient ecs) {
        try {
            return ecs.serviceClientConfiguration().overrideConfiguration().apiCallTimeout();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Makes the call here when it has no timeout; else on a thread of its own, waiting at most its timeout plus
     * {@link #GRACE}. Whatever the call threw is thrown as it is; a call that outlasts the wait is an
     * {@link ApiCallTimeoutException}, as the SDK would have thrown had it been able to end it; an interrupt of the
     * waiting thread is an {@link AbortedException}, the interrupt flag set again.
     */
    private <R> R call(AwsRequest request, Supplier<R> call) {
        Optional<Duration> timeout = request.overrideConfiguration()
                .flatMap(AwsRequestOverrideConfiguration::apiCallTimeout)
                .or(this::clientTimeout);
        if (timeout.isEmpty()) {
            return call.get();
        }
        FutureTask<R> task = new FutureTask<>(call::get);
        NamedThreads.start("call", task);
        long waitNanos = Durations.plus(Durations.toNanos(timeout.get()), GRACE.toNanos());
        try {
            return task.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw SdkClientException.create("ECS call failed: " + cause, cause);
        } catch (TimeoutException e) {
            // The call's thread stays stuck until its socket read times out; nothing waits for it any more.
            task.cancel(true);
            throw ApiCallTimeoutException.create(timeout.get().toMillis());
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw AbortedException.create("Thread was interrupted while waiting for an ECS call", e);
        }
    }
}
