package io.github.ecsrollout.internal.report;

import static io.github.ecsrollout.support.Model.deploying;
import static io.github.ecsrollout.support.Model.failed;
import static io.github.ecsrollout.support.Model.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.internal.model.ServiceId;
import io.github.ecsrollout.internal.state.TrackedService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Service;

/** {@link Messages}: the WARN line's brief of each failed service, and failed services apart from the others. */
class MessagesTest {

    private static final String D1 = "ecs-svc/1";
    private static final String BREAKER = "ECS deployment circuit breaker: tasks failed to start.";

    private static ServiceState observed(String name, Service answer) {
        TrackedService t = new TrackedService(ServiceId.of("prod", name));
        t.observe(answer, null, Instant.EPOCH, null);
        return t.state();
    }

    private static ServiceState broken(String name) {
        return observed(name, service(name, 0, 2, failed(D1, "PRIMARY", BREAKER)));
    }

    @Test
    void theWarnLineTellsFiveFailedServicesWithEcsWordsThenHowManyMore() {
        List<ServiceState> states = IntStream.range(0, 7).mapToObj(i -> broken("svc-" + i)).toList();

        String briefs = Messages.briefs(states.stream().map(ServiceState::service).toList(), states);

        assertEquals(Messages.BRIEFED, briefs.split("ECS: ", -1).length - 1, briefs);
        assertTrue(briefs.startsWith("svc-0 (ECS: \"" + BREAKER + "\"), svc-1 (ECS: "), briefs);
        assertTrue(briefs.endsWith("svc-4 (ECS: \"" + BREAKER + "\"), and 2 more"), briefs);
    }

    @Test
    void aFailedServiceNotObservedIsItsName() {
        ServiceState unseen = new TrackedService(ServiceId.of("prod", "web")).state();

        assertEquals("web", Messages.briefs(List.of("web"), List.of(unseen)));
    }

    @Test
    void servicesStillDeployingBesideAFailureAreNamedInOneLine() {
        List<ServiceState> states = List.of(observed("a", deploying("a", D1)), broken("b"),
                observed("c", deploying("c", D1)));

        String message = Messages.failure(Reason.DEPLOYMENT_FAILED, "the deployment of b failed", states,
                List.of("a", "b", "c"), List.of("a", "b", "c"), 2, Duration.ofSeconds(30), null);

        List<String> lines = message.lines().toList();
        assertEquals(3, lines.size(), message);
        assertTrue(lines.get(1).startsWith("  b: DEPLOYMENT_FAILED, "), message);
        assertEquals("  also IN_PROGRESS (2): [a, c]", lines.get(2));
    }

    @Test
    void atATimeoutEveryServiceStillDeployingHasItsOwnLine() {
        List<ServiceState> states = List.of(observed("a", deploying("a", D1)), observed("c", deploying("c", D1)));

        String message = Messages.failure(Reason.TIMED_OUT, "the timeout of PT20M passed", states, List.of("a", "c"),
                List.of("a", "c"), 80, Duration.ofMinutes(20), null);

        assertTrue(message.contains("\n  a: IN_PROGRESS, ") && message.contains("\n  c: IN_PROGRESS, "), message);
        assertFalse(message.contains("also"), message);
    }
}
