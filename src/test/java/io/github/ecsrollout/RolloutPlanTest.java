package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutPlan.ImageChange;
import io.github.ecsrollout.RolloutPlan.Problem;
import io.github.ecsrollout.RolloutPlan.ServicePlan;
import io.github.ecsrollout.internal.model.Json;
import io.github.ecsrollout.support.CapturedLog;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.EcsRequest;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * {@code plan} and {@code planImages} on the testkit's fake ECS: what a reviewer sees before a deploy, every problem
 * the reads before a rollout's first update would find, and not one write.
 */
class RolloutPlanTest {

    private static final String ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/";

    private final VirtualClock clock = VirtualClock.create();
    private final FakeEcs ecs = FakeEcs.builder().clock(clock).build();

    private ServiceRollout.Builder rollout() {
        return ServiceRollout.builder().ecsClient(ecs).clock(clock);
    }

    private static TaskDefinition containers(String... nameImagePairs) {
        List<ContainerDefinition> list = new ArrayList<>();
        for (int i = 0; i < nameImagePairs.length; i += 2) {
            list.add(ContainerDefinition.builder().name(nameImagePairs[i]).image(nameImagePairs[i + 1])
                    .essential(true).build());
        }
        return TaskDefinition.builder().containerDefinitions(list).cpu("256").build();
    }

    private void assertOnlyReads() {
        List<String> writes = ecs.calls().stream()
                .filter(c -> !(c instanceof DescribeServicesRequest || c instanceof DescribeTaskDefinitionRequest))
                .map(EcsRequest::toString).toList();
        assertEquals(List.of(), writes, "a plan only reads");
    }

    @Test
    void thirtyServicesOverTwoClustersWithAMissingServiceAndAnUnknownContainer() {
        List<ImageUpdate> updates = new ArrayList<>();
        for (String cluster : List.of("prod", "staging")) {
            for (int i = 0; i < 15; i++) {
                String service = cluster + "-svc-" + i;
                boolean missing = cluster.equals("staging") && i == 7;
                if (!missing) {
                    ecs.service(cluster, service).taskDefinition(service + ":3");
                    ecs.taskDefinition(service + ":3", containers("app", "repo/" + service + ":1.0", "envoy",
                            "envoy:1.29"));
                }
                String container = cluster.equals("prod") && i == 11 ? "api" : "app";
                updates.add(ImageUpdate.of(cluster, service, Map.of(container, "repo/" + service + ":2.0")));
            }
        }
        ecs.service("staging", "staging-svc-0");

        RolloutPlan plan = rollout().build().planImages(updates);

        assertOnlyReads();
        assertEquals(4, ecs.calls(DescribeServicesRequest.class).size(), "15 services a cluster, 10 a call");
        assertEquals(29, ecs.calls(DescribeTaskDefinitionRequest.class).size(), "once per current task definition");
        assertEquals(28, plan.services().size());
        assertEquals(28, plan.changes().size());
        assertEquals(List.of(new Problem("prod", "prod-svc-11", Problem.Kind.UNKNOWN_CONTAINER, "the update names "
                        + "container api that task definition " + ARN + "prod-svc-11:3 lacks; it has [app, envoy]"),
                new Problem("staging", "staging-svc-7", Problem.Kind.SERVICE_MISSING,
                        "service staging-svc-7 is MISSING")), plan.problems());
        ServicePlan first = plan.services().get(0);
        assertEquals(ARN + "prod-svc-0:3", first.currentTaskDefinition());
        assertEquals(Optional.empty(), first.targetTaskDefinition(), "a revision would be registered");
        assertEquals(List.of(new ImageChange("app", "repo/prod-svc-0:1.0", "repo/prod-svc-0:2.0"),
                new ImageChange("envoy", "envoy:1.29", "envoy:1.29")), first.images());
        assertEquals(List.of(), first.differences());
        String table = plan.toString();
        assertTrue(table.startsWith("Rollout plan: 28 services would change, 0 unchanged, 2 problems; nothing was "
                + "written\n"), table);
        assertEquals(28 + 2, table.lines().filter(l -> l.startsWith("| prod ") || l.startsWith("| staging "))
                .count(), table);
        assertTrue(table.contains("| prod-svc-0:3 -> new revision     | app: repo/prod-svc-0:1.0 -> :2.0; envoy "
                + "(unchanged)"), table);
        assertTrue(table.contains("| staging | staging-svc-7 | SERVICE_MISSING   | service staging-svc-7 is MISSING"),
                table);
    }

