package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;

/**
 * A failure as the real SDK client builds it over HTTP (unmarshalled model objects, an ECS exception with its HTTP
 * response details) serializes and deserializes whole. On the virtual clock the rollout shares with the simulator.
 */
@Timeout(60)
class SerializableFailureIT extends ItBase {

    @Test
    void aCircuitBreakerFailureRoundTripsWithEcsAnswersAndStoppedTasks() throws Exception {
        sim.createService(ServiceSpec.of("prod", "web").desiredCount(2)
                .script(ServiceScript.circuitBreakerFails(Duration.ofMillis(200), false, Duration.ZERO)));
        sim.createService("prod", "api", ServiceScript.stableAfter(Duration.ofMillis(50)));

        RolloutNotStableException original = failure(() -> rollout().build()
                .rollOut(toRevision("prod", List.of("api", "web"), 2)));
        RolloutNotStableException copy = roundTrip(original);

        assertEquals(Reason.DEPLOYMENT_FAILED, copy.reason());
        assertEquals(original.getMessage(), copy.getMessage());
        assertEquals(List.of("web"), copy.failedServices());
        assertEquals(original.unstableServices(), copy.unstableServices());
        assertEquals(original.updatedServices(), copy.updatedServices());
        assertEquals(original.serviceStates(), copy.serviceStates());
        ServiceState web = copy.serviceState("web").orElseThrow();
        assertEquals(Optional.of("FAILED"), web.rolloutState());
        assertFalse(web.stoppedTasks().isEmpty());
        assertFalse(web.events().isEmpty());
    }

    @Test
    void aRejectedUpdateRoundTripsWithTheUnmarshalledEcsException() throws Exception {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMillis(50)));
        sim.createService("prod", "api", ServiceScript.stableAfter(Duration.ofMillis(50)));
        // api is deleted between the read before the updates, which found it, and its own update.
        sim.once(a -> a.operation().equals("UpdateService"), a -> sim.faults().next(1, "UpdateService")
                .error(400, "ServiceNotFoundException", "Service not found."));

        RolloutNotStableException original = failure(() -> rollout().build()
                .rollOut(toRevision("prod", List.of("web", "api"), 2)));
        RolloutNotStableException copy = roundTrip(original);

        assertEquals(Reason.UPDATE_FAILED, copy.reason());
        assertEquals(List.of("api"), copy.failedServices());
        ServiceNotFoundException cause = assertInstanceOf(ServiceNotFoundException.class, copy.getCause());
        ServiceNotFoundException before = (ServiceNotFoundException) original.getCause();
        assertEquals(before.statusCode(), cause.statusCode());
        assertEquals(before.awsErrorDetails().errorCode(), cause.awsErrorDetails().errorCode());
        assertEquals(before.getMessage(), cause.getMessage());
    }

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
}
