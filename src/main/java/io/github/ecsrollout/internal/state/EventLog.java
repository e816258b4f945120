package io.github.ecsrollout.internal.state;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * The ECS events of one service that a rollout has seen, so that each is told once: those there before the rollout
 * are not news, and a checkpoint's cutoff says which an earlier process told already. Used under its service's lock.
 */
final class EventLog {

    private final Set<String> seen = new HashSet<>();
    private final List<ServiceEvent> events = new ArrayList<>();
    /** Whether the events there before the rollout are known (from the update's answer, or a first observation). */
    private boolean baselineTaken;
    /** The newest event seen: a checkpoint carries it so events are not told twice. */
    private Instant seenUntil;
    /** For a service read back from a checkpoint: events created until then were seen by an earlier process. */
    private final Instant cutoff;

    EventLog(Instant cutoff) {
        this.cutoff = cutoff;
        this.seenUntil = cutoff;
    }

    /** Takes the events of ECS's answer to the update as the ones there before the rollout. */
    void baseline(Service answer) {
        answer.events().forEach(e -> {
            seen.add(key(e));
            noteTime(e);
        });
        baselineTaken = true;
    }

    /**
     * The events of an answer not seen before, oldest first (ECS lists them newest first; events of one instant stay
     * in ECS's order); on the first observation without a baseline, those created before {@code since} (or, for a
     * service read back from a checkpoint, until its cutoff) are old.
     */
    List<ServiceEvent> fresh(Service answer, Instant since) {
        List<ServiceEvent> fresh = new ArrayList<>();
        for (ServiceEvent e : answer.events()) {
            // A checkpoint keeps milliseconds: compare in milliseconds, or an event of the cutoff's own millisecond
            // with a finer time would be told again on every check.
            boolean old = !baselineTaken && e.createdAt() != null && (cutoff != null
                    ? !e.createdAt().truncatedTo(ChronoUnit.MILLIS).isAfter(cutoff.truncatedTo(ChronoUnit.MILLIS))
                    : e.createdAt().isBefore(since));
            if (seen.add(key(e)) && !old) {
                fresh.add(e);
            }
            noteTime(e);
        }
        baselineTaken = true;
        Collections.reverse(fresh);
        fresh.sort(Comparator.comparing((ServiceEvent e) -> e.createdAt() == null ? Instant.MIN : e.createdAt()));
        events.addAll(fresh);
        return fresh;
    }

    /** Every new event told so far, oldest first. */
    List<ServiceEvent> events() {
        return List.copyOf(events);
    }

    /** The newest event's time, or {@code null}. */
    Instant seenUntil() {
        return seenUntil;
    }

    private void noteTime(ServiceEvent e) {
        if (e.createdAt() != null && (seenUntil == null || e.createdAt().isAfter(seenUntil))) {
            seenUntil = e.createdAt();
        }
    }

    private static String key(ServiceEvent e) {
        return e.id() != null ? e.id() : e.createdAt() + "|" + e.message();
    }
}
