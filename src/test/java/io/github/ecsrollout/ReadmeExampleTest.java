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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * The README's snippets, verbatim, so the README cannot drift from what works: the Mockito recipe is the first test
 * here, the testkit example is {@code consumer/FleetRolloutTest}, the AWS Lambda recipe is built here too, and
 * {@link #theReadmePrintsTheseTestsAsTheyAre()} checks the unit-testing ones against README.md.
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

    /** The part of AWS Lambda's {@code Context} the recipe uses. */
    interface Context {
        int getRemainingTimeInMillis();
    }

    /** The README's "In AWS Lambda" recipe, verbatim. */
    private static ServiceRollout lambdaRecipe(EcsClient ecs, Context context) {
        long left = context.getRemainingTimeInMillis();
        long timeoutMillis = Math.max(1, Math.max(left - 30_000, left / 2)); // a 30 s margin, at most half of what is left
        ServiceRollout rollout = ServiceRollout.builder()
                .ecsClient(ecs)
                .timeout(Duration.ofMillis(timeoutMillis))
                .rollbackOnFailure(true)                     // a third of the timeout is kept for the rollback
                .build();
        return rollout;
    }

    @ParameterizedTest(name = "{0} ms left")
    @ValueSource(ints = {0, 1, 2, 3, 999, 29_999, 30_000, 30_001, 59_999, 60_000, 60_001, 900_000})
    void theLambdaRecipeGivesATimeoutWithinTheTimeLeftHoweverLittleThatIs(int left) {
        ServiceRollout rollout = lambdaRecipe(mock(EcsClient.class), () -> left);

        Matcher m = Pattern.compile("timeout=(PT[^,\\]]+)").matcher(rollout.toString());
        assertTrue(m.find(), rollout.toString());
        Duration timeout = Duration.parse(m.group(1));
        assertTrue(timeout.toMillis() <= Math.max(left, 1), timeout + " for " + left + " ms left");
        assertTrue(left < 60_000 ? timeout.toMillis() >= left / 2 : timeout.toMillis() == left - 30_000,
                timeout + " for " + left + " ms left");
    }

    /**
     * The README's "Many services" example (its settings: a 20-minute timeout and rollbackOnFailure, no
     * rollbackTimeout), 23 services of which one never becomes stable: the rollout times out, and the default reserve
     * (a third of the timeout) leaves the rollback the time to confirm every service back within the timeout: the 22
     * healthy ones restored by UpdateService, the stuck one's deployment stopped with ROLLBACK.
     */
    @Test
    void theManyServicesExampleConfirmsItsRollbacks() {
        VirtualClock clock = VirtualClock.create();
        FakeEcs ecs = FakeEcs.builder().clock(clock).build();
        List<String> services = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            services.add("svc-" + (char) ('a' + i / 10) + (i % 10));
        }
        services.forEach(s -> ecs.service("prod", s).taskDefinition(s + ":41").becomesStableAfter(4));
        ecs.service("prod", "svc-b7").neverStable();
        ServiceRollout rollout = ServiceRollout.builder()
                .ecsClient(ecs)
                .clock(clock)
                .timeout(Duration.ofMinutes(20))      // one deadline for everything
                .rollbackOnFailure(true)              // all or nothing
                .build();
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (String service : services) {
            requests.add(UpdateServiceRequest.builder()
                    .cluster("prod")
                    .service(service)
                    .taskDefinition(service + ":42")
                    .forceNewDeployment(true)
                    .build());
        }

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout.rollOut(requests));

        assertEquals(RolloutNotStableException.Reason.TIMED_OUT, e.reason(), e.getMessage());
        assertEquals(services, e.rolledBackServices().stream().sorted().toList(), e.getMessage());
        services.forEach(s -> assertTrue(ecs.service("prod", s).describe().orElseThrow().taskDefinition()
                .endsWith(s + ":41"), s));
        assertTrue(clock.elapsed().compareTo(Duration.ofMinutes(20)) <= 0, "confirmed within the timeout: " + clock.elapsed());
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

        String virtual = readme.substring(readme.indexOf("```java\nVirtualClock clock = VirtualClock.create();") + 8);
        virtual = virtual.substring(0, virtual.indexOf("```"));
        String example = Files.readString(Path.of("src/test/java/io/github/ecsrollout/testing/VirtualTimeTest.java"));
        example = example.substring(example.indexOf("void theReadmeExample()"));
        for (String line : virtual.split("\n")) {
            assertTrue(example.contains("\n" + (line.isEmpty() ? "" : "        " + line) + "\n"),
                    "README.md's virtual-time line is not in VirtualTimeTest.theReadmeExample: " + line);
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
