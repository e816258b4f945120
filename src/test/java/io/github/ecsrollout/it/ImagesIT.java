package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.ContainerImage;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;

/**
 * What runs after a successful rollout, through the real SDK client and HTTP stack against the simulated ECS: each
 * service's images with the digests its new service revision records, read with DescribeServiceRevisions, at most 20
 * revisions a call, once at the end.
 */
@Timeout(60)
class ImagesIT extends ItBase {

    private EcsClient ecs;

    @BeforeEach
    void prodCluster() {
        ecs = client();
        sim.createCluster("prod");
    }

    /** The acceptance: a blue/green service's images() list the digest its service revision records. */
    @Test
    void aSuccessfulBlueGreenServiceListsTheDigestItsServiceRevisionRecords() {
        sim.createService(ServiceSpec.of("prod", "web").script(ServiceScript.blueGreen(Duration.ofSeconds(15), 0)));

        RolloutResult result = rollout(ecs).delay(Duration.ofSeconds(15)).build().rollOut("prod", "web", "web:2");

        ServiceState web = result.service("web").orElseThrow();
        String revisionArn = web.serviceDeployment().orElseThrow().targetServiceRevision().arn();
        ServiceRevision recorded = ecs.describeServiceRevisions(b -> b.serviceRevisionArns(revisionArn))
                .serviceRevisions().get(0);
        assertEquals(1, recorded.containerImages().size());
        List<ContainerImage> images = web.images();
        assertEquals(1, images.size(), web.toString());
        assertEquals(recorded.containerImages().get(0).containerName(), images.get(0).containerName());
        assertEquals(recorded.containerImages().get(0).image(), images.get(0).image());
        assertEquals(recorded.containerImages().get(0).imageDigest(), images.get(0).digest().orElseThrow());
        assertTrue(images.get(0).image().endsWith("/web:2"), images.get(0).image());
        // Ours, and the test's own just now.
        assertEquals(2, sim.stats().count("DescribeServiceRevisions"));
    }

    @Test
    void twentyFiveRollingServicesTakeTwoCallsAndEachHasItsImage() {
        List<String> names = names("svc", 25);
        names.forEach(n -> sim.createService(ServiceSpec.of("prod", n).script(ServiceScript.stableAfter(
                Duration.ofMillis(100)))));

        RolloutResult result = rollout().build().rollOut(toRevision("prod", names, 2));

        for (ServiceState s : result.services()) {
            assertTrue(s.images().get(0).image().endsWith("/" + s.service() + ":2"), s.toString());
            assertTrue(s.images().get(0).digest().orElseThrow().matches("sha256:[0-9a-f]{64}"), s.toString());
        }
        assertEquals(2, sim.stats().count("DescribeServiceRevisions"));
    }

    @Test
    void deniedImagesLeaveASuccessWithNone() {
        sim.createService(ServiceSpec.of("prod", "web").script(ServiceScript.stableAfter(Duration.ofMillis(100))));
        sim.faults().always("DescribeServiceRevisions").accessDenied();

        RolloutResult result = rollout().build().rollOut("prod", "web", "web:2");

        assertTrue(result.service("web").orElseThrow().isStable());
        assertEquals(List.of(), result.service("web").orElseThrow().images());
        assertEquals(1, sim.stats().count("DescribeServiceRevisions"));
    }
}
