package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.support.CapturedLog;
import io.github.ecsrollout.testing.FakeEcs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.DescribeServiceRevisionsRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/** A successful rollout's states carry the images their new service revisions run, read once at its end. */
class RevisionImagesTest {

    private static final String REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/";

    private final FakeEcs ecs = FakeEcs.create();

    private ServiceRollout rollout() {
        return ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).maxAttempts(10).build();
    }

    private static UpdateServiceRequest update(String service, String taskDefinition) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition(taskDefinition).build();
    }

    private static String sha256(String image) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(image.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aRollingRolloutNamesTheImageAndDigestOfItsNewRevision() throws Exception {
        ecs.service("prod", "web");

        RolloutResult result = rollout().rollOut("prod", "web", "web:2");

        ServiceState web = result.service("web").orElseThrow();
        List<ContainerImage> images = web.images();
        assertEquals(List.of(ContainerImage.of("web", REGISTRY + "web:2", sha256(REGISTRY + "web:2"))), images);
        List<DescribeServiceRevisionsRequest> reads = ecs.calls(DescribeServiceRevisionsRequest.class);
        assertEquals(1, reads.size());
        String deployment = web.expectedDeploymentId().orElseThrow();
        assertEquals(List.of("arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/"
                + deployment.substring("ecs-svc/".length())), reads.get(0).serviceRevisionArns());
    }

    @Test
    void aBlueGreenRolloutNamesTheRevisionItsServiceDeploymentTargets() throws Exception {
        ecs.service("prod", "checkout").blueGreen(2);

        RolloutResult result = rollout().rollOut("prod", "checkout", "checkout:7");

        ServiceState checkout = result.service("checkout").orElseThrow();
        String target = checkout.serviceDeployment().orElseThrow().targetServiceRevision().arn();
        assertEquals(List.of(target), ecs.calls(DescribeServiceRevisionsRequest.class).get(0).serviceRevisionArns());
        assertEquals(sha256(REGISTRY + "checkout:7"), checkout.images().get(0).digest().orElseThrow());
    }

    @Test
    void theResultAndTheSuccessLineNameTheImagesWithShortDigests() throws Exception {
        ecs.service("prod", "web");
        String shortDigest = sha256(REGISTRY + "web:2").substring(0, "sha256:".length() + 12);
        try (CapturedLog log = CapturedLog.open()) {
            RolloutResult result = rollout().rollOut("prod", "web", "web:2");

            String named = "images={web=[web=" + REGISTRY + "web:2@" + shortDigest + "]}";
            assertTrue(result.toString().contains(named), result.toString());
            List<String> success = log.lines("INFO", "ServiceRollout").stream()
                    .filter(l -> l.contains("succeeded")).toList();
            assertEquals(1, success.size());
            assertTrue(success.get(0).contains(named), success.get(0));
        }
    }

    @Test
    void twentyFiveServicesAreReadInTwoCallsOfAtMostTwenty() {
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ecs.service("prod", "svc-" + i);
            requests.add(update("svc-" + i, "svc-" + i + ":3"));
        }

        RolloutResult result = rollout().rollOut(requests);

        List<DescribeServiceRevisionsRequest> reads = ecs.calls(DescribeServiceRevisionsRequest.class);
        assertEquals(List.of(20, 5), reads.stream().map(r -> r.serviceRevisionArns().size()).toList());
        for (int i = 0; i < 25; i++) {
            assertEquals(REGISTRY + "svc-" + i + ":3", result.services().get(i).images().get(0).image());
        }
        assertTrue(result.toString().endsWith(", ... 15 more}]"), result.toString());
    }

    @Test
    void aDenialIsOneWarnLineAndEmptyImagesNotAFailure() {
        FakeEcs denied = FakeEcs.builder().accessDenied(DescribeServiceRevisionsRequest.class).build();
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            denied.service("prod", "svc-" + i);
            requests.add(update("svc-" + i, "svc-" + i + ":3"));
        }
        try (CapturedLog log = CapturedLog.open()) {
            RolloutResult result = ServiceRollout.builder().ecsClient(denied).delay(Duration.ZERO).build()
                    .rollOut(requests);

            assertTrue(result.services().stream().allMatch(s -> s.isStable() && s.images().isEmpty()));
            assertFalse(result.toString().contains("images="), result.toString());
            List<String> warns = log.lines("WARN", "ServiceRollout");
            assertEquals(1, warns.size(), warns.toString());
            assertTrue(warns.get(0).contains("AccessDeniedException"), warns.get(0));
            // No second batch after a denial.
            assertEquals(1, denied.calls(DescribeServiceRevisionsRequest.class).size());
        }
    }

    @Test
    void awaitStableReadsNoImages() {
        ecs.service("prod", "web");

        RolloutResult result = rollout().awaitStable("prod", List.of("web"));

        assertTrue(result.service("web").orElseThrow().images().isEmpty());
        assertTrue(ecs.calls(DescribeServiceRevisionsRequest.class).isEmpty());
    }

    @Test
    void aFailedRolloutReadsNoImages() {
        ecs.service("prod", "web").circuitBreakerTripsAfter(1);
        ecs.service("prod", "api");

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout().rollOut(List.of(update("web", "web:2"), update("api", "api:2"))));

        assertTrue(e.serviceStates().stream().allMatch(s -> s.images().isEmpty()));
        assertTrue(ecs.calls(DescribeServiceRevisionsRequest.class).isEmpty());
    }
}
