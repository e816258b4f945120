package io.github.ecsrollout.internal.state;

import static io.github.ecsrollout.support.Model.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.model.ServiceId;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A tracked service is made for what it waits for, and judged by it. */
class TrackedServiceTest {

    private static final ServiceId WEB = ServiceId.of("prod", "web");

    @Test
    void aRestorationWaitsForThePreviousTaskDefinition() {
        TrackedService t = TrackedService.restoration(WEB, "web:1", "arn:sd");

        assertTrue(t.watchesRollback());
        assertEquals("arn:sd", t.trail().arn());
    }

    @Test
    void aRestorationWithoutAPreviousTaskDefinitionWaitsToBeStableAsAnyService() {
        TrackedService t = TrackedService.restoration(WEB, null, "arn:sd");

        assertFalse(t.watchesRollback());
        t.observe(stable("web", "ecs-svc/1"), null, Instant.EPOCH, null);
        assertEquals(Verdict.STABLE, t.verdict());
    }
}
