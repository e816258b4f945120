package io.github.ecsrollout.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/** What a test reads back from the fake: calls per operation, the services updated, and how each service ended. */
class FakeEcsAssertionsTest {

    private static final String TASK_DEFINITION = "arn:aws:ecs:us-east-1:123456789012:task-definition/";

    private final FakeEcs ecs = FakeEcs.create();

    private void poll(String cluster, String service) {
        ecs.describeServices(r -> r.cluster(cluster).services(service));
    }

    private void update(String cluster, String service, String taskDefinition) {
        ecs.updateService(r -> r.cluster(cluster).service(service).taskDefinition(taskDefinition));
    }

    @Test
    void callsAreCountedPerOperationInTheOrderOfEachOnesFirstCall() {
        ecs.service("prod", "web");
        poll("prod", "web");
        update("prod", "web", "web:2");
        poll("prod", "web");
        poll("prod", "web");

        assertEquals(3, ecs.callCount(DescribeServicesRequest.class));
        assertEquals(0, ecs.callCount(StopServiceDeploymentRequest.class));
        assertEquals(Map.of("DescribeServices", 3, "UpdateService", 1), ecs.callCounts());
        assertEquals(List.of("DescribeServices", "UpdateService"), List.copyOf(ecs.callCounts().keySet()));
    }

    @Test
    void updatedServicesAreTheOnesAnUpdateWasAcceptedForEachOnceInOrder() {
        ecs.service("prod", "web");
        ecs.service("prod", "api");
        ecs.service("staging", "web");
        ecs.missingTaskDefinition("api:9");
        update("staging", "web", "web:2");
        assertThrows(ClientException.class, () -> update("prod", "api", "api:9"));
        update("prod", "web", "web:2");
        update("staging", "web", "web:3");
        ecs.updateService(r -> r.cluster("prod").service(ecs.service("prod", "api").arn()).taskDefinition("api:2"));

        assertEquals(List.of("staging/web", "prod/web", "prod/api"), ecs.updatedServices());
        assertEquals(List.of("web", "api"), ecs.updatedServices("prod"));
        assertEquals(List.of(), ecs.updatedServices("dev"));
        assertEquals(2, ecs.service("prod", "api").updates().size(), "refused and by ARN included");
        assertEquals(5, ecs.updates().size(), "the fake's updates are every call, refused ones included");
    }

    @Test
    void taskDefinitionIsWhatThePrimaryDeploymentRunsAsAnArn() {
        FakeService web = ecs.service("prod", "web").becomesStableAfter(2);
        assertEquals(TASK_DEFINITION + "web:1", web.taskDefinition());
        assertTrue(web.isStable());

        update("prod", "web", "web:2");

        assertEquals(TASK_DEFINITION + "web:2", web.taskDefinition());
        assertFalse(web.isStable());
        poll("prod", "web");
        assertFalse(web.isStable());
        poll("prod", "web");
        assertTrue(web.isStable());
    }

    @Test
    void assertStableOnTakesAnyFormOfTheTaskDefinition() {
        FakeService web = ecs.service("prod", "web");
        update("prod", "web", "web:2");
        poll("prod", "web");

        assertSame(web, web.assertStableOn("web:2"));
        web.assertStableOn(TASK_DEFINITION + "web:2");
        web.assertStableOn("web"); // the latest revision seen
    }

    @Test
    void assertStableOnSaysWhatTheServiceDoesInstead() {
        FakeService web = ecs.service("prod", "web").neverStable();
        update("prod", "web", "web:2");
        poll("prod", "web");

        AssertionError other = assertThrows(AssertionError.class, () -> web.assertStableOn("web:1"));
        assertEquals("prod/web: expected stable on web:1, but it runs web:2, 2 deployments, IN_PROGRESS, running 0/2",
                other.getMessage());
        AssertionError unstable = assertThrows(AssertionError.class, () -> web.assertStableOn("web:2"));
        assertTrue(unstable.getMessage().startsWith("prod/web: expected stable on web:2, but it runs web:2, "),
                unstable.getMessage());
        ecs.service("prod", "gone").missing();
        assertEquals("prod/gone: expected stable on gone:1, but it is missing", assertThrows(AssertionError.class,
                () -> ecs.service("prod", "gone").assertStableOn("gone:1")).getMessage());
    }

    @Test
    void aServiceRolledBackByAnUpdateIsRestored() {
        FakeService web = ecs.service("prod", "web").circuitBreakerTripsAfter(1);
        update("prod", "web", "web:2");
        poll("prod", "web");
        update("prod", "web", TASK_DEFINITION + "web:1"); // what a rollback sends
        poll("prod", "web");

        assertSame(web, web.assertRestoredTo("web:1"));
    }

    @Test
    void aServiceRolledBackByEcsIsRestored() {
        FakeService web = ecs.service("prod", "web").circuitBreakerRollsBackAfter(1);
        update("prod", "web", "web:2");
        poll("prod", "web");
        AssertionError midway = assertThrows(AssertionError.class, () -> web.assertRestoredTo("web:1"));
        assertTrue(midway.getMessage().startsWith("prod/web: expected restored to web:1, but it runs web:1, 3 "
                + "deployments, IN_PROGRESS"), midway.getMessage());
        poll("prod", "web");

        web.assertRestoredTo("web:1");
    }

    @Test
    void aServiceNeverDeployedAwayOrNeverOnItIsNotRestored() {
        FakeService web = ecs.service("prod", "web");

        assertEquals("prod/web: expected restored to web:1, but it was never deployed away from it; it runs web:1, "
                + "1 deployment, COMPLETED, running 2/2",
                assertThrows(AssertionError.class, () -> web.assertRestoredTo("web:1")).getMessage());
        update("prod", "web", "web:2");
        poll("prod", "web");
        assertTrue(assertThrows(AssertionError.class, () -> web.assertRestoredTo("web:2")).getMessage()
                .contains("never deployed away from it"));
        assertTrue(assertThrows(AssertionError.class, () -> web.assertRestoredTo("web:7")).getMessage()
                .startsWith("prod/web: expected restored to web:7, but it was never on it; it runs web:2"));
    }

    @Test
    void assertionsRefuseANullTaskDefinitionNamingIt() {
        FakeService web = ecs.service("prod", "web");

        assertEquals("taskDefinition", assertThrows(NullPointerException.class, () -> web.assertStableOn(null))
                .getMessage());
        assertEquals("taskDefinition", assertThrows(NullPointerException.class, () -> web.assertRestoredTo(null))
                .getMessage());
        assertEquals("cluster", assertThrows(NullPointerException.class, () -> ecs.updatedServices(null))
                .getMessage());
    }

    @Test
    void readingTheHelpersCountsNoPoll() {
        FakeService web = ecs.service("prod", "web");
        web.taskDefinition();
        web.isStable();
        web.assertStableOn("web:1");
        ecs.updatedServices();

        assertEquals(0, web.polls());
        assertEquals(Map.of(), ecs.callCounts());
    }

    @Test
    void updatesAreCountedPerService() {
        ecs.service("prod", "web");
        ecs.service("prod", "api");
        update("prod", "web", "web:2");

        assertEquals(List.of(UpdateServiceRequest.builder().cluster("prod").service("web").taskDefinition("web:2")
                .build()), ecs.service("prod", "web").updates());
        assertEquals(List.of(), ecs.service("prod", "api").updates());
    }
}
