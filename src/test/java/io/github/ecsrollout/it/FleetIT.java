package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import io.github.ecsrollout.sim.SimStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Successful rollouts of one service, of several chunks, of several clusters and of a thousand services. The fleets of
 * 25 and 1,000 services are kept on real time on purpose ({@link RealTime}): they assert that their chunks are watched
 * on the pool of chunk threads, which only the system clock uses (a virtual clock polls on the caller's thread). The
 * other two run on the virtual clock the rollout shares with the simulator.
 */
@Timeout(60)
class FleetIT extends ItBase {

    @Override
    int simThreads() {
        return 12;
    }

    @Test
    void oneService() {
        sim.createService(ServiceSpec.of("prod", "web").desiredCount(3)
                .script(ServiceScript.stableAfter(Duration.ofMillis(200))));

        RolloutResult result = rollout().build().rollOut("prod", "web", "web:2");

        assertEquals(List.of("web"), result.serviceNames());
        ServiceState web = result.service("web").orElseThrow();
        assertTrue(web.isStable());
        assertEquals("prod", web.cluster());
        assertEquals(3, web.runningCount());
        assertEquals(1, web.deployments().size());
        assertEquals(web.expectedDeploymentId(), web.primaryDeploymentId());
        assertEquals(Optional.of("COMPLETED"), web.rolloutState());
        assertTrue(web.taskDefinition().orElseThrow().endsWith(ofRevision("web", 2)), web.toString());
        assertTrue(sim.service("prod", "web").taskDefinition().endsWith(ofRevision("web", 2)));
        assertTrue(web.events().stream().anyMatch(e -> e.message().contains("has reached a steady state")),
                "the events of the rollout are kept: " + web.events());
        assertEquals(polls().size() - 1, result.attempts(), "every DescribeServices but the read before the update");
        assertTrue(result.attempts() >= 2, "it was in progress before it was stable");
    }

    @RealTime("three chunks are watched on the pool of chunk threads, which only the system clock uses")
    @Test
    void twentyFiveServicesInThreeChunksWatchedTogether() {
        List<String> services = names("svc", 25);
        for (int i = 0; i < services.size(); i++) {
            sim.createService(ServiceSpec.of("prod", services.get(i)).desiredCount(1 + i % 3)
                    .script(ServiceScript.stableAfter(Duration.ofMillis(40 + 10L * i))));
        }
        Set<String> stableHeardOn = ConcurrentHashMap.newKeySet();
        RolloutListener listener = new RolloutListener() {
            @Override
            public void onServiceStable(ServiceState state) {
                stableHeardOn.add(Thread.currentThread().getName());
            }
        };

        RolloutResult result = rollout().listener(listener).build().rollOut(toRevision("prod", services, 2));

        assertEquals(services, result.serviceNames(), "reported in the caller's order");
        assertTrue(result.services().stream().allMatch(ServiceState::isStable));
        for (String s : services) {
            assertTrue(sim.service("prod", s).taskDefinition().endsWith(ofRevision(s, 2)));
        }
        assertEquals(25, sim.stats().count("UpdateService"));
        assertEquals(10, sim.stats().maxServicesPerDescribeServices(), "no call carried more than 10 services");
        assertTrue(polls().stream().mapToInt(SimStats.Call::services).sum() >= 25, "every service was asked about");
        assertTrue(stableHeardOn.size() <= 3, "at most one pool thread per chunk: " + stableHeardOn);
        assertTrue(stableHeardOn.stream().allMatch(n -> n.startsWith("ecs-rollout-")),
                "three chunks are watched on the pool, not on the caller's thread: " + stableHeardOn);
    }

    @Test
    void servicesOfSeveralClustersAreAwaitedPerCluster() {
        List<String> prod = names("prod", 12);
        List<String> staging = names("staging", 5);
        prod.forEach(s -> sim.createService("prod", s, ServiceScript.stableAfter(Duration.ofMillis(80))));
        staging.forEach(s -> sim.createService("staging", s, ServiceScript.stableAfter(Duration.ofMillis(120))));
        sim.createService("default", "batch", ServiceScript.stableAfter(Duration.ofMillis(60)));
        String edgeArn = sim.createService("staging", "edge", ServiceScript.stableAfter(Duration.ofMillis(60))).arn();
        // The same name in two clusters is two services.
        sim.createService("prod", "api", ServiceScript.stableAfter(Duration.ofMillis(60)));
        sim.createService("staging", "api", ServiceScript.stableAfter(Duration.ofMillis(90)));

        List<UpdateServiceRequest> requests = new ArrayList<>();
        // Interleaved on purpose: the waits are grouped by cluster whatever the order of the requests.
        for (int i = 0; i < prod.size(); i++) {
            requests.addAll(toRevision("prod", List.of(prod.get(i)), 2));
            if (i < staging.size()) {
                requests.addAll(toRevision("staging", List.of(staging.get(i)), 2));
            }
        }
        requests.add(UpdateServiceRequest.builder().service("batch").taskDefinition("batch:2").build());
        String stagingArn = "arn:aws:ecs:us-east-1:123456789012:cluster/staging";
        requests.add(UpdateServiceRequest.builder().cluster(stagingArn).service(edgeArn).taskDefinition("edge:2")
                .build());
        requests.add(UpdateServiceRequest.builder().cluster("prod").service("api").taskDefinition("api:2").build());
        requests.add(UpdateServiceRequest.builder().cluster("staging").service("api").taskDefinition("api:3").build());

        RolloutResult result = rollout().build().rollOut(requests);

        assertEquals(requests.stream().map(UpdateServiceRequest::service).toList(), result.serviceNames());
        assertTrue(result.services().stream().allMatch(ServiceState::isStable));
        prod.forEach(s -> assertEquals("prod", result.service(s).orElseThrow().cluster()));
        staging.forEach(s -> assertEquals("staging", result.service(s).orElseThrow().cluster()));
        assertEquals("default", result.service("batch").orElseThrow().cluster(), "no cluster is the default one");
        assertEquals(stagingArn, result.service(edgeArn).orElseThrow().cluster(), "reported in the caller's spelling");
        assertTrue(sim.service("default", "batch").taskDefinition().endsWith(ofRevision("batch", 2)));
        assertTrue(sim.service("staging", "edge").taskDefinition().endsWith(ofRevision("edge", 2)));
        assertTrue(sim.service("prod", "api").taskDefinition().endsWith(ofRevision("api", 2)));
        assertTrue(sim.service("staging", "api").taskDefinition().endsWith(ofRevision("api", 3)));
        assertEquals(List.of("prod", "staging"), result.services().stream().filter(s -> s.service().equals("api"))
                .map(ServiceState::cluster).toList());

        Map<String, Integer> mostPerCall = polls().stream()
                .collect(Collectors.toMap(SimStats.Call::cluster, SimStats.Call::services, Math::max));
        assertEquals(Set.of("prod", "staging", "default"), mostPerCall.keySet(),
                "staging by name and by ARN is one cluster, awaited together");
        assertEquals(10, mostPerCall.get("prod"), "prod's 13 services take two chunks");
        assertTrue(mostPerCall.get("staging") <= 7 && mostPerCall.get("default") == 1,
                "a call names one cluster and carries only its services: " + mostPerCall);
    }

    @RealTime("a hundred chunks on the pool of chunk threads, which only the system clock uses")
    @Test
    void aThousandServicesInAHundredChunks() {
        List<String> services = names("svc", 1000);
        for (int i = 0; i < services.size(); i++) {
            sim.createService(ServiceSpec.of("prod", services.get(i)).desiredCount(1)
                    .script(ServiceScript.stableAfter(Duration.ofMillis(20 + i % 4 * 10))));
        }
        Set<String> threads = ConcurrentHashMap.newKeySet();
        RolloutListener listener = new RolloutListener() {
            @Override
            public void onServiceStable(ServiceState state) {
                threads.add(Thread.currentThread().getName());
            }
        };

        RolloutResult result = rollout().listener(listener).build().rollOut(toRevision("prod", services, 2));

        assertEquals(services, result.serviceNames());
        assertTrue(result.services().stream().allMatch(ServiceState::isStable));
        for (String s : services) {
            assertTrue(sim.service("prod", s).taskDefinition().endsWith(ofRevision(s, 2)), s);
        }
        assertEquals(1000, sim.stats().count("UpdateService"));
        assertTrue(polls().stream().mapToInt(SimStats.Call::services).sum() >= 1000, "every service was asked about");
        assertTrue(polls().stream().allMatch(c -> c.services() <= 10), "no call carried more than 10 services");
        assertEquals(10, sim.stats().maxServicesPerDescribeServices());
        assertTrue(threads.stream().allMatch(n -> n.startsWith("ecs-rollout-")), threads.toString());
        assertTrue(threads.size() <= 10, "at most maxConcurrency (10) pool threads: " + threads);
        assertEquals(0, rolloutThreadsAfterExit(), "the pool is gone once the call returned");
    }
}
