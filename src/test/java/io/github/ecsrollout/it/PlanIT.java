package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.ImageUpdate;
import io.github.ecsrollout.RolloutPlan;
import io.github.ecsrollout.RolloutPlan.ImageChange;
import io.github.ecsrollout.RolloutPlan.Problem;
import io.github.ecsrollout.RolloutPlan.ServicePlan;
import io.github.ecsrollout.sim.ServiceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * {@code planImages} and {@code plan} end to end: the real SDK client over HTTP against the simulated ECS, which
 * counts every call it serves, so that "a plan writes nothing" is checked where the writes would arrive.
 */
@Timeout(60)
class PlanIT extends ItBase {

    private static final String ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/";

    private static Map<String, String> images(String app, String envoy) {
        Map<String, String> images = new LinkedHashMap<>();
        images.put("app", app);
        images.put("envoy", envoy);
        return images;
    }

    @Test
    void thirtyServicesOverTwoClustersWithAMissingServiceAndAnUnknownContainerWriteNothing() {
        List<ImageUpdate> updates = new ArrayList<>();
        for (String cluster : List.of("prod", "staging")) {
            for (int i = 0; i < 15; i++) {
                String service = cluster + "-svc-" + i;
                if (!(cluster.equals("staging") && i == 7)) {
                    sim.createService(ServiceSpec.of(cluster, service).taskDefinition(service + ":3"));
                    sim.taskDefinitionImages(service, 3, images("repo/" + service + ":1.0", "envoy:1.29"));
                }
                String container = cluster.equals("prod") && i == 11 ? "api" : "app";
                updates.add(ImageUpdate.of(cluster, service, Map.of(container, "repo/" + service + ":2.0")));
            }
        }

        RolloutPlan plan = rollout().build().planImages(updates);

        assertEquals(Set.of("DescribeServices", "DescribeTaskDefinition"), sim.stats().counts().keySet(),
                "a plan only reads: " + sim.stats().counts());
        assertEquals(4, sim.stats().count("DescribeServices"), "15 services a cluster, 10 a call");
        assertEquals(29, sim.stats().count("DescribeTaskDefinition"));
        assertEquals(28, plan.changes().size());
        assertEquals(List.of(Problem.Kind.UNKNOWN_CONTAINER, Problem.Kind.SERVICE_MISSING),
                plan.problems().stream().map(Problem::kind).toList());
        assertEquals(List.of("prod-svc-11", "staging-svc-7"), plan.problems().stream().map(Problem::service).toList());
        ServicePlan last = plan.services().get(27);
        assertEquals("staging-svc-14", last.service());
        assertEquals(List.of(new ImageChange("app", "repo/staging-svc-14:1.0", "repo/staging-svc-14:2.0"),
                new ImageChange("envoy", "envoy:1.29", "envoy:1.29")), last.images());
        assertTrue(plan.toString().startsWith("Rollout plan: 28 services would change, 0 unchanged, 2 problems"),
                plan.toString());
    }

    @Test
    void aPlanOfRequestsReadsTheTargetAndTheCurrentTaskDefinitions() {
        sim.createService(ServiceSpec.of("prod", "web").taskDefinition("web:41"));
        sim.taskDefinitionImages("web", 41, images("repo/web:1.4", "envoy:1.29"));
        sim.taskDefinitionImages("web", 42, images("repo/web:1.5", "envoy:1.29"));

        RolloutPlan plan = rollout().build().plan(UpdateServiceRequest.builder().cluster("prod").service("web")
                .taskDefinition("web:42").desiredCount(3).build());

        assertEquals(Set.of("DescribeServices", "DescribeTaskDefinition"), sim.stats().counts().keySet());
        assertEquals(2, sim.stats().count("DescribeTaskDefinition"), "the target and the current one");
        ServicePlan web = plan.services().get(0);
        assertEquals(ARN + "web:41", web.currentTaskDefinition());
        assertEquals(Optional.of(ARN + "web:42"), web.targetTaskDefinition());
        assertEquals(List.of(new ImageChange("app", "repo/web:1.4", "repo/web:1.5"),
                new ImageChange("envoy", "envoy:1.29", "envoy:1.29")), web.images());
        assertEquals(List.of(), web.differences());
        assertEquals(1, web.serviceChanges().size(), web.serviceChanges().toString());
        assertTrue(web.serviceChanges().get(0).startsWith("desiredCount: "), web.serviceChanges().toString());
    }
}
