package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.internal.io.EcsErrors;
import io.github.ecsrollout.internal.report.Listing;
import io.github.ecsrollout.internal.report.Logs;
import io.github.ecsrollout.internal.verdict.Deployable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Reads the task definitions a rollout's requests name before its first update, one DescribeTaskDefinition per
 * distinct one (as spelled; a family alone is its latest ACTIVE revision to ECS too), each when its turn comes, and
 * refuses the rollout, nothing updated, when ECS cannot describe one or it is not ACTIVE. A caller not allowed to
 * read them is told once at WARN, and the rollout goes on without this check.
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
        Map<String, String> unusable = new LinkedHashMap<>();
        RuntimeException firstRefusal = null;
        for (String taskDefinition : requestedBy.keySet()) {
            awaitTurn();
            DescribeTaskDefinitionResponse answer;
            try {
                answer = run.ecs.describeTaskDefinition(taskDefinition, run.deadline);
            } catch (RuntimeException e) {
                String denied = EcsErrors.unavailable(e);
                if (denied != null) {
                    Logs.ROLLOUT.warn("Could not read the task definitions before the updates ({}): going on without "
                            + "checking them (ecs:DescribeTaskDefinition lets the rollout check them)", denied);
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
            TaskDefinition described = answer == null ? null : answer.taskDefinition();
            if (described != null && !Deployable.isActive(described)) {
                unusable.put(taskDefinition, "it is " + described.statusAsString()
                        + (described.taskDefinitionArn() == null ? "" : " (" + described.taskDefinitionArn() + ")"));
            }
        }
        if (!unusable.isEmpty()) {
            throw failure(unusable, requestedBy, firstRefusal);
        }
    }

    private void awaitTurn() {
        boolean turn;
        try {
            turn = run.ecs.taskDefinitionTurn(run.deadline);
        } catch (InterruptedException e) {
            throw ReadFailures.interrupted(e, READING);
        }
        if (!turn) {
            throw ReadFailures.noTurn(run, "DescribeTaskDefinition calls that read " + READING);
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
