package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.sim.ServiceScript;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * The README's Step Functions handlers, as printed there, driven the way the state machine drives them: every
 * handler input and output goes through the Lambda Java runtime's own serialization, and a new {@code ServiceRollout}
 * checks each time, as a cold invocation would. The state machine's Wait state moves the virtual clock.
 */
class ReadmeStepFunctionsIT extends ItBase {

    /** The state machine's Wait between two checks. */
    private static final Duration WAIT = Duration.ofMillis(30);

    private ServiceRollout ROLLOUT;

    // ---- as printed in the README ----------------------------------------------------------------------------

    public record Step(boolean done, RolloutCheckpoint checkpoint) {}

    // start-rollout: input {"cluster": "prod", "services": ["web", "api"], "taskDefinition": "app:42"}
    public record StartInput(String cluster, List<String> services, String taskDefinition) {}

    public Step start(StartInput in) {
        List<UpdateServiceRequest> requests = in.services().stream()
                .map(s -> UpdateServiceRequest.builder().cluster(in.cluster()).service(s)
                        .taskDefinition(in.taskDefinition()).build())
                .toList();
        return new Step(false, ROLLOUT.start(requests));   // ROLLOUT: a static ServiceRollout, rollbackOnFailure(true)
    }

    // check-rollout: input and output are the Step
    public Step check(Step step) {
        try {
            RolloutProgress progress = ROLLOUT.check(step.checkpoint());
            return new Step(progress.isDone(), progress.checkpoint());
        } catch (RolloutNotStableException e) {
            if (e.checkpoint().isPresent()) {
                return new Step(false, e.checkpoint().get());   // alive (e.g. ECS throttled us): look again next time
            }
            throw e;   // a verdict: rolled back already if rollbackOnFailure; the state machine's Catch ends it
        }
    }

    // ---- the state machine's loop ----------------------------------------------------------------------------

    private static <T> T viaLambda(Class<T> type, T value) {
        PojoSerializer<T> serializer = JacksonFactory.getInstance().getSerializer(type);
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        serializer.toJson(value, json);
        return serializer.fromJson(new ByteArrayInputStream(json.toByteArray()));
    }

    private Step runStateMachine(StartInput input, Runnable afterStart) {
        ROLLOUT = rollout().rollbackOnFailure(true).build();
        Step step = viaLambda(Step.class, start(viaLambda(StartInput.class, input)));
        afterStart.run();
        for (int i = 0; i < 200 && !step.done(); i++) {
            clock.advance(WAIT);   // the Wait state
            ROLLOUT = rollout().build();   // a cold invocation: nothing but the payload survives
            step = viaLambda(Step.class, check(viaLambda(Step.class, step)));
        }
        return step;
    }

    @Test
    void aHealthyRolloutEndsDone() {
        List<String> services = names("web", 14);
        services.forEach(s -> sim.createService("prod", s, ServiceScript.stableAfter(Duration.ofMillis(150))));
        Step last = runStateMachine(new StartInput("prod", services, "app:42"), () -> { });
        assertTrue(last.done());
        services.forEach(s -> assertTrue(sim.service("prod", s).taskDefinition().endsWith("app:42")));
    }

    @Test
    void aFailedDeploymentIsCaughtAndRolledBackAsTheStartingRolloutAsked() {
        List<String> services = names("api", 3);
        services.forEach(s -> sim.createService("prod", s, s.endsWith("-01")
                ? ServiceScript.circuitBreakerFails(Duration.ofMillis(200), false, Duration.ZERO)
                : ServiceScript.stableAfter(Duration.ofMillis(100))));
        // Only the new revision crashes: the old one, put back, starts fine.
        Runnable oldRevisionIsFine = () -> sim.service("prod", "api-01")
                .script(ServiceScript.stableAfter(Duration.ofMillis(100)));
        RolloutNotStableException e = failure(() -> runStateMachine(new StartInput("prod", services, "api:42"),
                oldRevisionIsFine));
        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(services.size(), e.rolledBackServices().size(), "rollbackOnFailure came with the checkpoint");
        services.forEach(s -> assertTrue(sim.service("prod", s).taskDefinition().endsWith(ofRevision(s, 1)), s));
    }
}
