package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.state.TrackedService;
import java.util.List;

/**
 * One chunk of up to 10 services of a cluster as a watch schedules it: the polls it made, when it is due again,
 * whether its last poll before the deadline is made, and how it ended. Used on the watching thread only.
 */
final class Chunk {

    final List<TrackedService> services;
    int polls;
    /** When the next poll is due, a reading of the rollout's clock. */
    long dueAt;
    /** Whether the poll just before the deadline has been made. */
    boolean lastPollDone;
    boolean inFlight;
    /** Whether its poll waits for a DescribeServices turn: counted once, when it first waited. */
    boolean awaitingTurn;
    /** How the chunk's wait ended; {@code null} while it goes on. */
    WatchOutcome outcome;

    Chunk(List<TrackedService> services, long dueAt) {
        this.services = services;
        this.dueAt = dueAt;
    }

    String cluster() {
        return services.get(0).id().cluster();
    }

    String clusterKey() {
        return services.get(0).id().clusterKey();
    }

    /** The services not yet confirmed stable: the ones a poll asks about. */
    List<TrackedService> open() {
        return services.stream().filter(t -> t.verdict() != Verdict.STABLE).toList();
    }

    boolean isDone() {
        return outcome != null;
    }

    boolean allStable() {
        return services.stream().allMatch(t -> t.verdict() == Verdict.STABLE);
    }
}
