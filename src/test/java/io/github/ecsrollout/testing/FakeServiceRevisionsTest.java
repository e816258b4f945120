package io.github.ecsrollout.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.AccessDeniedException;
import software.amazon.awssdk.services.ecs.model.ContainerImage;
import software.amazon.awssdk.services.ecs.model.DescribeServiceRevisionsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServiceRevisionsResponse;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;

/** The fake's DescribeServiceRevisions: a revision per deployment, its task definition's containers and digests. */
class FakeServiceRevisionsTest {

    private static final String ACCOUNT = "arn:aws:ecs:us-east-1:123456789012:";

    private final FakeEcs ecs = FakeEcs.create();

    private String revisionOf(String cluster, String service) {
        String deployment = ecs.describeServices(r -> r.cluster(cluster).services(service)).services().get(0)
                .deployments().get(0).id();
        return ACCOUNT + "service-revision/" + cluster + "/" + service + "/"
                + deployment.substring(deployment.indexOf('/') + 1);
    }

    @Test
    void eachDeploymentsRevisionRunsItsTaskDefinitionsImage() {
        ecs.service("prod", "web");
        String first = revisionOf("prod", "web");
        ecs.updateService(r -> r.cluster("prod").service("web").taskDefinition("web:2"));
        String second = revisionOf("prod", "web");

        DescribeServiceRevisionsResponse answer = ecs.describeServiceRevisions(r -> r.serviceRevisionArns(first,
                second));

        assertEquals(List.of(), answer.failures());
        ServiceRevision one = answer.serviceRevisions().get(0);
        ServiceRevision two = answer.serviceRevisions().get(1);
        assertEquals(first, one.serviceRevisionArn());
        assertEquals(ACCOUNT + "service/prod/web", two.serviceArn());
        assertEquals(ACCOUNT + "cluster/prod", two.clusterArn());
        assertEquals(ACCOUNT + "task-definition/web:2", two.taskDefinition());
        ContainerImage image = two.containerImages().get(0);
        assertEquals("app", image.containerName());
        assertEquals("123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2", image.image());
        assertTrue(image.imageDigest().matches("sha256:[0-9a-f]{64}"), image.imageDigest());
        assertNotEquals(image.imageDigest(), one.containerImages().get(0).imageDigest());
    }

    @Test
    void theSameImageHasTheSameDigestInAnyServiceOrFake() {
        ecs.service("prod", "web");
        FakeEcs other = FakeEcs.create();
        other.service("staging", "web");

        String here = ecs.describeServiceRevisions(r -> r.serviceRevisionArns(revisionOf("prod", "web")))
                .serviceRevisions().get(0).containerImages().get(0).imageDigest();
        String there = other.describeServiceRevisions(r -> r.serviceRevisionArns(
                ACCOUNT + "service-revision/staging/web/" + other.describeServices(d -> d.cluster("staging")
                        .services("web")).services().get(0).deployments().get(0).id().substring(8)))
                .serviceRevisions().get(0).containerImages().get(0).imageDigest();

        assertEquals(here, there);
        assertEquals(FakeServiceRevisions.digestOf("123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1"), here);
    }

    @Test
    void unknownRevisionsAreMissingAndTheLimitsAreEcss() {
        ecs.service("prod", "web");
        String unknown = ACCOUNT + "service-revision/prod/web/1";

        DescribeServiceRevisionsResponse answer = ecs.describeServiceRevisions(r -> r.serviceRevisionArns(unknown));

        assertEquals(List.of(), answer.serviceRevisions());
        assertEquals(unknown, answer.failures().get(0).arn());
        assertEquals("MISSING", answer.failures().get(0).reason());
        assertThrows(InvalidParameterException.class, () -> ecs.describeServiceRevisions(r -> r.serviceRevisionArns(
                List.of())));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            many.add(unknown + i);
        }
        assertThrows(InvalidParameterException.class, () -> ecs.describeServiceRevisions(r -> r.serviceRevisionArns(
                many)));
        assertEquals(3, ecs.calls(DescribeServiceRevisionsRequest.class).size());
    }

    @Test
    void itCanBeDenied() {
        FakeEcs denied = FakeEcs.builder().accessDenied(DescribeServiceRevisionsRequest.class).build();
        denied.service("prod", "web");

        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> denied.describeServiceRevisions(
                r -> r.serviceRevisionArns(ACCOUNT + "service-revision/prod/web/1")));

        assertTrue(e.getMessage().contains("ecs:DescribeServiceRevisions"), e.getMessage());
    }
}
