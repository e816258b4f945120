package io.github.ecsrollout.it;

import static io.github.ecsrollout.it.StateMachine.lambda;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.it.StateMachine.Execution;
import io.github.ecsrollout.it.StateMachine.TaskError;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.support.DefaultRegion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * The Step Functions recipe of docs/long-rollouts.md as printed there (DocsTest checks its Java blocks are here): its
 * three handlers, run by its state machine (read from the page and run by {@link StateMachine}), every payload going
 * through the Lambda Java runtime's own serialization, on the virtual clock the simulated ECS shares. Each invocation
 * of a handler uses the {@code ServiceRollout}s the page declares, built afresh with their settings, as a cold start
 * would: nothing but the payload survives from one to the next.
 */
class ReadmeStepFunctionsIT extends ItBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The page's declarations, as printed: built once, for their settings (their client is never called). */
    private static final class AsPrinted {
        static final EcsClient ECS = EcsClient.create();
        // START starts rollouts: its timeout is each rollout's deadline, which the checkpoint carries
        static final ServiceRollout START = ServiceRollout.builder().ecsClient(ECS)
                .timeout(Duration.ofHours(2)).rollbackOnFailure(true).build();
        // ROLLOUT checks and aborts: its timeout bounds one call, a rollback included (the functions' timeout: 15 minutes)
        static final ServiceRollout ROLLOUT = ServiceRollout.builder().ecsClient(ECS)
                .timeout(Duration.ofMinutes(10)).build();
    }

    // The page's START and ROLLOUT, with their settings, on the simulated ECS and its clock.
    private ServiceRollout START;
    private ServiceRollout ROLLOUT;

    private void coldStart() {
        START = onTheClock(DefaultRegion.during(() -> AsPrinted.START).toBuilder().ecsClient(client())
                .maxUpdateServicePerSecond(UPDATES_PER_SECOND).maxDescribeServicesPerSecond(DESCRIBES_PER_SECOND))
                .build();
        ROLLOUT = onTheClock(DefaultRegion.during(() -> AsPrinted.ROLLOUT).toBuilder().ecsClient(client())
                .maxUpdateServicePerSecond(UPDATES_PER_SECOND).maxDescribeServicesPerSecond(DESCRIBES_PER_SECOND))
                .build();
    }

    // ---- as printed in docs/long-rollouts.md-------------------------------------------------------------------------

    public record Step(boolean done, RolloutCheckpoint checkpoint) {}

    // start-rollout: input {"cluster": "prod", "services": ["web", "api"], "taskDefinition": "app:42"}
    public record StartInput(String cluster, List<String> services, String taskDefinition) {}

    public Step start(StartInput in) {
        List<UpdateServiceRequest> requests = in.services().stream()
                .map(s -> UpdateServiceRequest.builder().cluster(in.cluster()).service(s)
                        .taskDefinition(in.taskDefinition()).build())
                .toList();
        return new Step(false, START.start(requests));   // if it throws, what it changed is rolled back already
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
            throw e;   // a verdict, or the deadline passed: rolled back already; the state machine's Catch ends it
        }
    }

    // roll-back-rollout: input the Step that Check was given; as often as Step Functions retries it
    public Step rollBack(Step step) {
        ROLLOUT.rollBack(step.checkpoint());   // throws unless every service is confirmed back
        return step;
    }

    // ---- the functions, deployed -----------------------------------------------------------------------------

    /** The page's state machine, with the three functions deployed as it names them. */
    private StateMachine stateMachine(UnaryOperator<JsonNode> check, UnaryOperator<JsonNode> rollBack) {
        return new StateMachine(printedStateMachine(), clock::advance)
                .function("start-rollout", lambda(StartInput.class, Step.class, this::coldStart, this::start))
                .function("check-rollout", check)
                .function("roll-back-rollout", rollBack);
    }

    private StateMachine stateMachine() {
        return stateMachine(lambda(Step.class, Step.class, this::coldStart, this::check),
                lambda(Step.class, Step.class, this::coldStart, this::rollBack));
    }

    private static JsonNode input(List<String> services, String taskDefinition) {
        return JSON.valueToTree(new StartInput("prod", services, taskDefinition));
    }

    // ---- the ways it ends ------------------------------------------------------------------------------------

    @Test
    void aHealthyRolloutEndsDone() {
        List<String> rolling = names("web", 8);
        List<String> blueGreen = names("api", 6);
        rolling.forEach(s -> sim.createService("prod", s, ServiceScript.stableAfter(Duration.ofMinutes(3))));
        blueGreen.forEach(s -> sim.createService("prod", s, ServiceScript.blueGreen(Duration.ofSeconds(30), 15)));
        List<String> services = new ArrayList<>(rolling);
        services.addAll(blueGreen);

        Execution execution = stateMachine().run(input(services, "app:42"));

        assertTrue(execution.succeeded(), execution.toString());
        assertTrue(execution.count("Check") > 30, "a 15-minute bake, checked every 30 s: " + execution.count("Check"));
        services.forEach(s -> assertTrue(sim.service("prod", s).taskDefinition().endsWith("app:42"), s));
        assertEquals(services.size(), sim.stats().count("UpdateService"), "nothing rolled back");
        assertEquals(0, sim.stats().count("StopServiceDeployment"), "nothing rolled back");
    }

    @Test
    void aFailedDeploymentIsCaughtAndRolledBackAsTheStartingRolloutAsked() {
        List<String> services = names("api", 3);
        services.forEach(s -> sim.createService("prod", s, s.endsWith("-01")
                ? ServiceScript.circuitBreakerFails(Duration.ofMinutes(4), false, Duration.ZERO)
                : ServiceScript.stableAfter(Duration.ofMinutes(2))));
        // Only the new revision crashes: the old one, put back, starts fine.
        sim.afterUpdateOf("prod", "api-01", ServiceScript.stableAfter(Duration.ofMinutes(1)));

        Execution execution = stateMachine().run(input(services, "api:42"));

        assertEquals("RolloutFailed", execution.error(), execution.toString());
        assertEquals(0, execution.count("RollBack"), "the check that saw the failure rolled back");
        services.forEach(s -> assertTrue(sim.service("prod", s).taskDefinition().endsWith(ofRevision(s, 1)), s));
    }

    @Test
    void aRolloutThatNeverSettlesIsRolledBackAtTheFirstCheckAfterItsDeadlineAndNotBefore() {
        sim.createService("prod", "web", ServiceScript.neverStable());
        sim.createService("prod", "api", ServiceScript.stableAfter(Duration.ofMinutes(2)));
        Instant deadline = clock.instant().plus(Duration.ofHours(2));
        // Its old revision, put back, starts fine.
        sim.meanwhile(a -> a.operation().equals("UpdateService") && a.ok() && !clock.instant().isBefore(deadline),
                a -> {
                    sim.service("prod", a.service()).script(ServiceScript.stableAfter(Duration.ofMinutes(1)));
                    return false;
                });
        List<String> writesBeforeTheDeadline = new ArrayList<>();
        sim.meanwhile(a -> !a.operation().startsWith("Describe") && !a.operation().startsWith("List")
                && clock.instant().isBefore(deadline),
                a -> writesBeforeTheDeadline.add(a.operation() + " " + a.service()) && false);

        Execution execution = stateMachine().run(input(List.of("web", "api"), "app:42"));

        assertEquals("RolloutFailed", execution.error(), execution.toString());
        assertEquals(List.of("UpdateService web", "UpdateService api"), writesBeforeTheDeadline,
                "the start's updates, and nothing from a check before the deadline");
        assertTrue(execution.count("Check") >= 240 && execution.count("Check") <= 242,
                "a check every 30 s for 2 hours, then the last one: " + execution.count("Check"));
        assertTrue(sim.service("prod", "web").taskDefinition().endsWith(ofRevision("web", 1)), "web rolled back");
        assertTrue(sim.service("prod", "api").taskDefinition().endsWith(ofRevision("api", 1)), "api rolled back");
    }

    @Test
    void checksThatKeepFailingAbortTheRolloutAndARetriedAbortSendsNothingMore() {
        List<String> services = names("api", 4);
        services.forEach(s -> sim.createService("prod", s, ServiceScript.blueGreen(Duration.ofSeconds(30), 60)));
        sim.stopRollbackTakes(Duration.ofMinutes(2));
        UnaryOperator<JsonNode> check = lambda(Step.class, Step.class, this::coldStart, this::check);
        AtomicInteger checks = new AtomicInteger();
        UnaryOperator<JsonNode> broken = payload -> {
            if (checks.incrementAndGet() > 10) {   // a bad deployment of the function itself, five minutes in
                throw new IllegalStateException("check-rollout cannot load its configuration");
            }
            return check.apply(payload);
        };
        UnaryOperator<JsonNode> rollBack = lambda(Step.class, Step.class, this::coldStart, this::rollBack);
        AtomicInteger rollBacks = new AtomicInteger();
        UnaryOperator<JsonNode> answerLostOnce = payload -> {
            JsonNode out = rollBack.apply(payload);
            if (rollBacks.incrementAndGet() == 1) {   // it did its work, but Step Functions never heard
                throw new TaskError("Lambda.ServiceException", "the answer was lost");
            }
            return out;
        };

        Execution execution = stateMachine(broken, answerLostOnce).run(input(services, "app:42"));

        assertEquals("RolledBack", execution.error(), execution.toString());
        assertEquals(1, execution.count("RollBack"));
        assertEquals(2, rollBacks.get(), "retried once");
        assertEquals(services.size(), sim.stats().count("StopServiceDeployment"),
                "each service's deployment stopped with ROLLBACK once: the retry sent nothing more");
        services.forEach(s -> assertTrue(sim.service("prod", s).taskDefinition().endsWith(ofRevision(s, 1)), s));
    }

    @Test
    void aStartThatCannotStartEndsTheExecutionAndChangesNothing() {
        List<String> services = names("web", 16);
        services.forEach(s -> sim.createService("prod", s, ServiceScript.stableAfter(Duration.ofMinutes(1))));
        List<String> misspelled = new ArrayList<>(services);
        misspelled.set(2, "wbe-02");

        Execution execution = stateMachine().run(input(misspelled, "app:42"));

        assertEquals("NotStarted", execution.error(), execution.toString());
        assertEquals(List.of("Start", "NotStarted"), execution.path());
        assertEquals(0, sim.stats().count("UpdateService"));
    }

    // ---- the page prints this ------------------------------------------------------------------------------------

    /** The state machine of docs/long-rollouts.md: the JSON block that starts it. */
    private static String printedStateMachine() {
        String page;
        try {
            page = Files.readString(Path.of("docs/long-rollouts.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = page.indexOf("```json\n{\n  \"StartAt\": \"Start\"");
        assertTrue(start >= 0, "docs/long-rollouts.md prints the state machine");
        return page.substring(start + 8, page.indexOf("```", start + 8));
    }

    @Test
    void thePrintedDeclarationsHaveTheSettingsTheRecipeNeeds() {
        ServiceRollout start = DefaultRegion.during(() -> AsPrinted.START);
        ServiceRollout rollout = DefaultRegion.during(() -> AsPrinted.ROLLOUT);

        assertEquals(Duration.ofHours(2), timeoutOf(start));
        assertTrue(start.toString().contains("rollbackOnFailure=true"), start.toString());
        assertEquals(Duration.ofMinutes(10), timeoutOf(rollout));
        assertTrue(rollout.toString().contains("rollbackOnFailure=false"), rollout.toString());
    }

    private static Duration timeoutOf(ServiceRollout rollout) {
        Matcher m = Pattern.compile("timeout=(PT[^,\\]]+)").matcher(rollout.toString());
        assertTrue(m.find(), rollout.toString());
        return Duration.parse(m.group(1));
    }
}
