package io.github.ecsrollout.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;

/** A service's deployment configuration as a test scripts it: shown as ECS shows it, its strategy walked. */
class FakeServiceConfigurationTest {

    private final FakeEcs ecs = FakeEcs.create();

    private DeploymentConfiguration described(String service) {
        return ecs.describeServices(r -> r.cluster("prod").services(service)).services().get(0)
                .deploymentConfiguration();
    }

    private ServiceDeployment latest(String service) {
        String arn = ecs.listServiceDeployments(r -> r.cluster("prod").service(service)).serviceDeployments().get(0)
                .serviceDeploymentArn();
        return ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(arn)).serviceDeployments().get(0);
    }

    @Test
    void theFieldsSetWinOverTheFakesOwnAndTheRestStay() {
        ecs.service("prod", "web").blueGreen(1)
                .deploymentConfiguration(c -> c.bakeTimeInMinutes(30).maximumPercent(150));

        DeploymentConfiguration shown = described("web");

        assertEquals(30, shown.bakeTimeInMinutes());
        assertEquals(150, shown.maximumPercent());
        assertEquals(DeploymentStrategy.BLUE_GREEN, shown.strategy(), "the fake's own, from blueGreen");
        assertEquals(100, shown.minimumHealthyPercent());
        assertTrue(shown.deploymentCircuitBreaker().enable());
    }

    @Test
    void theUpdateAnswerAndTheServiceDeploymentShowItToo() {
        ecs.service("prod", "web").deploymentConfiguration(c -> c.strategy(DeploymentStrategy.CANARY)
                .canaryConfiguration(k -> k.canaryPercent(5.0).canaryBakeTimeInMinutes(15)).bakeTimeInMinutes(10));

        DeploymentConfiguration answered = ecs.updateService(r -> r.cluster("prod").service("web")
                .taskDefinition("web:2")).service().deploymentConfiguration();

        assertEquals(DeploymentStrategy.CANARY, answered.strategy());
        assertEquals(15, answered.canaryConfiguration().canaryBakeTimeInMinutes());
        DeploymentConfiguration ofDeployment = latest("web").deploymentConfiguration();
        assertEquals(DeploymentStrategy.CANARY, ofDeployment.strategy());
        assertEquals(10, ofDeployment.bakeTimeInMinutes());
    }

    @Test
    void aStagedStrategyWalksTheLifecycleStages() {
        ecs.service("prod", "web").deploymentConfiguration(c -> c.strategy(DeploymentStrategy.LINEAR)
                .linearConfiguration(l -> l.stepPercent(25.0).stepBakeTimeInMinutes(3)));
        ecs.updateService(r -> r.cluster("prod").service("web").taskDefinition("web:2"));

        List<ServiceDeploymentLifecycleStage> stages = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            described("web");
            stages.add(latest("web").lifecycleStage());
        }

        assertEquals(List.of(ServiceDeploymentLifecycleStage.SCALE_UP,
                ServiceDeploymentLifecycleStage.TEST_TRAFFIC_SHIFT,
                ServiceDeploymentLifecycleStage.PRODUCTION_TRAFFIC_SHIFT, ServiceDeploymentLifecycleStage.CLEAN_UP),
                stages);
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, latest("web").status());
        assertEquals(DeploymentStrategy.LINEAR, described("web").strategy());
    }

    @Test
    void theBakePollsBlueGreenSetAreKeptByAStagedStrategy() {
        ecs.service("prod", "web").blueGreen(2).deploymentConfiguration(c -> c.strategy(DeploymentStrategy.CANARY));
        ecs.updateService(r -> r.cluster("prod").service("web").taskDefinition("web:2"));

        for (int i = 0; i < 5; i++) {
            described("web");
        }
        assertEquals(ServiceDeploymentLifecycleStage.BAKE_TIME, latest("web").lifecycleStage());
        described("web");
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, latest("web").status());
    }

    @Test
    void rollingMakesABlueGreenServiceRollingAgainAndBlueGreenAfterItWins() {
        FakeService web = ecs.service("prod", "web").blueGreen(3)
                .deploymentConfiguration(c -> c.strategy(DeploymentStrategy.ROLLING));
        ecs.updateService(r -> r.cluster("prod").service("web").taskDefinition("web:2"));
        described("web");

        assertNull(latest("web").lifecycleStage(), "a rolling deployment has no stages");
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, latest("web").status());
        web.blueGreen(0);
        assertEquals(DeploymentStrategy.BLUE_GREEN, described("web").strategy());
    }

    @Test
    void aNewConfigurationReplacesTheOneBefore() {
        ecs.service("prod", "web").deploymentConfiguration(c -> c.bakeTimeInMinutes(30))
                .deploymentConfiguration(c -> c.maximumPercent(120));

        assertNull(described("web").bakeTimeInMinutes());
        assertEquals(120, described("web").maximumPercent());
    }

    @Test
    void badConfigurationsAreRefusedNamingTheField() {
        FakeService web = ecs.service("prod", "web");

        assertEquals("configuration", assertThrows(NullPointerException.class,
                () -> web.deploymentConfiguration((DeploymentConfiguration) null)).getMessage());
        assertEquals("configuration.bakeTimeInMinutes must be 0 to 1440: 1441", assertThrows(
                IllegalArgumentException.class, () -> web.deploymentConfiguration(c -> c.bakeTimeInMinutes(1441)))
                .getMessage());
        assertThrows(IllegalArgumentException.class, () -> web.deploymentConfiguration(c -> c.bakeTimeInMinutes(-1)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> web.deploymentConfiguration(
                c -> c.strategy("SIDEWAYS"))).getMessage().startsWith("configuration.strategy must be"));
    }
}
