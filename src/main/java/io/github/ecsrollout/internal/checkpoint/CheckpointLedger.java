package io.github.ecsrollout.internal.checkpoint;

import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.internal.model.ServiceId;
import io.github.ecsrollout.internal.state.TrackedService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;

/**
 * Writes a rollout's tracked services into a checkpoint and reads them back: the services it changed (or may have),
 * with everything learned about them so far, so that a later process goes on from there.
 */
public final class CheckpointLedger {

    /**
     * A rollout read back from a checkpoint.
     *
     * @param startedAt when the rollout started
     * @param services its services, in the checkpoint's order
     * @param succeedAtStage the stage it succeeds at, or {@code null}
     * @param rollbackOnFailure whether a failure rolls it back
     * @param deadline when it ends if not done, or {@code null}
     */
    public record Restored(Instant startedAt, List<TrackedService> services,
            ServiceDeploymentLifecycleStage succeedAtStage, boolean rollbackOnFailure, Instant deadline) {
    }

    private CheckpointLedger() {
    }

    /**
     * The checkpoint of a rollout; {@code null} when it changed no service.
     *
     * @param services every service of the rollout, in order
     * @param changed the services it updated or may have
     * @param deadline when the rollout ends if not done, or {@code null}
     */
    public static RolloutCheckpoint write(List<TrackedService> services, Set<TrackedService> changed,
            Instant startedAt, ServiceDeploymentLifecycleStage succeedAtStage, boolean rollbackOnFailure,
            Instant deadline) {
        List<CheckpointEntry> entries = services.stream().filter(changed::contains).map(CheckpointLedger::entry)
                .toList();
        if (entries.isEmpty()) {
            return null;
        }
        String prefix = entries.stream().map(e -> CheckpointEntry.prefixOf(e.serviceDeploymentArn()))
                .filter(Objects::nonNull).findFirst().orElse(null);
        List<String> lines = entries.stream().map(e -> e.format(startedAt, prefix)).toList();
        return new RolloutCheckpoint(deadline == null ? 1 : 2, startedAt.toString(),
                succeedAtStage == null ? null : succeedAtStage.toString(), rollbackOnFailure, prefix, lines,
                deadline == null ? null : deadline.toString());
    }

    /** The rollout a checkpoint carries, its services as the process that wrote it left them. */
    public static Restored read(RolloutCheckpoint checkpoint) {
        Instant startedAt = Instant.parse(checkpoint.startedAt());
        List<TrackedService> services = new ArrayList<>();
        for (String line : checkpoint.services()) {
            CheckpointEntry e = CheckpointEntry.parse(line, startedAt, checkpoint.serviceDeploymentArnPrefix());
            services.add(TrackedService.resumed(ServiceId.of(e.cluster(), e.service()),
                    new TrackedService.Memo(e.possiblyUpdated(), e.deploymentId(), e.serviceDeploymentArn(),
                            e.previousTaskDefinition(), e.requestedTaskDefinition(), e.updateSentAt(), e.verdict(),
                            e.eventsSeenUntil(), e.pausesHeard())));
        }
        ServiceDeploymentLifecycleStage stage = checkpoint.succeedAtStage() == null ? null
                : ServiceDeploymentLifecycleStage.fromValue(checkpoint.succeedAtStage());
        return new Restored(startedAt, List.copyOf(services), stage, checkpoint.rollbackOnFailure(),
                checkpoint.deadline().orElse(null));
    }

    private static CheckpointEntry entry(TrackedService t) {
        TrackedService.Memo m = t.memo();
        return new CheckpointEntry(t.id().cluster(), t.id().service(), m.possiblyUpdated(), m.deploymentId(),
                m.serviceDeploymentArn(), m.previousTaskDefinition(),
                m.deploymentId() == null ? m.requestedTaskDefinition() : null, m.updateSentAt(), m.verdict(),
                m.eventsSeenUntil(), m.pausesHeard());
    }
}
