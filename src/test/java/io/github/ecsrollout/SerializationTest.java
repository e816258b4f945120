package io.github.ecsrollout;

import static io.github.ecsrollout.support.Model.deploying;
import static io.github.ecsrollout.support.Model.stable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.testing.FakeEcs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/** {@link RolloutNotStableException} and {@link ServiceState} survive an {@code ObjectOutputStream} round trip. */
class SerializationTest {

    private static final String D1 = "ecs-svc/1000000000000000001";
    private static final String CB = "ECS deployment circuit breaker: tasks failed to start.";

    @Test
    void aDeploymentFailureRoundTripsWithItsReasonListsAndStates() throws Exception {
        FakeEcs ecs = FakeEcs.create();
        ecs.service("prod", "api").becomesStableAfter(1);
        // The breaker's failure, one ECS event, and its STOPPED tasks (each with a container and its exit code).
        ecs.service("prod", "web").circuitBreakerTripsAfter(1);
        RolloutNotStableException original = assertThrows(RolloutNotStableException.class, () -> ServiceRollout
                .builder().ecsClient(ecs).delay(Duration.ZERO).build().rollOut(update("api"), update("web")));
        List<Task> crashed = ecs.describeTasks(r -> r.cluster("prod").tasks(ecs.listTasks(l -> l.cluster("prod")
                .desiredStatus("STOPPED")).taskArns())).tasks();

        RolloutNotStableException copy = roundTrip(original);

        assertNotSame(original, copy);
        assertEquals(Reason.DEPLOYMENT_FAILED, copy.reason());
        assertEquals(original.getMessage(), copy.getMessage());
        assertEquals(List.of("web"), copy.failedServices());
        assertEquals(original.unstableServices(), copy.unstableServices());
        assertEquals(List.of("api", "web"), copy.updatedServices());
        assertEquals(original.possiblyUpdatedServices(), copy.possiblyUpdatedServices());
        assertEquals(original.rolledBackServices(), copy.rolledBackServices());
        assertEquals(original.serviceStates(), copy.serviceStates());
        ServiceState web = copy.serviceState("web").orElseThrow();
        assertEquals(Verdict.DEPLOYMENT_FAILED, web.verdict());
        assertEquals(CB, web.rolloutStateReason().orElseThrow());
        assertEquals(2, web.desiredCount());
        assertEquals(3, crashed.size());
        assertEquals(crashed, web.stoppedTasks());
        assertEquals(1, web.stoppedTasks().get(0).containers().get(0).exitCode());
        assertEquals(1, web.events().size());
        assertArrayEquals(original.getStackTrace(), copy.getStackTrace());
    }

