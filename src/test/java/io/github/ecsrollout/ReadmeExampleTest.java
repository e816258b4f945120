package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * The README's Java examples, run: one service, many services, the AWS Lambda recipe, and the Mockito recipe of
 * docs/testing.md. {@code DocsTest} checks that each block printed there is here (or in the test it names) verbatim;
 * the README's testkit example is {@code consumer/WebRolloutTest}.
 */
@SuppressWarnings("unchecked") // the SDK's Consumer<Builder>... varargs, as a user would write them
class ReadmeExampleTest {

    @Test
    void theReadmeMockingRecipeWorks() {
        EcsClient ecs = mock(EcsClient.class);
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenReturn(UpdateServiceResponse.builder()
                .service(s -> s.serviceName("web").deployments(d -> d.id("ecs-svc/1").status("PRIMARY")))
                .build());
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
                .services(s -> s.serviceName("web").status("ACTIVE").runningCount(2).desiredCount(2)
                        .deployments(d -> d.id("ecs-svc/1").status("PRIMARY").runningCount(2).desiredCount(2)))
                .build());

        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).build();

        RolloutResult result = rollout.rollOut("myCluster", "web", "web:10");
        assertEquals("ecs-svc/1", result.services().get(0).primaryDeploymentId().orElseThrow());
    }

    /** The README's "One service" example, verbatim, on a fake whose service is stable on the first poll. */
    @Test
    void theOneServiceExampleRollsOut() {
        FakeEcs ecs = FakeEcs.create();
        ecs.service("myCluster", "myService").taskDefinition("myServiceTaskDefinition:9");

        ServiceRollout rollout = ServiceRollout.builder()
                .ecsClient(ecs)                       // your EcsClient; or ServiceRollout.create() builds one
                .delay(Duration.ofSeconds(30))        // between polls; default 15 s, as the SDK waiter
                .maxAttempts(10)                      // polls per chunk of 10 services; default 40, as the SDK waiter
                .build();
        try {
            RolloutResult result = rollout.rollOut("myCluster", "myService", "myServiceTaskDefinition:10");
        } catch (RolloutNotStableException e) {
            log.error("rollout failed: {} {}", e.reason(), e.unstableServices(), e);
        }

        assertEquals(List.of("myServiceTaskDefinition:10"),
                ecs.updates().stream().map(UpdateServiceRequest::taskDefinition).toList());
        assertTrue(ecs.service("myCluster", "myService").describe().orElseThrow().taskDefinition()
                .endsWith("myServiceTaskDefinition:10"));
    }

    /**
     * The README's "Many services" example, verbatim: three services rolled out with a listener told of each stable
     * one, then only awaited.
     */
    @Test
    void theManyServicesExampleRollsOutAndAwaits() {
        FakeEcs ecs = FakeEcs.create();
        List.of("web", "api", "worker").forEach(service -> ecs.service("prod", service)); // stable on the first poll
        List<String> stable = new ArrayList<>();
        Logger log = new Logger() {                 // the example's log, keeping what the listener says
            @Override public void info(String format, Object... args) {
                if (format.endsWith("is stable")) {
                    stable.add((String) args[0]);
                }
            }
        };

        ServiceRollout rollout = ServiceRollout.builder()
                .ecsClient(ecs)
                .timeout(Duration.ofMinutes(20))      // one deadline for everything
                .rollbackOnFailure(true)              // all or nothing
                .listener(new RolloutListener() {
                    @Override public void onServiceStable(ServiceState s) { log.info("{} is stable", s.service()); }
                })
                .build();

        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (String service : List.of("web", "api", "worker" /* ... any number */)) {
            requests.add(UpdateServiceRequest.builder()
                    .cluster("prod")
                    .service(service)
                    .taskDefinition(service + ":42")
                    .forceNewDeployment(true)
                    .build());                        // sent to ECS as given: desiredCount, deploymentConfiguration, ...
        }
        RolloutResult result = rollout.rollOut(requests);
        result.services().forEach(s -> log.info("{}: {} on {}", s.service(), s.verdict(), s.taskDefinition().orElse("?")));

        // Only wait, like `aws ecs wait services-stable`, for any number of services:
        rollout.awaitStable("prod", List.of("web", "api", "worker"));

        assertEquals(3, ecs.updates().size());
        // told once by rollOut and once by awaitStable
        assertEquals(List.of("api", "api", "web", "web", "worker", "worker"), stable.stream().sorted().toList());
        assertTrue(result.services().stream().allMatch(s -> s.taskDefinition().orElseThrow().endsWith(s.service() + ":42")));
    }

    /** The part of SLF4J's {@code Logger} the examples use, so a test can see what they log. */
    interface Logger {
        void info(String format, Object... args);

        default void error(String format, Object... args) {
            info(format, args);
        }
    }

    private static final Logger log = (format, args) -> { };

    /** The part of AWS Lambda's {@code Context} the recipe uses. */
    interface Context {
        int getRemainingTimeInMillis();
    }

    /** The README's "In AWS Lambda" recipe, verbatim. */
    private static ServiceRollout lambdaRecipe(EcsClient ecs, Context context) {
        long left = context.getRemainingTimeInMillis();
        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs)
                .timeout(Duration.ofMillis(Math.max(1, Math.max(left - 30_000, left / 2))))  // 30 s to report, or half
                .rollbackOnFailure(true)                      // a third of the timeout is kept for the rollback
                .build();
        return rollout;
    }

    @ParameterizedTest(name = "{0} ms left")
    @ValueSource(ints = {0, 1, 2, 3, 999, 29_999, 30_000, 30_001, 59_999, 60_000, 60_001, 900_000})
    void theLambdaRecipeGivesATimeoutWithinTheTimeLeftHoweverLittleThatIs(int left) {
        ServiceRollout rollout = lambdaRecipe(mock(EcsClient.class), () -> left);

        Matcher m = Pattern.compile("timeout=(PT[^,\\]]+)").matcher(rollout.toString());
        assertTrue(m.find(), rollout.toString());
        Duration timeout = Duration.parse(m.group(1));
        assertTrue(timeout.toMillis() <= Math.max(left, 1), timeout + " for " + left + " ms left");
        assertTrue(left < 60_000 ? timeout.toMillis() >= left / 2 : timeout.toMillis() == left - 30_000,
                timeout + " for " + left + " ms left");
    }

    /**
     * The README's "Many services" example (its settings: a 20-minute timeout and rollbackOnFailure, no
     * rollbackTimeout), 23 services of which one never becomes stable: the rollout times out, and the default reserve
     * (a third of the timeout) leaves the rollback the time to confirm every service back within the timeout: the 22
     * healthy ones restored by UpdateService, the stuck one's deployment stopped with ROLLBACK.
     */
    @Test
    void theManyServicesExampleConfirmsItsRollbacks() {
        VirtualClock clock = VirtualClock.create();
        FakeEcs ecs = FakeEcs.builder().clock(clock).build();
        List<String> services = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            services.add("svc-" + (char) ('a' + i / 10) + (i % 10));
        }
        services.forEach(s -> ecs.service("prod", s).taskDefinition(s + ":41").becomesStableAfter(4));
        ecs.service("prod", "svc-b7").neverStable();
        ServiceRollout rollout = ServiceRollout.builder()
                .ecsClient(ecs)
                .clock(clock)
                .timeout(Duration.ofMinutes(20))      // one deadline for everything
                .rollbackOnFailure(true)              // all or nothing
                .build();
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (String service : services) {
            requests.add(UpdateServiceRequest.builder()
                    .cluster("prod")
                    .service(service)
                    .taskDefinition(service + ":42")
                    .forceNewDeployment(true)
                    .build());
        }

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class, () -> rollout.rollOut(requests));

        assertEquals(RolloutNotStableException.Reason.TIMED_OUT, e.reason(), e.getMessage());
        assertEquals(services, e.rolledBackServices().stream().sorted().toList(), e.getMessage());
        services.forEach(s -> assertTrue(ecs.service("prod", s).describe().orElseThrow().taskDefinition()
                .endsWith(s + ":41"), s));
        assertTrue(clock.elapsed().compareTo(Duration.ofMinutes(20)) <= 0, "confirmed within the timeout: " + clock.elapsed());
    }

    @Test
    void anotherDeploymentInTheMockIsARollbackNotASuccess() {
        EcsClient ecs = mock(EcsClient.class);
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenReturn(UpdateServiceResponse.builder()
                .service(s -> s.serviceName("web").deployments(d -> d.id("ecs-svc/2").status("PRIMARY")))
                .build());
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
                .services(s -> s.serviceName("web").status("ACTIVE").runningCount(2).desiredCount(2)
                        .deployments(d -> d.id("ecs-svc/1").status("PRIMARY").runningCount(2).desiredCount(2)))
                .build());

        ServiceRollout rollout = ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).fetchStoppedTasks(false)
                .build();

        RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                () -> rollout.rollOut("myCluster", "web", "web:10"));
        assertEquals(RolloutNotStableException.Reason.ROLLED_BACK, e.reason());
    }
}
