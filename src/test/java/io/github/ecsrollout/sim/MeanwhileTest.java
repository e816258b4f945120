package io.github.ecsrollout.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;

/** {@link SimulatedEcs#meanwhile}: a test's "meanwhile" happens before the caller can make its next call. */
class MeanwhileTest extends SimTestBase {

    @Test
    void anActionRunsBeforeTheAnswerGoesOutSoTheCallersNextCallSeesIt() {
        ecs.createService("prod", "web", ServiceScript.neverStable());
        ecs.once(a -> a.operation().equals("UpdateService") && a.ok(),
                a -> ecs.service("prod", a.service()).deployAsSomeoneElse("web:3"));

        String ours = client.updateService(b -> b.cluster("prod").service("web").taskDefinition("web:2"))
                .service().deployments().get(0).id();
        String primary = client.describeServices(b -> b.cluster("prod").services("web")).services().get(0)
                .deployments().get(0).id();

        assertTrue(ecs.service("prod", "web").taskDefinition().endsWith("task-definition/web:3"));
        assertTrue(!primary.equals(ours), "the answer was ours; the next call saw someone else's deployment");
    }

    @Test
    void anActionRunsUntilItSaysItIsDoneAndSeesRequestAndAnswer() {
        ecs.createService("prod", "web", ServiceScript.stableAfter(Duration.ZERO));
        List<String> seen = new ArrayList<>();
        ecs.meanwhile(a -> a.operation().equals("DescribeServices"), a -> {
            seen.add(a.services() + " " + a.answer().path("services").path(0).path("serviceName").asText());
            return seen.size() == 2;
        });

        for (int i = 0; i < 3; i++) {
            client.describeServices(b -> b.cluster("prod").services("web"));
        }

        assertEquals(List.of("[web] web", "[web] web"), seen);
    }

    @Test
    void anActionMayCallTheSimulatorWithACallOfAnotherKind() {
        ecs.createService("prod", "web", ServiceScript.neverStable());
        EcsClient someoneElse = ecs.client();
        ecs.once(a -> a.operation().equals("DescribeServices"),
                a -> someoneElse.updateService(b -> b.cluster("prod").service("web").taskDefinition("web:3")));

        client.describeServices(b -> b.cluster("prod").services("web"));

        assertEquals(List.of("DescribeServices", "UpdateService"),
                ecs.stats().calls().stream().map(SimStats.Call::operation).toList());
        assertTrue(ecs.service("prod", "web").taskDefinition().endsWith("task-definition/web:3"));
    }

    @Test
    void aThrottledCallNeverReachedEcsAndRunsNoAction() {
        ecs.createService("prod", "web", ServiceScript.stableAfter(Duration.ZERO));
        EcsClient once = ecs.client(o -> o.retryStrategy(SimulatedEcs.fastRetries(1)));
        List<Integer> statuses = new ArrayList<>();
        ecs.meanwhile(a -> true, a -> {
            statuses.add(a.httpStatus());
            return false;
        });
        ecs.faults().next(1, "DescribeServices").throttle().next(1, "DescribeServices").dropConnection();

        assertThrows(EcsException.class, () -> once.describeServices(b -> b.cluster("prod").services("web")));
        assertThrows(SdkClientException.class, () -> once.describeServices(b -> b.cluster("prod").services("web")));
        assertThrows(EcsException.class, () -> once.describeServices(b -> b.cluster("nope").services("web")));

        assertEquals(List.of(-1, 400), statuses, "the fault's answer is not ECS's; ECS's own error, and its answer "
                + "dropped halfway, are");
    }
}
