package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.testing.FakeEcs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/** Names, clusters and task definitions break ECS's rules: refused before any call, naming the parameter. */
class NamesAreCheckedTest {

    private static final String ARN = "arn:aws:ecs:us-east-1:123456789012:";
    private static final List<String> BAD_NAMES = List.of("web app", "web\n", "web\u00a0", "x".repeat(256), "web.api",
            "prod/web", "wéb");

    private final FakeEcs ecs = FakeEcs.create();
    private final ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).build();

    @Test
    void everyOverloadRefusesMalformedNames() {
        for (String bad : BAD_NAMES) {
            assertRefused("cluster", () -> rollout.rollOut(bad, "web", "app:2"));
            assertRefused("service", () -> rollout.rollOut("prod", bad, "app:2"));
            assertRefused("taskDefinition", () -> rollout.rollOut("prod", "web", bad));
            assertRefused("requests[3].service", () -> rollout.rollOut(update("a"), update("b"), update("c"),
                    update(bad)));
            assertRefused("requests[1].cluster", () -> rollout.rollOut(update("a"),
                    update("b").toBuilder().cluster(bad).build()));
            assertRefused("requests[0].taskDefinition", () -> rollout.rollOut(
                    update("a").toBuilder().taskDefinition(bad).build()));
            assertRefused("cluster", () -> rollout.awaitStable(bad, "web"));
            assertRefused("services[1]", () -> rollout.awaitStable("prod", "web", bad));
        }
    }

    @Test
    void revisionsArePositive() {
        assertRefused("taskDefinition", () -> rollout.rollOut("prod", "web", "app:0"));
        assertRefused("requests[0].taskDefinition", () -> rollout.rollOut(
                update("web").toBuilder().taskDefinition("app:-3").build()));
    }

    @Test
    void aServiceArnOfAnotherClusterIsNotTakenForTheClusterGiven() {
        assertRefused("service", () -> rollout.rollOut("prod", ARN + "service/stage/web", "app:2"));
        assertRefused("requests[0].service", () -> rollout.rollOut(update(ARN + "service/stage/web")));
        assertRefused("requests[0].service", () -> rollout.rollOut(UpdateServiceRequest.builder()
                .service(ARN + "service/prod/web").taskDefinition("app:2").build()), "no cluster means default");
        assertRefused("services[0]", () -> rollout.awaitStable(ARN + "cluster/prod", ARN + "service/stage/web"));
        assertRefused("services[0]", () -> rollout.awaitStable("arn:aws:ecs:us-east-1:210987654321:cluster/prod",
                ARN + "service/prod/web"));
    }

    @Test
    void arnsOfTheRightClusterAreAccepted() {
        ecs.service("prod", "web");
        ecs.service("prod", "api");

        RolloutResult result = rollout.awaitStable(ARN + "cluster/prod", ARN + "service/prod/web", "api");

        assertEquals(List.of(ARN + "service/prod/web", "api"), result.serviceNames());
    }

    @Test
    void aServiceArnOfTheOldFormNamesNoClusterAndIsRefused() {
        String oldForm = ARN + "service/web";
        assertRefused("service", () -> rollout.rollOut("prod", oldForm, "app:2"));
        assertRefused("requests[1].service", () -> rollout.rollOut(update("api"), update(oldForm)));
        assertRefused("requests[0].service", () -> rollout.start(List.of(update(oldForm))));
        assertRefused("services[0]", () -> rollout.awaitStable("prod", oldForm));
    }

    private static UpdateServiceRequest update(String service) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition("app:2").build();
    }

    private void assertRefused(String parameter, Executable call) {
        assertRefused(parameter, call, "");
    }

    private void assertRefused(String parameter, Executable call, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, why);
        assertTrue(e.getMessage().startsWith(parameter + " "), e.getMessage());
        assertEquals(List.of(), ecs.calls(), "no call reached ECS");
    }
}
