package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.sim.Replay;
import io.github.ecsrollout.sim.ServiceScript;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ecs.model.EcsException;

/**
 * Every recorded ECS payload ({@code src/test/resources/ecs-payloads/}) served byte for byte as the answer to every
 * DescribeServices, and classified by {@link ServiceRollout#awaitStable}: what ECS really sends, judged through the
 * real SDK client. A new recording without an expectation here fails {@link #everyRecordingHasAnExpectation()}. On
 * the virtual clock the rollout shares with the simulator.
 */
@Timeout(60)
class ReplayIT extends ItBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Optional<Reason> SUCCESS = Optional.empty();

    /** The expected outcome of awaiting the recorded service(s): a success or a failure's reason. */
    private static final Map<String, Optional<Reason>> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("01-stable-awscli-docs-describe-services.json", SUCCESS),
            Map.entry("01b-stable-completed-custodian-placebo-describe-services.json", SUCCESS),
            Map.entry("01d-stable-legacy-no-rolloutstate-custodian-placebo-describe-services.json",
                    SUCCESS),
            Map.entry("02b-mid-deployment-legacy-custodian-placebo-describe-services.json", fails(Reason.TIMED_OUT)),
            // ECS's circuit breaker rolling back: the previous deployment PRIMARY again, the failed one gone.
            Map.entry("03-circuit-breaker-rollback-in-progress-sevenwestmedia.json",
                    fails(Reason.DEPLOYMENT_FAILED)),
            Map.entry("05-draining-describe-services-custodian-placebo.json", fails(Reason.SERVICE_INACTIVE)),
            Map.entry("06-events-unable-to-place-botocore-example-describe-services.json", fails(Reason.TIMED_OUT)),
            Map.entry("07-error-ServiceNotFoundException-UpdateService-terraform-15073.json", fails(Reason.API_ERROR)),
            Map.entry("07b-error-ClusterNotFoundException-CreateService-terraform-15066.json", fails(Reason.API_ERROR)),
            Map.entry("07c-error-ThrottlingException-ecs-former2-11.json", fails(Reason.API_ERROR)),
            // UpdateService answers ({"service": ...}) where a DescribeServices answer belongs: the SDK reads no
            // service at all, which the SDK waiter alone would call stable.
            Map.entry("08b-update-service-awscli-docs-example4-mid-deployment-events.json", fails(Reason.API_ERROR)),
            Map.entry("08c-update-service-custodian-placebo-mid-deployment.json", fails(Reason.API_ERROR))));

    private static Optional<Reason> fails(Reason reason) {
        return Optional.of(reason);
    }

    static List<String> recordings() {
        return Replay.files();
    }

    @Test
    void everyRecordingHasAnExpectation() {
        assertEquals(EXPECTED.keySet(), new TreeSet<>(recordings()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordings")
    void eachRecordingIsClassifiedByAwaitStable(String file) throws IOException {
        Replay.Payload payload = Replay.load(file);
        String service = serviceName(payload);
        sim.faults().always("DescribeServices").replay(file);
        ServiceRollout rollout = rollout(fastRetryClient(3)).maxAttempts(2).build();
        if (EXPECTED.get(file).isEmpty()) {
            RolloutResult result = rollout.awaitStable("prod", service);
            ServiceState state = result.service(service).orElseThrow();
            assertTrue(state.isStable());
            assertEquals(1, polls().size());
            return;
        }
        Reason expected = EXPECTED.get(file).orElseThrow();
        RolloutNotStableException e = failure(() -> rollout.awaitStable("prod", service));
        assertEquals(expected, e.reason(), e.getMessage());
        assertEquals(List.of(service), e.unstableServices());
        switch (expected) {
            case TIMED_OUT -> {
                assertEquals(Verdict.IN_PROGRESS, e.serviceState(service).orElseThrow().verdict());
                assertEquals(2, polls().size(), "maxAttempts polls");
            }
            case DEPLOYMENT_FAILED -> {
                assertEquals(1, polls().size(), "on the first poll that shows it");
                assertEquals(Verdict.DEPLOYMENT_FAILED, e.serviceState(service).orElseThrow().verdict());
            }
            case SERVICE_INACTIVE ->
                    assertEquals("DRAINING", e.serviceState(service).orElseThrow().status().orElseThrow());
            case API_ERROR -> {
                if (payload.errorType() != null) {
                    EcsException cause = assertInstanceOf(EcsException.class, e.getCause());
                    assertEquals(payload.errorType(), cause.awsErrorDetails().errorCode());
                } else {
                    assertNull(e.getCause(), "not an SDK error: an answer that names no requested service");
                    assertEquals(Verdict.UNKNOWN, e.serviceState(service).orElseThrow().verdict());
                }
            }
            default -> throw new AssertionError("no check for " + expected);
        }
    }

    @Test
    void theRecordedUnableToPlaceEventIsQuotedInTheFailure() {
        String file = "06-events-unable-to-place-botocore-example-describe-services.json";
        sim.faults().always("DescribeServices").replay(file);

        RolloutNotStableException e = failure(() -> rollout().maxAttempts(2).build()
                .awaitStable("prod", "ecs-simple-service"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertTrue(e.getMessage().contains("was unable to place a task because no container instance met all of its "
                + "requirements"), e.getMessage());
    }

    /**
     * A recorded UpdateService answer names a deployment that the (simulated) service never shows: never a success,
     * although the service is stable by the waiter's rule. What it shows instead runs neither the requested task
     * definition nor what the recorded answer says ran before, and does not say it rolls back: another deployment
     * took over, SUPERSEDED.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"08b-update-service-awscli-docs-example4-mid-deployment-events.json",
            "08c-update-service-custodian-placebo-mid-deployment.json"})
    void aRecordedUpdateAnswerWhoseDeploymentNeverShowsIsNeverASuccess(String file) throws IOException {
        Replay.Payload payload = Replay.load(file);
        String service = serviceName(payload);
        sim.createService("prod", service, ServiceScript.stableAfter(Duration.ofMillis(50)));
        sim.faults().next(1, "UpdateService").replay(file);

        RolloutNotStableException e = failure(() -> rollout().build().rollOut("prod", service, service + ":2"));

        assertEquals(Reason.SUPERSEDED, e.reason());
        ServiceState state = e.serviceState(service).orElseThrow();
        assertEquals(JSON.readTree(payload.body()).at("/service/deployments/0/id").asText(),
                state.expectedDeploymentId().orElseThrow());
        assertEquals(sim.service("prod", service).primaryDeploymentId(), state.primaryDeploymentId().orElseThrow());
    }

    /** The recorded service's name, or {@code web} for an error document. */
    private static String serviceName(Replay.Payload payload) throws IOException {
        JsonNode doc = JSON.readTree(payload.body());
        JsonNode name = doc.has("services") ? doc.at("/services/0/serviceName") : doc.at("/service/serviceName");
        return name.isMissingNode() ? "web" : name.asText();
    }
}
