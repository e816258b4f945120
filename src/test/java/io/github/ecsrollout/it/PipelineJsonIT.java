package io.github.ecsrollout.it;

import static io.github.ecsrollout.it.StateMachine.lambda;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.it.StateMachine.Execution;
import io.github.ecsrollout.sim.ServiceScript;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Over the real SDK client and the simulated ECS: listeners hear the caller's spelling of clusters, services and task
 * definitions, as the result does; and a failed rollout ends a Step Functions execution with
 * {@link RolloutNotStableException#toJson()} as its {@code Cause}, through the Lambda Java runtime's serialization
 * and a {@code Fail} state's {@code CausePath}, as the handler and states below (for the docs) show.
 */
@Timeout(120)
class PipelineJsonIT extends ItBase {

    /** The simulated ECS's region and account; the client calls us-east-1. */
    private static final String ARN = "arn:aws:ecs:us-east-1:123456789012:";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void listenersHearTheCallersSpellingAsTheResultDoes() throws IOException {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMillis(100)));
        List<ServiceState> heard = Collections.synchronizedList(new ArrayList<>());
        RolloutListener listener = new RolloutListener() {
            @Override
            public void onUpdateAccepted(ServiceState state) {
                heard.add(state);
            }

            @Override
            public void onServiceStable(ServiceState state) {
                heard.add(state);
            }
        };

        RolloutResult result = rollout().listener(listener).build()
                .rollOut(ARN + "cluster/prod", ARN + "service/prod/web", "web:2");

        ServiceState web = result.service(ARN + "service/prod/web").orElseThrow();
        assertEquals(Optional.of("web:2"), web.requestedTaskDefinition());
        assertTrue(web.taskDefinition().orElseThrow().startsWith(ARN + "task-definition/"), "ECS's ARN: " + web);
        assertTrue(web.previousTaskDefinition().orElseThrow().endsWith(ofRevision("web", 1)), web.toString());
        assertEquals(2, heard.size(), "the update and the stable service: " + heard);
        for (ServiceState s : heard) {
            assertEquals(ARN + "cluster/prod", s.cluster());
            assertEquals(ARN + "service/prod/web", s.service());
            assertEquals(Optional.of("web:2"), s.requestedTaskDefinition());
            assertEquals(web.previousTaskDefinition(), s.previousTaskDefinition());
        }
        JsonNode json = JSON.readTree(result.toJson());
        assertEquals("SUCCESS", json.get("outcome").asText());
        assertEquals(ARN + "service/prod/web", json.at("/services/0/service").asText());
        assertEquals("web:2", json.at("/services/0/requestedTaskDefinition").asText());
        assertEquals(web.taskDefinition().orElseThrow(), json.at("/services/0/taskDefinition").asText());
    }

    // ---- for the docs: the check handler whose failure is the execution's Cause -----------------------------

    private ServiceRollout START;
    private ServiceRollout ROLLOUT;

    public record Checked(boolean done, boolean failed, RolloutCheckpoint checkpoint, String failure) {}

    // check-rollout: a rollout that ended in failure is returned as JSON, which the Fail state gives as its Cause
    public Checked check(Checked step) {
        try {
            RolloutProgress progress = ROLLOUT.check(step.checkpoint());
            return new Checked(progress.isDone(), false, progress.checkpoint(), null);
        } catch (RolloutNotStableException e) {
            if (e.checkpoint().isPresent()) {
                return new Checked(false, false, e.checkpoint().get(), null);   // alive: look again next time
            }
            return new Checked(true, true, step.checkpoint(), e.toJson());   // ended, rolled back if it said so
        }
    }

    /** The README's state machine with its Check answered by {@link #check}: the two states that change. */
    private static final String MACHINE = """
            {
              "StartAt": "Start",
              "States": {
                "Start": {
                  "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": { "FunctionName": "start-rollout", "Payload.$": "$" },
                  "OutputPath": "$.Payload",
                  "Next": "Wait"
                },
                "Wait": { "Type": "Wait", "Seconds": 30, "Next": "Check" },
                "Check": {
                  "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": { "FunctionName": "check-rollout", "Payload.$": "$" },
                  "OutputPath": "$.Payload",
                  "Next": "Done?"
                },
                "Done?": {
                  "Type": "Choice",
                  "Choices": [ { "Variable": "$.failed", "BooleanEquals": true, "Next": "RolloutFailed" },
                               { "Variable": "$.done", "BooleanEquals": true, "Next": "RolloutSucceeded" } ],
                  "Default": "Wait"
                },
                "RolloutFailed": { "Type": "Fail", "Error": "RolloutFailed", "CausePath": "$.failure" },
                "RolloutSucceeded": { "Type": "Succeed" }
              }
            }
            """;

    // ---- the functions, deployed -----------------------------------------------------------------------------

    /** What start-rollout takes. */
    public record StartInput(String cluster, List<String> services, String taskDefinition) {}

    private Checked start(StartInput in) {
        List<UpdateServiceRequest> requests = in.services().stream()
                .map(s -> UpdateServiceRequest.builder().cluster(in.cluster()).service(s)
                        .taskDefinition(in.taskDefinition()).build())
                .toList();
        return new Checked(false, false, START.start(requests), null);
    }

    /** A deployed function, cold: its own START and ROLLOUT, as a fresh Lambda runtime would build them. */
    private void coldStart() {
        START = rollout().delay(Duration.ofSeconds(15)).timeout(Duration.ofHours(2)).rollbackOnFailure(true).build();
        ROLLOUT = rollout().delay(Duration.ofSeconds(15)).timeout(Duration.ofMinutes(10)).build();
    }

    @Test
    void aFailedRolloutEndsTheExecutionWithItsJsonAsTheCause() throws IOException {
        List<String> services = names("api", 3);
        services.forEach(s -> sim.createService("prod", s, s.endsWith("-01")
                ? ServiceScript.crashLoop("Essential container in task exited", 137, Duration.ofMinutes(4))
                : ServiceScript.stableAfter(Duration.ofMinutes(2))));
        sim.afterUpdateOf("prod", "api-01", ServiceScript.stableAfter(Duration.ofMinutes(1)));
        StateMachine machine = new StateMachine(MACHINE, clock::advance)
                .function("start-rollout", lambda(StartInput.class, Checked.class, this::coldStart, this::start))
                .function("check-rollout", lambda(Checked.class, Checked.class, this::coldStart, this::check));

        Execution execution = machine.run(JSON.valueToTree(new StartInput("prod", services, "api:42")));

        assertEquals("RolloutFailed", execution.error(), execution.toString());
        assertTrue(execution.cause().length() <= 32_768, "within Step Functions' Cause limit");
        @SuppressWarnings("unchecked")
        Map<String, Object> cause = JSON.readValue(execution.cause(), Map.class);
        assertEquals(1, cause.get("version"));
        assertEquals("DEPLOYMENT_FAILED", cause.get("reason"));
        assertEquals(List.of("api-01"), cause.get("failedServices"));
        assertEquals(services, cause.get("rolledBackServices"), "rolled back as the starting rollout asked");
        JsonNode failed = JSON.readTree(execution.cause()).get("services").get(1);
        assertEquals("api-01", failed.get("service").asText(), "in the caller's order");
        assertEquals("DEPLOYMENT_FAILED", failed.get("verdict").asText());
        assertTrue(failed.get("taskDefinition").asText().endsWith("task-definition/api:42"), failed.toString());
        assertTrue(failed.get("previousTaskDefinition").asText().endsWith(ofRevision("api-01", 1)), failed.toString());
        assertEquals(137, failed.at("/stoppedTask/exitCode").asInt(), failed.toString());
        assertEquals("Essential container in task exited", failed.at("/stoppedTask/stoppedReason").asText());
        assertTrue(failed.get("rollbackConfirmed").asBoolean(), failed.toString());
        services.forEach(s -> assertTrue(sim.service("prod", s).taskDefinition().endsWith(ofRevision(s, 1)), s));
    }
}
