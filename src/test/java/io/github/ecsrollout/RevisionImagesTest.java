package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

import io.github.ecsrollout.support.CapturedLog;
import io.github.ecsrollout.testing.FakeEcs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.time.Instant;
import java.util.stream.Stream;
import io.github.ecsrollout.testing.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.AdditionalAnswers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServiceRevisionsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
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
        assertEquals(List.of(ContainerImage.of("app", REGISTRY + "web:2", sha256(REGISTRY + "web:2"))), images);
        List<DescribeServiceRevisionsRequest> reads = ecs.calls(DescribeServiceRevisionsRequest.class);
        assertEquals(1, reads.size());
        String deployment = web.expectedDeploymentId().orElseThrow();
        assertEquals(List.of("arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/"
                + deployment.substring("ecs-svc/".length())), reads.get(0).serviceRevisionArns());
    }

    /** The docs' example (docs/images.md), verbatim: what a successful rollout runs, container by container. */
    @Test
    void theDocsExampleLogsEachContainersImageAndDigest() {
        ecs.service("prod", "web");
        ServiceRollout rollout = rollout();
        Logger log = LoggerFactory.getLogger("docs");
        try (CapturedLog captured = CapturedLog.open("docs")) {
            RolloutResult result = rollout.rollOut("prod", "web", "web:2");
            for (ContainerImage image : result.service("web").orElseThrow().images()) {
                log.info("web runs {} in {}, digest {}", image.image(), image.containerName(),
                        image.digest().orElse("not resolved"));
            }

            List<String> lines = captured.lines("INFO", "docs");
            assertEquals(1, lines.size(), captured.lines().toString());
            assertTrue(lines.get(0).contains("web runs " + REGISTRY + "web:2 in app, digest sha256:"), lines.get(0));
        }
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

            String named = "images={web=[app=" + REGISTRY + "web:2@" + shortDigest + "]}";
            assertTrue(result.toString().contains(named), result.toString());
            List<String> success = log.lines("INFO", "ServiceRollout").stream()
                    .filter(l -> l.contains("succeeded")).toList();
            assertEquals(1, success.size());
            assertTrue(success.get(0).contains(named), success.get(0));
        }
    }

    @Test
    void everyContainerOfTheTaskDefinitionIsListedWithItsDigest() throws Exception {
        ecs.service("prod", "web");
        String pinned = "sha256:" + "0123456789abcdef".repeat(4);
        ecs.taskDefinition(TaskDefinition.builder().family("web").revision(7).containerDefinitions(
                c -> c.name("web").image("repo/web:7"),
                c -> c.name("envoy").image("public.ecr.aws/appmesh/aws-appmesh-envoy@" + pinned)).build());

        RolloutResult result = rollout().rollOut("prod", "web", "web:7");

        assertEquals(List.of(ContainerImage.of("web", "repo/web:7", sha256("repo/web:7")),
                ContainerImage.of("envoy", "public.ecr.aws/appmesh/aws-appmesh-envoy@" + pinned, pinned)),
                result.service("web").orElseThrow().images());
        assertTrue(result.toString().contains("images={web=[web=repo/web:7@sha256:" + sha256("repo/web:7")
                .substring(7, 19) + ", envoy=public.ecr.aws/appmesh/aws-appmesh-envoy@sha256:0123456789ab]}"),
                result.toString());
    }

    @Test
    void anImageDeployListsTheNewImageWithTheDigestItResolvedTo() throws Exception {
        ecs.service("prod", "web");

        RolloutResult result = rollout().rollOutImages(List.of(ImageUpdate.of("prod", "web", "repo/web:2.0")));

        assertEquals(List.of(ContainerImage.of("app", "repo/web:2.0", sha256("repo/web:2.0"))),
                result.service("web").orElseThrow().images());
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
            assertTrue(warns.get(0).contains("Grant ecs:DescribeServiceRevisions"), warns.get(0));
            // No second batch after a denial.
            assertEquals(1, denied.calls(DescribeServiceRevisionsRequest.class).size());
        }
    }

    @Test
    void aCheckThatFindsTheRolloutDoneAndAResumeCarryTheImages() {
        ecs.service("prod", "web").becomesStableAfter(2);
        ecs.service("prod", "api").becomesStableAfter(2);
        RolloutCheckpoint checkpoint = rollout().start(update("web", "web:2"));

        RolloutProgress first = rollout().check(checkpoint);
        RolloutProgress done = rollout().check(first.checkpoint());

        assertFalse(first.isDone());
        assertTrue(first.services().stream().allMatch(s -> s.images().isEmpty()));
        assertTrue(ecs.calls(DescribeServiceRevisionsRequest.class).size() == 1 && done.isDone());
        assertEquals(REGISTRY + "web:2", done.result().orElseThrow().services().get(0).images().get(0).image());
        assertEquals(done.result().orElseThrow().services(), done.services());

        RolloutResult resumed = rollout().resume(rollout().start(update("api", "api:4")));
        assertEquals(REGISTRY + "api:4", resumed.service("api").orElseThrow().images().get(0).image());
    }

    @Test
    void aRevisionEcsDoesNotKnowIsOneWarnLine() {
        EcsClient client = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        doAnswer(call -> {
            DescribeServiceRevisionsRequest request = call.getArgument(0);
            return DescribeServiceRevisionsResponse.builder().failures(request.serviceRevisionArns().stream()
                    .map(arn -> Failure.builder().arn(arn).reason("MISSING").build()).toList()).build();
        }).when(client).describeServiceRevisions(any(DescribeServiceRevisionsRequest.class));
        ecs.service("prod", "web");
        ecs.service("prod", "api");
        try (CapturedLog log = CapturedLog.open()) {
            RolloutResult result = ServiceRollout.builder().ecsClient(client).delay(Duration.ZERO).build()
                    .rollOut(List.of(update("web", "web:2"), update("api", "api:2")));

            assertTrue(result.services().stream().allMatch(st -> st.isStable() && st.images().isEmpty()));
            List<String> warns = log.lines("WARN", "ServiceRollout");
            assertEquals(1, warns.size(), warns.toString());
            assertTrue(warns.get(0).contains("[web: MISSING, api: MISSING]"), warns.get(0));
        }
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("throttled past the SDK's retries", EcsException.builder().statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException")
                                .errorMessage("Rate exceeded").build()).build(), "ThrottlingException: Rate exceeded"),
                Arguments.of("a client that does not have the operation", new UnsupportedOperationException(
                        "not here"), "not here"),
                Arguments.of("an ECS without it", EcsException.builder().statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("UnknownOperationException")
                                .errorMessage("Unknown operation").build()).build(), "UnknownOperationException"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aFailedReadNeverFailsTheRollout(String label, RuntimeException failure, String said) {
        EcsClient client = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        doThrow(failure).when(client).describeServiceRevisions(any(DescribeServiceRevisionsRequest.class));
        ecs.service("prod", "web");
        try (CapturedLog log = CapturedLog.open()) {
            RolloutResult result = ServiceRollout.builder().ecsClient(client).delay(Duration.ZERO).build()
                    .rollOut("prod", "web", "web:2");

            assertTrue(result.service("web").orElseThrow().isStable());
            assertTrue(result.service("web").orElseThrow().images().isEmpty());
            List<String> warns = log.lines("WARN", "ServiceRollout");
            assertEquals(1, warns.size(), warns.toString());
            assertTrue(warns.get(0).contains(said) && warns.get(0).contains("images() are empty"), warns.get(0));
        }
    }

    @Test
    void aReadThrottledPastItsRetriesIsOneWarnLineForTheWholeFleet() {
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ecs.service("prod", "svc-" + i);
            requests.add(update("svc-" + i, "svc-" + i + ":3"));
        }
        ecs.failNext(DescribeServiceRevisionsRequest.class, 2, FakeEcs.throttlingException());
        try (CapturedLog log = CapturedLog.open()) {
            RolloutResult result = rollout().rollOut(requests);

            assertTrue(result.services().stream().allMatch(st -> st.isStable() && st.images().isEmpty()));
            List<String> warns = log.lines("WARN", "ServiceRollout");
            assertEquals(1, warns.size(), warns.toString());
            assertTrue(warns.get(0).contains("ThrottlingException"), warns.get(0));
            assertTrue(!warns.get(0).contains("Grant"), "a throttle is not a missing permission: " + warns.get(0));
            assertEquals(1, ecs.calls(DescribeServiceRevisionsRequest.class).size(), "no call after the first fails");
        }
    }

    @Test
    void pastTheDeadlineNothingIsReadAndADebugLineSaysSo() {
        VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-06-01T12:00:00Z"));
        FakeEcs timed = FakeEcs.builder().clock(clock).build();
        timed.service("prod", "web");
        EcsClient client = mock(EcsClient.class, AdditionalAnswers.delegatesTo(timed));
        // The poll that finds the service stable comes back after the deadline: a success all the same.
        doAnswer(call -> {
            DescribeServicesResponse answer = timed.describeServices((DescribeServicesRequest) call.getArgument(0));
            if (!timed.updates().isEmpty()) {
                clock.advance(Duration.ofMinutes(1));
            }
            return answer;
        }).when(client).describeServices(any(DescribeServicesRequest.class));
        try (CapturedLog log = CapturedLog.open("io.github.ecsrollout.ServiceRollout")) {
            RolloutResult result = ServiceRollout.builder().ecsClient(client).clock(clock).delay(Duration.ZERO)
                    .timeout(Duration.ofSeconds(10)).build().rollOut("prod", "web", "web:2");

            assertTrue(result.service("web").orElseThrow().isStable());
            assertTrue(result.service("web").orElseThrow().images().isEmpty());
            assertTrue(timed.calls(DescribeServiceRevisionsRequest.class).isEmpty());
            assertEquals(1, log.lines("DEBUG", "ServiceRollout").stream()
                    .filter(l -> l.contains("Not reading the images")).count(), log.lines().toString());
            assertTrue(log.lines("WARN", "ServiceRollout").isEmpty());
        }
    }

    /** A mock left unstubbed answers null: the success is told without a WARN line, as any read a mock skips. */
    @Test
    void aMockThatAnswersNothingLeavesNoImagesAndNoWarning() {
        EcsClient client = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        doAnswer(call -> null).when(client).describeServiceRevisions(any(DescribeServiceRevisionsRequest.class));
        ecs.service("prod", "web");
        try (CapturedLog log = CapturedLog.open()) {
            RolloutResult result = ServiceRollout.builder().ecsClient(client).delay(Duration.ZERO).build()
                    .rollOut("prod", "web", "web:2");

            assertTrue(result.service("web").orElseThrow().images().isEmpty());
            assertTrue(log.lines("WARN", "ServiceRollout").isEmpty(), log.lines().toString());
        }
    }

    @Test
    void anInterruptWhileReadingTheImagesStillEndsInASuccess() {
        // docs/images.md: images() stays empty when the call fails; "in every case the rollout still succeeds".
        EcsClient client = mock(EcsClient.class, AdditionalAnswers.delegatesTo(ecs));
        doAnswer(call -> {
            Thread.currentThread().interrupt();
            throw AbortedException.builder().message("Thread was interrupted").build();
        }).when(client).describeServiceRevisions(any(DescribeServiceRevisionsRequest.class));
        ecs.service("prod", "web");
        try (CapturedLog log = CapturedLog.open()) {
            RolloutResult result = ServiceRollout.builder().ecsClient(client).delay(Duration.ZERO).build()
                    .rollOut("prod", "web", "web:2");

            assertTrue(result.service("web").orElseThrow().isStable());
            assertTrue(result.service("web").orElseThrow().images().isEmpty());
            List<String> warns = log.lines("WARN", "ServiceRollout");
            assertEquals(1, warns.size(), warns.toString());
            assertTrue(warns.get(0).contains("interrupted") && warns.get(0).contains("images() are empty"),
                    warns.get(0));
        } finally {
            Thread.interrupted();
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
