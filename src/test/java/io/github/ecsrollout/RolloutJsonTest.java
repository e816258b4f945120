package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * {@link RolloutResult#toJson()} and {@link RolloutNotStableException#toJson()}: read back by Jackson into a
 * {@code Map}, they have the documented fields and no others, escape whatever text they carry, and stay within Step
 * Functions' {@code Cause} limit for a rollout of 1,000 services.
 */
class RolloutJsonTest {

    /** Step Functions' limit on a {@code Cause}, in characters. */
    private static final int CAUSE_LIMIT = 32_768;

    /** Every top-level field the Javadoc of the two {@code toJson()} methods documents. */
    private static final Set<String> TOP_LEVEL = Set.of("version", "outcome", "reason", "message", "serviceCount",
            "attempts", "elapsedMillis", "checkpoint", "cause", "clusters", "failedServices", "unstableServices",
            "updatedServices", "possiblyUpdatedServices", "rolledBackServices", "notRestoredServices", "services",
            "truncated", "omitted");

    /** Every field of a service's object the Javadoc documents. */
    private static final Set<String> PER_SERVICE = Set.of("cluster", "service", "verdict", "requestedTaskDefinition",
            "previousTaskDefinition", "taskDefinition", "deploymentId", "runningCount", "desiredCount", "pendingCount",
            "rolloutState", "rolloutStateReason", "serviceDeploymentStatus", "ecsWords", "latestProblemEvent",
            "stoppedTask", "stoppedTasksUnavailable", "images", "rollbackAction", "rollbackConfirmed");

    private static final ObjectMapper JACKSON = new ObjectMapper();

    private final VirtualClock clock = VirtualClock.create();
    private final FakeEcs ecs = FakeEcs.builder().clock(clock).build();

    private ServiceRollout.Builder rollout() {
        return ServiceRollout.builder().ecsClient(ecs).clock(clock).delay(Duration.ZERO);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(String json) throws Exception {
        Map<String, Object> map = JACKSON.readValue(json, Map.class);
        assertTrue(TOP_LEVEL.containsAll(map.keySet()), "undocumented fields in " + map.keySet());
        for (Map<String, Object> s : services(map)) {
            assertTrue(PER_SERVICE.containsAll(s.keySet()), "undocumented service fields in " + s.keySet());
            assertFalse(s.containsValue(null), "an absent value is left out, never null: " + s);
        }
        assertFalse(map.containsValue(null), "an absent value is left out, never null: " + map);
        return map;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> services(Map<String, Object> map) {
        return (List<Map<String, Object>>) map.get("services");
    }

    private static Map<String, Object> service(Map<String, Object> map, String name) {
        return services(map).stream().filter(s -> name.equals(s.get("service"))).findFirst().orElseThrow();
    }

    @Test
    void aSuccessRoundTripsThroughJacksonWithTheDocumentedFields() throws Exception {
        ecs.service("blue", "web").becomesStableAfter(2);
        ecs.service("green", "api");
        RolloutResult result = rollout().build().rollOut(
                UpdateServiceRequest.builder().cluster("blue").service("web").taskDefinition("web:2").build(),
                UpdateServiceRequest.builder().cluster("green").service("api").taskDefinition("api").build());

        Map<String, Object> json = read(result.toJson());

        assertEquals(1, json.get("version"));
        assertEquals("SUCCESS", json.get("outcome"));
        assertFalse(json.containsKey("reason"), "a success has no reason");
        assertEquals(List.of("blue", "green"), json.get("clusters"));
        assertEquals(2, json.get("serviceCount"));
        assertEquals(result.attempts(), json.get("attempts"));
        assertEquals((int) result.elapsed().toMillis(), ((Number) json.get("elapsedMillis")).intValue());
        assertEquals(false, json.get("truncated"));
        assertFalse(json.containsKey("omitted"));
        Map<String, Object> web = service(json, "web");
        assertEquals("blue", web.get("cluster"));
        assertEquals("STABLE", web.get("verdict"));
        assertEquals("web:2", web.get("requestedTaskDefinition"), "as the caller passed it");
        assertEquals(ecs.taskDefinitionArn("web:1"), web.get("previousTaskDefinition"));
        assertEquals(ecs.taskDefinitionArn("web:2"), web.get("taskDefinition"), "what ECS runs");
        assertEquals(result.service("web").orElseThrow().expectedDeploymentId().orElseThrow(),
                web.get("deploymentId"));
        assertEquals(2, web.get("runningCount"));
        assertEquals(2, web.get("desiredCount"));
        assertEquals("NONE", web.get("rollbackAction"));
        assertFalse(web.containsKey("rollbackConfirmed"), "only for a service the rollback acted on");
        assertFalse(web.containsKey("ecsWords"), "a stable service needs no explanation");
        assertEquals("api", service(json, "api").get("requestedTaskDefinition"), "a family alone stays a family");
        ContainerImage image = result.service("web").orElseThrow().images().get(0);
        assertEquals(List.of(Map.of("containerName", image.containerName(), "image", image.image(),
                "digest", image.digest().orElseThrow())), web.get("images"), "what the new revision runs");
    }

    @Test
    void aFailureCarriesItsReasonListsAndEcsWords() throws Exception {
        ecs.service("prod", "web").circuitBreakerTripsAfter(1);
        ecs.service("prod", "api").becomesStableAfter(1);
        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout()
                .rollbackOnFailure(true).build().rollOut(update("prod", "web"), update("prod", "api")));
        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());

        Map<String, Object> json = read(e.toJson());

        assertEquals("FAILURE", json.get("outcome"));
        assertEquals("DEPLOYMENT_FAILED", json.get("reason"));
        assertEquals(e.getMessage().lines().findFirst().orElseThrow(), json.get("message"));
        assertEquals(e.failedServices(), json.get("failedServices"));
        assertEquals(e.unstableServices(), json.get("unstableServices"));
        assertEquals(List.of("web", "api"), json.get("updatedServices"));
        assertEquals(List.of(), json.get("possiblyUpdatedServices"));
        assertEquals(e.rolledBackServices(), json.get("rolledBackServices"));
        assertEquals(e.notRestoredServices(), json.get("notRestoredServices"));
        assertEquals(false, json.get("checkpoint"));
        assertEquals(e.attempts(), json.get("attempts"));
        assertTrue(e.attempts() >= 1, "the failure was seen on a poll");
        assertFalse(json.containsKey("cause"));
        Map<String, Object> web = service(json, "web");
        assertEquals("DEPLOYMENT_FAILED", web.get("verdict"));
        assertEquals("FAILED", web.get("rolloutState"));
        assertEquals(e.serviceState("web").orElseThrow().rolloutStateReason().orElseThrow(),
                web.get("rolloutStateReason"));
        assertTrue(String.valueOf(web.get("ecsWords")).contains("circuit breaker"), web.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> stopped = (Map<String, Object>) web.get("stoppedTask");
        Task newest = e.serviceState("web").orElseThrow().stoppedTasks().get(0);
        assertEquals(newest.stoppedReason(), stopped.get("stoppedReason"));
        assertTrue(stopped.containsKey("exitCode"), stopped.toString());
        for (String name : List.of("web", "api")) {
            ServiceState state = e.serviceState(name).orElseThrow();
            assertTrue(state.rollbackAction() != RollbackAction.NONE, state.toString());
            assertEquals(state.rollbackAction().name(), service(json, name).get("rollbackAction"));
            assertEquals(e.rolledBackServices().contains(name), service(json, name).get("rollbackConfirmed"));
        }
        assertEquals(List.of("web", "api"), e.rolledBackServices(), "FakeEcs confirms both rollbacks");
        assertEquals(List.of(), e.notRestoredServices());
    }

    @Test
    void theCheckpointIsToldByPresenceAndAnEcsErrorByTypeAndCode() throws Exception {
        ecs.service("prod", "web").neverStable();
        RolloutCheckpoint started = rollout().build().start(update("prod", "web"));
        RolloutNotStableException callEnded = assertThrows(RolloutNotStableException.class,
                () -> rollout().maxAttempts(2).build().resume(started));
        assertEquals(Reason.TIMED_OUT, callEnded.reason());
        assertTrue(callEnded.checkpoint().isPresent(), "the call ended, not the rollout");
        assertEquals(true, read(callEnded.toJson()).get("checkpoint"));

        RolloutNotStableException apiError = assertThrows(RolloutNotStableException.class,
                () -> rollout().build().rollOut("nowhere", "web", "web:2"));
        assertEquals(Reason.API_ERROR, apiError.reason());

        @SuppressWarnings("unchecked")
        Map<String, Object> cause = (Map<String, Object>) read(apiError.toJson()).get("cause");
        assertEquals(apiError.getCause().getClass().getSimpleName(), cause.get("type"));
        assertEquals("ClusterNotFoundException", cause.get("errorCode"));
        assertTrue(String.valueOf(cause.get("message")).contains("Cluster not found"), cause.toString());
    }

    @Test
    void everyTextIsEscapedToAsciiAndReadsBackAsItWas() throws Exception {
        String nasty = "say \"hi\" \\ back\ttab\u0001\u001f\u007f caf\u00e9 \ud83d\ude80 lone\ud800 sep\u2028end";
        ServiceState state = ServiceState.builder().cluster("prod").service("web").verdict(Verdict.DEPLOYMENT_FAILED)
                .lastObserved(Service.builder().serviceName("web").desiredCount(1).runningCount(0)
                        .deployments(Deployment.builder().id("ecs-svc/1").status("PRIMARY")
                                .rolloutState(DeploymentRolloutState.FAILED).rolloutStateReason(nasty).build())
                        .build())
                .expectedDeploymentId("ecs-svc/1")
                .events(List.of(ServiceEvent.builder().id("e1").createdAt(Instant.parse("2026-01-02T03:04:05Z"))
                        .message("(service web) failed: " + nasty).build()))
                .stoppedTasks(List.of(Task.builder().taskArn("arn:aws:ecs:us-east-1:1:task/prod/abc")
                        .stoppedReason(nasty).containers(Container.builder().name("app").exitCode(137).build())
                        .build()))
                .build();
        RolloutNotStableException e = new RolloutNotStableException(Reason.DEPLOYMENT_FAILED,
                "first " + nasty + "\nsecond line", null, List.of("web"), List.of("web"), List.of(), List.of(),
                List.of(state), null, 3, Duration.ofMillis(1500));

        String text = e.toJson();

        assertTrue(text.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "printable ASCII only: " + text);
        Map<String, Object> json = read(text);
        assertEquals("first " + nasty, json.get("message"), "the first line, exactly");
        Map<String, Object> web = service(json, "web");
        assertEquals(nasty, web.get("rolloutStateReason"));
        @SuppressWarnings("unchecked")
        Map<String, Object> event = (Map<String, Object>) web.get("latestProblemEvent");
        assertEquals("(service web) failed: " + nasty, event.get("message"));
        assertEquals("2026-01-02T03:04:05Z", event.get("createdAt"));
        @SuppressWarnings("unchecked")
        Map<String, Object> stopped = (Map<String, Object>) web.get("stoppedTask");
        assertEquals("abc", stopped.get("taskId"));
        assertEquals(nasty, stopped.get("stoppedReason"));
        assertEquals("app", stopped.get("container"));
        assertEquals(137, stopped.get("exitCode"));
        assertEquals(3, json.get("attempts"));
        assertEquals(1500, json.get("elapsedMillis"));
    }

    @Test
    void aLongTextIsCutAndSaysSo() throws Exception {
        String longWords = "x".repeat(5_000);
        ServiceState state = ServiceState.builder().cluster("prod").service("web").verdict(Verdict.DEPLOYMENT_FAILED)
                .stoppedTasksUnavailableReason(longWords).build();
        RolloutNotStableException e = new RolloutNotStableException(Reason.DEPLOYMENT_FAILED, longWords, null,
                List.of("web"), List.of(), List.of(), List.of(state));

        Map<String, Object> json = read(e.toJson());

        assertEquals("x".repeat(997) + "...", json.get("message"));
        assertEquals("x".repeat(497) + "...", service(json, "web").get("stoppedTasksUnavailable"));
    }

    @Test
    void aThousandServicesStayWithinTheCauseLimitAndCountWhatWasLeftOut() throws Exception {
        List<String> names = IntStream.range(0, 1_000).mapToObj(i -> String.format("service-%024d", i)).toList();
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (String name : names) {
            ecs.service("prod", name);
            requests.add(update("prod", name));
        }
        String failing = names.get(737);
        ecs.service("prod", failing).circuitBreakerTripsAfter(1);
        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollbackOnFailure(true).build().rollOut(requests));
        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());

        String text = e.toJson();

        assertTrue(text.length() <= CAUSE_LIMIT, "JSON of " + text.length() + " characters");
        Map<String, Object> json = read(text);
        assertEquals(1_000, json.get("serviceCount"));
        assertEquals(true, json.get("truncated"));
        @SuppressWarnings("unchecked")
        Map<String, Object> omitted = (Map<String, Object>) json.get("omitted");
        assertEquals(1_000, services(json).size() + (int) omitted.get("services"), "every service is counted");
        assertEquals(List.of(failing), json.get("failedServices"), "the failed services are never left out");
        assertEquals("DEPLOYMENT_FAILED", service(json, failing).get("verdict"), "nor their details");
        for (String list : List.of("updatedServices", "rolledBackServices", "unstableServices")) {
            @SuppressWarnings("unchecked")
            List<String> kept = (List<String>) json.get(list);
            int left = (int) omitted.getOrDefault(list, 0);
            List<String> all = list.equals("updatedServices") ? e.updatedServices()
                    : list.equals("rolledBackServices") ? e.rolledBackServices() : e.unstableServices();
            assertEquals(all.size(), kept.size() + left, list);
            assertEquals(all.subList(0, kept.size()), kept, list + " keeps its first entries, in order");
        }
        List<Integer> order = services(json).stream().map(s -> names.indexOf((String) s.get("service"))).toList();
        assertEquals(order.stream().sorted().toList(), order, "services stay in the caller's order");

        ecs.service("prod", failing).becomesStableAfter(1);
        String success = rollout().build().rollOut(requests).toJson();
        assertTrue(success.length() <= CAUSE_LIMIT, "JSON of " + success.length() + " characters");
        Map<String, Object> ok = read(success);
        @SuppressWarnings("unchecked")
        Map<String, Object> okOmitted = (Map<String, Object>) ok.get("omitted");
        assertEquals(1_000, services(ok).size() + (int) okOmitted.get("services"));
        assertEquals(names.subList(0, services(ok).size()),
                services(ok).stream().map(s -> s.get("service")).toList(), "the first services, in order");
    }

    private static UpdateServiceRequest update(String cluster, String service) {
        return UpdateServiceRequest.builder().cluster(cluster).service(service).taskDefinition(service + ":2").build();
    }
}