    @Test
    void requestsShowEveryDifferenceOfTheTaskDefinitionsAndWhatElseTheyChange() {
        ecs.service("prod", "web").taskDefinition("web:41");
        ecs.service("prod", "api").taskDefinition("api:7");
        TaskDefinition now = containers("web", "repo/web:1.4");
        ecs.taskDefinition("web:41", now.toBuilder().containerDefinitions(now.containerDefinitions().get(0)
                .toBuilder().environment(KeyValuePair.builder().name("LOG_LEVEL").value("info").build()).build())
                .build());
        TaskDefinition next = containers("web", "repo/web:1.5");
        ecs.taskDefinition("web:42", next.toBuilder().cpu("512").containerDefinitions(next
                .containerDefinitions().get(0).toBuilder().environment(KeyValuePair.builder().name("LOG_LEVEL")
                        .value("debug").build()).build()).build());
        ecs.taskDefinition("api:7", containers("api", "repo/api:3"));

        RolloutPlan plan = rollout().build().plan(
                UpdateServiceRequest.builder().cluster("prod").service("web").taskDefinition("web:42").desiredCount(4)
                        .build(),
                UpdateServiceRequest.builder().cluster("prod").service("api").forceNewDeployment(true).build());

        assertOnlyReads();
        assertEquals(List.of(), plan.problems());
        ServicePlan web = plan.services().get(0);
        assertEquals(ARN + "web:41", web.currentTaskDefinition());
        assertEquals(Optional.of(ARN + "web:42"), web.targetTaskDefinition());
        assertEquals(List.of(new ImageChange("web", "repo/web:1.4", "repo/web:1.5")), web.images());
        assertEquals(List.of("containerDefinitions[web].environment.LOG_LEVEL: info -> debug", "cpu: 256 -> 512"),
                web.differences());
        assertEquals(List.of("desiredCount: 2 -> 4"), web.serviceChanges());
        ServicePlan api = plan.services().get(1);
        assertEquals(Optional.of(ARN + "api:7"), api.targetTaskDefinition());
        assertEquals(List.of(), api.differences());
        assertEquals(List.of("forceNewDeployment: true"), api.serviceChanges());
        assertTrue(api.hasChanges());
        assertTrue(plan.toString().contains("- prod/web: containerDefinitions[web].environment.LOG_LEVEL: info -> "
                + "debug\n"), plan.toString());
    }

    @Test
    void aValueWithLineBreaksStaysOnItsOwnLineOfThePlan() {
        ecs.service("prod", "web").taskDefinition("web:1");
        TaskDefinition now = containers("web", "repo/web:1");
        ecs.taskDefinition("web:1", now);
        ecs.taskDefinition("web:2", now.toBuilder().containerDefinitions(now.containerDefinitions().get(0).toBuilder()
                .environment(KeyValuePair.builder().name("CA").value("-----BEGIN\nMIIB\r\n- prod/api: cpu: 1 -> 2"
                        + "\u2028end").build()).build()).build());

        RolloutPlan plan = rollout().build().plan(
                UpdateServiceRequest.builder().cluster("prod").service("web").taskDefinition("web:2").build());

        List<String> lines = Arrays.asList(plan.toString().split("\n", -1));
        assertTrue(lines.contains("- prod/web: containerDefinitions[web].environment.CA: (none) -> -----BEGIN\\nMIIB"
                + "\\r\\n- prod/api: cpu: 1 -> 2\\u2028end"), plan.toString());
        assertEquals(List.of(), lines.stream().filter(l -> l.startsWith("- prod/api")).toList(), plan.toString());
        assertFalse(plan.toString().contains("\u2028"), plan.toString());
        // the JSON keeps the value as it is
        assertEquals("containerDefinitions[web].environment.CA: (none) -> -----BEGIN\nMIIB\r\n- prod/api: cpu: 1 -> 2"
                + "\u2028end", plan.services().get(0).differences().get(0));
    }

    @Test
    void everyProblemTheReadsFindIsInThePlanNotThrown() {
        ecs.service("prod", "web");
        ecs.service("prod", "old").inactive();
        ecs.service("prod", "api");
        ecs.missingTaskDefinition("api:9");

        RolloutPlan plan = rollout().build().plan(List.of(
                UpdateServiceRequest.builder().cluster("prod").service("web").taskDefinition("web:2").build(),
                UpdateServiceRequest.builder().cluster("prod").service("ghost").taskDefinition("ghost:2").build(),
                UpdateServiceRequest.builder().cluster("prod").service("old").taskDefinition("old:2").build(),
                UpdateServiceRequest.builder().cluster("prod").service("api").taskDefinition("api:9").build()));

        assertOnlyReads();
        assertEquals(List.of("web"), plan.services().stream().map(ServicePlan::service).toList());
        assertEquals(List.of(Problem.Kind.SERVICE_MISSING, Problem.Kind.SERVICE_INACTIVE,
                Problem.Kind.TASK_DEFINITION_UNUSABLE), plan.problems().stream().map(Problem::kind).toList());
        assertEquals(List.of("ghost", "old", "api"), plan.problems().stream().map(Problem::service).toList());
        assertTrue(plan.problems().get(2).detail().startsWith("task definition api:9 cannot be deployed: ECS cannot "
                + "describe it (ClientException: Unable to describe task definition.)"), plan.problems().get(2).detail());
        assertTrue(plan.hasProblems());
    }

