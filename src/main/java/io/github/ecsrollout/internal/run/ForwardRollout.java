package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.ImageUpdate;
import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.internal.model.DeploymentEstimate;
import io.github.ecsrollout.internal.model.ServiceId;
import io.github.ecsrollout.internal.report.Logs;
import io.github.ecsrollout.internal.state.TrackedService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * A rollout from its start: {@code rollOut} (check, update, wait), {@code start} (check and update, then write the
 * rollout down), and {@code awaitStable} (wait only). Each fills in its {@link RunRecord}; a failure unwinds as a
 * {@link RunFailure} for {@link RolloutEngine} to conclude.
 */
final class ForwardRollout {

    private final RunRecord run;

    ForwardRollout(RunRecord run) {
        this.run = run;
    }

    RolloutResult rollOut(List<UpdateServiceRequest> requests) {
        update(requests, true);
        return Waiting.await(run, attemptsFor(requests));
    }

    /** Updates as {@link #rollOut} does, and returns the rollout written down instead of waiting. */
    RolloutCheckpoint start(List<UpdateServiceRequest> requests) {
        // This call's timeout bounds only the updates: the deployments are waited for by later calls.
        update(requests, false);
        return run.checkpoint();
    }

    /** Registers a new revision per distinct image change, then rolls out to them as {@link #rollOut} does. */
    RolloutResult rollOutImages(List<ImageUpdate> updates) {
        List<UpdateServiceRequest> requests = registerImages(updates, true);
        new UpdateSender(run).send(requests);
        return Waiting.await(run, attemptsFor(requests));
    }

    /** Registers as {@link #rollOutImages} does, updates, and returns the rollout written down instead of waiting. */
    RolloutCheckpoint startImages(List<ImageUpdate> updates) {
        List<UpdateServiceRequest> requests = registerImages(updates, false);
        new UpdateSender(run).send(requests);
        return run.checkpoint();
    }

    /** Waits only: a service named twice is awaited once. */
    RolloutResult awaitStable(String cluster, List<String> services) {
        Map<String, TrackedService> byKey = new LinkedHashMap<>();
        for (String s : services) {
            TrackedService t = new TrackedService(ServiceId.of(cluster, s));
            byKey.putIfAbsent(t.id().key(), t);
        }
        run.services.addAll(byKey.values());
        run.notifier.started(ids(), false);
        return Waiting.await(run, run.settings.attempts());
    }

    /** @param waits whether this call waits for the deployments too, so that its bound must leave room for them */
    private void update(List<UpdateServiceRequest> requests, boolean waits) {
        UpdateSender.addServices(run, requests, "requests");
        run.notifier.started(ids(), true);
        new Preflight(run).check(requests, waits);
        new UpdateSender(run).send(requests);
    }

    /**
     * Reads the services (as every rollout does before its first update), then their task definitions, and registers
     * the new revisions: the UpdateService requests that name them.
     */
    private List<UpdateServiceRequest> registerImages(List<ImageUpdate> updates, boolean waits) {
        List<UpdateServiceRequest> named = ImageRegistration.serviceRequests(updates);
        UpdateSender.addServices(run, named, "updates");
        run.notifier.started(ids(), true);
        Map<TrackedService, Service> before = new Preflight(run).checkServices(named, waits);
        return new ImageRegistration(run).register(updates, before);
    }

    private List<ServiceId> ids() {
        return run.services.stream().map(TrackedService::id).toList();
    }

    /**
     * The polls each chunk may make. With neither timeout nor maxAttempts set, the default bound grows to cover the
     * longest shortest deployment, read from ECS's UpdateService answers: a healthy blue/green rollout must not time
     * out in its bake.
     */
    private int attemptsFor(List<UpdateServiceRequest> requests) {
        int attempts = run.settings.attempts();
        if (run.settings.isBounded() || run.settings.delay().isZero()) {
            return attempts;
        }
        Duration longest = Duration.ZERO;
        for (int i = 0; i < requests.size(); i++) {
            Service answered = run.services.get(i).last();
            DeploymentEstimate estimate = DeploymentEstimate.of(requests.get(i).deploymentConfiguration(),
                    answered == null ? null : answered.deploymentConfiguration(), run.settings.succeedAtStage());
            longest = estimate.shortest().compareTo(longest) > 0 ? estimate.shortest() : longest;
        }
        if (longest.isZero()) {
            return attempts;
        }
        int grown = run.settings.attemptsCovering(longest);
        Logs.ROLLOUT.info("The longest deployment takes at least {}: waiting up to {} polls", longest, grown);
        return grown;
    }
}
