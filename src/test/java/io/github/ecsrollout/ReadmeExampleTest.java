package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * The README's "unit-testing your code" snippets, verbatim, so the README cannot drift from what works: the Mockito
 * recipe is the first test here, the testkit example is {@code consumer/FleetRolloutTest}, and
 * {@link #theReadmePrintsTheseTestsAsTheyAre()} checks both against README.md.
 */
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
    void theReadmePrintsTheseTestsAsTheyAre() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String fleet = Files.readString(Path.of("src/test/java/io/github/ecsrollout/consumer/FleetRolloutTest.java"));
        String printed = fleet.substring(fleet.indexOf("\n\n") + 2); // all but the package line
        assertTrue(readme.contains("```java\n" + printed + "```\n"),
                "README.md must print consumer/FleetRolloutTest.java from its imports to its end");

        String mockito = readme.substring(readme.indexOf("```java\nEcsClient ecs = mock(EcsClient.class);") + 8);
        mockito = mockito.substring(0, mockito.indexOf("```"));
        String recipe = Files.readString(Path.of("src/test/java/io/github/ecsrollout/ReadmeExampleTest.java"));
        recipe = recipe.substring(recipe.indexOf("void theReadmeMockingRecipeWorks()"));
        for (String line : mockito.split("\n")) {
            assertTrue(recipe.contains("\n" + (line.isEmpty() ? "" : "        " + line) + "\n"),
                    "README.md's Mockito line is not in theReadmeMockingRecipeWorks: " + line);
        }
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