    @Test
    void theTableShowsANewImageOfTheSameRepositoryByItsTagOrDigestAlone() {
        ecs.service("prod", "web").taskDefinition("web:5");
        ecs.taskDefinition("web:5", containers("app", "registry:5000/web:1", "log", "fluent/bit:2", "envoy",
                "envoy:1.29"));

        RolloutPlan plan = rollout().build().planImages(List.of(ImageUpdate.of("prod", "web", Map.of(
                "app", "registry:5000/web@sha256:ab12", "log", "other/bit:2", "envoy", "envoy:1.30"))));

        assertTrue(plan.toString().contains("app: registry:5000/web:1 -> @sha256:ab12; log: fluent/bit:2 -> "
                + "other/bit:2; envoy: envoy:1.29 -> :1.30"), plan.toString());
        assertEquals(new ImageChange("app", "registry:5000/web:1", "registry:5000/web@sha256:ab12"),
                plan.services().get(0).images().get(0), "the values keep both images whole");
    }

    @Test
    void oneImageForATaskDefinitionWithSeveralContainersIsAProblem() {
        ecs.service("prod", "web").taskDefinition("web:5");
        ecs.taskDefinition("web:5", containers("web", "repo/web:1", "envoy", "envoy:1"));

        RolloutPlan plan = rollout().build().planImages(List.of(ImageUpdate.of("prod", "web", "repo/web:2")));

        assertEquals(List.of(new Problem("prod", "web", Problem.Kind.UNKNOWN_CONTAINER, "the update names no "
                + "container, but task definition " + ARN + "web:5 has 2: [web, envoy]; name the container to change "
                + "with ImageUpdate.of(cluster, service, Map)")),
                plan.problems());
        assertEquals(List.of(), plan.services());
    }

    @Test
    void withoutTheRightToReadTaskDefinitionsEachServiceSaysSo() {
        FakeEcs denied = FakeEcs.builder().clock(clock).accessDenied(DescribeTaskDefinitionRequest.class).build();
        denied.service("prod", "web");

        RolloutPlan plan = ServiceRollout.builder().ecsClient(denied).clock(clock).build()
                .planImages(List.of(ImageUpdate.of("prod", "web", "repo/web:2")));

        assertEquals(1, plan.problems().size());
        assertEquals(Problem.Kind.TASK_DEFINITION_UNREADABLE, plan.problems().get(0).kind());
        assertTrue(plan.problems().get(0).detail().contains("reading task definitions is not allowed"),
                plan.problems().get(0).detail());
    }

