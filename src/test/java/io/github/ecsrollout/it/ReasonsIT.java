package io.github.ecsrollout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.RolloutListener;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.ServiceSpec;
import io.github.ecsrollout.sim.SimStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Every {@link Reason}, end to end: the real SDK client and EcsWaiter over HTTP against the simulated ECS, through
 * {@link ServiceRollout}. Asserts types and getters; the poll that reports a failure is checked against the simulator's
 * request log and the instant ECS marked the deployment FAILED, never against wall-clock ranges.
 *
 * <p>On the virtual clock the rollout shares with the simulator, except four tests kept on real time on purpose
 * ({@link RealTime}): the two whose DescribeServices or UpdateService ECS holds (a held call is given up in real time)
 * and the two interrupts (an interrupt ends a wait only while the caller really waits).
 */
@Timeout(60)
class ReasonsIT extends ItBase {

    // ---- UPDATE_FAILED -----------------------------------------------------------------------------------------

    @Test
    void updateFailedStopsTheRolloutBeforeAnyWait() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMillis(50)));
        sim.createService("prod", "api", ServiceScript.stableAfter(Duration.ofMillis(50)));
        sim.createService("prod", "worker", ServiceScript.stableAfter(Duration.ofMillis(50)));
        List<UpdateServiceRequest> requests = new ArrayList<>(toRevision("prod", List.of("web", "api", "worker"), 2));
        requests.set(1, requests.get(1).toBuilder().desiredCount(-1).build());

        RolloutNotStableException e = failure(() -> rollout().build().rollOut(requests));

        assertEquals(Reason.UPDATE_FAILED, e.reason());
        assertInstanceOf(InvalidParameterException.class, e.getCause());
        assertEquals(List.of("api"), e.unstableServices());
        assertEquals(List.of("web"), e.updatedServices());
        assertEquals(2, sim.stats().count("UpdateService"), "nothing is sent after the rejected update");
        assertEquals(1, sim.stats().count("DescribeServices"), "the read before the updates; nothing is awaited");
        assertTrue(sim.service("prod", "worker").taskDefinition().endsWith(ofRevision("worker", 1)));
    }

    @Test
    void aMissingServiceStopsTheRolloutBeforeAnyUpdate() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMillis(50)));
        sim.createService("prod", "worker", ServiceScript.stableAfter(Duration.ofMillis(50)));

        RolloutNotStableException e = failure(() -> rollout().build()
                .rollOut(toRevision("prod", List.of("web", "ghost", "worker"), 2)));

        assertEquals(Reason.SERVICE_MISSING, e.reason());
        assertEquals(List.of("ghost"), e.failedServices());
        assertEquals(List.of(), e.updatedServices());
        assertEquals(0, sim.stats().count("UpdateService"));
        assertTrue(sim.service("prod", "web").taskDefinition().endsWith(ofRevision("web", 1)));
    }

    @Test
    void aMissingClusterStopsTheRolloutBeforeAnyUpdateWithClusterNotFoundException() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMillis(50)));

        RolloutNotStableException e = failure(() -> rollout().build().rollOut("nope", "web", "web:2"));

        assertEquals(Reason.API_ERROR, e.reason(), "the read before the update finds no cluster");
        assertInstanceOf(ClusterNotFoundException.class, e.getCause());
        assertEquals(List.of("web"), e.unstableServices());
        assertEquals(List.of(), e.updatedServices());
        assertEquals(0, sim.stats().count("UpdateService"));
    }

    // ---- DEPLOYMENT_FAILED -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "circuit breaker rollback = {0}")
    @ValueSource(booleans = {false, true})
    void deploymentFailedIsReportedOnThePollThatShowsIt(boolean rollback) {
        Duration failAfter = Duration.ofMillis(300);
        sim.createService(ServiceSpec.of("prod", "web").desiredCount(3)
                .script(ServiceScript.circuitBreakerFails(failAfter, rollback, Duration.ofSeconds(2))));
        sim.createService("prod", "api", ServiceScript.stableAfter(Duration.ofMillis(100)));
        List<Verdict> webVerdicts = Collections.synchronizedList(new ArrayList<>());
        RolloutListener listener = new RolloutListener() {
            @Override
            public void onObservation(ServiceState state) {
                if (state.service().equals("web")) {
                    webVerdicts.add(state.verdict());
                }
            }
        };

        RolloutNotStableException e = failure(() -> rollout().listener(listener).build()
                .rollOut(toRevision("prod", List.of("api", "web"), 2)));

        // With rollback, the service deployment says ECS is rolling it back: a rollback is reported as one.
        Verdict verdict = rollback ? Verdict.ROLLED_BACK : Verdict.DEPLOYMENT_FAILED;
        assertEquals(rollback ? Reason.ROLLED_BACK : Reason.DEPLOYMENT_FAILED, e.reason());
        assertEquals(List.of("web"), e.unstableServices());
        assertEquals(List.of("api", "web"), e.updatedServices());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(verdict, web.verdict());
        assertEquals(Optional.of("FAILED"), web.rolloutState());
        assertEquals(web.expectedDeploymentId().orElseThrow(), web.watchedDeployment().orElseThrow().id());
        assertTrue(web.failedTasks() >= 1);
        assertEquals(Verdict.STABLE, e.serviceState("api").orElseThrow().verdict());

        assertReportedOnTheFirstPollAfter(web.watchedDeployment().orElseThrow().createdAt().plus(failAfter));
        assertEquals(verdict, webVerdicts.get(webVerdicts.size() - 1));
        assertEquals(1, webVerdicts.stream().filter(v -> v == verdict).count());
        assertTrue(webVerdicts.subList(0, webVerdicts.size() - 1).stream().allMatch(v -> v == Verdict.IN_PROGRESS),
                webVerdicts.toString());
    }

    /**
     * Both services are polled in one chunk, so every DescribeServices is one poll of web: some arrived before ECS
     * marked the deployment FAILED, and at most one arrived after (the one that ended the rollout; it may also have
     * arrived just before and been answered just after). The deployment's createdAt comes in milliseconds, so the
     * FAILED instant is known to within 1 ms.
     */
    private void assertReportedOnTheFirstPollAfter(Instant failedAt) {
        List<Instant> arrivals = polls().stream().map(SimStats.Call::simTime).toList();
        long before = arrivals.stream().filter(t -> t.isBefore(failedAt)).count();
        long after = arrivals.stream().filter(t -> !t.isBefore(failedAt.plusMillis(1))).count();
        String log = "failed at " + failedAt + ", polls arrived at " + arrivals;
        assertTrue(before >= 2, "the deployment was watched while in progress; " + log);
        assertTrue(after <= 1, "reported on the first poll after the failure; " + log);
    }

    // ---- SUPERSEDED and ROLLED_BACK ----------------------------------------------------------------------------

    /**
     * Someone else's UpdateService to web:3 once the rollout watches web:2 deploying: right after ECS answered the
     * rollout's first poll after its update, before the rollout can poll again.
     */
    private void someoneElseDeploysOverIt() {
        EcsClient someoneElse = sim.client();
        sim.once(a -> a.operation().equals("DescribeServices") && sim.stats().count("UpdateService") == 1,
                a -> someoneElse.updateService(b -> b.cluster("prod").service("web").taskDefinition("web:3")));
    }

    /**
     * A plain rolling service is not described until it looks replaced, and by then its currentServiceDeployment names
     * the newer deployment: the poll that shows it must look ours up, or it says ROLLED_BACK (and rollbackOnFailure
     * would overwrite the newer deployment).
     */
    @Test
    void anotherUpdateServiceThatSupersedesOursIsSuperseded() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofSeconds(5)));

        someoneElseDeploysOverIt();

        RolloutNotStableException e = failure(() -> rollout().build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.SUPERSEDED, e.reason());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(Verdict.SUPERSEDED, web.verdict());
        assertEquals("Replaced by a new service deployment", web.serviceDeployment().orElseThrow().statusReason());
        assertTrue(web.taskDefinition().orElseThrow().endsWith(ofRevision("web", 3)), web.toString());
        assertNotEquals(web.expectedDeploymentId(), web.primaryDeploymentId());
        assertEquals(List.of("web"), e.unstableServices());
        assertEquals(List.of("web"), e.updatedServices());
        long theirs = sim.stats().calls("UpdateService").get(1).nanoTime();
        assertEquals(1, polls().stream().filter(c -> c.nanoTime() > theirs).count(),
                "reported on the poll after the other update");
    }

    /**
     * Without service deployments, DescribeServices alone tells it too: the new PRIMARY runs neither our revision nor
     * what ran before, and does not say it rolls back.
     */
    @Test
    void fromDescribeServicesAloneAnotherUpdateServiceThatSupersedesOursIsSuperseded() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofSeconds(5)));
        sim.faults().denyServiceDeployments();

        someoneElseDeploysOverIt();

        RolloutNotStableException e = failure(() -> rollout().build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.SUPERSEDED, e.reason());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(Verdict.SUPERSEDED, web.verdict());
        assertTrue(web.serviceDeployment().isEmpty());
        assertTrue(web.taskDefinition().orElseThrow().endsWith(ofRevision("web", 3)), web.toString());
        long theirs = sim.stats().calls("UpdateService").get(1).nanoTime();
        assertEquals(1, polls().stream().filter(c -> c.nanoTime() > theirs).count(),
                "reported on the poll after the other update");
    }

    @Test
    void aCircuitBreakerRollbackThatAlreadyCompletedIsNeverASuccess() {
        // ECS fails the deployment at once and rolls back within 40 ms; the first poll comes 300 ms after the update,
        // so it sees the service stable again, on the old task definition, with our deployment gone.
        sim.createService("prod", "web", ServiceScript.circuitBreakerFails(Duration.ZERO, true, Duration.ofMillis(40)));
        sim.once(a -> a.operation().equals("UpdateService"), a -> clock.advance(Duration.ofMillis(300)));

        RolloutNotStableException e = failure(() -> rollout().build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.ROLLED_BACK, e.reason());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(Verdict.ROLLED_BACK, web.verdict());
        assertEquals(1, web.deployments().size(), "stable by the waiter's own rule");
        assertEquals(web.desiredCount(), web.runningCount());
        assertTrue(web.taskDefinition().orElseThrow().endsWith(ofRevision("web", 1)), web.toString());
        assertTrue(web.deployments().stream().noneMatch(d -> d.id().equals(web.expectedDeploymentId().orElseThrow())));
        assertTrue(sim.service("prod", "web").taskDefinition().endsWith(ofRevision("web", 1)));
        assertTrue(web.events().stream().anyMatch(ev -> ev.message().contains("deployment failed")),
                "ECS's events of the rollout are kept: " + web.events());
        assertEquals(1 + 1, polls().size(), "the read before the update, then the poll that shows it");
    }

    // ---- SERVICE_MISSING, SERVICE_INACTIVE, UNSUPPORTED_SERVICE (awaitStable) ----------------------------------

    @Test
    void aMissingServiceIsServiceMissing() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMillis(50)));

        RolloutNotStableException e = failure(() -> rollout().build().awaitStable("prod", "web", "ghost"));

        assertEquals(Reason.SERVICE_MISSING, e.reason());
        assertEquals(List.of("ghost"), e.unstableServices());
        assertEquals(List.of(), e.updatedServices());
        assertEquals(Verdict.MISSING, e.serviceState("ghost").orElseThrow().verdict());
        assertEquals(Verdict.STABLE, e.serviceState("web").orElseThrow().verdict());
        assertEquals(1, polls().size());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"DRAINING", "INACTIVE"})
    void aDeletedServiceIsServiceInactive(String status) {
        ServiceSpec spec = ServiceSpec.of("prod", "web");
        sim.createService("DRAINING".equals(status) ? spec.draining() : spec.inactive());

        RolloutNotStableException e = failure(() -> rollout().build().awaitStable("prod", "web"));

        assertEquals(Reason.SERVICE_INACTIVE, e.reason());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(Verdict.INACTIVE, web.verdict());
        assertEquals(status, web.status().orElseThrow());
        assertEquals(List.of("web"), e.unstableServices());
        assertEquals(1, polls().size());
    }

    @Test
    void aCodeDeployServiceIsUnsupported() {
        sim.createService(ServiceSpec.of("prod", "web").codeDeploy());

        RolloutNotStableException e = failure(() -> rollout().build().awaitStable("prod", "web"));

        assertEquals(Reason.UNSUPPORTED_SERVICE, e.reason());
        ServiceState web = e.serviceState("web").orElseThrow();
        assertEquals(Verdict.UNSUPPORTED, web.verdict());
        assertEquals("CODE_DEPLOY", web.lastObserved().orElseThrow().deploymentController().typeAsString());
        assertEquals(1, polls().size(), "reported at once, not when attempts run out");
    }

    // ---- TIMED_OUT ---------------------------------------------------------------------------------------------

    @Test
    void theTimeoutEndsARolloutThatNeverSettles() {
        sim.createService("prod", "web", ServiceScript.neverStable());

        RolloutNotStableException e = failure(() -> rollout().timeout(Duration.ofMillis(400)).build()
                .rollOut("prod", "web", "web:2"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(List.of("web"), e.unstableServices());
        assertEquals(List.of("web"), e.updatedServices());
        // Polled every 20 ms until just before the deadline: the update takes none of the virtual clock's time.
        assertEquals(Verdict.IN_PROGRESS, e.serviceState("web").orElseThrow().verdict());
    }

    @Test
    void maxAttemptsEndsARolloutThatNeverSettlesAfterExactlyThatManyPolls() {
        sim.createService("prod", "web", ServiceScript.neverStable());

        RolloutNotStableException e = failure(() -> rollout().maxAttempts(3).build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(List.of("web"), e.unstableServices());
        assertEquals(Verdict.IN_PROGRESS, e.serviceState("web").orElseThrow().verdict());
        // One read before the update (is 3 x delay long enough for its deployment configuration?), then 3 polls.
        assertEquals(1 + 3, polls().size());
    }

    /**
     * The timeout ends the rollout "within one poll delay of it" even when ECS holds a DescribeServices call and the
     * client has no apiCallTimeout (the SDK's default). Checked by order, not by clock: the verdict comes while the
     * simulator still holds the call (its status is still 0), not after its 10 s.
     */
    @RealTime("a call ECS holds is given up in real time")
    @Test
    void theTimeoutAlsoBoundsADescribeServicesCallThatHangs() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofSeconds(30)));
        sim.faults().next(1, "DescribeServices").delay(Duration.ofSeconds(10));

        RolloutNotStableException e = failure(() -> rollout().timeout(Duration.ofMillis(500)).build()
                .rollOut("prod", "web", "web:2"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(0, polls().get(0).httpStatus(), "the verdict came while ECS still held the call");
    }

    /**
     * The same for an UpdateService that ECS holds: the timeout covers "updates and every chunk", so the verdict must
     * come while the simulator still holds the call. Today the rollout waits for ECS's answer (10 s here) and only
     * then reports TIMED_OUT; cf45737 bounds DescribeServices and the stopped-task calls, not UpdateService.
     */
    @RealTime("a call ECS holds is given up in real time")
    @Test
    void theTimeoutAlsoBoundsAnUpdateServiceCallThatHangs() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofSeconds(30)));
        sim.faults().next(1, "UpdateService").delay(Duration.ofSeconds(10));

        RolloutNotStableException e = failure(() -> rollout().timeout(Duration.ofMillis(500)).build()
                .rollOut("prod", "web", "web:2"));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(0, sim.stats().calls("UpdateService").get(0).httpStatus(),
                "the verdict came while ECS still held the update");
    }

    // ---- API_ERROR ---------------------------------------------------------------------------------------------

    @Test
    void aMissingClusterIsApiErrorWithClusterNotFoundExceptionAsCause() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMillis(50)));

        RolloutNotStableException e = failure(() -> rollout().build().awaitStable("staging", "web"));

        assertEquals(Reason.API_ERROR, e.reason());
        assertInstanceOf(ClusterNotFoundException.class, e.getCause());
        assertEquals(List.of("web"), e.unstableServices());
        assertEquals(Verdict.UNKNOWN, e.serviceState("web").orElseThrow().verdict());
    }

    @Test
    void accessDeniedWhilePollingIsApiErrorWithTheEcsExceptionAsCause() {
        sim.createService("prod", "web", ServiceScript.stableAfter(Duration.ofMillis(50)));
        // From the update on (a policy changed meanwhile): the read before it still found the service.
        sim.once(a -> a.operation().equals("UpdateService"), a -> sim.faults().always("DescribeServices")
                .error(400, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/ci is not authorized to "
                        + "perform: ecs:DescribeServices on resource: arn:aws:ecs:us-east-1:123456789012:service/prod/"
                        + "web because no identity-based policy allows the ecs:DescribeServices action"));

        RolloutNotStableException e = failure(() -> rollout().build().rollOut("prod", "web", "web:2"));

        assertEquals(Reason.API_ERROR, e.reason());
        EcsException cause = assertInstanceOf(EcsException.class, e.getCause());
        assertEquals("AccessDeniedException", cause.awsErrorDetails().errorCode());
        assertEquals(List.of("web"), e.updatedServices());
        assertEquals(List.of("web"), e.unstableServices());
        assertEquals(1 + 1, polls().size(), "the read before the update, then one poll: a client error is not "
                + "retried");
    }

    // ---- INTERRUPTED -------------------------------------------------------------------------------------------

    @RealTime("an interrupt ends a wait only while the caller really waits")
    @ParameterizedTest(name = "{0} service(s)")
    @ValueSource(ints = {1, 25})
    void interruptingTheCallerEndsInInterruptedWithTheFlagSetAgain(int count) throws Exception {
        List<String> services = names("web", count);
        services.forEach(s -> sim.createService("prod", s, ServiceScript.neverStable()));
        CountDownLatch watching = new CountDownLatch(1);
        ServiceRollout rollout = rollout().delay(Duration.ofMillis(50)).listener(new RolloutListener() {
            @Override
            public void onObservation(ServiceState state) {
                watching.countDown();
            }
        }).build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfterwards = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                rollout.rollOut(toRevision("prod", services, 2));
            } catch (Throwable t) {
                thrown.set(t);
            }
            flagAfterwards.set(Thread.currentThread().isInterrupted());
        }, "caller");
        caller.start();
        assertTrue(watching.await(20, TimeUnit.SECONDS), "the rollout started watching");
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(20));
        assertFalse(caller.isAlive(), "the rollout ended after the interrupt");

        RolloutNotStableException e = assertInstanceOf(RolloutNotStableException.class, thrown.get());
        assertEquals(Reason.INTERRUPTED, e.reason());
        assertTrue(flagAfterwards.get(), "the interrupt flag is set again");
        assertEquals(services, e.updatedServices());
        assertNotNull(e.getMessage());
    }
}
