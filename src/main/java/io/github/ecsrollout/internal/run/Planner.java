package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.ImageUpdate;
import io.github.ecsrollout.RolloutPlan;
import io.github.ecsrollout.RolloutPlan.ImageChange;
import io.github.ecsrollout.RolloutPlan.Problem;
import io.github.ecsrollout.RolloutPlan.ServicePlan;
import io.github.ecsrollout.internal.image.ImagePlan;
import io.github.ecsrollout.internal.model.DeploymentEstimate;
import io.github.ecsrollout.internal.model.Durations;
import io.github.ecsrollout.internal.model.RequestChanges;
import io.github.ecsrollout.internal.model.RolloutSettings;
import io.github.ecsrollout.internal.model.TaskDefinitionDiff;
import io.github.ecsrollout.internal.report.Headlines;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.verdict.DeploymentRules;
import io.github.ecsrollout.internal.verdict.Reasons;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Plans a rollout without writing anything: makes the reads a rollout makes before its first update (the services,
 * 10 a DescribeServices call; each task definition once), and the current task definitions besides, then reports
 * what would change and every problem found, instead of stopping at the first.
 */
final class Planner {

    private final RunRecord run;

    Planner(RunRecord run) {
        this.run = run;
    }

    /** The plan of a rollout of these requests; input already validated. */
    RolloutPlan plan(List<UpdateServiceRequest> requests) {
        return plan(requests, null, "requests");
    }

    /** The plan of moving these services to new images, a revision of each current task definition registered. */
    RolloutPlan planImages(List<ImageUpdate> updates) {
        return plan(ImageRegistration.serviceRequests(updates), updates, "updates");
    }

    /** One service's plan, or the problem that stops it. */
    private record Outcome(TrackedService service, Draft draft, Problem problem) {
    }

    /** A service's plan before the time allowed is known. */
    private record Draft(String current, Optional<String> target, List<ImageChange> images, List<String> differences,
            List<String> serviceChanges, DeploymentEstimate estimate) {
    }

    /**
     * @param images the image updates, one per request; {@code null} when the requests name their task definition
     * @param parameter what the caller calls its list, for a message
     */
    private RolloutPlan plan(List<UpdateServiceRequest> requests, List<ImageUpdate> images, String parameter) {
        UpdateSender.addServices(run, requests, parameter);
        ServicesBeforeUpdate.Found found = new ServicesBeforeUpdate(run).readAll();
        Set<String> toRead = new LinkedHashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            Service s = found.read().get(run.services.get(i));
            if (s != null && images == null && requests.get(i).taskDefinition() != null) {
                toRead.add(requests.get(i).taskDefinition());
            }
        }
        for (TrackedService t : run.services) {
            Service s = found.read().get(t);
            String running = s == null ? null : DeploymentRules.runningTaskDefinition(s);
            if (running != null) {
                toRead.add(running);
            }
        }
        TaskDefinitionCheck.Reading reading = new TaskDefinitionCheck(run).read(toRead);

        List<Outcome> outcomes = new ArrayList<>();
        Duration longest = Duration.ZERO;
        for (int i = 0; i < requests.size(); i++) {
            TrackedService t = run.services.get(i);
            Service s = found.read().get(t);
            Outcome outcome;
            if (s == null) {
                outcome = new Outcome(t, null, problem(t, Problem.Kind.valueOf(Reasons.of(t.verdict()).name()),
                        Headlines.of(t.verdict(), t.state())));
            } else if (images == null) {
                outcome = planRequest(t, s, requests.get(i), reading);
            } else {
                outcome = planImages(t, s, images.get(i), reading);
            }
            if (outcome.draft() != null) {
                Duration shortest = outcome.draft().estimate().shortest();
                longest = shortest.compareTo(longest) > 0 ? shortest : longest;
            }
            outcomes.add(outcome);
        }

