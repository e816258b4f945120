package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.ImageUpdate;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.internal.image.ImagePlan;
import io.github.ecsrollout.internal.image.ImagePlan.Described;
import io.github.ecsrollout.internal.image.ImagePlan.Registration;
import io.github.ecsrollout.internal.io.EcsErrors;
import io.github.ecsrollout.internal.report.Listing;
import io.github.ecsrollout.internal.report.Logs;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.verdict.DeploymentRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * The part of an image deploy between reading the services and updating them: reads each service's current task
 * definition with its tags (one DescribeTaskDefinition per distinct one), checks every update against it, then
 * registers each distinct new revision once, and names them in the UpdateService requests. All of it before the first
 * UpdateService: a registration that fails ends the deploy with no service updated; the revisions registered before
 * it stay registered (nothing is ever deregistered), and the exception names them.
 */
final class ImageRegistration {

    private static final String READING = "the services' task definitions to copy";

    private final RunRecord run;

    ImageRegistration(RunRecord run) {
        this.run = run;
    }

    /** One request per update naming only its service, as a rollout's services are read and tracked before any copy. */
    static List<UpdateServiceRequest> serviceRequests(List<ImageUpdate> updates) {
        return updates.stream()
                .map(u -> UpdateServiceRequest.builder().cluster(u.cluster()).service(u.service()).build())
                .toList();
    }