    @Test
    void theTimeAllowedIsWhatTheSettingsGiveAndTheMinimumWhatTheStrategyWaits() {
        ecs.service("prod", "web").taskDefinition("web:1");
        ecs.taskDefinition("web:1", containers("web", "repo/web:1"));
        UpdateServiceRequest blueGreen = UpdateServiceRequest.builder().cluster("prod").service("web")
                .taskDefinition("web:1").deploymentConfiguration(DeploymentConfiguration.builder()
                        .strategy(DeploymentStrategy.BLUE_GREEN).bakeTimeInMinutes(30).build()).build();

        ServicePlan unbounded = rollout().build().plan(blueGreen).services().get(0);
        RolloutPlan tooShort = rollout().timeout(Duration.ofMinutes(20)).build().plan(blueGreen);
        ServicePlan withRollback = rollout().timeout(Duration.ofMinutes(90)).rollbackOnFailure(true).build()
                .plan(blueGreen).services().get(0);

        assertEquals("BLUE_GREEN", unbounded.strategy());
        assertEquals(Duration.ofMinutes(30), unbounded.minimum());
        assertEquals(Duration.ofSeconds(15).multipliedBy(40 + 120), unbounded.allowed(),
                "40 polls, grown by the bake's 120 delays as a rollout grows them");
        assertEquals(Duration.ofMinutes(20), tooShort.services().get(0).allowed());
        assertEquals(List.of(Problem.Kind.SETTINGS_DO_NOT_FIT), tooShort.problems().stream().map(Problem::kind)
                .toList());
        assertEquals(Duration.ofMinutes(60), withRollback.allowed(), "a third kept for the rollback");
        assertEquals(List.of("deploymentConfiguration.bakeTimeInMinutes: (none) -> 30",
                "deploymentConfiguration.strategy: ROLLING -> BLUE_GREEN"), unbounded.serviceChanges());
        assertTrue(unbounded.hasChanges(), "the same task definition, another deployment configuration");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theJsonHasAVersionAndEveryField() {
        ecs.service("prod", "web").taskDefinition("web:5");
        ecs.taskDefinition("web:5", containers("web", "repo/web:1"));
        ImageUpdate unknown = ImageUpdate.of("prod", "web", Map.of("worker", "w:2"));

        String json = rollout().build().planImages(List.of(ImageUpdate.of("prod", "web", "repo/web:\"2\""))).toJson();
        String problems = rollout().build().planImages(List.of(unknown)).toJson();

        Map<String, Object> doc = (Map<String, Object>) Json.parse(json);
        assertEquals(1L, doc.get("version"));
        Map<String, Object> web = ((List<Map<String, Object>>) doc.get("services")).get(0);
        assertEquals(ARN + "web:5", web.get("currentTaskDefinition"));
        assertEquals(null, web.get("targetTaskDefinition"));
        assertEquals(Boolean.TRUE, web.get("newRevision"));
        assertEquals(Boolean.TRUE, web.get("changes"));
        assertEquals(List.of(Map.of("container", "web", "before", "repo/web:1", "after", "repo/web:\"2\"")),
                web.get("images"));
        assertEquals("ROLLING", web.get("strategy"));
        assertEquals("PT10M", web.get("allowed"));
        assertEquals("PT0S", web.get("minimum"));
        Map<String, Object> problem = ((List<Map<String, Object>>) ((Map<String, Object>) Json.parse(problems))
                .get("problems")).get(0);
        assertEquals("UNKNOWN_CONTAINER", problem.get("kind"));
        assertEquals("web", problem.get("service"));
    }

    @Test
    void aClusterEcsDoesNotKnowIsAnApiErrorAsForARollout() {
        ecs.service("prod", "web");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout().build()
                .planImages(List.of(ImageUpdate.of("prdo", "web", "repo/web:2"))));

        assertEquals(RolloutNotStableException.Reason.API_ERROR, e.reason());
        assertOnlyReads();
    }

    @Test
    void aPlanThatCannotReadEcsLogsNoRolloutFailure() {
        ecs.service("prod", "web");

        try (CapturedLog log = CapturedLog.open()) {
            assertThrows(RolloutNotStableException.class, () -> rollout().build()
                    .plan(UpdateServiceRequest.builder().cluster("prdo").service("web").taskDefinition("web:2").build()));
            assertThrows(RolloutNotStableException.class, () -> rollout().build()
                    .planImages(List.of(ImageUpdate.of("prdo", "web", "repo/web:2"))));

            // the exception is the caller's to report: a dry run must not set off an alert on "Rollout failed"
            assertEquals(List.of(), log.lines().stream().filter(l -> l.contains("Rollout failed")).toList());
        }
    }

    @Test
    void badInputIsRefusedNamingTheParameterBeforeAnyCall() {
        ServiceRollout rollout = rollout().build();
        ImageUpdate web = ImageUpdate.of("prod", "web", "repo/web:2");

        assertEquals("updates", assertThrows(NullPointerException.class,
                () -> rollout.planImages(null)).getMessage());
        assertEquals("updates must not be empty", assertThrows(IllegalArgumentException.class,
                () -> rollout.planImages(List.of())).getMessage());
        assertEquals("updates[1]", assertThrows(NullPointerException.class,
                () -> rollout.planImages(Arrays.asList(web, null))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> rollout.planImages(List.of(web,
                ImageUpdate.of("prod", "web", "repo/web:3")))).getMessage().startsWith("updates[1] names service web"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> rollout.planImages(List.of(
                ImageUpdate.of("prod", "web one", "x")))).getMessage().contains("updates[0].service"));
        assertEquals("requests", assertThrows(NullPointerException.class,
                () -> rollout.plan((Collection<UpdateServiceRequest>) null)).getMessage());
        assertEquals("requests[0]", assertThrows(NullPointerException.class,
                () -> rollout.plan(Arrays.asList((UpdateServiceRequest) null))).getMessage());
        assertEquals("requests must not be empty", assertThrows(IllegalArgumentException.class,
                () -> rollout.plan(List.of())).getMessage());
        assertEquals(List.of(), ecs.calls());
    }
}
