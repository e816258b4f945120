package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * The reads every {@code rollOut} and {@code start} makes before its first UpdateService, end to end: the real SDK
 * client over HTTP against the simulated ECS, with the default settings (no bound, no rollback). A misspelled service,
 * a missing or INACTIVE task definition, a draining or CODE_DEPLOY service: nothing is updated. On the virtual clock.
 */
@Timeout(60)
class ReadBeforeWriteIT extends ItBase {

    private static final Duration SOON = Duration.ofMillis(40);

    private List<UpdateServiceRequest> sixteen() {
        List<String> services = names("svc", 16);
        services.forEach(s -> sim.createService("prod", s, ServiceScript.stableAfter(SOON)));
        return toRevision("prod", services, 2);
    }

    @Test
    void aMisspelledServiceInSixteenUpdatesNothing() {
        List<UpdateServiceRequest> requests = new ArrayList<>(sixteen());
        requests.set(9, requests.get(9).toBuilder().service("svc-9").build());

        RolloutNotStableException e = failure(() -> rollout().build().rollOut(requests));

        assertEquals(Reason.SERVICE_MISSING, e.reason(), e.getMessage());
        assertEquals(List.of("svc-9"), e.failedServices());
        assertEquals(0, sim.stats().count("UpdateService"));
        assertEquals(2, sim.stats().count("DescribeServices"), "16 services, 10 a call");
        assertTrue(e.getMessage().contains("service svc-9 is MISSING; nothing was updated"), e.getMessage());
    }

    @Test
    void aMissingTaskDefinitionInSixteenUpdatesNothing() {
        List<UpdateServiceRequest> requests = sixteen();
        sim.missingTaskDefinition("svc-12:2");

        RolloutNotStableException e = failure(() -> rollout().build().rollOut(requests));

        assertEquals(Reason.TASK_DEFINITION_UNUSABLE, e.reason(), e.getMessage());
        assertEquals(List.of("svc-12"), e.failedServices());
        assertEquals(0, sim.stats().count("UpdateService"));
        assertEquals(16, sim.stats().count("DescribeTaskDefinition"));
        ClientException cause = assertInstanceOf(ClientException.class, e.getCause());
        assertEquals("Unable to describe task definition.", cause.awsErrorDetails().errorMessage());
        assertTrue(e.getMessage().contains("ClientException: Unable to describe task definition."), e.getMessage());
    }

    @Test
    void anInactiveTaskDefinitionUpdatesNothingAndStartReadsTheSameWay() {
        sim.createService("prod", "web", ServiceScript.stableAfter(SOON));
        sim.taskDefinitionStatus("web", 3, "INACTIVE");

        RolloutNotStableException e = failure(() -> rollout().build().start(List.of(UpdateServiceRequest.builder()
                .cluster("prod").service("web").taskDefinition("web:3").build())));

        assertEquals(Reason.TASK_DEFINITION_UNUSABLE, e.reason());
        assertTrue(e.getMessage().contains("it is INACTIVE (arn:aws:ecs:us-east-1:123456789012:task-definition/web:3)"),
                e.getMessage());
        assertEquals(0, sim.stats().count("UpdateService"));
    }

    @Test
    void aDrainingOrCodeDeployServiceUpdatesNothing() {
        sim.createService(ServiceSpec.of("prod", "web").script(ServiceScript.stableAfter(SOON)));
        sim.createService(ServiceSpec.of("prod", "old").draining());
        sim.createService(ServiceSpec.of("prod", "legacy").codeDeploy());

        RolloutNotStableException e = failure(() -> rollout().build().rollOut(toRevision("prod",
                List.of("web", "old", "legacy"), 2)));

        assertEquals(Reason.SERVICE_INACTIVE, e.reason(), e.getMessage());
        assertEquals(List.of("old", "legacy"), e.failedServices());
        assertTrue(e.getMessage().startsWith("SERVICE_INACTIVE: service old is DRAINING; service legacy uses the "
                + "CODE_DEPLOY deployment controller"), e.getMessage());
        assertEquals(0, sim.stats().count("UpdateService"));
        assertEquals(0, sim.stats().count("DescribeTaskDefinition"));
    }

    @Test
    void withoutThePermissionTheRolloutGoesOnUnchecked() {
        List<UpdateServiceRequest> requests = sixteen();
        sim.faults().always("DescribeTaskDefinition").accessDenied();

        RolloutResult result = rollout().build().rollOut(requests);

        assertEquals(16, result.services().size());
        assertEquals(1, sim.stats().count("DescribeTaskDefinition"), "one denial, no more asking");
        assertEquals(16, sim.stats().count("UpdateService"));
    }

    @Test
    void eachDistinctTaskDefinitionIsReadOnceBeforeTheFirstUpdate() {
        List<String> services = names("svc", 12);
        services.forEach(s -> sim.createService("prod", s, ServiceScript.stableAfter(SOON)));
        sim.registerTaskDefinition("app", 7);
        List<UpdateServiceRequest> requests = services.stream().map(s -> UpdateServiceRequest.builder()
                .cluster("prod").service(s).taskDefinition("app").build()).toList();

        rollout().build().rollOut(requests);

        assertEquals(1, sim.stats().count("DescribeTaskDefinition"), "one family, read once by its name");
        List<String> order = sim.stats().calls().stream().map(c -> c.operation())
                .filter(op -> !op.equals("DescribeServices")).toList();
        assertEquals("DescribeTaskDefinition", order.get(0), "before the first UpdateService");
    }
}