    /**
     * Registers the new revisions.
     *
     * @param updates the image updates, one per service of the run, in its order
     * @param before each service as read before any update
     * @return one UpdateService request per update, naming its new revision
     * @throws IllegalArgumentException when an update names a container its task definition lacks, or names none
     *     while the task definition has other than one: before any registration
     * @throws RunFailure when a task definition cannot be read, or a registration fails
     */
    List<UpdateServiceRequest> register(List<ImageUpdate> updates, Map<TrackedService, Service> before) {
        List<String> current = new ArrayList<>();
        Map<String, List<String>> servicesOf = new LinkedHashMap<>();
        for (int i = 0; i < updates.size(); i++) {
            Service service = before.get(run.services.get(i));
            String taskDefinition = DeploymentRules.runningTaskDefinition(service);
            current.add(taskDefinition);
            servicesOf.computeIfAbsent(taskDefinition, k -> new ArrayList<>()).add(updates.get(i).service());
        }
        Map<String, Described> described = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : servicesOf.entrySet()) {
            described.put(e.getKey(), describe(e.getKey(), e.getValue()));
        }
        ImagePlan plan = ImagePlan.of(updates, current, described);
        List<String> registered = new ArrayList<>();
        for (Registration r : plan.registrations()) {
            registered.add(register(r, updates, registered));
        }
        Logs.ROLLOUT.info("Registered {} new task definition revision{} for {} service{}: {}", registered.size(),
                registered.size() == 1 ? "" : "s", updates.size(), updates.size() == 1 ? "" : "s",
                Listing.names(registered.stream().map(ImageRegistration::shortName).toList()));
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
            ImageUpdate u = updates.get(i);
            requests.add(UpdateServiceRequest.builder().cluster(u.cluster()).service(u.service())
                    .taskDefinition(registered.get(plan.registrationOf(i))).build());
        }
        return requests;
    }

    /** The task definition with its tags; a failure names the services that run it. */
    private Described describe(String taskDefinition, List<String> services) {
        TaskDefinitionCheck.awaitTurn(run, READING);
        DescribeTaskDefinitionResponse answer;
        try {
            answer = run.ecs.describeTaskDefinitionWithTags(taskDefinition, run.deadline);
        } catch (RuntimeException e) {
            if (EcsErrors.refusedWhatWasNamed(e)) {
                throw new RunFailure(Reason.TASK_DEFINITION_UNUSABLE, "task definition " + taskDefinition + " of "
                        + Listing.names(services) + " cannot be copied: ECS cannot describe it ("
                        + EcsErrors.words(e) + "); nothing was registered or updated", e, services);
            }
            throw ReadFailures.of(run, e, READING);
        }
        TaskDefinition td = answer == null ? null : answer.taskDefinition();
        if (td == null) {
            throw new RunFailure(Reason.API_ERROR, "ECS described task definition " + taskDefinition
                    + " without its content; nothing was registered or updated", null, services);
        }
        List<Tag> tags = answer.hasTags() ? answer.tags() : List.of();
        return new Described(td, tags);
    }

    /**
     * Registers one revision.
     *
     * @param registered the revisions registered before it, for the message of a failure
     * @return the new revision's ARN
     */
    private String register(Registration r, List<ImageUpdate> updates, List<String> registered) {
        List<String> services = r.updates().stream().map(i -> updates.get(i).service()).toList();
        awaitRegisterTurn(r, services, registered);
        RegisterTaskDefinitionResponse answer;
        try {
            answer = run.ecs.registerTaskDefinition(r.request(), run.deadline);
        } catch (RuntimeException e) {
            throw registrationFailed(r, services, registered, e);
        }
        TaskDefinition td = answer == null ? null : answer.taskDefinition();
        String arn = td == null ? null : td.taskDefinitionArn() != null ? td.taskDefinitionArn()
                : td.family() != null && td.revision() != null ? td.family() + ":" + td.revision() : null;
        if (arn == null) {
            throw new RunFailure(Reason.API_ERROR, "ECS registered a copy of " + r.from() + " for "
                    + Listing.names(services) + " without saying which revision" + leftRegistered(registered), null,
                    services);
        }
        Logs.SERVICES.debug("Registered {} for {}: a copy of {} with images {}", shortName(arn),
                Listing.names(services), shortName(r.from()), r.images());
        return arn;
    }

    private RunFailure registrationFailed(Registration r, List<String> services, List<String> registered,
            RuntimeException e) {
        EcsErrors.Kind kind = EcsErrors.kind(e, run.deadline);
        EcsErrors.settleInterruptFlag(kind);
        String what = registering(r, services);
        String after = leftRegistered(registered);
        if (kind == EcsErrors.Kind.CUT_SHORT) {
            return new RunFailure(Reason.TIMED_OUT, "the timeout of " + run.settings.timeout() + " passed while "
                    + what + " (ECS may or may not have registered it)" + after, e, services);
        }
        if (kind == EcsErrors.Kind.INTERRUPTED) {
            return new RunFailure(Reason.INTERRUPTED, "interrupted while " + what
                    + " (ECS may or may not have registered it)" + after, e, services);
        }
        Reason reason = EcsErrors.refusedWhatWasNamed(e) ? Reason.TASK_DEFINITION_UNUSABLE : Reason.API_ERROR;
        return new RunFailure(reason, "ECS refused " + what + ": " + EcsErrors.words(e) + after, e, services);
    }

    /** {@code family:revision} of a task definition ARN; anything else as it is. */
    private static String shortName(String taskDefinition) {
        int slash = taskDefinition.indexOf(":task-definition/");
        return slash < 0 ? taskDefinition : taskDefinition.substring(slash + ":task-definition/".length());
    }

    private static String registering(Registration r, List<String> services) {
        return "registering a copy of " + r.from() + " for " + Listing.names(services);
    }

    /** How a failure's message ends: the revisions registered before it, left registered, and nothing updated. */
    private static String leftRegistered(List<String> registered) {
        return (registered.isEmpty() ? "" : "; registered before it, and left registered: "
                + Listing.names(registered)) + "; nothing was updated";
    }

    /**
     * Waits for the turn of a RegisterTaskDefinition call. Running out of time or being interrupted here comes after
     * the registrations before it, so its failure names them (and the services left waiting), as a refused
     * registration's does: they stay registered, unused.
     */
    private void awaitRegisterTurn(Registration r, List<String> services, List<String> registered) {
        boolean turn;
        String what = registering(r, services);
        String after = leftRegistered(registered);
        try {
            turn = run.ecs.registerTurn(run.deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunFailure(Reason.INTERRUPTED, "interrupted while waiting to start " + what + after, e);
        }
        if (!turn) {
            throw new RunFailure(Reason.TIMED_OUT, "the timeout of " + run.settings.timeout() + " passed while pacing "
                    + "the RegisterTaskDefinition calls (ECS allows 1 a second after a burst), before " + what
                    + after, null);
        }
    }
}
