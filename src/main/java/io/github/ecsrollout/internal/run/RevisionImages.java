package io.github.ecsrollout.internal.run;

import io.github.ecsrollout.ContainerImage;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.io.EcsErrors;
import io.github.ecsrollout.internal.model.EcsIds;
import io.github.ecsrollout.internal.model.EcsLimits;
import io.github.ecsrollout.internal.report.Listing;
import io.github.ecsrollout.internal.report.Logs;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.internal.verdict.DeploymentRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.DescribeServiceRevisionsResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;

/**
 * Reads, once at the end of a successful rollout, the images each successful service's new service revision runs,
 * with the digests ECS resolved (DescribeServiceRevisions, up to 20 revisions a call, across services). Nothing here
 * fails the rollout: what ECS cannot say is one WARN line, and those services' images stay empty.
 */
final class RevisionImages {

    private RevisionImages() {
    }

    /**
     * Reads and records the images of the run's STABLE services, within its deadline (past it, nothing is read); not
     * for a wait without deployments of its own ({@code awaitStable}).
     */
    static void read(RunRecord run) {
        if (!run.ownDeployments) {
            return;
        }
        Map<String, List<TrackedService>> byRevision = new LinkedHashMap<>();
        for (TrackedService t : run.services) {
            String arn = t.verdict() == Verdict.STABLE ? revisionOf(t) : null;
            if (arn != null) {
                byRevision.computeIfAbsent(arn, a -> new ArrayList<>()).add(t);
            }
        }
        if (byRevision.isEmpty()) {
            return;
        }
        if (run.deadline.hasPassed()) {
            Logs.ROLLOUT.debug("Not reading the images of {} service revision(s): the time had run out",
                    byRevision.size());
            return;
        }
        List<String> arns = new ArrayList<>(byRevision.keySet());
        List<String> notFound = new ArrayList<>();
        String why = null;
        boolean denied = false;
        for (int i = 0; i < arns.size() && why == null; i += EcsLimits.SERVICE_REVISIONS_PER_DESCRIBE) {
            List<String> batch = arns.subList(i, Math.min(arns.size(), i + EcsLimits.SERVICE_REVISIONS_PER_DESCRIBE));
            DescribeServiceRevisionsResponse answer;
            try {
                if (!run.ecs.serviceRevisionTurn(run.deadline)) {
                    timeRanOut(arns.size() - i);
                    break;
                }
                answer = run.ecs.describeServiceRevisions(batch, run.deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                why = "interrupted";
                break;
            } catch (RuntimeException e) {
                EcsErrors.Kind kind = EcsErrors.kind(e, run.deadline);
                EcsErrors.settleInterruptFlag(kind);
                if (kind == EcsErrors.Kind.CUT_SHORT) {
                    timeRanOut(arns.size() - i);
                    break;
                }
                why = kind == EcsErrors.Kind.INTERRUPTED ? "interrupted" : EcsErrors.words(e);
                denied = EcsErrors.unavailable(e) != null;
                break;
            }
            if (answer == null) {
                // Only a mocked client answers nothing (ECS always answers): nothing to say at WARN.
                Logs.ROLLOUT.debug("DescribeServiceRevisions returned no answer: images not read");
                break;
            }
            take(answer, byRevision, notFound);
        }
        if (why != null) {
            Logs.ROLLOUT.warn("The images the new service revisions run cannot be read ({}): images() are empty{}", why,
                    denied ? ". Grant ecs:DescribeServiceRevisions to see the digests each service runs." : "");
        } else if (!notFound.isEmpty()) {
            Logs.ROLLOUT.warn("ECS has no service revision for {} service(s) ({}): their images() are empty",
                    notFound.size(), Listing.names(notFound));
        }
    }

    /** Past the timeout the images stay empty, said at DEBUG as rollOut's Javadoc promises: nothing was refused. */
    private static void timeRanOut(int unread) {
        Logs.ROLLOUT.debug("Not reading the images of {} service revision(s): the time ran out", unread);
    }

    /** Records what one answer describes; adds what it could not find to {@code notFound}. */
    private static void take(DescribeServiceRevisionsResponse answer, Map<String, List<TrackedService>> byRevision,
            List<String> notFound) {
        for (ServiceRevision revision : answer.serviceRevisions()) {
            List<TrackedService> services = byRevision.get(revision.serviceRevisionArn());
            if (services != null) {
                List<ContainerImage> images = images(revision);
                services.forEach(t -> t.images(images));
            }
        }
        for (Failure f : answer.failures()) {
            List<TrackedService> services = f.arn() == null ? null : byRevision.get(f.arn());
            if (services != null) {
                services.forEach(t -> notFound.add(t.id().service() + ": " + f.reason()));
            }
        }
    }

    /** The revision's images as the public API shows them; an entry without a container name or image is left out. */
    static List<ContainerImage> images(ServiceRevision revision) {
        List<ContainerImage> images = new ArrayList<>();
        for (software.amazon.awssdk.services.ecs.model.ContainerImage c : revision.containerImages()) {
            if (c.containerName() != null && !c.containerName().isBlank() && c.image() != null
                    && !c.image().isBlank()) {
                String digest = c.imageDigest() == null || c.imageDigest().isBlank() ? null : c.imageDigest();
                images.add(ContainerImage.of(c.containerName(), c.image(), digest));
            }
        }
        return images;
    }

    /**
     * The service revision a successful service runs: its service deployment's target, when that is the one this
     * rollout started; else the revision of that deployment ({@code ecs-svc/N} runs {@code .../N}), named from the
     * service's ARN. {@code null} when neither can be told.
     */
    static String revisionOf(TrackedService t) {
        String deploymentId = t.expectedDeploymentId() != null ? t.expectedDeploymentId()
                : DeploymentRules.primaryId(t.last());
        ServiceDeployment sd = t.serviceDeployment();
        String target = sd == null || sd.targetServiceRevision() == null ? null : sd.targetServiceRevision().arn();
        if (EcsIds.isRevisionOf(target, deploymentId)) {
            return target;
        }
        return EcsIds.revisionArn(t.last(), deploymentId);
    }
}
