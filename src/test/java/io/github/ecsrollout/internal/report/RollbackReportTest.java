package io.github.ecsrollout.internal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.internal.report.RollbackReport.Step;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link RollbackReport}: a rollback told by action in one INFO line, one WARN line and the message's lines. */
class RollbackReportTest {

    private static final String TD = "arn:aws:ecs:us-east-1:123456789012:task-definition/";

    private static Step stop(String id, String service) {
        return new Step("StopServiceDeployment(ROLLBACK)", "service deployment IN_PROGRESS", id, null,
                TD + service + ":41", false);
    }

    private static Step update(String service, String why) {
        return new Step("UpdateService back", why, null, null, TD + service + ":41", true);
    }

    @Test
    void restoredServicesAreToldByActionWithWhatEachWasRestoredTo() {
        Map<String, Step> steps = new LinkedHashMap<>();
        steps.put("web", stop("d1", "web"));
        steps.put("api", update("api", "its service deployment is STOPPED"));
        steps.put("auth", stop("d3", "auth"));
        RollbackReport report = RollbackReport.of(3, List.of("web", "api", "auth"), Map.of(), Map.of(), steps);

        assertEquals("Rollback finished: restored 3 of 3 services: StopServiceDeployment(ROLLBACK) (2): web to web:41, "
                + "auth to auth:41; UpdateService back (1): api to api:41", report.infoLine());
        assertNull(report.warnLine(), "nothing to warn about");
        assertEquals("rollback: restored [web, api, auth]\n  rollback actions: StopServiceDeployment(ROLLBACK) "
                + "(service deployment IN_PROGRESS): web d1, auth d3; UpdateService back (its service deployment is "
                + "STOPPED): api to api:41", report.messageLines());
    }

    @Test
    void servicesNotRestoredAreOneWarnLineGroupedByWhy() {
        Map<String, Step> steps = new LinkedHashMap<>();
        steps.put("a", stop("d1", "a"));
        steps.put("b", stop("d2", "b"));
        steps.put("c", update("c", "no service deployment known"));
        Map<String, String> notRestored = new LinkedHashMap<>();
        notRestored.put("a", "still rolling back when the time ran out; ECS goes on with it");
        notRestored.put("b", "still rolling back when the time ran out; ECS goes on with it");
        RollbackReport report = RollbackReport.of(3, List.of("c"), notRestored,
                Map.of("sup", "superseded by another deployment (now sup:9), not ours to undo"), steps);

        assertEquals("Rollback finished: NOT restored 2 of 3 services: [a, b] (still rolling back when the time ran "
                + "out; ECS goes on with it)", report.warnLine());
        assertEquals("Rollback finished: restored 1 of 3 services: UpdateService back (1): c to c:41; left alone: sup "
                + "(superseded by another deployment (now sup:9), not ours to undo)", report.infoLine());
        assertTrue(report.messageLines().startsWith("rollback: restored [c]; NOT restored: [a, b] (still rolling back"),
                report.messageLines());
    }

    @Test
    void aRollbackOfManyServicesNamesTwentyAPerAction() {
        Map<String, Step> steps = new LinkedHashMap<>();
        List<String> services = IntStream.range(0, 30).mapToObj(i -> "svc-" + i).toList();
        services.forEach(s -> steps.put(s, update(s, "its service deployment is SUCCESSFUL")));
        RollbackReport report = RollbackReport.of(30, services, Map.of(), Map.of(), steps);

        assertTrue(report.infoLine().endsWith("svc-19 to svc-19:41, ... and 10 more"), report.infoLine());
        assertEquals(1, report.messageLines().split("UpdateService back", -1).length - 1, report.messageLines());
        assertTrue(report.messageLines().length() < 1_000, report.messageLines());
    }

    @Test
    void aRollbackThatActedOnNothingSaysSo() {
        RollbackReport report = RollbackReport.of(0, List.of(), Map.of(),
                Map.of("web", "superseded by another deployment, not ours to undo"), Map.of());

        assertEquals("Rollback finished: nothing to restore; left alone: web (superseded by another deployment, not "
                + "ours to undo)", report.infoLine());
        assertEquals("rollback: restored []; left alone: web (superseded by another deployment, not ours to undo)",
                report.messageLines());
    }

    /**
     * Through the real SDK each refused call's message has its own request id: 22 stops refused with the same ECS
     * error are one group in the message and one in the WARN line, not 22 (the message of a 23-service failure grew
     * past 6,000 characters).
     */
    @Test
    void whysThatDifferOnlyInTheirRequestIdAreOneGroup() {
        Map<String, Step> steps = new LinkedHashMap<>();
        Map<String, String> notRestored = new LinkedHashMap<>();
        List<String> services = IntStream.range(0, 22).mapToObj(i -> "svc-" + i).toList();
        for (String s : services) {
            String error = "ServerException: Service Unavailable. (Service: Ecs, Status Code: 500, Request ID: "
                    + java.util.UUID.nameUUIDFromBytes(s.getBytes()) + ") (SDK Attempt Count: 4)";
            steps.put(s, update(s, "ECS refused to stop it (" + error + ")"));
            notRestored.put(s, "restore rejected: " + error);
        }
        RollbackReport report = RollbackReport.of(22, List.of(), notRestored, Map.of(), steps);

        String sameWhy = "ServerException: Service Unavailable. (Service: Ecs, Status Code: 500, Request ID: ...) "
                + "(SDK Attempt Count: 4)";
        assertEquals("Rollback finished: NOT restored 22 of 22 services: " + Listing.names(services)
                + " (restore rejected: " + sameWhy + ")", report.warnLine());
        assertEquals(1, report.messageLines().split("UpdateService back", -1).length - 1, report.messageLines());
        assertTrue(report.messageLines().contains("UpdateService back (ECS refused to stop it (" + sameWhy + ")): "
                + "svc-0 to svc-0:41, svc-1 to svc-1:41, "), report.messageLines());
    }

    @Test
    void aWhyOfOneRequestKeepsItsRequestId() {
        Map<String, Step> steps = new LinkedHashMap<>();
        steps.put("a", update("a", "ECS refused to stop it (Request ID: 1234)"));
        steps.put("b", update("b", "ECS refused to stop it (Request ID: 1234)"));
        RollbackReport report = RollbackReport.of(2, List.of(), Map.of("a", "restore rejected (Request ID: 77)"),
                Map.of(), steps);

        assertTrue(report.warnLine().endsWith("a (restore rejected (Request ID: 77))"), report.warnLine());
        assertTrue(report.messageLines().contains("UpdateService back (ECS refused to stop it (Request ID: 1234)): a "),
                report.messageLines());
    }
}
