package io.github.ecsrollout.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.ecsrollout.ContainerImage;
import io.github.ecsrollout.internal.model.ServiceId;
import io.github.ecsrollout.internal.state.TrackedService;
import io.github.ecsrollout.sim.SimulatedEcs;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;

/** What a service revision says it runs, as the public API shows it, and which revision a service runs. */
class RevisionImagesReadTest {

    private static final String SERVICE = "arn:aws:ecs:us-east-1:123456789012:service/example-cluster/example-service";
    private static final String REVISION =
            "arn:aws:ecs:us-east-1:123456789012:service-revision/example-cluster/example-service/";

    @Test
    void theRecordedRevisionGivesEachContainerItsImageAndDigest() {
        ServiceRevision revision;
        try (SimulatedEcs ecs = SimulatedEcs.start(); EcsClient client = ecs.client()) {
            ecs.faults().next(1, "DescribeServiceRevisions").replay("22-describe-service-revisions-awscli-docs.json");
            revision = client.describeServiceRevisions(b -> b.serviceRevisionArns("x")).serviceRevisions().get(0);
        }

        List<ContainerImage> images = RevisionImages.images(revision);

        assertEquals(List.of(
                ContainerImage.of("aws-otel-collector", "public.ecr.aws/aws-observability/aws-otel-collector:v0.32.0",
                        "sha256:7a1b3560655071bcacd66902c20ebe9a69470d5691fe3bd36baace7c2f3c4640"),
                ContainerImage.of("web", "nginx",
                        "sha256:28402db69fec7c17e179ea87882667f1e054391138f77ffaf0c3eb388efc3ffb")), images);
        assertEquals("[aws-otel-collector=public.ecr.aws/aws-observability/aws-otel-collector:v0.32.0"
                + "@sha256:7a1b35606550, web=nginx@sha256:28402db69fec]", images.toString());
    }

    @Test
    void anEntryWithoutNameOrImageIsLeftOutAndABlankDigestIsNone() {
        ServiceRevision revision = ServiceRevision.builder().containerImages(
                c -> c.containerName("web").image("nginx").imageDigest(""),
                c -> c.containerName("sidecar"),
                c -> c.image("busybox")).build();

        assertEquals(List.of(ContainerImage.of("web", "nginx", null)), RevisionImages.images(revision));
    }

    @Test
    void aServiceRunsItsServiceDeploymentsTargetWhenThatIsItsDeployment() {
        TrackedService t = accepted("ecs-svc/1485800978477494678");
        observe(t, "ecs-svc/1485800978477494678", ServiceDeployment.builder()
                .targetServiceRevision(r -> r.arn(REVISION + "1485800978477494678")).build());

        assertEquals(REVISION + "1485800978477494678", RevisionImages.revisionOf(t));
    }

    @Test
    void withoutAServiceDeploymentTheRevisionIsNamedFromTheServiceArn() {
        TrackedService t = accepted("ecs-svc/77");
        observe(t, "ecs-svc/77", null);

        assertEquals(REVISION + "77", RevisionImages.revisionOf(t));
    }

    @Test
    void aServiceDeploymentOfAnotherDeploymentIsNotTaken() {
        TrackedService t = accepted("ecs-svc/77");
        observe(t, "ecs-svc/77", ServiceDeployment.builder().targetServiceRevision(r -> r.arn(REVISION + "76")).build());

        assertEquals(REVISION + "77", RevisionImages.revisionOf(t));
    }

    @Test
    void aServiceNeverObservedRunsNoKnownRevision() {
        assertNull(RevisionImages.revisionOf(new TrackedService(ServiceId.of("example-cluster", "example-service"))));
    }

    private static TrackedService accepted(String deploymentId) {
        TrackedService t = new TrackedService(ServiceId.of("example-cluster", "example-service"));
        t.updateSent(Instant.EPOCH, "web:5");
        t.updateAccepted(stable(deploymentId));
        return t;
    }

    private static void observe(TrackedService t, String deploymentId, ServiceDeployment sd) {
        t.observe(stable(deploymentId), sd, Instant.EPOCH, null);
    }

    private static Service stable(String deploymentId) {
        return Service.builder().serviceArn(SERVICE).serviceName("example-service").status("ACTIVE")
                .desiredCount(1).runningCount(1).pendingCount(0)
                .deployments(Deployment.builder().id(deploymentId).status("PRIMARY").desiredCount(1).runningCount(1)
                        .rolloutState(DeploymentRolloutState.COMPLETED).build())
                .build();
    }
}
