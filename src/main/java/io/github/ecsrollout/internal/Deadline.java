package io.github.ecsrollout.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * A rollout's one deadline, and the way it reaches calls in flight: the waiter's {@code waitTimeout} only decides
 * whether to sleep again, so a DescribeServices call that hangs would hold the rollout past its timeout. Each call
 * made while a deadline is set gets an {@code apiCallTimeout} of the time left, unless the client's own is shorter.
 */
final class Deadline {

    /** A call the SDK ended this close to the deadline was ended by it. */
    private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final long atNanos;
    private final Duration clientTimeout;

    private Deadline(long atNanos, Duration clientTimeout) {
        this.atNanos = atNanos;
        this.clientTimeout = clientTimeout;
    }

    /** No deadline. */
    static Deadline none() {
        return new Deadline(Long.MAX_VALUE, null);
    }

    /**
     * A deadline {@code timeout} after {@code startNanos} ({@link System#nanoTime()}); {@code null} means none, and so
     * does one too far away to represent (about 292 years).
     */
    static Deadline after(long startNanos, Duration timeout, EcsClient ecs) {
        if (timeout == null) {
            return none();
        }
        long at = Durations.plus(startNanos, Durations.saturate(timeout).toNanos());
        return at == Long.MAX_VALUE ? none() : new Deadline(at, clientTimeout(ecs).orElse(null));
    }

    boolean isSet() {
        return atNanos != Long.MAX_VALUE;
    }

    /** Nanoseconds left; {@link Long#MAX_VALUE} without a deadline. */
    long remainingNanos() {
        return isSet() ? atNanos - System.nanoTime() : Long.MAX_VALUE;
    }

    boolean hasPassed() {
        return remainingNanos() <= 0;
    }

    /** Gives a request an {@code apiCallTimeout} of the time left, when that is shorter than the client's own. */
    <B extends AwsRequest.Builder> B bound(B request) {
        timeLeftIfShorterThan(clientTimeout).ifPresent(left -> request.overrideConfiguration(o -> o.apiCallTimeout(left)));
        return request;
    }

    /**
     * The caller's UpdateService request with an {@code apiCallTimeout} of the time left, when that is shorter than
     * the request's or the client's own; everything else in the request stays as the caller gave it.
     */
    UpdateServiceRequest bound(UpdateServiceRequest request) {
        Duration own = request.overrideConfiguration().flatMap(o -> o.apiCallTimeout()).orElse(clientTimeout);
        return timeLeftIfShorterThan(own).map(left -> request.toBuilder().overrideConfiguration(
                request.overrideConfiguration()
                        .map(o -> o.toBuilder().apiCallTimeout(left).build())
                        .orElseGet(() -> AwsRequestOverrideConfiguration.builder().apiCallTimeout(left).build()))
                .build()).orElse(request);
    }

    /** The time left (at least 1 ms), when there is a deadline and it is sooner than {@code own} (null: none). */
    private Optional<Duration> timeLeftIfShorterThan(Duration own) {
        if (!isSet()) {
            return Optional.empty();
        }
        Duration left = Duration.ofNanos(Math.max(remainingNanos(), TimeUnit.MILLISECONDS.toNanos(1)));
        return own == null || left.compareTo(own) < 0 ? Optional.of(left) : Optional.empty();
    }

    /** Whether an exception is a call this deadline cut short. */
    boolean cutShort(Throwable e) {
        return isSet() && remainingNanos() < SLACK_NANOS && Causes.find(e, ApiCallTimeoutException.class) != null;
    }

    /** The client's own apiCallTimeout, if it can be read (a Mockito mock, for one, has none). */
    static Optional<Duration> clientTimeout(EcsClient ecs) {
        try {
            return ecs.serviceClientConfiguration().overrideConfiguration().apiCallTimeout();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
