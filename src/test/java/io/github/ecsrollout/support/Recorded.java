package io.github.ecsrollout.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Turns the recorded ECS payloads in {@code src/test/resources/ecs-payloads} into SDK model objects through the SDK's
 * own JSON unmarshalling (a real {@link EcsClient} whose HTTP client answers with the recorded body), so tests see
 * exactly what the SDK makes of what ECS sent.
 */
public final class Recorded {

    private static final Canned HTTP = new Canned();
    private static final EcsClient CLIENT = EcsClient.builder()
            .httpClient(HTTP)
            .endpointOverride(URI.create("http://127.0.0.1:1"))
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();

    private Recorded() {
    }

    /** The raw bytes of a recorded payload. */
    public static byte[] bytes(String file) {
        try (InputStream in = Recorded.class.getResourceAsStream("/ecs-payloads/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded payload " + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A recorded DescribeServices answer, as the SDK parses it. */
    public static synchronized DescribeServicesResponse describeServices(String file) {
        HTTP.answer(200, bytes(file));
        return CLIENT.describeServices(r -> r.services("any"));
    }

    /** The first service of a recorded DescribeServices answer. */
    public static Service service(String file) {
        return describeServices(file).services().get(0);
    }

    /** A recorded UpdateService answer, as the SDK parses it. */
    public static synchronized UpdateServiceResponse updateService(String file) {
        HTTP.answer(200, bytes(file));
        return CLIENT.updateService(r -> r.service("any"));
    }

    /** A recorded DescribeTaskDefinition answer's task definition, as the SDK parses it. */
    public static synchronized TaskDefinition taskDefinition(String file) {
        HTTP.answer(200, bytes(file));
        return CLIENT.describeTaskDefinition(r -> r.taskDefinition("any")).taskDefinition();
    }

    /** A recorded DescribeServiceDeployments answer, as the SDK parses it. */
    public static synchronized DescribeServiceDeploymentsResponse describeServiceDeployments(String file) {
        HTTP.answer(200, bytes(file));
        return CLIENT.describeServiceDeployments(r -> r.serviceDeploymentArns("any"));
    }

    /** A recorded ListServiceDeployments answer, as the SDK parses it. */
    public static synchronized ListServiceDeploymentsResponse listServiceDeployments(String file) {
        HTTP.answer(200, bytes(file));
        return CLIENT.listServiceDeployments(r -> r.service("any"));
    }

    /** Sends a recorded error body with HTTP 400 and returns what the SDK throws for it. */
    public static synchronized RuntimeException error(String file) {
        HTTP.answer(400, bytes(file));
        try {
            CLIENT.describeServices(r -> r.services("any"));
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("the SDK accepted an error body: " + file);
    }

    /** An HTTP client that answers every request with one canned response. */
    private static final class Canned implements SdkHttpClient {
        private volatile int status;
        private volatile byte[] body;

        void answer(int status, byte[] body) {
            this.status = status;
            this.body = body;
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            int s = status;
            byte[] b = body;
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(s)
                                    .putHeader("Content-Type", "application/x-amz-json-1.1")
                                    .putHeader("Content-Length", String.valueOf(b.length))
                                    .build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(b)))
                            .build();
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public void close() {
        }
    }
}