    @Test
    void aRejectedUpdateRoundTripsWithItsEcsExceptionAsCauseAndItsSuppressed() throws Exception {
        ServiceNotFoundException rejected = ServiceNotFoundException.builder()
                .message("Service not found.").statusCode(400).requestId("req-1")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ServiceNotFoundException")
                        .errorMessage("Service not found.").serviceName("Ecs")
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(400)
                                .putHeader("x-amzn-RequestId", "req-1").build())
                        .rawResponse(SdkBytes.fromUtf8String("{\"message\":\"Service not found.\"}")).build())
                .build();
        RolloutNotStableException original = new RolloutNotStableException(Reason.UPDATE_FAILED,
                "UPDATE_FAILED: ECS rejected the update of b", rejected, List.of("b"), List.of("a"), List.of(),
                List.of("a"), List.of(
                        ServiceState.builder().cluster("prod").service("a").verdict(Verdict.UNKNOWN)
                                .lastObserved(stable("a", D1)).expectedDeploymentId(D1)
                                .rollbackAction(RollbackAction.RESTORED_BY_UPDATE).build(),
                        ServiceState.builder().cluster("prod").service("b").build()));
        original.addSuppressed(new IllegalStateException("a rollback's own failure"));

        RolloutNotStableException copy = roundTrip(original);

        assertEquals(Reason.UPDATE_FAILED, copy.reason());
        assertEquals(List.of("b"), copy.failedServices());
        assertEquals(List.of("a"), copy.rolledBackServices());
        assertEquals(original.serviceStates(), copy.serviceStates());
        assertEquals(RollbackAction.RESTORED_BY_UPDATE, copy.serviceStates().get(0).rollbackAction());
        ServiceNotFoundException cause = assertInstanceOf(ServiceNotFoundException.class, copy.getCause());
        assertEquals("req-1", cause.requestId());
        assertEquals("ServiceNotFoundException", cause.awsErrorDetails().errorCode());
        assertEquals(1, copy.getSuppressed().length);
        assertEquals("a rollback's own failure", copy.getSuppressed()[0].getMessage());
    }

    @Test
    void aStateWithAServiceDeploymentRoundTripsEqual() throws Exception {
        ServiceState paused = ServiceState.builder().cluster("prod").service("checkout").verdict(Verdict.IN_PROGRESS)
                .lastObserved(deploying("checkout", D1)).expectedDeploymentId(D1)
                .serviceDeployment(ServiceDeployment.builder().serviceDeploymentArn("arn:sd/1")
                        .status(ServiceDeploymentStatus.IN_PROGRESS)
                        .lifecycleStage(ServiceDeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT)
                        .lifecycleHookDetails(DeploymentLifecycleHookDetail.builder().hookId("hook-1")
                                .status("AWAITING_ACTION").build())
                        .build())
                .stoppedTasksUnavailableReason("AccessDenied")
                .build();

        ServiceState copy = roundTrip(paused);

        assertEquals(paused, copy);
        assertEquals(paused.toString(), copy.toString());
        assertEquals("hook-1", copy.pausedHook().orElseThrow().hookId());
        assertFalse(copy.isStable());
    }

    @Test
    void aStateWithImagesRoundTripsEqual() throws Exception {
        ServiceState deployed = ServiceState.builder().cluster("prod").service("web").verdict(Verdict.STABLE)
                .lastObserved(stable("web", D1)).expectedDeploymentId(D1)
                .images(List.of(ContainerImage.of("web", "repo/web:2", "sha256:" + "ab".repeat(32)),
                        ContainerImage.of("envoy", "envoy:v1", null)))
                .build();

        ServiceState copy = roundTrip(deployed);

        assertEquals(deployed, copy);
        assertEquals(deployed.images(), copy.images());
        assertEquals(deployed.toString(), copy.toString());
        assertFalse(copy.images().get(1).digest().isPresent());
    }

    /**
     * A ServiceState serialized by the library before states had images (built and written with the classes of the
     * commit before them): read back, it has none.
     */
    @Test
    void aStateSerializedBeforeImagesReadsWithNone() throws Exception {
        ServiceState old;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(
                Base64.getDecoder().decode(STATE_WITHOUT_IMAGES)))) {
            old = (ServiceState) in.readObject();
        }

        assertEquals(List.of(), old.images());
        assertEquals(ServiceState.builder().cluster("prod").service("web").verdict(Verdict.STABLE)
                .expectedDeploymentId("ecs-svc/1").build(), old);
        assertEquals(old, old.toBuilder().build());
    }

    /** {@code ServiceState.builder().cluster("prod").service("web").verdict(STABLE).expectedDeploymentId("ecs-svc/1")}. */
    private static final String STATE_WITHOUT_IMAGES = "rO0ABXNyACFpby5naXRodWIuZWNzcm9sbG91dC5TZXJ2aWNlU3RhdGUAAAAAAAAAAQIACkwAB2NsdXN0ZXJ0ABJMamF2YS9sYW5n"
            + "L1N0cmluZztMAAZldmVudHN0ABBMamF2YS91dGlsL0xpc3Q7TAAUZXhwZWN0ZWREZXBsb3ltZW50SWRxAH4AAUwADGxhc3RPYnNl"
            + "cnZlZHQAM0xzb2Z0d2FyZS9hbWF6b24vYXdzc2RrL3NlcnZpY2VzL2Vjcy9tb2RlbC9TZXJ2aWNlO0wADnJvbGxiYWNrQWN0aW9u"
            + "dAAyTGlvL2dpdGh1Yi9lY3Nyb2xsb3V0L1NlcnZpY2VTdGF0ZSRSb2xsYmFja0FjdGlvbjtMAAdzZXJ2aWNlcQB+AAFMABFzZXJ2"
            + "aWNlRGVwbG95bWVudHQAPUxzb2Z0d2FyZS9hbWF6b24vYXdzc2RrL3NlcnZpY2VzL2Vjcy9tb2RlbC9TZXJ2aWNlRGVwbG95bWVu"
            + "dDtMAAxzdG9wcGVkVGFza3NxAH4AAkwAHXN0b3BwZWRUYXNrc1VuYXZhaWxhYmxlUmVhc29ucQB+AAFMAAd2ZXJkaWN0dAArTGlv"
            + "L2dpdGh1Yi9lY3Nyb2xsb3V0L1NlcnZpY2VTdGF0ZSRWZXJkaWN0O3hwdAAEcHJvZHNyABFqYXZhLnV0aWwuQ29sbFNlcleOq7Y6"
            + "G6gRAwABSQADdGFneHAAAAABdwQAAAAAeHQACWVjcy1zdmMvMXB+cgAwaW8uZ2l0aHViLmVjc3JvbGxvdXQuU2VydmljZVN0YXRl"
            + "JFJvbGxiYWNrQWN0aW9uAAAAAAAAAAASAAB4cgAOamF2YS5sYW5nLkVudW0AAAAAAAAAABIAAHhwdAAETk9ORXQAA3dlYnBxAH4A"
            + "CnB+cgApaW8uZ2l0aHViLmVjc3JvbGxvdXQuU2VydmljZVN0YXRlJFZlcmRpY3QAAAAAAAAAABIAAHhxAH4ADXQABlNUQUJMRQ==";

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    private static UpdateServiceRequest update(String service) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition("app:2").build();
    }
}
