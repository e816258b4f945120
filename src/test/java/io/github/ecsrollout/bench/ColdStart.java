package io.github.ecsrollout.bench;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.ServiceRollout;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.EcsClientBuilder;

/**
 * The cold-start program, run in a fresh JVM per measurement: {@code ColdStart ENDPOINT url|default SERVICE}. It
 * builds an EcsClient (with {@code UrlConnectionHttpClient}, as the library does, or with whatever HTTP client the
 * SDK finds on the classpath), builds a ServiceRollout and rolls one service out to a verdict. Its classpath holds
 * only the library, its runtime closure (or the SDK's default one) and this class. Prints
 * {@code COLDSTART VERDICT MAIN_TO_VERDICT_MS}.
 */
public final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        EcsClientBuilder builder = EcsClient.builder()
                .endpointOverride(URI.create(args[0]))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
        if (args[1].equals("url")) {
            builder.httpClient(Url.create());
        }
        String verdict;
        try (EcsClient ecs = builder.build();
                ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ofMillis(100)).build()) {
            rollout.rollOut("prod", args[2], args[2] + ":2");
            verdict = "SUCCESS";
        } catch (RolloutNotStableException e) {
            verdict = e.reason().name();
        }
        System.out.println("COLDSTART " + verdict + " " + (System.nanoTime() - start) / 1_000_000);
    }

    /** Loaded only when used, so the default-client variant runs without url-connection-client on its classpath. */
    private static final class Url {
        static SdkHttpClient create() {
            return UrlConnectionHttpClient.create();
        }
    }
}
