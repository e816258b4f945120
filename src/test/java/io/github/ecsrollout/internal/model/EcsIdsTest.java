package io.github.ecsrollout.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Service;

/** The service revision a DescribeServices deployment runs is named from the service's ARN and the deployment's id. */
class EcsIdsTest {

    /** The pair the recordings show: 20b's deployment targets this revision; its service is this one. */
    private static final String SERVICE = "arn:aws:ecs:us-east-1:123456789012:service/example-cluster/example-service";
    private static final String REVISION =
            "arn:aws:ecs:us-east-1:123456789012:service-revision/example-cluster/example-service/1485800978477494678";

    @Test
    void aNewFormServiceArnNamesTheRevisionOfItsDeployment() {
        Service answer = Service.builder().serviceArn(SERVICE).build();

        String arn = EcsIds.revisionArn(answer, "ecs-svc/1485800978477494678");

        assertEquals(REVISION, arn);
        assertTrue(EcsIds.isRevisionOf(arn, "ecs-svc/1485800978477494678"));
    }

    @Test
    void anOldFormServiceArnTakesTheClusterFromTheClusterArn() {
        Service answer = Service.builder().serviceArn("arn:aws:ecs:us-east-1:123456789012:service/example-service")
                .clusterArn("arn:aws:ecs:us-east-1:123456789012:cluster/example-cluster").build();

        assertEquals(REVISION, EcsIds.revisionArn(answer, "ecs-svc/1485800978477494678"));
    }

    @Test
    void anotherPartitionStaysInIt() {
        Service answer = Service.builder().serviceArn("arn:aws-cn:ecs:cn-north-1:123456789012:service/prod/web").build();

        assertEquals("arn:aws-cn:ecs:cn-north-1:123456789012:service-revision/prod/web/42",
                EcsIds.revisionArn(answer, "ecs-svc/42"));
    }

    @Test
    void nothingIsNamedWithoutWhatItNeeds() {
        Service answer = Service.builder().serviceArn(SERVICE).build();

        assertNull(EcsIds.revisionArn(null, "ecs-svc/1"));
        assertNull(EcsIds.revisionArn(answer, null));
        assertNull(EcsIds.revisionArn(answer, "ecs-svc/not-a-number"));
        assertNull(EcsIds.revisionArn(Service.builder().serviceName("web").build(), "ecs-svc/1"));
        assertNull(EcsIds.revisionArn(Service.builder()
                .serviceArn("arn:aws:ecs:us-east-1:123456789012:service/web").build(), "ecs-svc/1"));
    }
}
