package io.github.ecsrollout.it;

import static io.github.ecsrollout.support.Model.ofServiceDeployment;
import static io.github.ecsrollout.support.Model.shortName;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import io.github.ecsrollout.sim.SimulatedEcs;
import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.EcsRequest;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * The two ECS models left (issue 16, item 6) kept from drifting apart: the testkit's {@link FakeEcs}, which users
 * unit-test with, and the simulator, which serves the real SDK client over HTTP to the integration tests and the demo.
 * Each scenario rolls out two services of cluster {@code prod} with the same public API call and the same settings
 * (the library's default 15 s delay, a 10-minute timeout, {@code rollbackOnFailure} as the scenario says) once on each
 * model: {@code web}, whose new deployment goes as the scenario says, and {@code api}, a healthy one beside it, so that
 * a rollback has a stable service to restore too. FakeEcs runs on a {@link VirtualClock} of its own, the simulator on
 * the clock it shares with the rollout ({@link ItBase}).
 *
 * <p>The two must agree on what a user acts on: the outcome (success, or the exception's {@link Reason}); each
 * service's {@link Verdict} and {@link RollbackAction}; {@code unstableServices}, {@code updatedServices},
 * {@code possiblyUpdatedServices}, {@code rolledBackServices} and {@code failedServices}; per service, the sequence of
 * ECS writes the rollout sent (UpdateService with its task definition, desired count and force flag,
 * StopServiceDeployment with its stop type, ContinueServiceDeployment with its action); and the task definition each
 * service runs when the call returns. Each scenario also states the outcome, so that the two cannot agree on
 * something else.
 *
 * <p>Where the models legitimately differ, only what should agree is compared:
 * <ul>
 *   <li>Time: FakeEcs moves a service one step per DescribeServices answer, the simulator by its clock. The scripts
 *       are timed so that each outcome shows on about the same poll at the 15 s delay, but the number of polls,
 *       {@code attempts()}, {@code elapsed()} and the reads the rollout makes (DescribeServices, DescribeTaskDefinition,
 *       the service-deployment and task look-ups) are not compared.</li>
 *   <li>How ECS gets there: messages, ECS events, status reasons, deployment ids, service-deployment ARNs and hook
 *       ids, and the statuses on the way (FakeEcs shows a circuit breaker's rollback ROLLBACK_IN_PROGRESS at once,
 *       the simulator ROLLBACK_REQUESTED for the first quarter of it). A task definition is compared as {@code family:revision} (both models report ARNs), and a
 *       service-deployment write by the service its ARN names.</li>
 *   <li>A restore: a FakeEcs service becomes stable on a task definition it ran before without being scripted to; a
 *       simulated service's every deployment follows its script. Each simulated scenario therefore stages, once the
 *       rollout's update of {@code web} is accepted, that later deployments (a restore, or someone else's) become
 *       stable: only the new revision fails, as the integration tests script it.</li>
 *   <li>Someone else's UpdateService: FakeEcs makes it happen inside the model ({@code supersededAfter}); on the
 *       simulator another client sends it after the first poll. Only the rollout's own writes are compared.</li>
 *   <li>A success has no {@code updatedServices} to compare: {@link RolloutResult} does not list them.</li>
 * </ul>
 */
@Timeout(120)
class ModelParityIT extends ItBase {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    /** What a user sees of a rollout, as both models must agree on it. */
    record Seen(String outcome, Map<String, String> states, List<String> unstable, List<String> updated,
            List<String> possiblyUpdated, List<String> rolledBack, List<String> failed,
            Map<String, List<String>> writes, Map<String, String> runs) {
    }

    /**
     * One scenario: how {@code web} goes on FakeEcs and on the simulator, whether the rollout rolls back on failure,
     * and the outcome both must show ({@code null} for a success).
     */
    record Scenario(String name, Consumer<FakeEcs> fake, Consumer<SimulatedEcs> sim, boolean rollback,
            Reason expected) {
        @Override
        public String toString() {
            return name + (rollback ? " with rollbackOnFailure" : "");
        }
    }

    static Stream<Scenario> scenarios() {
        List<Scenario> all = new ArrayList<>();
        all.add(new Scenario("stable rolling", ecs -> ecs.service("prod", "web").becomesStableAfter(3),
                sim -> web(sim, ServiceScript.stableAfter(Duration.ofSeconds(40))), false, null));
        all.add(new Scenario("blue/green to success", ecs -> ecs.service("prod", "web").blueGreen(1),
                sim -> web(sim, ServiceScript.blueGreen(Duration.ofSeconds(10), 0)), false, null));
        for (boolean rollback : List.of(false, true)) {
            all.add(new Scenario("circuit breaker, no ECS rollback",
                    ecs -> ecs.service("prod", "web").circuitBreakerTripsAfter(2),
                    sim -> web(sim, ServiceScript.circuitBreakerFails(Duration.ofSeconds(20), false, Duration.ZERO)),
                    rollback, Reason.DEPLOYMENT_FAILED));
            all.add(new Scenario("circuit breaker with ECS's rollback",
                    ecs -> ecs.service("prod", "web").circuitBreakerRollsBackAfter(2),
                    sim -> web(sim, ServiceScript.circuitBreakerFails(Duration.ofSeconds(20), true,
                            Duration.ofSeconds(30))),
                    rollback, Reason.ROLLED_BACK));
            all.add(new Scenario("never stable until the timeout", ecs -> ecs.service("prod", "web").neverStable(),
                    sim -> web(sim, ServiceScript.neverStable()), rollback, Reason.TIMED_OUT));
            all.add(new Scenario("blue/green paused at a PAUSE hook until the timeout",
                    ecs -> ecs.service("prod", "web").blueGreen(0)
                            .pausesAt(ServiceDeploymentLifecycleStage.POST_SCALE_UP),
                    sim -> web(sim, ServiceScript.blueGreen(Duration.ofSeconds(10), 0)
                            .withPauseHook("POST_SCALE_UP", 60, "ROLLBACK")),
                    rollback, Reason.TIMED_OUT));
            all.add(new Scenario("superseded by someone else's UpdateService",
                    ecs -> ecs.service("prod", "web").supersededAfter(2),
                    sim -> {
                        web(sim, ServiceScript.stableAfter(Duration.ofSeconds(40)));
                        someoneElseDeploysAfterTheFirstPoll(sim);
                    },
                    rollback, Reason.SUPERSEDED));
            all.add(new Scenario("deleted during its deployment", ecs -> ecs.service("prod", "web").goesInactiveAfter(2),
                    sim -> {
                        web(sim, ServiceScript.stableAfter(Duration.ofSeconds(40)));
                        sim.once(a -> a.operation().equals("DescribeServices")
                                && sim.stats().count("UpdateService") == 2, a -> sim.service("prod", "web").deactivate());
                    },
                    rollback, Reason.SERVICE_INACTIVE));
            all.add(new Scenario("service missing", ecs -> ecs.service("prod", "web").missing(),
                    sim -> sim.createCluster("prod"), rollback, Reason.SERVICE_MISSING));
            all.add(new Scenario("service inactive", ecs -> ecs.service("prod", "web").inactive(),
                    sim -> sim.createService(ServiceSpec.of("prod", "web").inactive()), rollback,
                    Reason.SERVICE_INACTIVE));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void fakeEcsAndTheSimulatorAgree(Scenario scenario) {
        Seen onFake = onFakeEcs(scenario);
        Seen onSim = onSimulator(scenario);

        assertEquals(scenario.expected() == null ? "success" : scenario.expected().toString(), onFake.outcome(),
                "FakeEcs: " + onFake);
        assertEquals(onFake, onSim, "FakeEcs and the simulator disagree");
    }

    // ---- the two runs ------------------------------------------------------------------------------------------

    private Seen onFakeEcs(Scenario scenario) {
        VirtualClock fakeClock = VirtualClock.startingAt(Instant.parse("2026-06-01T12:00:00Z"));
        FakeEcs ecs = FakeEcs.builder().clock(fakeClock).build();
        ecs.service("prod", "api").becomesStableAfter(1);
        scenario.fake().accept(ecs);
        ServiceRollout rollout = settings(ServiceRollout.builder().ecsClient(ecs).clock(fakeClock), scenario);
        return seen(() -> rollout.rollOut(requests()), ecs::calls, service -> ecs.service("prod", service).describe()
                .map(s -> s.taskDefinition()).orElse(null));
    }

    private Seen onSimulator(Scenario scenario) {
        sim.createService("prod", "api", ServiceScript.stableAfter(Duration.ofSeconds(10)));
        scenario.sim().accept(sim);
        List<EcsRequest> sent = Collections.synchronizedList(new ArrayList<>());
        EcsClient client = sim.client(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof EcsRequest r) {
                    sent.add(r);
                }
            }
        }));
        ServiceRollout rollout = settings(onTheClock(ServiceRollout.builder().ecsClient(client)), scenario);
        return seen(() -> rollout.rollOut(requests()), () -> List.copyOf(sent), service -> sim.service("prod", service)
                == null ? null : sim.service("prod", service).taskDefinition());
    }

    private static ServiceRollout settings(ServiceRollout.Builder builder, Scenario scenario) {
        return builder.timeout(TIMEOUT).rollbackOnFailure(scenario.rollback()).build();
    }

    private static List<UpdateServiceRequest> requests() {
        return List.of(UpdateServiceRequest.builder().cluster("prod").service("web").taskDefinition("web:2").build(),
                UpdateServiceRequest.builder().cluster("prod").service("api").taskDefinition("api:2").build());
    }

    // ---- the simulator's scripts -------------------------------------------------------------------------------

    /** {@code web} with {@code script} for the rollout's deployment; later deployments become stable. */
    private static void web(SimulatedEcs sim, ServiceScript script) {
        sim.createService("prod", "web", script);
        sim.afterUpdateOf("prod", "web", ServiceScript.stableAfter(Duration.ofSeconds(10)));
    }

    /** Another client's UpdateService of {@code web}, once ECS answered the first poll after the rollout's updates. */
    private static void someoneElseDeploysAfterTheFirstPoll(SimulatedEcs sim) {
        EcsClient someoneElse = sim.client();
        sim.once(a -> a.operation().equals("DescribeServices") && sim.stats().count("UpdateService") == 2,
                a -> someoneElse.updateService(b -> b.cluster("prod").service("web").taskDefinition("web:3")));
    }

    // ---- what a user sees --------------------------------------------------------------------------------------

    /**
     * Makes the call, then reads what it sent and the task definition each service runs ({@code runs}, null for a
     * missing one).
     */
    private static Seen seen(Supplier<RolloutResult> call, Supplier<List<EcsRequest>> sent,
            Function<String, String> runs) {
        String outcome;
        List<ServiceState> states;
        List<String> unstable = List.of();
        List<String> updated = List.of();
        List<String> possiblyUpdated = List.of();
        List<String> rolledBack = List.of();
        List<String> failed = List.of();
        try {
            RolloutResult result = call.get();
            outcome = "success";
            states = result.services();
        } catch (RolloutNotStableException e) {
            outcome = e.reason().toString();
            states = e.serviceStates();
            unstable = e.unstableServices();
            updated = e.updatedServices();
            possiblyUpdated = e.possiblyUpdatedServices();
            rolledBack = e.rolledBackServices();
            failed = e.failedServices();
        }
        Map<String, String> verdicts = new LinkedHashMap<>();
        states.forEach(s -> verdicts.put(s.service(), s.verdict() + ", " + s.rollbackAction()));
        Map<String, List<String>> writes = new LinkedHashMap<>();
        for (EcsRequest r : sent.get()) {
            String service = writtenService(r);
            if (service != null) {
                writes.computeIfAbsent(service, k -> new ArrayList<>()).add(write(r));
            }
        }
        Map<String, String> running = new LinkedHashMap<>();
        for (String service : List.of("web", "api")) {
            String taskDefinition = runs.apply(service);
            running.put(service, taskDefinition == null ? "missing" : shortName(taskDefinition));
        }
        return new Seen(outcome, verdicts, unstable, updated, possiblyUpdated, rolledBack, failed, writes, running);
    }

    /** The service a write is about, or {@code null} for a read. */
    private static String writtenService(EcsRequest r) {
        if (r instanceof UpdateServiceRequest u) {
            return shortName(u.service());
        }
        if (r instanceof StopServiceDeploymentRequest s) {
            return serviceOf(s.serviceDeploymentArn());
        }
        if (r instanceof ContinueServiceDeploymentRequest c) {
            return serviceOf(c.serviceDeploymentArn());
        }
        return null;
    }

    /** A write with its key arguments, free of ids and ARNs that differ between the models. */
    private static String write(EcsRequest r) {
        if (r instanceof UpdateServiceRequest u) {
            return "UpdateService " + (u.taskDefinition() == null ? "-" : shortName(u.taskDefinition()))
                    + (u.desiredCount() == null ? "" : " desiredCount=" + u.desiredCount())
                    + (Boolean.TRUE.equals(u.forceNewDeployment()) ? " forceNewDeployment" : "");
        }
        if (r instanceof StopServiceDeploymentRequest s) {
            return "StopServiceDeployment " + s.stopTypeAsString();
        }
        ContinueServiceDeploymentRequest c = (ContinueServiceDeploymentRequest) r;
        return "ContinueServiceDeployment " + c.actionAsString();
    }

    /** {@code web} of {@code arn:...:service-deployment/prod/web/TOKEN}. */
    private static String serviceOf(String serviceDeploymentArn) {
        return shortName(ofServiceDeployment(serviceDeploymentArn));
    }
}
