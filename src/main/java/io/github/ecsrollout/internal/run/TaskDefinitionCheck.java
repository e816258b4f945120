package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.internal.io.EcsErrors;
import io.github.ecsrollout.internal.report.Listing;
import io.github.ecsrollout.internal.report.Logs;
import io.github.ecsrollout.internal.verdict.Deployable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Reads the task definitions a rollout's requests name before its first update, one DescribeTaskDefinition per
 * distinct one (as spelled; a family alone is its latest ACTIVE revision to ECS too), each when its turn comes, and
 * refuses the rollout, nothing updated, when ECS cannot describe one or it is not ACTIVE (a plan gets what was read
 * instead). A caller not allowed to read them is told once at WARN, and the rollout goes on without this check.
 */
final class TaskDefinitionCheck {

    private static final String READING = "the task definitions before any update";

    private final RunRecord run;

    TaskDefinitionCheck(RunRecord run) {
        this.run = run;
    }

    /**
     * Checks every distinct task definition the requests name; requests without one (forceNewDeployment alone) need
     * none. Every one is read, so that one failure names each unusable one.
     *
     * @throws RunFailure TASK_DEFINITION_UNUSABLE when one cannot be deployed, naming the services that asked for
     *     it; TIMED_OUT, INTERRUPTED or API_ERROR when they cannot be read
     */
    void check(List<UpdateServiceRequest> requests) {
        Map<String, List<String>> requestedBy = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            String taskDefinition = requests.get(i).taskDefinition();
            if (taskDefinition != null) {
                requestedBy.computeIfAbsent(taskDefinition, k -> new ArrayList<>())
                        .add(run.services.get(i).id().service());
            }
        }
        Reading reading = read(requestedBy.keySet());
        if (reading.denied() != null) {
            Logs.ROLLOUT.warn("Could not read the task definitions before the updates ({}): going on without "
                    + "checking them (ecs:DescribeTaskDefinition lets the rollout check them)", reading.denied());
        }
        if (!reading.unusable().isEmpty()) {
            throw failure(reading.unusable(), requestedBy, reading.firstRefusal());
        }
    }

    /**
     * What reading task definitions found; a read denied ends the reading, leaving the rest unread.
     *
     * @param described each one ECS described, as spelled
     * @param unusable each one that cannot be deployed, with why, in the order read
     * @param firstRefusal ECS's error for the first one it could not describe, or {@code null}
     * @param denied why the caller may not read task definitions at all, in ECS's words; or {@code null}
     */
    record Reading(Map<String, TaskDefinition> described, Map<String, String> unusable, RuntimeException firstRefusal,
            String denied) {
    }

    /**
     * Reads each task definition once, in order, each when its turn comes; every one is read, so that one failure
     * names each unusable one.
     *
     * @throws RunFailure TIMED_OUT, INTERRUPTED or API_ERROR when they cannot be read
     */
    Reading read(Collection<String> taskDefinitions) {
        Map<String, TaskDefinition> described = new LinkedHashMap<>();
        Map<String, String> unusable = new LinkedHashMap<>();
        RuntimeException firstRefusal = null;
        String denied = null;
        for (String taskDefinition : new LinkedHashSet<>(taskDefinitions)) {
            awaitTurn(run, READING);
            DescribeTaskDefinitionResponse answer;
            try {
                answer = run.ecs.describeTaskDefinition(taskDefinition, run.deadline);
            } catch (RuntimeException e) {
                denied = EcsErrors.unavailable(e);
                if (denied != null) {
                    break;
                }
                if (!EcsErrors.refusedWhatWasNamed(e)) {
                    throw ReadFailures.of(run, e, READING);
                }
                unusable.put(taskDefinition, "ECS cannot describe it (" + EcsErrors.words(e) + "): it does not "
                        + "exist, or it is no longer ACTIVE");
                firstRefusal = firstRefusal == null ? e : firstRefusal;
                continue;
            }
            TaskDefinition definition = answer == null ? null : answer.taskDefinition();
            if (definition != null) {
                described.put(taskDefinition, definition);
            }
            if (definition != null && !Deployable.isActive(definition)) {
                unusable.put(taskDefinition, "it is " + definition.statusAsString()
                        + (definition.taskDefinitionArn() == null ? "" : " (" + definition.taskDefinitionArn() + ")"));
            }
        }
        return new Reading(described, unusable, firstRefusal, denied);
    }

    /**
     * Waits for the turn of a DescribeTaskDefinition call.
     *
     * @param reading what the calls read, for the message of a failure ({@code the task definitions before any update})
     * @throws RunFailure when the deadline comes first, or the thread is interrupted
     */
    static void awaitTurn(RunRecord run, String reading) {
        boolean turn;
        try {
            turn = run.ecs.taskDefinitionTurn(run.deadline);
        } catch (InterruptedException e) {
            throw ReadFailures.interrupted(e, reading);
        }
        if (!turn) {
            throw ReadFailures.noTurn(run, "DescribeTaskDefinition calls that read " + reading);
        }
    }

    /**
     * The failure naming each unusable task definition, why, and the services that asked for it: those are the
     * failed ones, in the caller's order.
     */
    private RunFailure failure(Map<String, String> unusable, Map<String, List<String>> requestedBy,
            RuntimeException cause) {
        List<String> parts = new ArrayList<>();
        Set<String> failed = new HashSet<>();
        unusable.forEach((taskDefinition, why) -> {
            parts.add("task definition " + taskDefinition + " of " + Listing.names(requestedBy.get(taskDefinition))
                    + " cannot be deployed: " + why);
            failed.addAll(requestedBy.get(taskDefinition));
        });
        List<String> services = run.services.stream().map(t -> t.id().service()).filter(failed::contains).toList();
        return new RunFailure(Reason.TASK_DEFINITION_UNUSABLE, String.join("; ", parts) + "; nothing was updated",
                cause, services);
    }
}
