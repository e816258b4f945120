package io.github.ecsrollout;

import static io.github.ecsrollout.support.Model.active;
import static io.github.ecsrollout.support.Model.failed;
import static io.github.ecsrollout.support.Model.ofServiceDeployment;
import static io.github.ecsrollout.support.Model.primary;
import static io.github.ecsrollout.support.Model.service;
import static io.github.ecsrollout.support.Model.shortName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AccessDeniedException;
import software.amazon.awssdk.services.ecs.model.ConflictException;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentResponse;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookStatus;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentBrief;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentResponse;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * {@code rollbackOnFailure} on a mocked client, one test per row of issue 10's table and per fallback. Each service
 * follows a script of (DescribeServices, service deployment) steps, one per poll, the last one repeating; the
 * rollout's update, a StopServiceDeployment, a ContinueServiceDeployment and a restoring UpdateService each switch it
 * to the next script. {@link #BAD} fails its deployment on the second poll, so the rollout fails there while the
 * service of the row is in the state the row is about. On the testkit's {@link VirtualClock}: the one budget is checked
 * against it.
 */
@SuppressWarnings("unchecked") // the SDK's Consumer<Builder>... varargs, as a user would write them
class RollbackByStrategyTest {

    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private static final String OLD = "arn:aws:ecs:us-east-1:1:task-definition/app:1";
    private static final String NEW = "app:2";
    private static final String BAD = "bad";
    private static final DeploymentConfiguration BLUE_GREEN = DeploymentConfiguration.builder()
            .strategy(DeploymentStrategy.BLUE_GREEN).bakeTimeInMinutes(60).build();
    private static final DeploymentConfiguration LINEAR = DeploymentConfiguration.builder()
            .strategy(DeploymentStrategy.LINEAR).bakeTimeInMinutes(60).build();
    private static final String BREAKER = "ECS deployment circuit breaker: tasks failed to start.";

    /** One poll's truth about a service. */
    record Step(Service service, ServiceDeployment deployment) {
    }

    private final EcsClient ecs = mock(EcsClient.class);
    private final VirtualClock clock = VirtualClock.create();
    private final Map<String, List<Step>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Integer> polls = new ConcurrentHashMap<>();
    /** What the service does after each kind of call: "update", "stop", "continue", "restore". */
    private final Map<String, Map<String, List<Step>>> next = new ConcurrentHashMap<>();
    /** Every call that changes something, as "Operation service detail". */
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    RollbackByStrategyTest() {
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
            DescribeServicesRequest r = inv.getArgument(0);
            List<Service> answer = new ArrayList<>();
            for (String name : r.services()) {
                polls.merge(name, 1, Integer::sum);
                answer.add(current(name).service());
            }
            return DescribeServicesResponse.builder().services(answer).build();
        });
        when(ecs.listServiceDeployments(any(ListServiceDeploymentsRequest.class))).thenAnswer(inv -> {
            ListServiceDeploymentsRequest r = inv.getArgument(0);
            ServiceDeployment sd = current(r.service()).deployment();
            return ListServiceDeploymentsResponse.builder().serviceDeployments(sd == null ? List.of()
                    : List.of(ServiceDeploymentBrief.builder().serviceDeploymentArn(sd.serviceDeploymentArn())
                            .targetServiceRevisionArn(sd.targetServiceRevision().arn()).status(sd.status()).build()))
                    .build();
        });
        when(ecs.describeServiceDeployments(any(DescribeServiceDeploymentsRequest.class))).thenAnswer(inv -> {
            DescribeServiceDeploymentsRequest r = inv.getArgument(0);
            List<ServiceDeployment> answer = new ArrayList<>();
            for (String arn : r.serviceDeploymentArns()) {
                ServiceDeployment sd = current(serviceOf(arn)).deployment();
                if (sd != null && sd.serviceDeploymentArn().equals(arn)) {
                    answer.add(sd);
                }
            }
            return DescribeServiceDeploymentsResponse.builder().serviceDeployments(answer).build();
        });
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenAnswer(inv -> {
            UpdateServiceRequest r = inv.getArgument(0);
            calls.add("UpdateService " + r.service() + " " + r.taskDefinition());
            switchTo(r.service(), NEW.equals(r.taskDefinition()) ? "update" : "restore");
            return UpdateServiceResponse.builder().service(current(r.service()).service()).build();
        });
        when(ecs.stopServiceDeployment(any(StopServiceDeploymentRequest.class))).thenAnswer(inv -> {
            StopServiceDeploymentRequest r = inv.getArgument(0);
            String name = serviceOf(r.serviceDeploymentArn());
            calls.add("StopServiceDeployment " + name + " " + r.stopType());
            switchTo(name, "stop");
            return StopServiceDeploymentResponse.builder().serviceDeploymentArn(r.serviceDeploymentArn()).build();
        });
        when(ecs.continueServiceDeployment(any(ContinueServiceDeploymentRequest.class))).thenAnswer(inv -> {
            ContinueServiceDeploymentRequest r = inv.getArgument(0);
            String name = serviceOf(r.serviceDeploymentArn());
            calls.add("ContinueServiceDeployment " + name + " " + r.hookId() + " " + r.action());
            switchTo(name, "continue");
            return ContinueServiceDeploymentResponse.builder().serviceDeploymentArn(r.serviceDeploymentArn()).build();
        });
    }

    // ---- the fake's scripts -------------------------------------------------------------------------------------

    private Step current(String name) {
        List<Step> script = scripts.get(name);
        return script.get(Math.min(Math.max(polls.getOrDefault(name, 0) - 1, 0), script.size() - 1));
    }

    private void switchTo(String name, String after) {
        List<Step> script = next.get(name).get(after);
        if (script == null) {
            throw new AssertionError("unexpected " + after + " of " + name);
        }
        scripts.put(name, script);
        polls.put(name, 0);
    }

    /** {@code .../service-deployment/prod/NAME/TOKEN} names NAME. */
    private static String serviceOf(String serviceDeploymentArn) {
        return shortName(ofServiceDeployment(serviceDeploymentArn));
    }

    /** A service on {@link #OLD} that follows {@code forward} after the rollout's update. */
    private Map<String, List<Step>> given(String name, DeploymentConfiguration config, Step... forward) {
        scripts.put(name, List.of(new Step(steady(name, deployment(name, 0), OLD, config), null)));
        Map<String, List<Step>> after = new ConcurrentHashMap<>();
        after.put("update", List.of(forward));
        // A restore is a new deployment on the old task definition that settles on the next poll.
        after.put("restore", List.of(
                new Step(twoRevisions(name, deployment(name, 2), OLD, NEW, config), sd(name, 2,
                        ServiceDeploymentStatus.IN_PROGRESS, null)),
                new Step(steady(name, deployment(name, 2), OLD, config), sd(name, 2,
                        ServiceDeploymentStatus.SUCCESSFUL, null))));
        next.put(name, after);
        return after;
    }

    /** ECS rolls back the service deployment in one poll: ROLLBACK_IN_PROGRESS, then ROLLBACK_SUCCESSFUL. */
    private static List<Step> ecsRollsBack(String name, DeploymentConfiguration config) {
        return List.of(
                new Step(twoRevisions(name, deployment(name, 3), OLD, NEW, config),
                        sd(name, 1, ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, null)),
                new Step(steady(name, deployment(name, 3), OLD, config),
                        sd(name, 1, ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, null)));
    }

    /** {@link #BAD}: deploying on the first poll, FAILED by the circuit breaker (no rollback) on the second. */
    private void bad() {
        given(BAD, null,
                new Step(twoRevisions(BAD, deployment(BAD, 1), NEW, OLD, null), null),
                new Step(service(BAD, 0, 2, failed(deployment(BAD, 1), "PRIMARY", BREAKER),
                        active(deployment(BAD, 0), OLD, 2, 2, DeploymentRolloutState.COMPLETED)), null));
    }

    /** A service's deployment ids: 0 the one before the rollout, 1 the rollout's, 2 a restore, 3 ECS's rollback. */
    private static String deployment(String name, int which) {
        return "ecs-svc/" + which + Math.abs((long) name.hashCode());
    }

    private static ServiceDeployment sd(String name, int which, ServiceDeploymentStatus status,
            ServiceDeploymentLifecycleStage stage) {
        String n = deployment(name, which).substring("ecs-svc/".length());
        return ServiceDeployment.builder()
                .serviceDeploymentArn("arn:aws:ecs:us-east-1:1:service-deployment/prod/" + name + "/tok" + n)
                .targetServiceRevision(r -> r.arn("arn:aws:ecs:us-east-1:1:service-revision/prod/" + name + "/" + n))
                .status(status).lifecycleStage(stage).createdAt(T0).build();
    }

    private static Service steady(String name, String id, String taskDefinition, DeploymentConfiguration config) {
        return service(name, 2, 2, primary(id, taskDefinition, 2, 2, DeploymentRolloutState.COMPLETED)
                .toBuilder().createdAt(T0).build()).toBuilder().deploymentConfiguration(config).build();
    }

    private static Service twoRevisions(String name, String id, String taskDefinition, String other,
            DeploymentConfiguration config) {
        return service(name, 4, 2,
                primary(id, taskDefinition, 2, 2, DeploymentRolloutState.IN_PROGRESS).toBuilder().createdAt(T0).build(),
                active("ecs-svc/9" + Math.abs((long) name.hashCode()), other, 2, 2, DeploymentRolloutState.COMPLETED))
                .toBuilder().deploymentConfiguration(config).build();
    }

    /** The rollout's deployment in flight, its service deployment as given, for every poll. */
    private Step inFlight(String name, DeploymentConfiguration config, ServiceDeployment sd) {
        return new Step(twoRevisions(name, deployment(name, 1), NEW, OLD, config), sd);
    }

    private ServiceRollout.Builder rollout() {
        return ServiceRollout.builder().ecsClient(ecs).clock(clock).delay(Duration.ofMillis(1))
                .fetchStoppedTasks(false).rollbackOnFailure(true).rollbackTimeout(Duration.ofSeconds(10));
    }

    private RolloutNotStableException rollOut(ServiceRollout.Builder rollout, String... services) {
        List<UpdateServiceRequest> requests = Arrays.stream(services).map(s -> UpdateServiceRequest.builder()
                .cluster("prod").service(s).taskDefinition(NEW).build()).toList();
        return assertThrows(RolloutNotStableException.class, () -> rollout.build().rollOut(requests));
    }

    private RolloutNotStableException rollOut(String... services) {
        return rollOut(rollout(), services);
    }

    private static RollbackAction action(RolloutNotStableException e, String service) {
        return e.serviceState(service).orElseThrow().rollbackAction();
    }

    private List<String> callsOf(String service) {
        synchronized (calls) {
            return calls.stream().filter(c -> c.split(" ")[1].equals(service)).toList();
        }
    }

    private static AccessDeniedException accessDenied(String operation) {
        return AccessDeniedException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException")
                        .errorMessage("not authorized to perform: ecs:" + operation).build())
                .build();
    }

    // ---- in flight: StopServiceDeployment(ROLLBACK) -------------------------------------------------------------

    private void assertStoppedAndRolledBack(RolloutNotStableException e, String service) {
        assertEquals(RollbackAction.STOPPED_WITH_ROLLBACK, action(e, service), e.getMessage());
        assertEquals(List.of("UpdateService " + service + " " + NEW, "StopServiceDeployment " + service + " "
                + StopServiceDeploymentStopType.ROLLBACK), callsOf(service));
        assertTrue(e.rolledBackServices().contains(service), e.getMessage());
    }

    @Test
    void blueGreenInItsBakeIsStoppedWithRollback() {
        bad();
        given("bg", BLUE_GREEN, inFlight("bg", BLUE_GREEN,
                sd("bg", 1, ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.BAKE_TIME)))
                .put("stop", ecsRollsBack("bg", BLUE_GREEN));

        RolloutNotStableException e = rollOut("bg", BAD);

        assertEquals(Reason.DEPLOYMENT_FAILED, e.reason());
        assertStoppedAndRolledBack(e, "bg");
        assertEquals(List.of("bg", BAD), e.rolledBackServices());
    }

    @Test
    void linearShiftingTrafficIsStoppedWithRollback() {
        bad();
        given("lin", LINEAR, inFlight("lin", LINEAR, sd("lin", 1, ServiceDeploymentStatus.IN_PROGRESS,
                ServiceDeploymentLifecycleStage.PRODUCTION_TRAFFIC_SHIFT)))
                .put("stop", ecsRollsBack("lin", LINEAR));

        assertStoppedAndRolledBack(rollOut("lin", BAD), "lin");
    }

    @Test
    void rollingInProgressIsStoppedWithRollback() {
        bad();
        given("roll", null, inFlight("roll", null, sd("roll", 1, ServiceDeploymentStatus.IN_PROGRESS, null)))
                .put("stop", ecsRollsBack("roll", null));

        RolloutNotStableException e = rollOut("roll", BAD);

        assertStoppedAndRolledBack(e, "roll");
        assertFalse(e.serviceState("roll").orElseThrow().serviceDeployment().isPresent(),
                "a rolling deployment needed no service deployment to be judged; the rollback looked it up");
    }

    // ---- paused at a PAUSE hook: ContinueServiceDeployment(ROLLBACK) ------------------------------------------

    @Test
    void pausedAtAHookIsContinuedWithRollback() {
        bad();
        given("paused", BLUE_GREEN, inFlight("paused", BLUE_GREEN, sd("paused", 1,
                ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.POST_SCALE_UP).toBuilder()
                .lifecycleHookDetails(h -> h.hookId("ecs-pause-1").targetType("PAUSE")
                        .status(DeploymentLifecycleHookStatus.AWAITING_ACTION))
                .build()))
                .put("continue", ecsRollsBack("paused", BLUE_GREEN));

        RolloutNotStableException e = rollOut("paused", BAD);

        assertEquals(RollbackAction.CONTINUED_WITH_ROLLBACK, action(e, "paused"), e.getMessage());
        assertEquals(List.of("UpdateService paused " + NEW, "ContinueServiceDeployment paused ecs-pause-1 ROLLBACK"),
                callsOf("paused"));
        assertTrue(e.rolledBackServices().contains("paused"), e.getMessage());
    }

    // ---- already rolling back: nothing sent, watched --------------------------------------------------------------

    @Test
    void aDeploymentEcsIsRollingBackIsOnlyWatched() {
        ServiceDeployment rollingBack = sd("cb", 1, ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, null).toBuilder()
                .deploymentCircuitBreaker(b -> b.status(ServiceDeploymentRollbackMonitorsStatus.TRIGGERED)
                        .failureCount(3).threshold(3))
                .build();
        given("cb", null,
                inFlight("cb", null, sd("cb", 1, ServiceDeploymentStatus.IN_PROGRESS, null)),
                new Step(service("cb", 1, 2, primary(deployment("cb", 3), OLD, 1, 2,
                        DeploymentRolloutState.IN_PROGRESS), failed(deployment("cb", 1), "ACTIVE", BREAKER)),
                        rollingBack),
                new Step(service("cb", 1, 2, primary(deployment("cb", 3), OLD, 1, 2,
                        DeploymentRolloutState.IN_PROGRESS), failed(deployment("cb", 1), "ACTIVE", BREAKER)),
                        rollingBack),
                new Step(steady("cb", deployment("cb", 3), OLD, null), rollingBack.toBuilder()
                        .status(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL).build()));

        RolloutNotStableException e = rollOut("cb");

        assertEquals(RollbackAction.WATCHED_ECS_ROLLBACK, action(e, "cb"), e.getMessage());
        assertEquals(List.of("UpdateService cb " + NEW), callsOf("cb"), "nothing sent");
        assertEquals(List.of("cb"), e.rolledBackServices(), e.getMessage());
    }

    // ---- SUCCESSFUL in a rollout that failed elsewhere: UpdateService restore ---------------------------------

    @Test
    void aDeploymentThatSucceededIsRestoredByUpdateService() {
        given("done", BLUE_GREEN,
                inFlight("done", BLUE_GREEN, sd("done", 1, ServiceDeploymentStatus.IN_PROGRESS,
                        ServiceDeploymentLifecycleStage.BAKE_TIME)),
                new Step(steady("done", deployment("done", 1), NEW, BLUE_GREEN), sd("done", 1,
                        ServiceDeploymentStatus.SUCCESSFUL, ServiceDeploymentLifecycleStage.CLEAN_UP)));
        given(BAD, null,
                new Step(twoRevisions(BAD, deployment(BAD, 1), NEW, OLD, null), null),
                new Step(twoRevisions(BAD, deployment(BAD, 1), NEW, OLD, null), null),
                new Step(twoRevisions(BAD, deployment(BAD, 1), NEW, OLD, null), null),
                new Step(service(BAD, 0, 2, failed(deployment(BAD, 1), "PRIMARY", BREAKER)), null));

        RolloutNotStableException e = rollOut("done", BAD);

        assertEquals(Verdict.STABLE, e.serviceState("done").orElseThrow().verdict());
        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, "done"), e.getMessage());
        assertEquals(List.of("UpdateService done " + NEW, "UpdateService done " + OLD), callsOf("done"));
        assertTrue(e.rolledBackServices().contains("done"), e.getMessage());
    }

    // ---- SUPERSEDED: never touched ------------------------------------------------------------------------------

    @Test
    void aSupersededDeploymentIsLeftAloneAndNamed() {
        bad();
        Service theirs = service("sup", 2, 2,
                primary("ecs-svc/777", "app:3", 1, 2, DeploymentRolloutState.IN_PROGRESS).toBuilder()
                        .createdAt(T0.plusSeconds(30)).build(),
                active(deployment("sup", 1), NEW, 1, 2, DeploymentRolloutState.IN_PROGRESS).toBuilder()
                        .createdAt(T0).build());
        given("sup", null,
                inFlight("sup", null, null),
                new Step(theirs, sd("sup", 1, ServiceDeploymentStatus.STOPPED, null).toBuilder()
                        .statusReason("Replaced by a new service deployment").build()));

        RolloutNotStableException e = rollOut(BAD, "sup");

        assertEquals(Verdict.SUPERSEDED, e.serviceState("sup").orElseThrow().verdict());
        assertEquals(RollbackAction.LEFT_ALONE, action(e, "sup"));
        assertEquals(List.of("UpdateService sup " + NEW), callsOf("sup"), "never touched");
        assertFalse(e.rolledBackServices().contains("sup"));
        assertTrue(e.getMessage().contains("left alone: sup (superseded"), e.getMessage());
    }

    // ---- no service deployment known: UpdateService restore, and the message says which path ------------------

    @Test
    void withServiceDeploymentsDeniedAnInFlightDeploymentIsRestoredByUpdateService() {
        bad();
        given("roll", null, inFlight("roll", null, sd("roll", 1, ServiceDeploymentStatus.IN_PROGRESS, null)));
        when(ecs.listServiceDeployments(any(ListServiceDeploymentsRequest.class)))
                .thenThrow(accessDenied("ListServiceDeployments"));
        when(ecs.describeServiceDeployments(any(DescribeServiceDeploymentsRequest.class)))
                .thenThrow(accessDenied("DescribeServiceDeployments"));

        RolloutNotStableException e = rollOut("roll", BAD);

        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, "roll"), e.getMessage());
        assertEquals(List.of("UpdateService roll " + NEW, "UpdateService roll " + OLD), callsOf("roll"));
        assertEquals(List.of("roll", BAD), e.rolledBackServices());
        assertTrue(e.getMessage().contains("UpdateService back (no service deployment known: AccessDeniedException"),
                e.getMessage());
        assertTrue(e.getMessage().contains("): roll to app:1"), "restored to family:revision: " + e.getMessage());
    }

    @Test
    void withoutServiceDeploymentHistoryAnInFlightDeploymentIsRestoredByUpdateService() {
        bad();
        given("roll", null, inFlight("roll", null, null));
        when(ecs.describeServiceDeployments(any(DescribeServiceDeploymentsRequest.class))).thenAnswer(inv -> {
            DescribeServiceDeploymentsRequest r = inv.getArgument(0);
            return DescribeServiceDeploymentsResponse.builder().failures(r.serviceDeploymentArns().stream()
                    .map(arn -> Failure.builder().arn(arn).reason("MISSING").build()).toList()).build();
        });

        RolloutNotStableException e = rollOut("roll", BAD);

        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, "roll"), e.getMessage());
        assertEquals(List.of("UpdateService roll " + NEW, "UpdateService roll " + OLD), callsOf("roll"));
        assertTrue(e.rolledBackServices().contains("roll"));
        assertTrue(e.getMessage().contains("UpdateService back (no service deployment known"), e.getMessage());
        assertTrue(e.getMessage().contains("): roll to app:1"), "restored to family:revision: " + e.getMessage());
    }

    // ---- the fallbacks --------------------------------------------------------------------------------------------

    @Test
    void aStopRefusedForAccessFallsBackToTheRestoreWithTheRefusalSuppressed() {
        bad();
        given("bg", BLUE_GREEN, inFlight("bg", BLUE_GREEN,
                sd("bg", 1, ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.BAKE_TIME)));
        AccessDeniedException refusal = accessDenied("StopServiceDeployment");
        when(ecs.stopServiceDeployment(any(StopServiceDeploymentRequest.class))).thenThrow(refusal);

        RolloutNotStableException e = rollOut("bg", BAD);

        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, "bg"), e.getMessage());
        assertEquals(List.of("UpdateService bg " + NEW, "UpdateService bg " + OLD), callsOf("bg"));
        assertTrue(e.rolledBackServices().contains("bg"));
        assertTrue(Arrays.asList(e.getSuppressed()).contains(refusal), Arrays.toString(e.getSuppressed()));
        assertTrue(e.getMessage().contains("ECS refused to stop it"), e.getMessage());
    }

    @Test
    void aStopRefusedForATerminalStateFallsBackToTheRestoreWithTheRefusalSuppressed() {
        bad();
        given("roll", null, inFlight("roll", null, sd("roll", 1, ServiceDeploymentStatus.IN_PROGRESS, null)));
        ConflictException refusal = ConflictException.builder().statusCode(400)
                .message("The service deployment is in a terminal state (SUCCESSFUL) and can't be stopped.").build();
        when(ecs.stopServiceDeployment(any(StopServiceDeploymentRequest.class))).thenThrow(refusal);

        RolloutNotStableException e = rollOut("roll", BAD);

        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, "roll"), e.getMessage());
        assertEquals(List.of("UpdateService roll " + NEW, "UpdateService roll " + OLD), callsOf("roll"));
        assertTrue(Arrays.asList(e.getSuppressed()).contains(refusal), Arrays.toString(e.getSuppressed()));
    }

    @Test
    void aContinueRefusedFallsBackToTheRestoreWithTheRefusalSuppressed() {
        bad();
        given("paused", BLUE_GREEN, inFlight("paused", BLUE_GREEN, sd("paused", 1,
                ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.POST_SCALE_UP).toBuilder()
                .lifecycleHookDetails(h -> h.hookId("ecs-pause-1").targetType("PAUSE")
                        .status(DeploymentLifecycleHookStatus.AWAITING_ACTION))
                .build()));
        AccessDeniedException refusal = accessDenied("ContinueServiceDeployment");
        when(ecs.continueServiceDeployment(any(ContinueServiceDeploymentRequest.class))).thenThrow(refusal);

        RolloutNotStableException e = rollOut("paused", BAD);

        assertEquals(RollbackAction.RESTORED_BY_UPDATE, action(e, "paused"), e.getMessage());
        assertEquals(List.of("UpdateService paused " + NEW, "UpdateService paused " + OLD), callsOf("paused"));
        assertTrue(Arrays.asList(e.getSuppressed()).contains(refusal), Arrays.toString(e.getSuppressed()));
        assertTrue(e.getMessage().contains("ECS refused to continue it"), e.getMessage());
    }

    // ---- one budget ------------------------------------------------------------------------------------------------

    @Test
    void aRollbackNotConfirmedInTimeIsNamedAndNotCountedAsRestored() {
        given("slow", null, inFlight("slow", null, sd("slow", 1, ServiceDeploymentStatus.IN_PROGRESS, null)))
                .put("stop", List.of(new Step(twoRevisions("slow", deployment("slow", 3), OLD, NEW, null),
                        sd("slow", 1, ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, null))));

        RolloutNotStableException e = rollOut(rollout().timeout(Duration.ofMillis(300))
                .rollbackTimeout(Duration.ofMillis(100)), "slow");

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertTrue(clock.elapsed().compareTo(Duration.ofMillis(300)) <= 0, "within the timeout: " + clock.elapsed());
        assertEquals(RollbackAction.STOPPED_WITH_ROLLBACK, action(e, "slow"));
        assertEquals(List.of(), e.rolledBackServices());
        assertTrue(e.getMessage().contains("NOT restored: slow (still rolling back when the time ran out; ECS goes "
                + "on with it)"), e.getMessage());
    }

    @Test
    void withATimeoutAndNoRollbackTimeoutTheRollbackIsStillSent() {
        given("slow", null, inFlight("slow", null, sd("slow", 1, ServiceDeploymentStatus.IN_PROGRESS, null)))
                .put("stop", List.of(new Step(twoRevisions("slow", deployment("slow", 3), OLD, NEW, null),
                        sd("slow", 1, ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, null))));

        RolloutNotStableException e = rollOut(ServiceRollout.builder().ecsClient(ecs).clock(clock)
                .delay(Duration.ofMillis(1)).fetchStoppedTasks(false).rollbackOnFailure(true)
                .timeout(Duration.ofMillis(300)), "slow");

        assertEquals(Reason.TIMED_OUT, e.reason());
        // The rollback's calls get 2 s even when no time is left; on the virtual clock they take none of it but their
        // turns at the DescribeServices pace (20 a second at a 1 ms delay).
        assertTrue(clock.elapsed().compareTo(Duration.ofMillis(300).plusSeconds(2)) <= 0,
                "within the timeout and the rollback's 2 s for its calls: " + clock.elapsed());
        assertEquals(List.of("UpdateService slow " + NEW, "StopServiceDeployment slow ROLLBACK"), callsOf("slow"),
                "the lookup and the stop are made although no time is left for the wait");
        assertEquals(List.of(), e.rolledBackServices());
        assertTrue(e.getMessage().contains("slow (still rolling back when the time ran out"), e.getMessage());
        assertEquals(0, e.getSuppressed().length, "nothing failed: there was no time to watch");
    }

    // ---- every service watched to its end ---------------------------------------------------------------------

    @Test
    void aRestoreThatFailsDoesNotEndTheWatchOfAServiceStillRollingBack() {
        bad();
        next.get(BAD).put("restore", List.of(new Step(service(BAD, 0, 2, failed(deployment(BAD, 2), "PRIMARY",
                BREAKER)), null)));
        List<Step> slowRollback = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            slowRollback.add(new Step(twoRevisions("roll", deployment("roll", 3), OLD, NEW, null),
                    sd("roll", 1, ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, null)));
        }
        slowRollback.addAll(ecsRollsBack("roll", null));
        given("roll", null, inFlight("roll", null, sd("roll", 1, ServiceDeploymentStatus.IN_PROGRESS, null)))
                .put("stop", slowRollback);

        RolloutNotStableException e = rollOut("roll", BAD);

        assertEquals(List.of("roll"), e.rolledBackServices(), e.getMessage());
        assertTrue(e.getMessage().contains(BAD + " (rollback not confirmed: DEPLOYMENT_FAILED)"), e.getMessage());
    }

    // ---- INTERRUPTED: not rolled back ---------------------------------------------------------------------------

    @Test
    void anInterruptedRolloutIsNotRolledBackAndSaysWhatItChangedAsLastSeen() {
        given("a", BLUE_GREEN, inFlight("a", BLUE_GREEN,
                sd("a", 1, ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentLifecycleStage.BAKE_TIME)));
        given("b", null, new Step(steady("b", deployment("b", 1), NEW, null), null));
        Thread caller = Thread.currentThread();
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
            DescribeServicesRequest r = inv.getArgument(0);
            List<Service> answer = new ArrayList<>();
            for (String name : r.services()) {
                if (polls.merge(name, 1, Integer::sum) == 3) {
                    caller.interrupt(); // a's second poll after the update: the rollout is watching
                }
                answer.add(current(name).service());
            }
            return DescribeServicesResponse.builder().services(answer).build();
        });

        RolloutNotStableException e;
        try {
            e = rollOut(rollout().delay(Duration.ofMillis(20)), "a", "b");
        } finally {
            Thread.interrupted();
        }

        assertEquals(Reason.INTERRUPTED, e.reason());
        assertEquals(List.of("a", "b"), e.updatedServices());
        assertEquals(List.of(), e.rolledBackServices());
        assertEquals(List.of("UpdateService a " + NEW), callsOf("a"));
        assertEquals(List.of("UpdateService b " + NEW), callsOf("b"));
        assertEquals(RollbackAction.NONE, action(e, "a"));
        assertEquals(Verdict.IN_PROGRESS, e.serviceState("a").orElseThrow().verdict());
        assertEquals(Verdict.STABLE, e.serviceState("b").orElseThrow().verdict());
        assertTrue(e.getMessage().contains("not rolled back (interrupted); changed by this rollout, as last seen: "
                + "a: IN_PROGRESS on app:2; b: STABLE on app:2"), e.getMessage());
    }
}
