package io.github.ecsrollout.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.model.AccessDeniedException;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ConflictException;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookAction;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookDetail;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHookStatus;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DeploymentStrategy;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.EcsRequest;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentNotFoundException;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.ServiceNotActiveException;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/** The fake answers each operation as ECS does, moves a service one step per poll, and records every request. */
class FakeEcsTest {

    private static final String ACCOUNT = "arn:aws:ecs:us-east-1:123456789012:";

    private final FakeEcs ecs = FakeEcs.create();

    private Service poll(String cluster, String service) {
        DescribeServicesResponse answer = ecs.describeServices(r -> r.cluster(cluster).services(service));
        assertEquals(List.of(), answer.failures());
        return answer.services().get(0);
    }

    private void update(String cluster, String service, String taskDefinition) {
        ecs.updateService(r -> r.cluster(cluster).service(service).taskDefinition(taskDefinition));
    }

    /** The service deployment the latest update started, as DescribeServiceDeployments shows it now. */
    private ServiceDeployment latest(String cluster, String service) {
        String arn = ecs.listServiceDeployments(r -> r.cluster(cluster).service(service)).serviceDeployments().get(0)
                .serviceDeploymentArn();
        return ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(arn)).serviceDeployments().get(0);
    }

    private static Deployment primary(Service s) {
        return s.deployments().stream().filter(d -> d.status().equals("PRIMARY")).findFirst().orElseThrow();
    }

    private static String number(String deploymentIdOrArn) {
        return deploymentIdOrArn.substring(deploymentIdOrArn.lastIndexOf('/') + 1);
    }

    @Test
    void aRevisionsContentIsReportedUnderTheFakesOwnArnRevisionAndStatus() {
        FakeEcs ecs = FakeEcs.create();
        ecs.taskDefinition("web:4", TaskDefinition.builder()
                .taskDefinitionArn("arn:elsewhere").revision(99).cpu("512")
                .containerDefinitions(c -> c.name("app").image("repo/web:4")).build());

        var described = ecs.describeTaskDefinition(DescribeTaskDefinitionRequest.builder().taskDefinition("web")
                .build()).taskDefinition();

        assertEquals("arn:aws:ecs:us-east-1:123456789012:task-definition/web:4", described.taskDefinitionArn());
        assertEquals(4, described.revision());
        assertEquals("ACTIVE", described.statusAsString());
        assertEquals("512", described.cpu());
        assertEquals("repo/web:4", described.containerDefinitions().get(0).image());
        assertEquals("123456789012.dkr.ecr.us-east-1.amazonaws.com/web:3", ecs.describeTaskDefinition(
                DescribeTaskDefinitionRequest.builder().taskDefinition("web:3").build()).taskDefinition()
                .containerDefinitions().get(0).image(), "a revision without content runs its default image");
        assertThrows(IllegalArgumentException.class, () -> ecs.taskDefinition("web",
                TaskDefinition.builder().build()));
    }

    @Test
    void aNewServiceIsActiveAndStableOnItsFirstTaskDefinitionWithArnsFilledIn() {
        ecs.service("prod", "web");

        Service web = poll("prod", "web");

        assertEquals("web", web.serviceName());
        assertEquals(ACCOUNT + "service/prod/web", web.serviceArn());
        assertEquals(ACCOUNT + "cluster/prod", web.clusterArn());
        assertEquals("ACTIVE", web.status());
        assertEquals(ACCOUNT + "task-definition/web:1", web.taskDefinition());
        assertEquals(2, web.runningCount());
        assertEquals(2, web.desiredCount());
        assertEquals(1, web.deployments().size());
        assertEquals(DeploymentRolloutState.COMPLETED, primary(web).rolloutState());
        assertTrue(primary(web).id().matches("ecs-svc/\\d{19}"), primary(web).id());
        assertEquals(number(primary(web).id()), number(latest("prod", "web").targetServiceRevision().arn()));
        assertEquals(latest("prod", "web").serviceDeploymentArn(), web.currentServiceDeployment());
        assertEquals(DeploymentStrategy.ROLLING, web.deploymentConfiguration().strategy());
    }

    @Test
    void servicesAreFoundByNameOrArnLikeEcsAndUnknownOnesAreMissing() {
        ecs.service("prod", "web");
        ecs.service("default", "api");

        DescribeServicesResponse answer = ecs.describeServices(r -> r.cluster(ACCOUNT + "cluster/prod").services(
                "web", ACCOUNT + "service/prod/web", ACCOUNT + "service/web", "ghost", ACCOUNT + "service/other/web",
                "arn:aws:ecs:eu-west-1:123456789012:service/prod/web"));

        assertEquals(3, answer.services().size());
        assertEquals(List.of(ACCOUNT + "service/prod/ghost", ACCOUNT + "service/other/web",
                "arn:aws:ecs:eu-west-1:123456789012:service/prod/web"),
                answer.failures().stream().map(f -> f.arn()).toList());
        assertTrue(answer.failures().stream().allMatch(f -> f.reason().equals("MISSING")));
        assertEquals("api", ecs.describeServices(r -> r.services("api")).services().get(0).serviceName(),
                "no cluster means default");
        ClusterNotFoundException noCluster = assertThrows(ClusterNotFoundException.class,
                () -> ecs.describeServices(r -> r.cluster("nope").services("web")));
        assertEquals("ClusterNotFoundException", noCluster.awsErrorDetails().errorCode());
        assertEquals(400, noCluster.statusCode());
    }

    @Test
    void describeServicesTakesOneToTenServices() {
        ecs.service("prod", "web");

        assertThrows(InvalidParameterException.class, () -> ecs.describeServices(r -> r.cluster("prod")));
        assertThrows(InvalidParameterException.class, () -> ecs.describeServices(r -> r.cluster("prod")
                .services(IntStream.range(0, 11).mapToObj(i -> "web").toList())));
    }

    @Test
    void anUpdateStartsADeploymentThatBecomesStableOnTheNthPoll() {
        ecs.service("prod", "web").becomesStableAfter(3);
        String before = primary(poll("prod", "web")).id();

        Service answer = ecs.updateService(r -> r.cluster("prod").service("web").taskDefinition("web:2")).service();

        Deployment started = primary(answer);
        assertNotEquals(before, started.id());
        assertEquals(ACCOUNT + "task-definition/web:2", started.taskDefinition());
        assertEquals(DeploymentRolloutState.IN_PROGRESS, started.rolloutState());
        assertEquals(0, started.runningCount());
        assertEquals(List.of("PRIMARY", "ACTIVE"), answer.deployments().stream().map(Deployment::status).toList());
        assertEquals(ServiceDeploymentStatus.PENDING, latest("prod", "web").status());
        assertEquals(number(started.id()), number(latest("prod", "web").targetServiceRevision().arn()));
        for (int poll = 1; poll < 3; poll++) {
            Service s = poll("prod", "web");
            assertEquals(2, s.deployments().size(), "poll " + poll);
            assertEquals(DeploymentRolloutState.IN_PROGRESS, primary(s).rolloutState());
            assertEquals(ServiceDeploymentStatus.IN_PROGRESS, latest("prod", "web").status());
        }
        Service stable = poll("prod", "web");
        assertEquals(List.of(started.id()), stable.deployments().stream().map(Deployment::id).toList());
        assertEquals(DeploymentRolloutState.COMPLETED, primary(stable).rolloutState());
        assertEquals(2, stable.runningCount());
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, latest("prod", "web").status());
        assertTrue(stable.events().get(0).message().endsWith("has reached a steady state."));
        assertEquals(4, ecs.service("prod", "web").polls(), "the read before the update counts too");
    }

    @Test
    void theCircuitBreakerFailsTheDeploymentAndLeavesStoppedTasksToFind() {
        ecs.service("prod", "web").circuitBreakerTripsAfter(2);
        update("prod", "web", "web:2");

        Service deploying = poll("prod", "web");
        Service failed = poll("prod", "web");

        assertEquals(DeploymentRolloutState.IN_PROGRESS, primary(deploying).rolloutState());
        Deployment ours = primary(failed);
        assertEquals(DeploymentRolloutState.FAILED, ours.rolloutState());
        assertEquals("ECS deployment circuit breaker: tasks failed to start.", ours.rolloutStateReason());
        assertEquals(3, ours.failedTasks());
        assertFalse(failed.deploymentConfiguration().deploymentCircuitBreaker().rollback());
        ServiceDeployment sd = latest("prod", "web");
        assertEquals(ServiceDeploymentStatus.STOPPED, sd.status());
        assertEquals(ServiceDeploymentRollbackMonitorsStatus.TRIGGERED, sd.deploymentCircuitBreaker().status());
        assertEquals(3, sd.deploymentCircuitBreaker().failureCount());
        ListTasksResponse listed = ecs.listTasks(r -> r.cluster("prod").startedBy(ours.id()).desiredStatus("STOPPED"));
        assertEquals(3, listed.taskArns().size());
        List<Task> tasks = ecs.describeTasks(r -> r.cluster("prod").tasks(listed.taskArns())).tasks();
        assertEquals(3, tasks.size());
        assertEquals("Essential container in task exited", tasks.get(0).stoppedReason());
        assertEquals(1, tasks.get(0).containers().get(0).exitCode());
        assertEquals(ours.taskDefinition(), tasks.get(0).taskDefinitionArn());
        assertEquals(List.of(), ecs.listTasks(r -> r.cluster("prod").startedBy(ours.id())).taskArns(),
                "running tasks are not kept");
        assertEquals(1, ecs.describeTasks(r -> r.cluster("prod").tasks("nope")).failures().size());
    }

    @Test
    void theCircuitBreakerWithRollbackGoesBackWithinItsServiceDeployment() {
        ecs.service("prod", "web").circuitBreakerRollsBackAfter(1);
        update("prod", "web", "web:2");

        Service rollingBack = poll("prod", "web");

        assertEquals(ACCOUNT + "task-definition/web:1", primary(rollingBack).taskDefinition());
        Deployment ours = rollingBack.deployments().stream()
                .filter(d -> d.taskDefinition().endsWith("web:2")).findFirst().orElseThrow();
        assertEquals("ACTIVE", ours.status());
        assertEquals(DeploymentRolloutState.FAILED, ours.rolloutState());
        ServiceDeployment sd = latest("prod", "web");
        assertEquals(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, sd.status());
        assertEquals(number(ours.id()), number(sd.targetServiceRevision().arn()));
        assertEquals(sd.serviceDeploymentArn(), rollingBack.currentServiceDeployment());
        assertTrue(sd.rollback().reason().contains("circuit breaker"), sd.rollback().reason());

        Service back = poll("prod", "web");

        assertEquals(1, back.deployments().size());
        assertEquals(ACCOUNT + "task-definition/web:1", back.taskDefinition());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, latest("prod", "web").status());
    }

    @Test
    void aServiceThatNeverSettlesSaysWhy() {
        ecs.service("prod", "web").neverStable();
        update("prod", "web", "web:2");

        Service s = null;
        for (int i = 0; i < 10; i++) {
            s = poll("prod", "web");
        }

        assertEquals(2, s.deployments().size());
        assertEquals(0, primary(s).runningCount());
        assertTrue(s.events().get(0).message().contains("was unable to place a task"), s.events().get(0).message());
        assertEquals(ServiceDeploymentStatus.IN_PROGRESS, latest("prod", "web").status());
    }

    @Test
    void aServiceThatGoesMissingIsMissingEverywhere() {
        ecs.service("prod", "web").goesMissingAfter(2);
        update("prod", "web", "web:2");
        poll("prod", "web");

        DescribeServicesResponse gone = ecs.describeServices(r -> r.cluster("prod").services("web"));

        assertEquals(List.of(), gone.services());
        assertEquals(ACCOUNT + "service/prod/web", gone.failures().get(0).arn());
        assertThrows(ServiceNotFoundException.class, () -> update("prod", "web", "web:3"));
        assertThrows(ServiceNotFoundException.class, () -> ecs.listServiceDeployments(r -> r.cluster("prod")
                .service("web")));
        assertTrue(ecs.service("prod", "web").describe().isEmpty());
        ecs.service("prod", "api").missing();
        assertEquals(1, ecs.describeServices(r -> r.cluster("prod").services("api")).failures().size());
    }

    @Test
    void anInactiveServiceIsShownAndRefusesUpdates() {
        ecs.service("prod", "web").goesInactiveAfter(1);
        update("prod", "web", "web:2");

        Service s = poll("prod", "web");

        assertEquals("INACTIVE", s.status());
        assertEquals(0, s.runningCount());
        ServiceNotActiveException e = assertThrows(ServiceNotActiveException.class, () -> update("prod", "web", "x:1"));
        assertEquals("ServiceNotActiveException", e.awsErrorDetails().errorCode());
        ecs.service("prod", "api").inactive();
        assertEquals("INACTIVE", poll("prod", "api").status());
    }

    @Test
    void someoneElsesDeploymentSupersedesOurs() {
        ecs.service("prod", "web").supersededAfter(1);
        update("prod", "web", "web:2");
        String ours = latest("prod", "web").serviceDeploymentArn();

        Service replaced = poll("prod", "web");

        assertEquals(ACCOUNT + "task-definition/web:3", primary(replaced).taskDefinition());
        assertEquals(ACCOUNT + "task-definition/web:2", replaced.deployments().get(1).taskDefinition());
        assertNotEquals(ours, replaced.currentServiceDeployment());
        ServiceDeployment mine = ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(ours))
                .serviceDeployments().get(0);
        assertEquals(ServiceDeploymentStatus.STOP_REQUESTED, mine.status());
        assertEquals("Replaced by a new service deployment", mine.statusReason());

        Service theirs = poll("prod", "web");

        assertEquals(1, theirs.deployments().size());
        assertEquals(ServiceDeploymentStatus.STOPPED, ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(
                ours)).serviceDeployments().get(0).status());
        assertEquals(0, ecs.updates().size() - 1, "their deployment is not a call of ours");
    }

    @Test
    void rejectedUpdatesChangeNothingButARollbackIsStillAccepted() {
        ecs.service("prod", "web").rejectsUpdates();
        String before = poll("prod", "web").taskDefinition();

        InvalidParameterException e = assertThrows(InvalidParameterException.class,
                () -> update("prod", "web", "web:2"));

        assertEquals("InvalidParameterException", e.awsErrorDetails().errorCode());
        assertEquals(before, poll("prod", "web").taskDefinition());
        AccessDeniedException denied = AccessDeniedException.builder().message("no").build();
        ecs.service("prod", "api").taskDefinition("api:7").becomesStableAfter(1).deploy("api:8")
                .rejectsUpdates(denied);
        poll("prod", "api");
        assertSame(denied, assertThrows(AccessDeniedException.class, () -> update("prod", "api", "api:9")));
        update("prod", "api", ecs.taskDefinitionArn("api:7"));
        assertEquals(ecs.taskDefinitionArn("api:7"), poll("prod", "api").taskDefinition());
    }

    @Test
    void aReturnToATaskDefinitionTheServiceWasStableOnIsNotScripted() {
        ecs.service("prod", "web").neverStable();

        update("prod", "web", ecs.taskDefinitionArn("web:1"));
        assertEquals(1, poll("prod", "web").deployments().size(), "the same task definition: no deployment");
        ecs.updateService(r -> r.cluster("prod").service("web").forceNewDeployment(true));
        assertEquals(2, poll("prod", "web").deployments().size(), "a forced one follows the script");
        update("prod", "web", "web:2");
        assertEquals(DeploymentRolloutState.IN_PROGRESS, primary(poll("prod", "web")).rolloutState(),
                "a new one follows the script");
        update("prod", "web", "web:1");

        assertEquals(1, poll("prod", "web").deployments().size(), "back on web:1: stable on the next poll");
    }

    @Test
    void aDesiredCountAloneStartsNoDeployment() {
        ecs.service("prod", "web");
        String before = primary(poll("prod", "web")).id();

        ecs.updateService(r -> r.cluster("prod").service("web").desiredCount(5));

        Service s = poll("prod", "web");
        assertEquals(before, primary(s).id());
        assertEquals(5, s.runningCount());
        assertEquals(5, s.desiredCount());
        assertThrows(InvalidParameterException.class, () -> ecs.updateService(r -> r.cluster("prod").service("web")
                .desiredCount(-1)));
    }

    @Test
    void aBlueGreenDeploymentWalksItsStagesAPollEachAndBakes() {
        ecs.service("prod", "web").blueGreen(2);
        assertEquals(DeploymentStrategy.BLUE_GREEN, poll("prod", "web").deploymentConfiguration().strategy());
        update("prod", "web", "web:2");

        List<ServiceDeploymentLifecycleStage> stages = new java.util.ArrayList<>();
        Service s = poll("prod", "web");
        while (s.deployments().size() == 2) {
            assertEquals(4, s.runningCount(), "both revisions run through the bake");
            stages.add(latest("prod", "web").lifecycleStage());
            s = poll("prod", "web");
        }

        assertEquals(List.of(ServiceDeploymentLifecycleStage.SCALE_UP,
                ServiceDeploymentLifecycleStage.TEST_TRAFFIC_SHIFT, ServiceDeploymentLifecycleStage.PRODUCTION_TRAFFIC_SHIFT,
                ServiceDeploymentLifecycleStage.BAKE_TIME, ServiceDeploymentLifecycleStage.BAKE_TIME), stages);
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, latest("prod", "web").status());
        assertEquals(ServiceDeploymentLifecycleStage.CLEAN_UP, latest("prod", "web").lifecycleStage());
    }

    @Test
    void aPauseWaitsForContinueServiceDeployment() {
        ecs.service("prod", "web").blueGreen(0).pausesAt(ServiceDeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT);
        update("prod", "web", "web:2");
        for (int i = 0; i < 8; i++) {
            poll("prod", "web");
        }
        ServiceDeployment paused = latest("prod", "web");
        DeploymentLifecycleHookDetail hook = paused.lifecycleHookDetails().get(0);
        assertEquals(ServiceDeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT, paused.lifecycleStage());
        assertEquals(DeploymentLifecycleHookStatus.AWAITING_ACTION, hook.status());
        assertEquals("PAUSE", hook.targetTypeAsString());
        assertEquals(1, poll("prod", "web").deploymentConfiguration().lifecycleHooks().size());

        assertThrows(InvalidParameterException.class, () -> ecs.continueServiceDeployment(r -> r
                .serviceDeploymentArn(paused.serviceDeploymentArn()).hookId("ecs-pause-other")));
        ecs.continueServiceDeployment(r -> r.serviceDeploymentArn(paused.serviceDeploymentArn())
                .hookId(hook.hookId()));

        assertEquals(1, poll("prod", "web").deployments().size());
        assertEquals(ServiceDeploymentStatus.SUCCESSFUL, latest("prod", "web").status());
        assertThrows(ClientException.class, () -> ecs.continueServiceDeployment(r -> r
                .serviceDeploymentArn(paused.serviceDeploymentArn()).hookId(hook.hookId())));
    }

    @Test
    void aPauseAnsweredWithRollbackRollsBack() {
        ecs.service("prod", "web").blueGreen(1).pausesAt(ServiceDeploymentLifecycleStage.PRE_SCALE_UP);
        update("prod", "web", "web:2");
        poll("prod", "web");
        ServiceDeployment paused = latest("prod", "web");
        assertEquals(ServiceDeploymentLifecycleStage.PRE_SCALE_UP, paused.lifecycleStage());

        ecs.continueServiceDeployment(r -> r.serviceDeploymentArn(paused.serviceDeploymentArn())
                .hookId(paused.lifecycleHookDetails().get(0).hookId()).action(DeploymentLifecycleHookAction.ROLLBACK));

        assertEquals(ServiceDeploymentStatus.ROLLBACK_REQUESTED, latest("prod", "web").status());
        poll("prod", "web");
        assertEquals(ACCOUNT + "task-definition/web:1", poll("prod", "web").taskDefinition());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, latest("prod", "web").status());
    }

    @Test
    void pausesNeedABlueGreenServiceAndAHookStage() {
        FakeService web = ecs.service("prod", "web");

        assertThrows(IllegalStateException.class, () -> web.pausesAt(ServiceDeploymentLifecycleStage.POST_SCALE_UP));
        assertThrows(IllegalArgumentException.class, () -> web.blueGreen(1)
                .pausesAt(ServiceDeploymentLifecycleStage.BAKE_TIME));
        assertThrows(IllegalArgumentException.class, () -> web.blueGreen(-1));
        assertThrows(IllegalArgumentException.class, () -> web.becomesStableAfter(0));
        assertThrows(IllegalArgumentException.class, () -> web.desiredCount(-1));
        assertThrows(IllegalArgumentException.class, () -> ecs.service("prod", "no spaces"));
        assertThrows(IllegalArgumentException.class, () -> ecs.service(ACCOUNT + "cluster/prod", "web"));
        assertThrows(IllegalArgumentException.class, () -> FakeEcs.builder().accountId("123"));
        assertThrows(NullPointerException.class, () -> web.rejectsUpdates(null));
    }

    @Test
    void stoppingWithRollbackGoesBackAndAFinishedDeploymentCannotBeStopped() {
        ecs.service("prod", "web").neverStable();
        update("prod", "web", "web:2");
        poll("prod", "web");
        String arn = latest("prod", "web").serviceDeploymentArn();

        ecs.stopServiceDeployment(r -> r.serviceDeploymentArn(arn).stopType(StopServiceDeploymentStopType.ROLLBACK));

        assertEquals(ServiceDeploymentStatus.ROLLBACK_REQUESTED, latest("prod", "web").status());
        ecs.stopServiceDeployment(r -> r.serviceDeploymentArn(arn));
        poll("prod", "web");
        assertEquals(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, latest("prod", "web").status());
        Service back = poll("prod", "web");
        assertEquals(ACCOUNT + "task-definition/web:1", back.taskDefinition());
        assertEquals(1, back.deployments().size());
        assertEquals(ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL, latest("prod", "web").status());
        assertThrows(ConflictException.class, () -> ecs.stopServiceDeployment(r -> r.serviceDeploymentArn(arn)));
        assertThrows(ServiceDeploymentNotFoundException.class, () -> ecs.stopServiceDeployment(r -> r
                .serviceDeploymentArn(ACCOUNT + "service-deployment/prod/web/nope")));
    }

    @Test
    void abortStopsTheDeploymentAndLeavesTheServiceAsItIs() {
        ecs.service("prod", "web").neverStable();
        update("prod", "web", "web:2");

        ecs.stopServiceDeployment(r -> r.serviceDeploymentArn(latest("prod", "web").serviceDeploymentArn())
                .stopType(StopServiceDeploymentStopType.ABORT));

        assertEquals(ServiceDeploymentStatus.STOPPED, latest("prod", "web").status());
        assertEquals(ACCOUNT + "task-definition/web:2", poll("prod", "web").taskDefinition());
    }

    @Test
    void serviceDeploymentsAreListedNewestFirstFilteredAndPaged() {
        ecs.service("prod", "web");
        Instant first = latest("prod", "web").createdAt();
        for (int revision = 2; revision <= 4; revision++) {
            update("prod", "web", "web:" + revision);
            poll("prod", "web");
        }
        update("prod", "web", "web:5");

        List<String> all = ecs.listServiceDeployments(r -> r.cluster("prod").service(ACCOUNT + "service/prod/web"))
                .serviceDeployments().stream().map(b -> b.targetServiceRevisionArn()).toList();
        var page = ecs.listServiceDeployments(r -> r.cluster("prod").service("web").maxResults(3));
        var rest = ecs.listServiceDeployments(r -> r.cluster("prod").service("web").nextToken(page.nextToken()));

        assertEquals(5, all.size());
        assertEquals(number(primary(ecs.service("prod", "web").describe().orElseThrow()).id()), number(all.get(0)));
        assertEquals(3, page.serviceDeployments().size());
        assertEquals(2, rest.serviceDeployments().size());
        assertNull(rest.nextToken());
        assertEquals(4, ecs.listServiceDeployments(r -> r.cluster("prod").service("web")
                .createdAt(c -> c.after(first.plusNanos(1)))).serviceDeployments().size());
        assertEquals(0, ecs.listServiceDeployments(r -> r.cluster("prod").service("web")
                .createdAt(c -> c.before(first.minusNanos(1)))).serviceDeployments().size());
        assertEquals(1, ecs.listServiceDeployments(r -> r.cluster("prod").service("web")
                .status(ServiceDeploymentStatus.PENDING)).serviceDeployments().size());
        assertThrows(ServiceNotFoundException.class, () -> ecs.listServiceDeployments(r -> r.cluster("prod")
                .service("ghost")));
        assertThrows(InvalidParameterException.class, () -> ecs.listServiceDeployments(r -> r.cluster("prod")
                .service("web").maxResults(0)));
    }

    @Test
    void describeServiceDeploymentsReportsUnknownArnsAsMissing() {
        ecs.service("prod", "web");
        String known = latest("prod", "web").serviceDeploymentArn();

        var answer = ecs.describeServiceDeployments(r -> r.serviceDeploymentArns(known,
                ACCOUNT + "service-deployment/prod/web/nope", "not-an-arn"));

        assertEquals(1, answer.serviceDeployments().size());
        assertEquals(2, answer.failures().size());
        assertThrows(InvalidParameterException.class, () -> ecs.describeServiceDeployments(r -> r
                .serviceDeploymentArns(IntStream.range(0, 21).mapToObj(i -> known).toList())));
    }

    @Test
    void everyRequestIsRecordedInOrderThoseThatFailedIncluded() {
        ecs.service("prod", "web").rejectsUpdates();
        UpdateServiceRequest rejected = UpdateServiceRequest.builder().cluster("prod").service("web")
                .taskDefinition("web:2").build();

        assertThrows(InvalidParameterException.class, () -> ecs.updateService(rejected));
        poll("prod", "web");
        assertThrows(ClusterNotFoundException.class, () -> ecs.describeServices(r -> r.cluster("x").services("y")));

        List<EcsRequest> calls = ecs.calls();
        assertEquals(3, calls.size());
        assertSame(rejected, calls.get(0));
        assertEquals(List.of(rejected), ecs.updates());
        assertEquals(List.of("prod", "x"), ecs.calls(DescribeServicesRequest.class).stream()
                .map(DescribeServicesRequest::cluster).toList());
        assertThrows(UnsupportedOperationException.class, () -> calls.add(rejected), "a copy, not the fake's own");
        assertThrows(UnsupportedOperationException.class, () -> ecs.listClusters(), "not an operation it answers");
    }

    @Test
    void regionAccountAndClockAreTheBuildersAndInstantsOnlyMoveForward() {
        Instant fixed = Instant.parse("2026-01-01T00:00:00Z");
        FakeEcs eu = FakeEcs.builder().region(Region.EU_WEST_1).accountId("111122223333")
                .clock(Clock.fixed(fixed, ZoneOffset.UTC)).build();
        eu.service("prod", "web");

        Service web = eu.describeServices(r -> r.cluster("prod").services("web")).services().get(0);
        eu.updateService(r -> r.cluster("prod").service("web").taskDefinition("web:2"));
        Service after = eu.describeServices(r -> r.cluster("prod").services("web")).services().get(0);

        assertEquals("arn:aws:ecs:eu-west-1:111122223333:service/prod/web", web.serviceArn());
        assertEquals(Region.EU_WEST_1, eu.serviceClientConfiguration().region());
        assertEquals("arn:aws:ecs:eu-west-1:111122223333:task-definition/web:2", eu.taskDefinitionArn("web"));
        assertTrue(!primary(after).createdAt().isBefore(fixed));
        assertTrue(primary(after).createdAt().isAfter(web.deployments().get(0).createdAt()));
        assertEquals("ecs", eu.serviceName());
        assertTrue(eu.toString().contains("eu-west-1"), eu.toString());
    }

    @Test
    void itsOwnWaiterPollsIt() {
        ecs.service("prod", "web");

        try (var waiter = ecs.waiter()) {
            assertTrue(waiter.waitUntilServicesStable(r -> r.cluster("prod").services("web")).matched().response()
                    .isPresent());
        }
        assertEquals(1, ecs.service("prod", "web").polls());
    }

    @Test
    void deniedOperationsThrowAccessDeniedAndAreStillRecorded() {
        FakeEcs denying = FakeEcs.builder().accessDenied(ListTasksRequest.class).build();
        denying.service("prod", "web");

        AccessDeniedException e = assertThrows(AccessDeniedException.class,
                () -> denying.listTasks(r -> r.cluster("prod")));

        assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
        assertTrue(e.awsErrorDetails().errorMessage().contains("ecs:ListTasks"), e.getMessage());
        assertEquals(1, denying.calls().size());
        assertEquals(1, denying.describeServices(r -> r.cluster("prod").services("web")).services().size());
    }

    private TaskDefinition describe(String taskDefinition) {
        return ecs.describeTaskDefinition(r -> r.taskDefinition(taskDefinition)).taskDefinition();
    }

    @Test
    void everyTaskDefinitionIsActiveAndAFamilyAloneIsItsLatestRevisionSeen() {
        ecs.service("prod", "web");
        update("prod", "web", "web:3");

        TaskDefinition byRevision = describe("web:7");
        assertEquals(ACCOUNT + "task-definition/web:7", byRevision.taskDefinitionArn());
        assertEquals(TaskDefinitionStatus.ACTIVE, byRevision.status());
        assertEquals(7, byRevision.revision());
        assertEquals("web", byRevision.family());
        assertEquals(ACCOUNT + "task-definition/web:3", describe("web").taskDefinitionArn(), "reading adds nothing");
        assertEquals(ACCOUNT + "task-definition/web:3", describe(ACCOUNT + "task-definition/web:3")
                .taskDefinitionArn());
        assertEquals(ACCOUNT + "task-definition/api:1", describe("api").taskDefinitionArn());
        assertEquals(4, ecs.calls(DescribeTaskDefinitionRequest.class).size(), "each call recorded");
        assertEquals(0, ecs.service("prod", "web").polls(), "describing a task definition moves no service on");
    }

    @Test
    void aMissingTaskDefinitionCannotBeDescribedNorDeployed() {
        ecs.service("prod", "web");
        ecs.missingTaskDefinition("web:4").missingTaskDefinition("wbe");

        for (String missing : List.of("web:4", ACCOUNT + "task-definition/web:4", "wbe", "wbe:1")) {
            ClientException e = assertThrows(ClientException.class, () -> describe(missing), missing);
            assertEquals("ClientException", e.awsErrorDetails().errorCode());
            assertEquals("Unable to describe task definition.", e.awsErrorDetails().errorMessage());
            assertEquals(400, e.statusCode());
        }
        ClientException refused = assertThrows(ClientException.class, () -> update("prod", "web", "web:4"));
        assertEquals("TaskDefinition not found.", refused.awsErrorDetails().errorMessage());
        assertEquals(1, ecs.service("prod", "web").describe().orElseThrow().deployments().size(), "nothing changed");

        update("prod", "web", "web:5");
        assertEquals(ACCOUNT + "task-definition/web:5", describe("web").taskDefinitionArn());
    }

    @Test
    void anInactiveRevisionIsDescribedAsSuchRefusedAndSkippedByItsFamily() {
        ecs.service("prod", "web");
        update("prod", "web", "web:3");
        ecs.taskDefinitionStatus("web:3", TaskDefinitionStatus.INACTIVE)
                .taskDefinitionStatus(ACCOUNT + "task-definition/web:2", TaskDefinitionStatus.DELETE_IN_PROGRESS);

        assertEquals(TaskDefinitionStatus.INACTIVE, describe("web:3").status());
        assertEquals(TaskDefinitionStatus.DELETE_IN_PROGRESS, describe("web:2").status());
        assertEquals(ACCOUNT + "task-definition/web:1", describe("web").taskDefinitionArn(),
                "a family alone is its latest ACTIVE revision");
        ClientException refused = assertThrows(ClientException.class, () -> update("prod", "web", "web:2"));
        assertEquals("TaskDefinition is inactive.", refused.awsErrorDetails().errorMessage());

        ecs.taskDefinitionStatus("web:3", TaskDefinitionStatus.ACTIVE);
        assertEquals(TaskDefinitionStatus.ACTIVE, describe("web").status());
        assertEquals(ACCOUNT + "task-definition/web:3", describe("web").taskDefinitionArn());
        assertThrows(IllegalArgumentException.class,
                () -> ecs.taskDefinitionStatus("web", TaskDefinitionStatus.INACTIVE), "a status is a revision's");
    }

    @Test
    void aFamilyWithNoActiveRevisionCannotBeDescribed() {
        ecs.taskDefinitionStatus("job:1", TaskDefinitionStatus.INACTIVE);

        assertThrows(ClientException.class, () -> describe("job"));
        assertThrows(InvalidParameterException.class, () -> ecs.describeTaskDefinition(r -> r.taskDefinition("")));
    }

    @Test
    void aDeniedDescribeTaskDefinitionThrowsAccessDenied() {
        FakeEcs denying = FakeEcs.builder().accessDenied(DescribeTaskDefinitionRequest.class).build();

        AccessDeniedException e = assertThrows(AccessDeniedException.class,
                () -> denying.describeTaskDefinition(DescribeTaskDefinitionRequest.builder().taskDefinition("web:2")
                        .build()));

        assertTrue(e.awsErrorDetails().errorMessage().contains("ecs:DescribeTaskDefinition"), e.getMessage());
    }

    @Test
    void errorsAreTheSdksOwnWithEcsErrorCodes() {
        ecs.service("prod", "web");

        AwsServiceException e = assertThrows(ServiceNotFoundException.class, () -> update("prod", "ghost", "x:1"));

        assertEquals("ServiceNotFoundException", e.awsErrorDetails().errorCode());
        assertEquals("Ecs", e.awsErrorDetails().serviceName());
        assertEquals(400, e.statusCode());
    }
}
