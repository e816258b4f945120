package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/** The README's "unit-testing your code" snippet, verbatim, so the README cannot drift from what works. */
@SuppressWarnings("unchecked") // the SDK's Consumer<Builder>... varargs, as a user would write them
class ReadmeExampleTest {

    @Test
    void theReadmeMockingRecipeWorks() {
        EcsClient ecs = mock(EcsClient.class);
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenReturn(UpdateServiceResponse.builder()
                .service(s -> s.serviceName("web").deployments(d -> d.id("ecs-svc/1").status("PRIMARY")))
                .build());
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
                .services(s -> s.serviceName("web").status("ACTIVE").runningCount(2).desiredCount(2)
                        .deployments(d -> d.id("ecs-svc/1").status("PRIMARY").runningCount(2).desiredCount(2)))
                .build());

        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).build();

        RolloutResult result = rollout.rollOut("myCluster", "web", "web:10");
        assertEquals("ecs-svc/1", result.services().get(0).primaryDeploymentId());
    }

    @Test
    void anotherDeploymentInTheMockIsARollbackNotASuccess() {
        EcsClient ecs = mock(EcsClient.class);
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenReturn(UpdateServiceResponse.builder()
                .service(s -> s.serviceName("web").deployments(d -> d.id("ecs-svc/2").status("PRIMARY")))
                .build());
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
                .services(s -> s.serviceName("web").status("ACTIVE").runningCount(2).desiredCount(2)
                        .deployments(d -> d.id("ecs-svc/1").status("PRIMARY").runningCount(2).desiredCount(2)))
                .build());

        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).fetchStoppedTasks(false)
                .build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOut("myCluster", "web", "web:10"));
        assertEquals(RolloutNotStableException.Reason.ROLLED_BACK, e.reason());
    }
}
