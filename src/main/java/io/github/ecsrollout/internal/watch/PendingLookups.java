package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.internal.model.EcsLimits;
import io.github.ecsrollout.internal.state.TrackedService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The answers of a watch that wait for their service deployments, so that those of chunks polled together are looked
 * up together: the look-up is due once they fill a DescribeServiceDeployments call; or, once no chunk due waits for
 * its DescribeServices turn, when nothing else is in flight or the oldest has waited one batch window. Used on the
 * watching thread only.
 */
final class PendingLookups {

    private final long windowNanos;
    private final List<GroupPoll.Answer> answers = new ArrayList<>();
    private final Map<TrackedService, Service> needs = new LinkedHashMap<>();
    /** When the oldest pending answer came back, a reading of the clock. */
    private long since;

    PendingLookups(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** Adds an answer whose services need their service deployments. */
    void add(GroupPoll.Answer answer, Map<TrackedService, Service> needed, long now) {
        if (answers.isEmpty()) {
            since = now;
        }
        answers.add(answer);
        needs.putAll(needed);
    }

    /** When the look-up is due at the latest, a reading of the clock; {@link Long#MAX_VALUE} with nothing pending. */
    long dueBy() {
        return answers.isEmpty() ? Long.MAX_VALUE : since + windowNanos;
    }

    /**
     * Whether the look-up is due now.
     *
     * @param inFlight whether polls are in flight, whose answers may join
     * @param turnsAwaited whether polls due now wait for their DescribeServices turn: they are this round's, and join
     *     whatever the window, so that a paced round still shares calls of 20
     */
    boolean isDue(long now, boolean inFlight, boolean turnsAwaited) {
        if (answers.isEmpty()) {
            return false;
        }
        return needs.size() >= EcsLimits.SERVICE_DEPLOYMENTS_PER_DESCRIBE
                || (!turnsAwaited && (!inFlight || now - since >= windowNanos));
    }

    /** The answers to look up now, with their services' needs; nothing is pending afterwards. */
    LookupPoll.Batch take() {
        LookupPoll.Batch batch = new LookupPoll.Batch(List.copyOf(answers), new LinkedHashMap<>(needs));
        answers.clear();
        needs.clear();
        return batch;
    }
}
