package io.github.ecsrollout.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ServiceNotActiveException;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

/** The answers and errors of the simulated ECS, as the real SDK client (and its waiter) sees them. */
class EcsProtocolTest extends SimTestBase {

    @BeforeEach
    void createWeb() {
        ecs.createService("prod", "web", ServiceScript.stableAfter(Duration.ofSeconds(10)));
    }

    @Test
    void missingServiceIsAFailureEntryNotAnError() {
        DescribeServicesResponse r = client.describeServices(b -> b.cluster("prod").services("web", "ghost"));
        assertEquals(1, r.services().size());
        assertEquals("web", r.services().get(0).serviceName());
        assertEquals("arn:aws:ecs:us-east-1:123456789012:service/prod/web", r.services().get(0).serviceArn());
        assertEquals("arn:aws:ecs:us-east-1:123456789012:cluster/prod", r.services().get(0).clusterArn());
        Failure f = r.failures().get(0);
        assertEquals("MISSING", f.reason());
        assertEquals("arn:aws:ecs:us-east-1:123456789012:service/prod/ghost", f.arn());
    }

    @Test
    void servicesCanBeNamedByArnAndClusterByArn() {
        DescribeServicesResponse r = client.describeServices(b -> b.cluster("arn:aws:ecs:us-east-1:123456789012:cluster/prod")
                .services("arn:aws:ecs:us-east-1:123456789012:service/prod/web"));
        assertEquals("web", r.services().get(0).serviceName());
        assertTrue(r.failures().isEmpty());
    }

    @Test
    void moreThanTenServicesFailTheWholeCall() {
        List<String> eleven = IntStream.range(0, 11).mapToObj(i -> "svc" + i).toList();
        InvalidParameterException e = assertThrows(InvalidParameterException.class,
                () -> client.describeServices(b -> b.cluster("prod").services(eleven)));
        assertEquals(400, e.statusCode());
        assertEquals("service names can have at most 10 items.", e.awsErrorDetails().errorMessage());
        assertEquals(11, ecs.stats().maxServicesPerDescribeServices());
        assertEquals(1, ecs.stats().count("DescribeServices"), "client errors are not retried");
        assertEquals(10, client.describeServices(b -> b.cluster("prod").services(eleven.subList(0, 10))).failures().size());
    }

    @Test
    void missingClusterIsClusterNotFoundException() {
        ClusterNotFoundException describe = assertThrows(ClusterNotFoundException.class,
                () -> client.describeServices(b -> b.cluster("nope").services("web")));
        assertEquals(400, describe.statusCode());
        assertEquals("Cluster not found.", describe.awsErrorDetails().errorMessage());
        assertThrows(ClusterNotFoundException.class, () -> client.describeServices(b -> b.services("web")),
                "no cluster means the 'default' cluster, which does not exist here");
        assertThrows(ClusterNotFoundException.class,
                () -> client.updateService(b -> b.cluster("nope").service("web").taskDefinition("web:2")));
    }

    @Test
    void updatingAMissingServiceIsServiceNotFoundException() {
        ServiceNotFoundException e = assertThrows(ServiceNotFoundException.class,
                () -> client.updateService(b -> b.cluster("prod").service("ghost").taskDefinition("ghost:2")));
        assertEquals(400, e.statusCode());
        assertEquals("Service not found.", e.awsErrorDetails().errorMessage());
    }

    @Test
    void drainingAndInactiveServicesRefuseUpdatesAndFailTheWaiter() {
        ecs.createService(ServiceSpec.of("prod", "old").draining());
        ecs.createService(ServiceSpec.of("prod", "gone").inactive());
        var old = client.describeServices(b -> b.cluster("prod").services("old")).services().get(0);
        assertEquals("DRAINING", old.status());
        assertEquals(0, old.desiredCount());
        assertEquals(2, old.runningCount(), "like the recording: desired 0, tasks still running");
        assertEquals("INACTIVE", client.describeServices(b -> b.cluster("prod").services("gone")).services().get(0).status());

        assertThrows(ServiceNotActiveException.class,
                () -> client.updateService(b -> b.cluster("prod").service("old").taskDefinition("old:2")));
        try (EcsWaiter waiter = EcsWaiter.builder().client(client).build()) {
            for (String name : List.of("old", "gone")) {
                var failure = assertThrows(SdkClientException.class,
                        () -> waiter.waitUntilServicesStable(b -> b.cluster("prod").services(name)));
                assertTrue(failure.getMessage().contains("transitioned the waiter to failure state"), failure.getMessage());
            }
        }
    }

    @Test
    void theWaiterSeesSimulatedStabilityAndMissingServices() {
        try (EcsWaiter waiter = EcsWaiter.builder().client(client).build()) {
            WaiterResponse<DescribeServicesResponse> stable = waiter.waitUntilServicesStable(b -> b.cluster("prod").services("web"));
            assertTrue(stable.matched().response().isPresent());
            assertEquals(1, stable.attemptsExecuted());

            var missing = assertThrows(SdkClientException.class,
                    () -> waiter.waitUntilServicesStable(b -> b.cluster("prod").services("ghost")));
            assertTrue(missing.getMessage().contains("transitioned the waiter to failure state"), missing.getMessage());
        }
    }

