package io.github.ecsrollout.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.EcsRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ServerException;
import software.amazon.awssdk.services.ecs.model.ServiceNotActiveException;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/** Errors scripted per operation, for the whole fake or one service: counted, shaped as ECS sends them, recorded. */
class FakeEcsFaultsTest {

    private final FakeEcs ecs = FakeEcs.create();

    private void describe(String... services) {
        ecs.describeServices(r -> r.cluster("prod").services(services));
    }

    private void update(String service, String taskDefinition) {
        ecs.updateService(r -> r.cluster("prod").service(service).taskDefinition(taskDefinition));
    }

    @Test
    void aThrottleLooksLikeEcssOwn() {
        EcsException e = FakeEcs.throttlingException();

        assertEquals(400, e.statusCode());
        assertEquals("ThrottlingException", e.awsErrorDetails().errorCode());
        assertEquals("Rate exceeded", e.awsErrorDetails().errorMessage());
        assertTrue(e.isThrottlingException());
    }

    @Test
    void aServerErrorIsEcssOne5xx() {
        ServerException e = FakeEcs.serverException();

        assertEquals(500, e.statusCode());
        assertEquals("ServerException", e.awsErrorDetails().errorCode());
        assertFalse(e.isThrottlingException());
    }

    @Test
    void theFakesThrottleFailsTheNextCallsOfThatOperationOnlyThenLetsThemThrough() {
        ecs.service("prod", "web");
        ecs.throttle(DescribeServicesRequest.class, 2);

        update("web", "web:2"); // another operation: not throttled
        assertTrue(assertThrows(EcsException.class, () -> describe("web")).isThrottlingException());
        assertTrue(assertThrows(EcsException.class, () -> describe("web")).isThrottlingException());
        assertEquals(0, ecs.service("prod", "web").polls(), "a throttled call moves nothing on");
        describe("web");

        assertEquals(1, ecs.service("prod", "web").polls());
        assertEquals(3, ecs.callCount(DescribeServicesRequest.class), "throttled calls are recorded");
    }

    @Test
    void errorsScriptedOneAfterAnotherComeInOrder() {
        ecs.service("prod", "web");
        RuntimeException first = FakeEcs.serverException();
        ecs.failNext(UpdateServiceRequest.class, 1, first).throttle(UpdateServiceRequest.class, 1);

        assertSame(first, assertThrows(ServerException.class, () -> update("web", "web:2")));
        assertTrue(assertThrows(EcsException.class, () -> update("web", "web:2")).isThrottlingException());
        update("web", "web:2");

        assertEquals(List.of("prod/web"), ecs.updatedServices());
    }

    @Test
    void oneServicesErrorsFailOnlyTheCallsThatNameIt() {
        ecs.service("prod", "web");
        ecs.service("prod", "api").failNext(UpdateServiceRequest.class, 1, FakeEcs.serverException());

        update("web", "web:2");
        assertThrows(ServerException.class, () -> update("api", "api:2"));
        update("api", "api:2");

        assertEquals(List.of("prod/web", "prod/api"), ecs.updatedServices());
        assertEquals(2, ecs.service("prod", "api").updates().size(), "the refused update is recorded too");
        assertEquals("api:2", ecs.service("prod", "api").taskDefinition().replaceFirst(".*/", ""));
    }

    @Test
    void aDescribeServicesNamingAThrottledServiceFailsWholeAndMovesNoServiceOn() {
        ecs.service("prod", "web");
        ecs.service("prod", "api").throttle(DescribeServicesRequest.class, 1);

        assertThrows(EcsException.class, () -> describe("web", "api"));
        assertEquals(0, ecs.service("prod", "web").polls());
        describe("web");
        describe("web", "api");

        assertEquals(2, ecs.service("prod", "web").polls());
        assertEquals(1, ecs.service("prod", "api").polls());
    }

    @Test
    void anUpdateFailedByTheScriptDeploysNothing() {
        ecs.service("prod", "web").throttle(UpdateServiceRequest.class, 1);

        assertThrows(EcsException.class, () -> update("web", "web:2"));

        ecs.service("prod", "web").assertStableOn("web:1");
        assertEquals(List.of(), ecs.updatedServices());
    }

    @Test
    void theCallsOnAServicesDeploymentsAndTasksCanFailForThatService() {
        ecs.service("prod", "web").neverStable()
                .failNext(ListServiceDeploymentsRequest.class, 1, FakeEcs.serverException())
                .failNext(StopServiceDeploymentRequest.class, 1, FakeEcs.serverException())
                .failNext(ListTasksRequest.class, 1, FakeEcs.serverException());
        ecs.service("prod", "api");
        update("web", "web:2");

        assertThrows(ServerException.class, () -> ecs.listServiceDeployments(r -> r.cluster("prod").service("web")));
        String arn = ecs.listServiceDeployments(r -> r.cluster("prod").service("web")).serviceDeployments().get(0)
                .serviceDeploymentArn();
        assertThrows(ServerException.class, () -> ecs.stopServiceDeployment(r -> r.serviceDeploymentArn(arn)));
        ecs.listTasks(r -> r.cluster("prod").serviceName("api"));
        assertThrows(ServerException.class, () -> ecs.listTasks(r -> r.cluster("prod").serviceName("web")));

        ecs.stopServiceDeployment(r -> r.serviceDeploymentArn(arn));
        ecs.listTasks(r -> r.cluster("prod").serviceName("web"));
    }

    @Test
    void anEcsErrorOfItsOwnTypeCanBeScripted() {
        ecs.service("prod", "web");
        ServiceNotActiveException error = ServiceNotActiveException.builder().message("Service was not ACTIVE.")
                .statusCode(400).build();
        ecs.service("prod", "web").failNext(UpdateServiceRequest.class, 1, error);

        assertSame(error, assertThrows(ServiceNotActiveException.class, () -> update("web", "web:2")));
    }

    @Test
    void operationsThatNameNoServiceAreScriptedOnTheFakeNotOnAService() {
        FakeService web = ecs.service("prod", "web");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> web.throttle(DescribeTaskDefinitionRequest.class, 1));
        assertTrue(e.getMessage().startsWith("operation DescribeTaskDefinitionRequest names no service"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> web.throttle(DescribeTasksRequest.class, 1));

        ecs.throttle(DescribeTaskDefinitionRequest.class, 1);
        assertThrows(EcsException.class, () -> ecs.describeTaskDefinition(r -> r.taskDefinition("web:1")));
        ecs.describeTaskDefinition(r -> r.taskDefinition("web:1"));
    }

    @Test
    void badArgumentsAreRefusedNamingTheParameter() {
        FakeService web = ecs.service("prod", "web");

        assertEquals("times must be at least 1: 0",
                assertThrows(IllegalArgumentException.class, () -> ecs.throttle(UpdateServiceRequest.class, 0))
                        .getMessage());
        assertEquals("operation", assertThrows(NullPointerException.class, () -> web.throttle(null, 1))
                .getMessage());
        assertEquals("error", assertThrows(NullPointerException.class,
                () -> ecs.failNext(UpdateServiceRequest.class, 1, null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ecs.throttle(EcsRequest.class, 1))
                .getMessage().startsWith("operation must be the request class of one operation"));
    }
}