        RolloutSettings settings = run.settings;
        Duration allowed = allowed(settings, longest);
        List<ServicePlan> plans = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.problem() != null) {
                problems.add(o.problem());
                continue;
            }
            Draft d = o.draft();
            String misfit = Preflight.misfit(settings, o.service(), d.estimate());
            if (misfit != null) {
                problems.add(problem(o.service(), Problem.Kind.SETTINGS_DO_NOT_FIT, misfit));
            }
            plans.add(new ServicePlan(o.service().id().cluster(), o.service().id().service(), d.current(),
                    d.target(), d.images(), d.differences(), d.serviceChanges(), d.estimate().strategy().toString(),
                    allowed, d.estimate().shortest()));
        }
        return new RolloutPlan(plans, problems);
    }

    /** The target is the request's task definition, or the current one when it names none. */
    private Outcome planRequest(TrackedService t, Service s, UpdateServiceRequest request,
            TaskDefinitionCheck.Reading reading) {
        String running = DeploymentRules.runningTaskDefinition(s);
        String requested = request.taskDefinition();
        if (requested != null && reading.unusable().containsKey(requested)) {
            return new Outcome(t, null, problem(t, Problem.Kind.TASK_DEFINITION_UNUSABLE, "task definition "
                    + requested + " cannot be deployed: " + reading.unusable().get(requested)));
        }
        TaskDefinition current = reading.described().get(running);
        if (current == null) {
            return new Outcome(t, null, unreadable(t, running, reading));
        }
        TaskDefinition target = requested == null ? current : reading.described().get(requested);
        if (target == null) {
            return new Outcome(t, null, unreadable(t, requested, reading));
        }
        DeploymentEstimate estimate = DeploymentEstimate.of(request.deploymentConfiguration(),
                s.deploymentConfiguration(), run.settings.succeedAtStage());
        String targetArn = target.taskDefinitionArn() != null ? target.taskDefinitionArn()
                : requested != null ? requested : running;
        return new Outcome(t, new Draft(running, Optional.of(targetArn), images(current, target),
                TaskDefinitionDiff.lines(current, target), RequestChanges.lines(s, request), estimate), null);
    }

    /** The target is the current task definition with the images replaced: a revision to register. */
    private Outcome planImages(TrackedService t, Service s, ImageUpdate update, TaskDefinitionCheck.Reading reading) {
        String running = DeploymentRules.runningTaskDefinition(s);
        TaskDefinition current = reading.described().get(running);
        if (current == null) {
            return new Outcome(t, null, unreadable(t, running, reading));
        }
        TaskDefinition target;
        try {
            target = ImagePlan.withImages(current, ImagePlan.imagesFor(update, running, current));
        } catch (IllegalArgumentException e) {
            return new Outcome(t, null, problem(t, Problem.Kind.UNKNOWN_CONTAINER, "the update " + e.getMessage()));
        }
        DeploymentEstimate estimate = DeploymentEstimate.of(null, s.deploymentConfiguration(),
                run.settings.succeedAtStage());
        return new Outcome(t, new Draft(running, Optional.empty(), images(current, target),
                TaskDefinitionDiff.lines(current, target), List.of(), estimate), null);
    }

    private static List<ImageChange> images(TaskDefinition current, TaskDefinition target) {
        return TaskDefinitionDiff.images(current, target).stream()
                .map(c -> new ImageChange(c.container(), c.before(), c.after())).toList();
    }

    /** A task definition that was needed and not read: ECS could not describe it, or the caller may not read any. */
    private static Problem unreadable(TrackedService t, String taskDefinition, TaskDefinitionCheck.Reading reading) {
        String why = reading.unusable().containsKey(taskDefinition) ? reading.unusable().get(taskDefinition)
                : reading.denied() != null ? "reading task definitions is not allowed (" + reading.denied() + ")"
                : "ECS did not describe it";
        return problem(t, Problem.Kind.TASK_DEFINITION_UNREADABLE, "task definition " + taskDefinition
                + " could not be read: " + why);
    }

    private static Problem problem(TrackedService t, Problem.Kind kind, String detail) {
        return new Problem(t.id().cluster(), t.id().service(), kind, detail);
    }

    /**
     * How long the settings let a rollout wait: the timeout less a rollback's reserve (and no more than maxAttempts
     * polls when set too); else the polls, grown for the longest deployment as a rollout grows them, times the delay.
     */
    private static Duration allowed(RolloutSettings settings, Duration longest) {
        Duration byAttempts = Durations.times(settings.delay(), settings.maxAttempts() != null
                ? settings.maxAttempts() : settings.attemptsCovering(longest));
        if (settings.timeout() == null) {
            return byAttempts;
        }
        return settings.maxAttempts() == null ? settings.forwardTimeout()
                : Durations.min(settings.forwardTimeout(), byAttempts);
    }
}