    @Test
    void codeDeployServicesHaveTaskSetsAndNoDeployments() {
        ecs.createService(ServiceSpec.of("prod", "bluegreen").codeDeploy());
        var s = client.describeServices(b -> b.cluster("prod").services("bluegreen")).services().get(0);
        assertEquals("CODE_DEPLOY", s.deploymentController().typeAsString());
        assertFalse(s.hasDeployments(), "no deployments member at all");
        assertEquals(1, s.taskSets().size());
        assertEquals(s.desiredCount(), s.runningCount());
        WaiterOverrideConfiguration twoPolls = WaiterOverrideConfiguration.builder().maxAttempts(2)
                .backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(1)))
                .build();
        try (EcsWaiter waiter = EcsWaiter.builder().client(client).overrideConfiguration(twoPolls).build()) {
            var never = assertThrows(SdkClientException.class,
                    () -> waiter.waitUntilServicesStable(b -> b.cluster("prod").services("bluegreen")));
            assertTrue(never.getMessage().contains("exceeded the max retry attempts"), never.getMessage());
        }
        InvalidParameterException e = assertThrows(InvalidParameterException.class,
                () -> client.updateService(b -> b.cluster("prod").service("bluegreen").taskDefinition("bluegreen:2")));
        assertTrue(e.awsErrorDetails().errorMessage().contains("CODE_DEPLOY"));
    }

    @Test
    void unknownOperationsAndTargetsAreRejected() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unknownOp = http.send(post("AmazonEC2ContainerServiceV20141113.DeleteService", "{}"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, unknownOp.statusCode());
        assertTrue(unknownOp.body().contains("\"__type\":\"UnknownOperationException\""), unknownOp.body());
        assertEquals("application/x-amz-json-1.1", unknownOp.headers().firstValue("Content-Type").orElse(""));

        HttpResponse<String> noTarget = http.send(post(null, "{}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, noTarget.statusCode());

        HttpResponse<String> badBody = http.send(post("AmazonEC2ContainerServiceV20141113.DescribeServices", "{nope"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, badBody.statusCode());
        assertTrue(badBody.body().contains("SerializationException"));
    }

    @Test
    void statsCountEveryRequestAndTheServicesEachDescribeCarried() {
        client.describeServices(b -> b.cluster("prod").services("web"));
        client.describeServices(b -> b.cluster("prod").services("web", "a", "b"));
        client.updateService(b -> b.cluster("prod").service("web").taskDefinition("web:2"));
        assertEquals(2, ecs.stats().count("DescribeServices"));
        assertEquals(1, ecs.stats().count("UpdateService"));
        assertEquals(3, ecs.stats().maxServicesPerDescribeServices());
        assertEquals(List.of(1, 3), ecs.stats().calls("DescribeServices").stream().map(SimStats.Call::services).toList());
        assertEquals("prod", ecs.stats().calls("UpdateService").get(0).cluster());
        assertEquals(200, ecs.stats().calls("UpdateService").get(0).httpStatus());
        ecs.stats().reset();
        assertEquals(0, ecs.stats().total());
        assertEquals(0, ecs.stats().maxServicesPerDescribeServices());
    }

    @Test
    void scientificTimestampsParseToTheSameInstants() {
        var plain = client.describeServices(b -> b.cluster("prod").services("web")).services().get(0);
        ecs.scientificTimestamps(true);
        var scientific = client.describeServices(b -> b.cluster("prod").services("web")).services().get(0);
        assertEquals(plain.createdAt(), scientific.createdAt());
        assertEquals(plain.events().get(0).createdAt(), scientific.events().get(0).createdAt());
        assertEquals(clock.instant(), scientific.createdAt());
    }

    @Test
    void taskDefinitionsAreDescribedAndOnesMadeMissingOrInactiveAreRefused() {
        TaskDefinition byRevision = client.describeTaskDefinition(b -> b.taskDefinition("web:7")).taskDefinition();
        assertEquals("arn:aws:ecs:us-east-1:123456789012:task-definition/web:7", byRevision.taskDefinitionArn());
        assertEquals(TaskDefinitionStatus.ACTIVE, byRevision.status());
        assertEquals("arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
                client.describeTaskDefinition(b -> b.taskDefinition("web")).taskDefinition().taskDefinitionArn(),
                "a family alone is its latest revision; describing web:7 registered nothing");

        ecs.missingTaskDefinition("web:9");
        ecs.taskDefinitionStatus("web", 8, "INACTIVE");
        ClientException missing = assertThrows(ClientException.class,
                () -> client.describeTaskDefinition(b -> b.taskDefinition("web:9")));
        assertEquals("Unable to describe task definition.", missing.awsErrorDetails().errorMessage());
        assertThrows(ClientException.class,
                () -> client.describeTaskDefinition(b -> b.taskDefinition("never-registered")));
        assertEquals(TaskDefinitionStatus.INACTIVE,
                client.describeTaskDefinition(b -> b.taskDefinition("web:8")).taskDefinition().status());
        assertEquals("arn:aws:ecs:us-east-1:123456789012:task-definition/web:7",
                client.describeTaskDefinition(b -> b.taskDefinition("web")).taskDefinition().taskDefinitionArn(),
                "revisions up to 8 exist now: the latest ACTIVE one");
        assertThrows(ClientException.class,
                () -> client.updateService(b -> b.cluster("prod").service("web").taskDefinition("web:9")));
        ClientException inactive = assertThrows(ClientException.class,
                () -> client.updateService(b -> b.cluster("prod").service("web").taskDefinition("web:8")));
        assertEquals("TaskDefinition is inactive.", inactive.awsErrorDetails().errorMessage());
    }

    private HttpRequest post(String target, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ecs.endpoint() + "/"))
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (target != null) {
            b.header("X-Amz-Target", target);
        }
        return b.build();
    }
}
