package io.github.ecsrollout;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** The outcome of a successful rollout: every service's final observed state, the polls it took and the time. Immutable. */
public final class RolloutResult {

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

    @Override
    public String toString() {
        Set<String> clusters = new LinkedHashSet<>();
        services.forEach(s -> clusters.add(s.cluster()));
        return "RolloutResult[cluster=" + String.join(",", clusters) + ", services=" + services.size()
                + ", attempts=" + attempts + ", elapsed=" + elapsed.truncatedTo(ChronoUnit.MILLIS) + "]";
    }
}
