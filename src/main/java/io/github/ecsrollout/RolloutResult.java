package io.github.ecsrollout;

import io.github.ecsrollout.internal.report.RolloutJson;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** The outcome of a successful rollout: every service's final observed state, the polls it took and the time. Immutable. */
public final class RolloutResult {

    /** How many services' images {@link #toString()} names: a line for a log, not a report of a fleet. */
    static final int IMAGES_SHOWN = 10;

    private final List<ServiceState> services;
    private final int attempts;
    private final Duration elapsed;

    /**
     * Makes a result; the rollout makes these, and tests of code that consumes them may too.
     *
     * @param services each service's final state, in the caller's order
     * @param attempts the most DescribeServices polls any one chunk of services took
     * @param elapsed time from the call to its return
     */
    public RolloutResult(List<ServiceState> services, int attempts, Duration elapsed) {
        this.services = List.copyOf(Objects.requireNonNull(services, "services"));
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative: " + attempts);
        }
        this.attempts = attempts;
        this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
    }

    /**
     * Each service's final observed state, in the caller's order.
     *
     * @return the states, one per service
     */
    public List<ServiceState> services() {
        return services;
    }

    /**
     * The state of one service, looked up by the caller's spelling (name or ARN).
     *
     * @param service the service as the caller spelled it
     * @return its state; empty when the rollout had no such service
     */
    public Optional<ServiceState> service(String service) {
        Objects.requireNonNull(service, "service");
        return services.stream().filter(s -> s.service().equals(service)).findFirst();
    }

    /**
     * The services' names as the caller spelled them, in the caller's order.
     *
     * @return the names (or ARNs)
     */
    public List<String> serviceNames() {
        return services.stream().map(ServiceState::service).toList();
    }

    /**
     * The most DescribeServices polls any one chunk of (at most 10) services needed.
     *
     * @return the polls, 0 when none was made
     */
    public int attempts() {
        return attempts;
    }

    /**
     * Time from the call to its return, updates included.
     *
     * @return the time the call took
     */
    public Duration elapsed() {
        return elapsed;
    }

    /**
     * This result as one JSON object for a pipeline (a Step Functions output, a CI annotation, a chat message): what
     * {@link RolloutNotStableException#toJson()} writes for a failure, with the same names. ASCII only (any other
     * character is a backslash-u escape), at most 32,000 characters whatever the number of services (under Step
     * Functions' 32,768-character limit for a {@code Cause}), no credentials and no request bodies. Field names and
     * meanings are stable within a {@code version}; later releases may add fields, so ignore unknown ones.
     *
     * <p>Top-level fields (present unless said otherwise):
     * <ul>
     *   <li>{@code version} (number): 1;</li>
     *   <li>{@code outcome} (string): {@code SUCCESS} here, {@code FAILURE} for an exception;</li>
     *   <li>{@code serviceCount} (number): the services of the call, however many are detailed;</li>
     *   <li>{@code attempts} (number): {@link #attempts()};</li>
     *   <li>{@code elapsedMillis} (number): {@link #elapsed()} in whole milliseconds;</li>
     *   <li>{@code clusters} (array of strings): the clusters, as the caller spelled them, in the caller's order;</li>
     *   <li>{@code services} (array of objects): one per service, in the caller's order, as below; past the size limit
     *       some are left out (counted in {@code omitted.services}), stable ones first;</li>
     *   <li>{@code truncated} (boolean): whether anything was left out to stay within the size;</li>
     *   <li>{@code omitted} (object; only when {@code truncated}): per array field left short, by its name, how many
     *       entries were left out (each array keeps its first entries).</li>
     * </ul>
     *
     * <p>Each element of {@code services} (fields absent as said, never {@code null}):
     * <ul>
     *   <li>{@code cluster}, {@code service} (strings): as the caller spelled them ({@link ServiceState#cluster()},
     *       {@link ServiceState#service()});</li>
     *   <li>{@code verdict} (string): a {@link ServiceState.Verdict} name;</li>
     *   <li>{@code requestedTaskDefinition} (string): as the caller passed it
     *       ({@link ServiceState#requestedTaskDefinition()}); absent for {@code awaitStable}, an update that named
     *       none, or from a checkpoint once ECS had named the update's deployment;</li>
     *   <li>{@code previousTaskDefinition} (string): what ran before, as ECS reported it; absent when unknown;</li>
     *   <li>{@code taskDefinition} (string): what runs now, as ECS reports it (an ARN); absent when never
     *       observed;</li>
     *   <li>{@code deploymentId} (string): the deployment this rollout started; absent when none is known;</li>
     *   <li>{@code runningCount}, {@code desiredCount}, {@code pendingCount} (numbers): absent when never
     *       observed;</li>
     *   <li>{@code rolloutState}, {@code rolloutStateReason} (strings): the watched deployment's, ECS's words;
     *       absent when ECS gave none;</li>
     *   <li>{@code serviceDeploymentStatus} (string): the service deployment's status; absent when it was not
     *       read;</li>
     *   <li>{@code ecsWords} (string): ECS's own explanation, as the exception's message quotes it (a failed
     *       deployment's reason, triggered alarms, a rollback's reason, else the latest problem event); absent for a
     *       stable service or when ECS said nothing;</li>
     *   <li>{@code latestProblemEvent} (object: {@code message} string, {@code createdAt} ISO-8601 string): the
     *       newest ECS event seen during the rollout that reports a problem; absent when none;</li>
     *   <li>{@code stoppedTask} (object): the newest of {@link ServiceState#stoppedTasks()}: {@code taskId},
     *       {@code stoppedReason}, {@code stopCode}, and the container that explains it ({@code container},
     *       {@code exitCode} number, {@code containerReason}), each absent when ECS gave none; absent when no stopped
     *       task was fetched;</li>
     *   <li>{@code stoppedTasksUnavailable} (string): why they could not be fetched; absent unless that failed;</li>
     *   <li>{@code images} (array of objects: {@code containerName}, {@code image} strings, {@code digest} string
     *       absent when ECS recorded none): {@link ServiceState#images()}, what the new service revision runs;
     *       absent when not known (any service but one a successful rollout read them for);</li>
     *   <li>{@code rollbackAction} (string): a {@link ServiceState.RollbackAction} name;</li>
     *   <li>{@code rollbackConfirmed} (boolean): whether the service was confirmed back on its previous task
     *       definition; only when the rollback acted on it (not {@code NONE} nor {@code LEFT_ALONE}).</li>
     * </ul>
     * Free texts are cut at 500 characters (a message at 1,000), ending in {@code ...}.
     *
     * @return the JSON text
     */
    public String toJson() {
        return RolloutJson.success(services, attempts, elapsed);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RolloutResult)) {
            return false;
        }
        RolloutResult that = (RolloutResult) o;
        return attempts == that.attempts && services.equals(that.services) && elapsed.equals(that.elapsed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(services, attempts, elapsed);
    }

    /**
     * The cluster, counts and time, then the images of the services whose images are known
     * ({@code images={web=[web=repo/web:2@sha256:0123456789ab]}}, digests shortened; at most
     * 10 services, then how many more).
     *
     * @return the result in one line, for logs
     */
    @Override
    public String toString() {
        Set<String> clusters = new LinkedHashSet<>();
        services.forEach(s -> clusters.add(s.cluster()));
        StringBuilder sb = new StringBuilder("RolloutResult[cluster=").append(String.join(",", clusters))
                .append(", services=").append(services.size())
                .append(", attempts=").append(attempts)
                .append(", elapsed=").append(elapsed.truncatedTo(ChronoUnit.MILLIS));
        List<ServiceState> withImages = services.stream().filter(s -> !s.images().isEmpty()).toList();
        if (!withImages.isEmpty()) {
            sb.append(", images={");
            for (int i = 0; i < withImages.size() && i < IMAGES_SHOWN; i++) {
                ServiceState s = withImages.get(i);
                sb.append(i == 0 ? "" : ", ").append(s.service()).append('=').append(s.images());
            }
            if (withImages.size() > IMAGES_SHOWN) {
                sb.append(", ... ").append(withImages.size() - IMAGES_SHOWN).append(" more");
            }
            sb.append('}');
        }
        return sb.append(']').toString();
    }
}
