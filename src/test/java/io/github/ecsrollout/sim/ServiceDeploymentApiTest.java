package io.github.ecsrollout.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AccessDeniedException;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ConflictException;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookStage;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentBrief;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentNotFoundException;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.ServiceRevisionCleanup;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;

/** The four service-deployment operations, their shapes and errors, through the real SDK client. */
class ServiceDeploymentApiTest extends SimTestBase {

    private static final String ARN = "arn:aws:ecs:us-east-1:123456789012:";
    private static final String TD = ARN + "task-definition/";


    private Service describe(String name) {
        return client.describeServices(b -> b.cluster("prod").services(name)).services().get(0);
    }

    private ServiceDeployment sd(String arn) {
        return client.describeServiceDeployments(b -> b.serviceDeploymentArns(arn)).serviceDeployments().get(0);
    }

    private String deploy(String name, String taskDefinition) {
        return client.updateService(b -> b.cluster("prod").service(name).taskDefinition(taskDefinition)).service()
                .currentServiceDeployment();
    }

    @Test
    void everyDeploymentHasAServiceDeploymentWhoseRevisionEndsInTheDeploymentsNumber() {
        ecs.createService("prod", "web", ServiceScript.stableAfter(Duration.ofSeconds(10)));
        Service before = describe("web");
        String firstArn = before.currentServiceDeployment();
        String oldId = before.deployments().get(0).id();

        var update = client.updateService(b -> b.cluster("prod").service("web").taskDefinition("web:2")).service();
        String newId = update.deployments().get(0).id();
        String arn = update.currentServiceDeployment();
        assertNotEquals(firstArn, arn, "UpdateService's answer already names the new service deployment");
        assertTrue(arn.matches("arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/[A-Za-z0-9_]{21}"), arn);
        assertFalse(arn.endsWith(newId.substring("ecs-svc/".length())), "the token is unrelated to the deployment id");

        ServiceDeployment sd = sd(arn);
        String revisionPrefix = ARN + "service-revision/prod/web/";
        assertEquals(revisionPrefix + newId.substring("ecs-svc/".length()), sd.targetServiceRevision().arn());
        assertEquals(List.of(revisionPrefix + oldId.substring("ecs-svc/".length())),
                sd.sourceServiceRevisions().stream().map(r -> r.arn()).toList());
        assertEquals(ARN + "service/prod/web", sd.serviceArn());
        assertEquals(ARN + "cluster/prod", sd.clusterArn());
        assertEquals(clock.instant(), sd.createdAt());
        assertEquals(ServiceDeploymentStatus.IN_PROGRESS, sd.status());
        assertEquals(DeploymentStrategy.ROLLING, sd.deploymentConfiguration().strategy());
        assertEquals(ServiceDeploymentRollbackMonitorsStatus.DISABLED, sd.deploymentCircuitBreaker().status());
        assertEquals(ServiceDeploymentRollbackMonitorsStatus.DISABLED, sd.alarms().status());
        assertNull(sd.lifecycleStage(), "rolling deployments have no lifecycle stage here");

        clock.advance(Duration.ofSeconds(10));
        ServiceDeployment done = sd(arn);
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, done.status());
        assertEquals(clock.instant(), done.finishedAt());
        assertEquals(clock.instant(), done.updatedAt());
        assertEquals(2, done.targetServiceRevision().runningTaskCount());
        assertEquals(arn, describe("web").currentServiceDeployment());
    }

    @Test
    void listIsNewestFirstFiltersByStatusAndTimeAndPages() {
        ecs.createService("prod", "web", ServiceScript.stableAfter(Duration.ofSeconds(10)));
        Instant created = clock.instant();
        for (int revision = 2; revision <= 25; revision++) {
            clock.advance(Duration.ofSeconds(20));
            int r = revision;
            deploy("web", "web:" + r);
        }
        ListServiceDeploymentsResponse first = client.listServiceDeployments(b -> b.cluster("prod").service("web"));
        assertEquals(20, first.serviceDeployments().size(), "20 unless maxResults says otherwise");
        assertEquals(describe("web").currentServiceDeployment(), first.serviceDeployments().get(0).serviceDeploymentArn());
        ServiceDeploymentBrief newest = first.serviceDeployments().get(0);
        assertEquals(ServiceDeploymentStatus.IN_PROGRESS, newest.status());
        assertTrue(newest.targetServiceRevisionArn().startsWith(ARN + "service-revision/prod/web/"));
        var rest = client.listServiceDeployments(b -> b.cluster("prod").service(ARN + "service/prod/web")
                .nextToken(first.nextToken()));
        assertEquals(5, rest.serviceDeployments().size());
        assertNull(rest.nextToken());
        assertEquals(created, rest.serviceDeployments().get(4).createdAt(), "the deployment the service was created with");

        var successful = client.listServiceDeployments(b -> b.cluster("prod").service("web").maxResults(100)
                .status(ServiceDeploymentStatus.SUCCESSFUL));
        assertEquals(24, successful.serviceDeployments().size());
        var recent = client.listServiceDeployments(b -> b.cluster("prod").service("web")
                .createdAt(c -> c.after(clock.instant().minusSeconds(30))));
        assertEquals(2, recent.serviceDeployments().size());
        var early = client.listServiceDeployments(b -> b.cluster("prod").service("web")
                .createdAt(c -> c.before(created.plusSeconds(1))));
        assertEquals(1, early.serviceDeployments().size());
    }

    @Test
    void listAnswersLikeEcsForMissingServicesClustersAndBadPages() {
        ecs.createService("prod", "web", ServiceScript.stableAfter(Duration.ZERO));
        assertThrows(ServiceNotFoundException.class, () -> client.listServiceDeployments(b -> b.cluster("prod").service("ghost")));
        assertThrows(ClusterNotFoundException.class, () -> client.listServiceDeployments(b -> b.cluster("nope").service("web")));
        assertThrows(InvalidParameterException.class,
                () -> client.listServiceDeployments(b -> b.cluster("prod").service("web").maxResults(101)));
        assertEquals(3, ecs.stats().count("ListServiceDeployments"), "recorded like every other operation");
        assertEquals("prod", ecs.stats().calls("ListServiceDeployments").get(0).cluster());
    }

    @Test
    void describeReportsUnknownArnsAsMissingAndRefusesMoreThanTwenty() {
        ecs.createService("prod", "web", ServiceScript.stableAfter(Duration.ZERO));
        String known = describe("web").currentServiceDeployment();
        String unknown = ARN + "service-deployment/prod/web/AAAAAAAAAAAAAAAAAAAAA";
        var r = client.describeServiceDeployments(b -> b.serviceDeploymentArns(known, unknown));
        assertEquals(1, r.serviceDeployments().size());
        assertEquals(unknown, r.failures().get(0).arn());
        assertEquals("MISSING", r.failures().get(0).reason());

        List<String> many = IntStream.range(0, 21).mapToObj(i -> known).toList();
        InvalidParameterException tooMany = assertThrows(InvalidParameterException.class,
                () -> client.describeServiceDeployments(b -> b.serviceDeploymentArns(many)));
        assertEquals(400, tooMany.statusCode());
        assertEquals(20, client.describeServiceDeployments(b -> b.serviceDeploymentArns(many.subList(0, 20)))
                .serviceDeployments().size());
        assertEquals("prod", ecs.stats().calls("DescribeServiceDeployments").get(0).cluster(), "cluster read from the ARN");
    }

    @Test
    void stopWithRollbackReturnsToThePreviousRevision() {
        ecs.createService(ServiceSpec.of("prod", "web").taskDefinition("web:4")
                .script(ServiceScript.neverStable()));
        String arn = deploy("web", "web:5");
        clock.advance(Duration.ofSeconds(3));
        var answer = client.stopServiceDeployment(b -> b.serviceDeploymentArn(arn));
        assertEquals(arn, answer.serviceDeploymentArn());
        ServiceDeployment requested = sd(arn);
        assertEquals(ServiceDeploymentStatus.ROLLBACK_REQUESTED, requested.status());
        assertEquals(clock.instant(), requested.rollback().startedAt());
        assertEquals(requested.sourceServiceRevisions().get(0).arn(), requested.rollback().serviceRevisionArn());
        assertTrue(requested.rollback().reason().contains("StopServiceDeployment"), requested.rollback().reason());

        clock.advance(ServiceDeploymentApi.STOP_ROLLBACK_TAKES.dividedBy(2));
        assertEquals(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, sd(arn).status());
        clock.advance(ServiceDeploymentApi.STOP_ROLLBACK_TAKES.dividedBy(2));
        assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, sd(arn).status());
        Service back = describe("web");
        assertEquals(1, back.deployments().size());
        assertEquals(TD + "web:4", back.taskDefinition());
        assertEquals(back.desiredCount(), back.runningCount());

        ConflictException done = assertThrows(ConflictException.class,
                () -> client.stopServiceDeployment(b -> b.serviceDeploymentArn(arn)));
        assertEquals(400, done.statusCode());
        assertThrows(ServiceDeploymentNotFoundException.class,
                () -> client.stopServiceDeployment(b -> b.serviceDeploymentArn(ARN + "service-deployment/prod/web/nope")));
    }

    @Test
    void stopWithAbortStopsWhereItIs() {
        ecs.createService(ServiceSpec.of("prod", "web").script(ServiceScript.stableAfter(Duration.ofSeconds(30))));
        String arn = deploy("web", "web:2");
        clock.advance(Duration.ofSeconds(5));
        client.stopServiceDeployment(b -> b.serviceDeploymentArn(arn).stopType(StopServiceDeploymentStopType.ABORT));
        assertEquals(ServiceDeploymentStatus.STOP_REQUESTED, sd(arn).status());
        clock.advance(ServiceDeploymentApi.ABORT_TAKES);
        ServiceDeployment stopped = sd(arn);
        assertEquals(ServiceDeploymentStatus.STOPPED, stopped.status());
        assertEquals(clock.instant(), stopped.stoppedAt());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(2, describe("web").deployments().size(), "nothing moves after an abort");
    }

    @Test
    void aReplacedDeploymentIsStopRequestedThenStopped() {
        ecs.createService(ServiceSpec.of("prod", "web").script(ServiceScript.stableAfter(Duration.ofSeconds(20))));
        String ours = deploy("web", "web:2");
        clock.advance(Duration.ofSeconds(5));
        String theirs = ecs.service("prod", "web").deployAsSomeoneElse("web:3");
        ServiceDeployment replaced = sd(ours);
        assertEquals(ServiceDeploymentStatus.STOP_REQUESTED, replaced.status());
        assertEquals(SimService.REPLACED, replaced.statusReason());
        Service both = describe("web");
        assertEquals(theirs, both.deployments().get(0).id());
        assertEquals("ACTIVE", both.deployments().get(1).status());
        assertNotEquals(ours, both.currentServiceDeployment());

        clock.advance(Duration.ofSeconds(20));
        ServiceDeployment stopped = sd(ours);
        assertEquals(ServiceDeploymentStatus.STOPPED, stopped.status());
        assertEquals(SimService.REPLACED, stopped.statusReason());
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, sd(both.currentServiceDeployment()).status());
        assertEquals(1, describe("web").deployments().size());
    }

    @Test
    void twoUpdatesCloseTogetherShowTwoDeploymentsOfOurs() {
        ecs.createService(ServiceSpec.of("prod", "web").script(ServiceScript.stableAfter(Duration.ofSeconds(20))));
        String first = deploy("web", "web:2");
        clock.advance(Duration.ofMillis(200));
        String second = deploy("web", "web:3");
        var briefs = client.listServiceDeployments(b -> b.cluster("prod").service("web")).serviceDeployments();
        assertEquals(List.of(second, first), briefs.subList(0, 2).stream().map(ServiceDeploymentBrief::serviceDeploymentArn).toList());
        assertEquals(3, describe("web").deployments().size(), "both new deployments and the old one");
        assertEquals(ServiceDeploymentStatus.STOP_REQUESTED, sd(first).status());
        assertEquals(ServiceDeploymentStatus.IN_PROGRESS, sd(second).status());
    }

    @Test
    void aStaleCurrentServiceDeploymentLagsOneBehind() {
        ecs.createService(ServiceSpec.of("prod", "web").staleCurrentServiceDeployment()
                .script(ServiceScript.stableAfter(Duration.ofSeconds(5))));
        String initial = client.listServiceDeployments(b -> b.cluster("prod").service("web")).serviceDeployments().get(0)
                .serviceDeploymentArn();
        String named = deploy("web", "web:2");
        assertEquals(initial, named, "still the deployment before the new one");
        assertNotEquals(initial, ecs.service("prod", "web").latestServiceDeploymentArn());
    }

    @Test
    void withoutHistoryNothingIsListedAndTheCurrentArnIsMissing() {
        ecs.createService(ServiceSpec.of("prod", "web").noServiceDeploymentHistory()
                .script(ServiceScript.stableAfter(Duration.ofSeconds(5))));
        String arn = deploy("web", "web:2");
        assertTrue(client.listServiceDeployments(b -> b.cluster("prod").service("web")).serviceDeployments().isEmpty());
        var r = client.describeServiceDeployments(b -> b.serviceDeploymentArns(arn));
        assertTrue(r.serviceDeployments().isEmpty());
        assertEquals("MISSING", r.failures().get(0).reason());
        assertThrows(ServiceDeploymentNotFoundException.class, () -> client.stopServiceDeployment(b -> b.serviceDeploymentArn(arn)));
    }

    @Test
    void accessDeniedOnTheNewOperationsLeavesTheOldOnesWorking() {
        ecs.createService("prod", "web", ServiceScript.stableAfter(Duration.ZERO));
        ecs.faults().denyServiceDeployments();
        String arn = describe("web").currentServiceDeployment();
        AccessDeniedException list = assertThrows(AccessDeniedException.class,
                () -> client.listServiceDeployments(b -> b.cluster("prod").service("web")));
        assertEquals(400, list.statusCode());
        assertTrue(list.awsErrorDetails().errorMessage().contains("ecs:ListServiceDeployments"));
        assertThrows(AccessDeniedException.class, () -> client.describeServiceDeployments(b -> b.serviceDeploymentArns(arn)));
        assertThrows(AccessDeniedException.class, () -> client.stopServiceDeployment(b -> b.serviceDeploymentArn(arn)));
        assertThrows(AccessDeniedException.class,
                () -> client.continueServiceDeployment(b -> b.serviceDeploymentArn(arn).hookId("h")));
        assertEquals(1, client.describeServices(b -> b.cluster("prod").services("web")).services().size());
        assertEquals(1, ecs.stats().count("ContinueServiceDeployment"), "AccessDenied is not retried");
    }

    @Test
    void faultsTargetTheNewOperationsByName() {
        ecs.createService("prod", "web", ServiceScript.stableAfter(Duration.ZERO));
        ecs.faults().next(1, "ListServiceDeployments").throttle();
        EcsClient retrying = ecs.client(o -> o.retryStrategy(SimulatedEcs.fastRetries(2)));
        assertEquals(1, retrying.listServiceDeployments(b -> b.cluster("prod").service("web")).serviceDeployments().size());
        assertEquals(List.of(400, 200), ecs.stats().calls("ListServiceDeployments").stream()
                .map(SimStats.Call::httpStatus).toList());
    }

    @Test
    void continueRefusesADeploymentThatIsNotPaused() {
        ecs.createService("prod", "web", ServiceScript.stableAfter(Duration.ofSeconds(10)));
        String arn = deploy("web", "web:2");
        assertThrows(ClientException.class, () -> client.continueServiceDeployment(b -> b.serviceDeploymentArn(arn).hookId("x")));
        assertThrows(ServiceDeploymentNotFoundException.class,
                () -> client.continueServiceDeployment(b -> b.serviceDeploymentArn(arn + "x").hookId("x")));
    }

    @Test
    void updateServiceKeepsAndEchoesTheDeploymentConfiguration() {
        ecs.createService(ServiceSpec.of("prod", "web").strategy("CANARY").canaryConfiguration(10.0, 3).bakeTimeInMinutes(7)
                .alarms(true, "p99-latency").earlySuccessCriteria(80, "DEFERRED"));
        var created = describe("web").deploymentConfiguration();
        assertEquals(DeploymentStrategy.CANARY, created.strategy());
        assertEquals(10.0, created.canaryConfiguration().canaryPercent());
        assertEquals(7, created.bakeTimeInMinutes());
        assertEquals(List.of("p99-latency"), created.alarms().alarmNames());
        assertEquals(ServiceRevisionCleanup.DEFERRED, created.earlySuccessCriteria().sourceServiceRevisionCleanup());

        var updated = client.updateService(b -> b.cluster("prod").service("web").deploymentConfiguration(c -> c
                .strategy(DeploymentStrategy.LINEAR).linearConfiguration(l -> l.stepPercent(25.0).stepBakeTimeInMinutes(2))
                .lifecycleHooks(h -> h.targetType("PAUSE").lifecycleStages(DeploymentLifecycleHookStage.POST_SCALE_UP)))).service()
                .deploymentConfiguration();
        assertEquals(DeploymentStrategy.LINEAR, updated.strategy());
        assertEquals(25.0, updated.linearConfiguration().stepPercent());
        assertEquals(7, updated.bakeTimeInMinutes(), "a field left out keeps its value");
        assertEquals("PAUSE", updated.lifecycleHooks().get(0).targetTypeAsString());
        assertEquals(List.of("p99-latency"), describe("web").deploymentConfiguration().alarms().alarmNames());

        assertThrows(InvalidParameterException.class, () -> client.updateService(b -> b.cluster("prod").service("web")
                .deploymentConfiguration(c -> c.strategy("SIDEWAYS").maximumPercent(150))));
        assertEquals(200, describe("web").deploymentConfiguration().maximumPercent(), "a refused update changes nothing");
    }
}
