package io.github.ecsrollout.sim;

import io.github.ecsrollout.ImageUpdate;
import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutPlan;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookAction;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookStatus;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * A rollout a person can watch: {@code mvn -q -B test-compile exec:java@demo}.
 *
 * <p>Starts the simulated ECS on the real clock, creates 25 services in cluster {@code prod} and rolls them all out to
 * a new task definition with {@link ServiceRollout} through the real SDK client. Time runs 30 times faster than at
 * ECS: a poll every 500 ms stands for the SDK waiter's 15 s, and the services settle over a few seconds. The library
 * logs at INFO what a person follows: the start, each service that becomes stable or fails, a progress line at most
 * every poll delay, and the end (ECS's events and per-poll detail are DEBUG: {@code src/test/resources/
 * simplelogger.properties} says how to see them). In the blue/green scenarios a small {@link RolloutListener} counts
 * the services that are done.
 *
 * <ul>
 *   <li>default ({@code -Ddemo.scenario=failure}): the new {@code payments} tasks keep crashing and ECS's deployment
 *       circuit breaker fails the deployment (and rolls it back); the rollout reports it on the next poll and the demo
 *       prints the typed failure.</li>
 *   <li>{@code -Ddemo.scenario=success}: every service settles; the demo prints the {@link RolloutResult}.</li>
 *   <li>{@code -Ddemo.scenario=bluegreen}: six BLUE_GREEN services walk their lifecycle stages (green beside blue,
 *       traffic shifts, a one-minute bake, clean-up) on a clock running {@value #SPEEDUP} times faster than ECS; the
 *       demo prints each service deployment's stage as it moves, then the result.</li>
 *   <li>{@code -Ddemo.scenario=paused}: as bluegreen, but {@code checkout} stops at a PAUSE lifecycle hook after its
 *       test traffic shift; an operator (a thread of the demo) finds it with DescribeServiceDeployments and approves
 *       it with ContinueServiceDeployment, and the rollout finishes.</li>
 *   <li>{@code -Ddemo.scenario=images}: an image deploy of {@value #IMAGE_SERVICES} services to their {@code 2.0}
 *       images with {@link ServiceRollout#rollOutImages}: each service's task definition is read with its tags, a
 *       copy differing only in the image is registered (revision 42), and the services roll out to it; the demo
 *       prints the plan first ({@link ServiceRollout#planImages}, reads alone), then each new revision's image.</li>
 * </ul>
 *
 * <p>Exits 0 when the scenario played out as it should, 1 otherwise.
 */
public final class Demo {

    /** The simulator runs this many times faster than ECS. */
    private static final int SPEEDUP = 30;
    private static final Duration POLL_DELAY = Duration.ofSeconds(15).dividedBy(SPEEDUP);
    private static final String CLUSTER = "prod";
    private static final String FAILING = "payments";
    private static final List<String> FLEET = List.of(
            "web", "api", "auth", "cart", "catalog", "checkout", "search", "images", "orders", "inventory",
            "pricing", "recommendations", FAILING, "reviews", "shipping", "users", "sessions", "gateway", "admin",
            "reports", "mailer", "scheduler", "worker", "notifications", "ledger");

    private static final Logger LOG = LoggerFactory.getLogger("demo");

    private Demo() {
    }

    public static void main(String[] args) {
        String scenario = System.getProperty("demo.scenario", "failure");
        boolean ok;
        switch (scenario) {
            case "failure", "success" -> {
                try (SimulatedEcs ecs = SimulatedEcs.start()) {
                    ok = run(ecs, scenario.equals("failure"));
                }
            }
            case "images" -> {
                try (SimulatedEcs ecs = SimulatedEcs.start()) {
                    ok = runImages(ecs);
                }
            }
            case "bluegreen", "paused" -> {
                try (SimulatedEcs ecs = SimulatedEcs.start(SimClock.scaled(SPEEDUP))) {
                    ok = runBlueGreen(ecs, scenario.equals("paused"));
                }
            }
            default -> {
                System.out.println("Unknown -Ddemo.scenario=" + scenario
                        + "; use failure (the default), success, bluegreen, paused or images.");
                ok = false;
                System.exit(2);
            }
        }
        System.exit(ok ? 0 : 1);
    }

    private static boolean run(SimulatedEcs ecs, boolean withFailure) {
        System.out.println();
        System.out.println("Simulated ECS listening on " + ecs.endpoint() + " (awsJson1_1, region us-east-1)");
        List<UpdateServiceRequest> requests = createFleet(ecs, withFailure);
        System.out.println("Rolling out " + requests.size() + " services in cluster " + CLUSTER + " to revision 42"
                + (withFailure ? "; the new " + FAILING + " tasks crash on start" : "")
                + ". Time runs " + SPEEDUP + "x faster than at ECS: a poll every " + POLL_DELAY.toMillis()
                + " ms stands for 15 s.");
        System.out.println();

        ServiceRollout rollout = ServiceRollout.builder()
                .ecsClient(ecs.client())
                .delay(POLL_DELAY)
                .timeout(Duration.ofMinutes(20).dividedBy(SPEEDUP))
                .build();
        try {
            RolloutResult result = rollout.rollOut(requests);
            System.out.println();
            System.out.println("==> Rollout succeeded: " + result);
            long onNew = result.services().stream()
                    .filter(s -> s.isStable() && shortTaskDefinition(s.taskDefinition().orElse(null)).endsWith(":42")).count();
            System.out.println("    " + onNew + " of " + requests.size() + " services STABLE on revision 42; each one's"
                    + " final state is in result.services()");
            printCalls(ecs);
            return !withFailure;
        } catch (RolloutNotStableException e) {
            System.out.println();
            System.out.println("==> Rollout failed: " + e.reason());
            System.out.println("    failed services:   " + e.failedServices());
            System.out.println("    updated services:  " + e.updatedServices().size() + " of " + requests.size());
            e.serviceState(FAILING).ifPresent(s -> System.out.println("    " + FAILING + " now runs "
                    + shortTaskDefinition(s.taskDefinition().orElse(null)) + "; ECS says: " + s.rolloutStateReason().orElse("-")));
            System.out.println("    message:");
            e.getMessage().lines().forEach(line -> System.out.println("      " + line));
            printCalls(ecs);
            // The circuit breaker rolls the deployment back, and its service deployment says so.
            return withFailure && e.reason() == RolloutNotStableException.Reason.ROLLED_BACK;
        }
    }

    /** How many services the image deploy moves: within ECS's burst of registrations, so none waits its turn. */
    private static final int IMAGE_SERVICES = 12;
    private static final String REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/";

    /** The image deploy: each service runs revision 41 of its family, one container {@code app}. */
    private static boolean runImages(SimulatedEcs ecs) {
        System.out.println();
        System.out.println("Simulated ECS listening on " + ecs.endpoint() + " (awsJson1_1, region us-east-1)");
        List<ImageUpdate> updates = new ArrayList<>();
        Random random = new Random(7);
        for (String name : FLEET.subList(0, IMAGE_SERVICES)) {
            ecs.createService(ServiceSpec.of(CLUSTER, name).taskDefinition(name + ":41").desiredCount(2)
                    .script(ServiceScript.stableAfter(Duration.ofMillis(1000 + random.nextInt(2000)))));
            updates.add(ImageUpdate.of(CLUSTER, name, REGISTRY + name + ":2.0"));
        }
        System.out.println("Deploying image 2.0 to " + updates.size() + " services in cluster " + CLUSTER
                + ": each one's task definition (revision 41) is copied with the new image into revision 42, then"
                + " rolled out. Time runs " + SPEEDUP + "x faster than at ECS.");
        System.out.println();
        EcsClient client = ecs.client();
        ServiceRollout rollout = ServiceRollout.builder()
                .ecsClient(client)
                .delay(POLL_DELAY)
                .timeout(Duration.ofMinutes(20).dividedBy(SPEEDUP))
                .rollbackOnFailure(true)
                .build();
        RolloutPlan plan = rollout.planImages(updates);
        System.out.println("The plan, made of reads alone (" + ecs.stats().counts() + "):");
        System.out.println(plan);
        System.out.println();
        try {
            RolloutResult result = rollout.rollOutImages(updates);
            System.out.println();
            System.out.println("==> Image deploy succeeded: " + result);
            for (ServiceState s : result.services().subList(0, 3)) {
                String image = client.describeTaskDefinition(b -> b.taskDefinition(s.taskDefinition().orElseThrow()))
                        .taskDefinition().containerDefinitions().get(0).image();
                System.out.println("    " + s.service() + " runs " + shortTaskDefinition(s.taskDefinition().orElse(null)) + ": "
                        + image);
            }
            System.out.println("    ... " + ecs.registrations().size() + " revisions registered, one per service");
            printCalls(ecs);
            return ecs.registrations().size() == updates.size() && result.services().stream()
                    .allMatch(s -> s.isStable() && shortTaskDefinition(s.taskDefinition().orElse(null)).endsWith(":42"));
        } catch (RolloutNotStableException e) {
            System.out.println();
            System.out.println("==> Image deploy failed: " + e.reason());
            e.getMessage().lines().forEach(line -> System.out.println("      " + line));
            printCalls(ecs);
            return false;
        }
    }

    private static final List<String> BLUE_GREEN_FLEET = List.of("web", "api", "checkout", "search", "cart", "users");
    private static final String PAUSED = "checkout";

    /**
     * BLUE_GREEN services on a clock {@value #SPEEDUP} times faster than ECS, so their scripts are timed in ECS's
     * own units: 15 s per lifecycle stage, a one-minute bake.
     */
    private static boolean runBlueGreen(SimulatedEcs ecs, boolean paused) {
        System.out.println();
        System.out.println("Simulated ECS listening on " + ecs.endpoint() + "; its clock runs " + SPEEDUP
                + "x faster than real time.");
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (String name : BLUE_GREEN_FLEET) {
            ServiceScript script = ServiceScript.blueGreen(Duration.ofSeconds(15), 1);
            if (paused && name.equals(PAUSED)) {
                script = script.withPauseHook("POST_TEST_TRAFFIC_SHIFT", 60, "ROLLBACK");
            }
            ecs.createService(ServiceSpec.of(CLUSTER, name).taskDefinition(name + ":41").desiredCount(2).script(script));
            requests.add(UpdateServiceRequest.builder().cluster(CLUSTER).service(name).taskDefinition(name + ":42").build());
        }
        System.out.println("Rolling out " + requests.size() + " BLUE_GREEN services to revision 42"
                + (paused ? "; " + PAUSED + " waits at a PAUSE hook for an operator" : "") + ".");
        System.out.println();
        Thread watcher = new Thread(() -> watchStages(ecs, paused), "demo-operator");
        watcher.setDaemon(true);
        watcher.start();
        ServiceRollout rollout = ServiceRollout.builder()
                .ecsClient(ecs.client())
                .delay(POLL_DELAY)
                .timeout(Duration.ofHours(1).dividedBy(SPEEDUP))
                .listener(new Progress(requests.size()))
                .build();
        try {
            RolloutResult result = rollout.rollOut(requests);
            watcher.interrupt();
            System.out.println();
            System.out.println("==> Rollout succeeded: " + result);
            printCalls(ecs);
            return true;
        } catch (RolloutNotStableException e) {
            watcher.interrupt();
            System.out.println();
            System.out.println("==> Rollout failed: " + e.reason());
            e.getMessage().lines().forEach(line -> System.out.println("      " + line));
            printCalls(ecs);
            return false;
        }
    }

    /**
     * What an operator watching DescribeServiceDeployments would see: each stage change of {@code checkout}'s
     * deployment; with {@code approve}, a paused hook is continued a few (simulated) minutes after it appears.
     */
    private static void watchStages(SimulatedEcs ecs, boolean approve) {
        EcsClient client = ecs.client();
        String last = "";
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(POLL_DELAY.toMillis());
                String arn = client.describeServices(b -> b.cluster(CLUSTER).services(PAUSED)).services().get(0)
                        .currentServiceDeployment();
                ServiceDeployment sd = client.describeServiceDeployments(b -> b.serviceDeploymentArns(arn))
                        .serviceDeployments().get(0);
                String now = sd.statusAsString() + " " + sd.lifecycleStageAsString();
                if (!now.equals(last)) {
                    LOG.info(">> {} service deployment: {}", PAUSED, now);
                    last = now;
                }
                DeploymentLifecycleHookDetail hook = sd.lifecycleHookDetails().stream()
                        .filter(h -> h.status() == DeploymentLifecycleHookStatus.AWAITING_ACTION).findFirst().orElse(null);
                if (approve && hook != null) {
                    LOG.info(">> {} waits at hook {} (expires {}); the operator approves it", PAUSED, hook.hookId(),
                            hook.expiresAt());
                    Thread.sleep(POLL_DELAY.toMillis() * 6);
                    client.continueServiceDeployment(b -> b.serviceDeploymentArn(arn).hookId(hook.hookId())
                            .action(DeploymentLifecycleHookAction.CONTINUE));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn(">> the operator gave up watching: {}", e.toString());
        }
    }

    /** 25 services with 1 to 3 tasks that settle at different moments over a few seconds; one may be doomed. */
    private static List<UpdateServiceRequest> createFleet(SimulatedEcs ecs, boolean withFailure) {
        Random random = new Random(42);
        List<UpdateServiceRequest> requests = new ArrayList<>();
        for (String name : FLEET) {
            ServiceSpec spec = ServiceSpec.of(CLUSTER, name).taskDefinition(name + ":41")
                    .desiredCount(1 + random.nextInt(3));
            // Rollouts of 30 s to 105 s at ECS's pace.
            Duration settles = Duration.ofMillis(1000 + random.nextInt(2500));
            if (withFailure && name.equals(FAILING)) {
                // The breaker trips after ~2 minutes of failed starts and rolls back to :41.
                spec.desiredCount(3).script(ServiceScript.circuitBreakerFails(Duration.ofMillis(4200), true,
                        Duration.ofMillis(3000)));
            } else {
                spec.script(ServiceScript.stableAfter(settles));
            }
            ecs.createService(spec);
            requests.add(UpdateServiceRequest.builder().cluster(CLUSTER).service(name).taskDefinition(name + ":42")
                    .build());
        }
        return requests;
    }

    private static void printCalls(SimulatedEcs ecs) {
        System.out.println("    ECS calls: " + ecs.stats().counts() + ", at most "
                + ecs.stats().maxServicesPerDescribeServices() + " services per DescribeServices");
        System.out.println();
    }

    private static String shortTaskDefinition(String arn) {
        return arn == null ? "?" : arn.substring(arn.lastIndexOf('/') + 1);
    }

    /** "web stable (3/25)": how many services are done, as they finish. */
    private static final class Progress implements RolloutListener {
        private final int total;
        private final AtomicInteger stable = new AtomicInteger();

        Progress(int total) {
            this.total = total;
        }

        @Override
        public void onServiceStable(ServiceState state) {
            LOG.info(">> {} stable on {} ({}/{})", state.service(), shortTaskDefinition(state.taskDefinition().orElse(null)),
                    stable.incrementAndGet(), total);
        }
    }
}
