package io.github.ecsrollout.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookAction;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookStatus;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentBrief;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

/** Every recorded ECS payload, served byte for byte and read by the real SDK client. */
class ReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SimulatedEcs ecs;
    private EcsClient client;

    static List<String> payloads() {
        return Replay.files();
    }

    @BeforeEach
    void start() {
        ecs = SimulatedEcs.start(SimClock.manual());
        client = ecs.client(o -> o.retryStrategy(SimulatedEcs.fastRetries(1)));
    }

    @AfterEach
    void stop() {
        ecs.close();
    }

    static List<String> serviceDeploymentPayloads() {
        return Replay.serviceDeploymentFiles();
    }

    @Test
    void allRecordingsAreThere() {
        assertEquals(12, payloads().size(), payloads().toString());
        assertEquals(List.of("20-list-service-deployments-awscli-docs.json",
                "20b-describe-service-deployments-successful-rolling-awscli-docs.json",
                "21b-describe-service-deployments-bluegreen-paused-hook-apiref-sample.json"), serviceDeploymentPayloads());
        assertEquals(List.of(REVISIONS), Replay.serviceRevisionFiles());
    }

    private static final String REVISIONS = "22-describe-service-revisions-awscli-docs.json";

    /**
     * The recorded DescribeServiceRevisions answer, read by the SDK: each container's image as named and the digest ECS
     * resolved, for the very revision the recorded service deployment (20b) targets.
     */
    @Test
    void serviceRevisionRecordingParsesAsRecorded() throws Exception {
        JsonNode recorded = JSON.readTree(Replay.load(REVISIONS).body()).get("serviceRevisions").get(0);
        ecs.faults().next(1, "DescribeServiceRevisions").replay(REVISIONS);

        ServiceRevision revision = client.describeServiceRevisions(b -> b.serviceRevisionArns("x"))
                .serviceRevisions().get(0);

        String target = JSON.readTree(Replay.load("20b-describe-service-deployments-successful-rolling-awscli-docs.json")
                .body()).at("/serviceDeployments/0/targetServiceRevision/arn").asText();
        assertEquals(target, revision.serviceRevisionArn());
        assertEquals(instant(recorded.get("createdAt")), revision.createdAt());
        assertEquals(2, revision.containerImages().size());
        for (int i = 0; i < 2; i++) {
            JsonNode image = recorded.get("containerImages").get(i);
            assertEquals(image.get("containerName").asText(), revision.containerImages().get(i).containerName());
            assertEquals(image.get("image").asText(), revision.containerImages().get(i).image());
            assertEquals(image.get("imageDigest").asText(), revision.containerImages().get(i).imageDigest());
            assertTrue(revision.containerImages().get(i).imageDigest().matches("sha256:[0-9a-f]{64}"));
        }
    }

    /** What the simulator answers for a revision has the recorded members that say what it runs. */
    @Test
    void simulatedServiceRevisionsHaveTheRecordedMembers() throws Exception {
        ecs.createService("prod", "web", ServiceScript.stableAfter(java.time.Duration.ZERO));
        Service web = client.describeServices(b -> b.cluster("prod").services("web")).services().get(0);
        String revisionArn = client.describeServiceDeployments(b -> b.serviceDeploymentArns(
                web.currentServiceDeployment())).serviceDeployments().get(0).targetServiceRevision().arn();
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ecs.endpoint() + "/"))
                .header("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeServiceRevisions")
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"serviceRevisionArns\":[\"" + revisionArn + "\"]}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode simulated = JSON.readTree(r.body()).get("serviceRevisions").get(0);
        JsonNode recorded = JSON.readTree(Replay.load(REVISIONS).body()).get("serviceRevisions").get(0);
        for (String member : List.of("serviceRevisionArn", "serviceArn", "clusterArn", "taskDefinition",
                "containerImages", "createdAt")) {
            assertTrue(simulated.has(member), "missing " + member + " in " + simulated);
        }
        recorded.at("/containerImages/0").fieldNames().forEachRemaining(f -> assertTrue(
                simulated.at("/containerImages/0").has(f), "missing containerImages." + f + " in " + simulated));
        assertEquals(revisionArn, simulated.get("serviceRevisionArn").asText());
    }

    /** The recorded service-deployment answers, read by the SDK as ListServiceDeployments or DescribeServiceDeployments. */
    @ParameterizedTest
    @MethodSource("serviceDeploymentPayloads")
    void serviceDeploymentRecordingsParseAsRecorded(String file) throws Exception {
        JsonNode recorded = JSON.readTree(Replay.load(file).body()).get("serviceDeployments").get(0);
        String target;
        String revision;
        if (file.startsWith("20-")) {
            ecs.faults().next(1, "ListServiceDeployments").replay(file);
            ServiceDeploymentBrief brief = client.listServiceDeployments(b -> b.service("s")).serviceDeployments().get(0);
            assertEquals(recorded.get("serviceDeploymentArn").asText(), brief.serviceDeploymentArn());
            assertEquals(ServiceDeploymentStatus.SUCCESSFUL, brief.status());
            assertEquals(instant(recorded.get("finishedAt")), brief.finishedAt());
            target = brief.targetServiceRevisionArn();
            revision = recorded.get("targetServiceRevisionArn").asText();
        } else {
            ecs.faults().next(1, "DescribeServiceDeployments").replay(file);
            ServiceDeployment sd = client.describeServiceDeployments(b -> b.serviceDeploymentArns("x")).serviceDeployments().get(0);
            assertEquals(recorded.get("status").asText(), sd.statusAsString());
            assertEquals(instant(recorded.get("updatedAt")), sd.updatedAt());
            assertEquals(recorded.at("/targetServiceRevision/runningTaskCount").asInt(), sd.targetServiceRevision().runningTaskCount());
            if (file.startsWith("21b")) {
                DeploymentLifecycleHookDetail hook = sd.lifecycleHookDetails().get(0);
                assertEquals(DeploymentLifecycleHookStatus.AWAITING_ACTION, hook.status());
                assertEquals(DeploymentLifecycleHookAction.ROLLBACK, hook.timeoutAction());
                assertEquals(instant(recorded.at("/lifecycleHookDetails/0/expiresAt")), hook.expiresAt());
                assertEquals(DeploymentStrategy.BLUE_GREEN, sd.deploymentConfiguration().strategy());
                assertEquals("PAUSE", sd.deploymentConfiguration().lifecycleHooks().get(0).targetTypeAsString());
            } else {
                assertEquals(ServiceDeploymentRollbackMonitorsStatus.MONITORING_COMPLETE, sd.deploymentCircuitBreaker().status());
                assertEquals(ServiceDeploymentRollbackMonitorsStatus.DISABLED, sd.alarms().status());
                assertTrue(sd.sourceServiceRevisions().isEmpty());
            }
            target = sd.targetServiceRevision().arn();
            revision = recorded.at("/targetServiceRevision/arn").asText();
        }
        assertEquals(revision, target);
        assertTrue(target.matches("arn:aws:ecs:[a-z0-9-]+:\\d{12}:service-revision/[^/]+/[^/]+/\\d+"), target);
    }

    /** What the simulator answers has the recorded shape: the same members, at least, as the recorded success. */
    @Test
    void simulatedServiceDeploymentsHaveTheRecordedMembers() throws Exception {
        ecs.createService("prod", "web", ServiceScript.stableAfter(java.time.Duration.ZERO));
        String arn = client.describeServices(b -> b.cluster("prod").services("web")).services().get(0).currentServiceDeployment();
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ecs.endpoint() + "/"))
                .header("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeServiceDeployments")
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"serviceDeploymentArns\":[\"" + arn + "\"]}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode simulated = JSON.readTree(r.body()).get("serviceDeployments").get(0);
        JsonNode recorded = JSON.readTree(Replay.load("20b-describe-service-deployments-successful-rolling-awscli-docs.json")
                .body()).get("serviceDeployments").get(0);
        recorded.fieldNames().forEachRemaining(f -> assertTrue(simulated.has(f), "missing " + f + " in " + simulated));
        recorded.get("deploymentConfiguration").fieldNames().forEachRemaining(
                f -> assertTrue(simulated.get("deploymentConfiguration").has(f), "missing deploymentConfiguration." + f));
    }

    @ParameterizedTest
    @MethodSource("payloads")
    void servedByteForByteWithItsStatus(String file) throws Exception {
        Replay.Payload payload = Replay.load(file);
        ecs.faults().next(1, "DescribeServices").replay(file);
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ecs.endpoint() + "/"))
                .header("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeServices")
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"services\":[\"x\"]}")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(payload.body(), r.body());
        assertEquals(payload.errorType() == null ? 200 : 400, r.statusCode());
        assertEquals(payload.httpStatus(), r.statusCode());
    }

    @ParameterizedTest
    @MethodSource("payloads")
    void readByTheSdkAsRecorded(String file) throws Exception {
        Replay.Payload payload = Replay.load(file);
        JsonNode recorded = JSON.readTree(payload.body());
        if (payload.errorType() != null) {
            ecs.faults().next(1, "UpdateService").replay(file);
            EcsException e = assertThrows(EcsException.class,
                    () -> client.updateService(b -> b.cluster("prod").service("web").taskDefinition("web:2")));
            assertEquals(payload.errorType(), e.awsErrorDetails().errorCode());
            assertEquals(recorded.get("message").asText(), e.awsErrorDetails().errorMessage());
            assertEquals(400, e.statusCode());
            return;
        }
        List<Service> services;
        JsonNode recordedServices;
        if (recorded.has("service")) {
            ecs.faults().next(1, "UpdateService").replay(file);
            services = List.of(client.updateService(b -> b.cluster("c").service("s").taskDefinition("t:1")).service());
            recordedServices = JSON.createArrayNode().add(recorded.get("service"));
        } else {
            ecs.faults().next(1, "DescribeServices").replay(file);
            services = client.describeServices(b -> b.cluster("c").services("s")).services();
            recordedServices = recorded.get("services");
        }
        assertEquals(recordedServices.size(), services.size());
        for (int i = 0; i < services.size(); i++) {
            Service s = services.get(i);
            JsonNode r = recordedServices.get(i);
            assertEquals(r.get("serviceArn").asText(), s.serviceArn());
            assertEquals(r.get("status").asText(), s.status());
            assertEquals(r.get("desiredCount").asInt(), s.desiredCount());
            assertEquals(r.get("runningCount").asInt(), s.runningCount());
            assertEquals(r.get("deployments").size(), s.deployments().size());
            for (int d = 0; d < s.deployments().size(); d++) {
                JsonNode rd = r.get("deployments").get(d);
                assertEquals(rd.get("id").asText(), s.deployments().get(d).id());
                assertEquals(rd.get("runningCount").asInt(), s.deployments().get(d).runningCount());
                assertEquals(instant(rd.get("createdAt")), s.deployments().get(d).createdAt());
                assertEquals(rd.path("rolloutState").asText(null), s.deployments().get(d).rolloutStateAsString());
            }
            assertEquals(r.get("events").size(), s.events().size());
            for (int ev = 0; ev < s.events().size(); ev++) {
                assertEquals(instant(r.get("events").get(ev).get("createdAt")), s.events().get(ev).createdAt());
                assertEquals(r.get("events").get(ev).get("message").asText(), s.events().get(ev).message());
            }
        }
    }

    @Test
    void recordedShapesTheLibraryMustHandle() {
        ecs.faults().next(1, "DescribeServices").replay("01d-stable-legacy-no-rolloutstate-custodian-placebo-describe-services.json");
        Service legacy = client.describeServices(b -> b.services("home-web")).services().get(0);
        assertNull(legacy.deployments().get(0).rolloutState(), "2018 services have no rolloutState");
        assertNull(legacy.deployments().get(0).failedTasks(), "nor failedTasks");

        ecs.faults().next(1, "DescribeServices").replay("02b-mid-deployment-legacy-custodian-placebo-describe-services.json");
        Service mid = client.describeServices(b -> b.services("s")).services().get(0);
        assertEquals(2, mid.deployments().size());

        ecs.faults().next(1, "UpdateService").replay("08b-update-service-awscli-docs-example4-mid-deployment-events.json");
        Service updated = client.updateService(b -> b.service("my-http-service").taskDefinition("mytaskdef:3")).service();
        assertEquals("PRIMARY", updated.deployments().get(0).status());
        assertEquals(DeploymentRolloutState.IN_PROGRESS, updated.deployments().get(0).rolloutState());
        assertEquals(DeploymentRolloutState.COMPLETED, updated.deployments().get(1).rolloutState());
        assertEquals(updated.desiredCount(), updated.runningCount(), "running == desired, yet two deployments");
    }

    @Test
    void theWaiterFailsOnTheRecordedDrainingService() {
        ecs.faults().always("DescribeServices").replay("05-draining-describe-services-custodian-placebo.json");
        try (EcsWaiter waiter = EcsWaiter.builder().client(client).build()) {
            SdkClientException e = assertThrows(SdkClientException.class,
                    () -> waiter.waitUntilServicesStable(b -> b.services("web")));
            assertTrue(e.getMessage().contains("DRAINING"), e.getMessage());
        }
    }

    @Test
    void recordedThrottlingIsRetriedLikeLiveThrottling() {
        ecs.faults().next(2, "DescribeServices").replay("07c-error-ThrottlingException-ecs-former2-11.json");
        ecs.createService("prod", "web", ServiceScript.neverStable());
        EcsClient retrying = ecs.client(o -> o.retryStrategy(SimulatedEcs.fastRetries(3)));
        assertEquals(1, retrying.describeServices(b -> b.cluster("prod").services("web")).services().size());
        assertEquals(List.of(400, 400, 200), ecs.stats().calls("DescribeServices").stream().map(SimStats.Call::httpStatus).toList());
    }

    @Test
    void timestampsInScientificNotationAsEcsSometimesSendsThem() {
        ecs.faults().next(1, "DescribeServices").respond(200, "{\"services\":[{\"serviceName\":\"web\",\"status\":\"ACTIVE\","
                + "\"createdAt\":1.620044996111E9,\"events\":[{\"id\":\"e1\",\"createdAt\":1.620044996111E9,"
                + "\"message\":\"(service web) has reached a steady state.\"}],\"deployments\":[]}],\"failures\":[]}");
        Service s = client.describeServices(b -> b.services("web")).services().get(0);
        assertEquals(Instant.ofEpochMilli(1_620_044_996_111L), s.createdAt());
        assertEquals(Instant.ofEpochMilli(1_620_044_996_111L), s.events().get(0).createdAt());
    }

    private static Instant instant(JsonNode epochSeconds) {
        BigDecimal millis = new BigDecimal(epochSeconds.asText()).movePointRight(3);
        return Instant.ofEpochMilli(millis.longValueExact());
    }
}
