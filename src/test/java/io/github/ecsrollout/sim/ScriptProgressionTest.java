package io.github.ecsrollout.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/** Each script's observable progression, through the real SDK client, on a manual clock. */
class ScriptProgressionTest extends SimTestBase {

    private static final String TD = "arn:aws:ecs:us-east-1:123456789012:task-definition/";

    private software.amazon.awssdk.services.ecs.model.Service describe(String name) {
        return client.describeServices(b -> b.cluster("prod").services(name)).services().get(0);
    }

    private UpdateServiceResponse deploy(String name, String taskDefinition) {
        return client.updateService(b -> b.cluster("prod").service(name).taskDefinition(taskDefinition));
    }

    private static List<String> messages(software.amazon.awssdk.services.ecs.model.Service s) {
        return s.events().stream().map(ServiceEvent::message).toList();
    }

    @Test
    void stableAfterRollsTasksOverThenSettlesOnOneCompletedDeployment() {
        ecs.createService(ServiceSpec.of("prod", "web").desiredCount(3).script(ServiceScript.stableAfter(Duration.ofSeconds(40))));

        java.time.Instant started = clock.instant();
        UpdateServiceResponse update = deploy("web", "web:2");
        List<Deployment> deployments = update.service().deployments();
        assertEquals(2, deployments.size());
        Deployment fresh = deployments.get(0);
        assertEquals("PRIMARY", fresh.status());
        assertEquals(TD + "web:2", fresh.taskDefinition());
        assertEquals(DeploymentRolloutState.IN_PROGRESS, fresh.rolloutState());
        assertEquals(0, fresh.desiredCount(), "ECS answers with the new deployment at desired 0");
        assertTrue(fresh.id().matches("ecs-svc/\\d{19}"), fresh.id());
        assertEquals("ACTIVE", deployments.get(1).status());
        assertEquals(3, deployments.get(1).runningCount());

        clock.advance(Duration.ofSeconds(21));
        var mid = describe("web");
        assertEquals(2, mid.deployments().size());
        int newRunning = mid.deployments().get(0).runningCount();
        assertTrue(newRunning > 0 && newRunning < 3, "new deployment half way: " + newRunning);
        assertEquals(3 - newRunning, mid.deployments().get(1).runningCount(), "the old one drains as the new one grows");
        assertEquals(3, mid.runningCount(), "service running == desired while two deployments still run");

        clock.advance(Duration.ofSeconds(19));
        var done = describe("web");
        assertEquals(1, done.deployments().size());
        Deployment only = done.deployments().get(0);
        assertEquals(fresh.id(), only.id());
        assertEquals(DeploymentRolloutState.COMPLETED, only.rolloutState());
        assertEquals(3, only.runningCount());
        assertEquals(3, done.runningCount());
        assertEquals(TD + "web:2", done.taskDefinition());
        assertEquals("(service web) has reached a steady state.", done.events().get(0).message());
        assertEquals("(service web) (deployment " + fresh.id() + ") deployment completed.", done.events().get(1).message());
        assertTrue(done.events().get(0).createdAt().isAfter(done.events().get(1).createdAt()), "events are newest first");
        assertEquals(started.plusSeconds(40), done.events().get(1).createdAt(), "events carry the simulated time");
    }

    @Test
    void circuitBreakerWithRollbackFailsThenReturnsToThePreviousTaskDefinition() {
        ecs.createService(ServiceSpec.of("prod", "api").taskDefinition("api:4").desiredCount(2)
                .script(ServiceScript.circuitBreakerFails(Duration.ofSeconds(20), true, Duration.ofSeconds(10))));
        String oldDeployment = describe("api").deployments().get(0).id();
        String failing = deploy("api", "api:5").service().deployments().get(0).id();

        clock.advance(Duration.ofSeconds(19));
        var before = describe("api");
        Deployment trying = before.deployments().get(0);
        assertEquals(DeploymentRolloutState.IN_PROGRESS, trying.rolloutState());
        assertTrue(trying.failedTasks() > 0, "tasks fail before the breaker trips");
        assertEquals(0, trying.runningCount());
        assertTrue(before.deploymentConfiguration().deploymentCircuitBreaker().enable());

        clock.advance(Duration.ofSeconds(1));
        var tripped = describe("api");
        assertEquals(3, tripped.deployments().size());
        Deployment rollback = tripped.deployments().get(0);
        Deployment failed = tripped.deployments().get(1);
        assertEquals("PRIMARY", rollback.status());
        assertEquals(TD + "api:4", rollback.taskDefinition());
        assertEquals(DeploymentRolloutState.IN_PROGRESS, rollback.rolloutState());
        assertEquals(failing, failed.id());
        assertEquals("ACTIVE", failed.status());
        assertEquals(DeploymentRolloutState.FAILED, failed.rolloutState());
        assertEquals("ECS deployment circuit breaker: tasks failed to start.", failed.rolloutStateReason());
        assertTrue(failed.failedTasks() > 0);
        assertEquals(TD + "api:4", tripped.taskDefinition());
        assertTrue(messages(tripped).contains("(service api) (deployment " + failing + ") deployment failed: tasks failed to start."));
        assertTrue(messages(tripped).contains("(service api) rolling back to deployment " + oldDeployment + "."));

        clock.advance(Duration.ofSeconds(6));
        var rollingBack = describe("api");
        assertFalse(rollingBack.deployments().stream().anyMatch(d -> d.id().equals(failing)),
                "the failed deployment is gone while the rollback still runs");
        assertTrue(rollingBack.deployments().size() > 1);

        clock.advance(Duration.ofSeconds(4));
        var back = describe("api");
        assertEquals(1, back.deployments().size());
        assertEquals(rollback.id(), back.deployments().get(0).id());
        assertEquals(DeploymentRolloutState.COMPLETED, back.deployments().get(0).rolloutState());
        assertEquals(2, back.runningCount());
        assertEquals(TD + "api:4", back.taskDefinition());
        assertEquals("(service api) has reached a steady state.", back.events().get(0).message());
    }

    @Test
    void circuitBreakerWithoutRollbackLeavesAFailedPrimaryForever() {
        ecs.createService("prod", "api", ServiceScript.circuitBreakerFails(Duration.ofSeconds(10), false, Duration.ZERO));
        deploy("api", "api:2");

        clock.advance(Duration.ofMinutes(30));
        var s = describe("api");
        assertEquals(2, s.deployments().size());
        Deployment primary = s.deployments().get(0);
        assertEquals("PRIMARY", primary.status());
        assertEquals(DeploymentRolloutState.FAILED, primary.rolloutState());
        assertEquals(0, primary.runningCount());
        assertEquals(2, s.deployments().get(1).runningCount(), "the old tasks keep serving");
        assertEquals(TD + "api:2", s.taskDefinition());
    }

    @Test
    void neverStableKeepsTwoDeploymentsWithPeriodicEvents() {
        ecs.createService(ServiceSpec.of("prod", "web").desiredCount(3).script(ServiceScript.neverStable()));
        deploy("web", "web:2");
        int eventsAtStart = describe("web").events().size();

        clock.advance(Duration.ofMinutes(10));
        var s = describe("web");
        assertEquals(2, s.deployments().size());
        assertEquals(2, s.deployments().get(0).runningCount());
        assertEquals(1, s.deployments().get(1).runningCount());
        assertEquals(DeploymentRolloutState.IN_PROGRESS, s.deployments().get(0).rolloutState());
        assertEquals(0, s.deployments().get(0).failedTasks(), "no failure signal: only a timeout can end the wait");
        assertTrue(s.events().size() > eventsAtStart + 50, "events keep coming");
        assertTrue(s.events().size() <= 100, "ECS returns at most 100 events");
    }

    @Test
    void crashLoopRecordsStoppedTasksThatListTasksAndDescribeTasksReturn() {
        ecs.createService(ServiceSpec.of("prod", "worker").desiredCount(1)
                .script(ServiceScript.crashLoop("Essential container in task exited", 137)));
        String deployment = deploy("worker", "worker:2").service().deployments().get(0).id();

        clock.advance(Duration.ofSeconds(5));
        var s = describe("worker");
        assertEquals(2, s.deployments().size());
        assertEquals(0, s.deployments().get(0).runningCount());
        assertTrue(s.deployments().get(0).failedTasks() >= 3);
        assertTrue(messages(s).stream().anyMatch(m -> m.matches("\\(service worker\\) has started 1 tasks: \\(task [0-9a-f]{32}\\)\\.")));
        assertTrue(messages(s).contains("(service worker) is unable to consistently start tasks successfully. For more "
                + "information, see the Troubleshooting section of the Amazon ECS Developer Guide."));

        List<String> stopped = client.listTasks(b -> b.cluster("prod").startedBy(deployment)
                .desiredStatus(DesiredStatus.STOPPED)).taskArns();
        assertTrue(stopped.size() >= 3);
        assertTrue(stopped.get(0).startsWith("arn:aws:ecs:us-east-1:123456789012:task/prod/"));
        assertEquals(stopped, client.listTasks(b -> b.cluster("prod").serviceName("worker")
                .desiredStatus(DesiredStatus.STOPPED)).taskArns(), "only the new deployment's tasks stopped");
        assertEquals(2, client.listTasks(b -> b.cluster("prod").startedBy(deployment).desiredStatus(DesiredStatus.STOPPED)
                .maxResults(2)).taskArns().size());

        Task task = client.describeTasks(b -> b.cluster("prod").tasks(stopped.get(0))).tasks().get(0);
        assertEquals("STOPPED", task.lastStatus());
        assertEquals("Essential container in task exited", task.stoppedReason());
        assertEquals("EssentialContainerExited", task.stopCodeAsString());
        assertEquals(deployment, task.startedBy());
        assertEquals(137, task.containers().get(0).exitCode());
        assertTrue(task.stoppedAt() != null);

        var missing = client.describeTasks(b -> b.cluster("prod").tasks("0123456789abcdef0123456789abcdef"));
        assertEquals("MISSING", missing.failures().get(0).reason());
    }

    @Test
    void crashLoopWithBreakerFailsWithoutRollback() {
        ecs.createService(ServiceSpec.of("prod", "worker").desiredCount(1)
                .script(ServiceScript.crashLoop("CannotPullContainerError: pull image manifest has been retried 5 time(s)", -1,
                        Duration.ofSeconds(30))));
        String deployment = deploy("worker", "worker:2").service().deployments().get(0).id();
        clock.advance(Duration.ofSeconds(29));
        assertEquals(DeploymentRolloutState.IN_PROGRESS, describe("worker").deployments().get(0).rolloutState());
        clock.advance(Duration.ofSeconds(1));
        Deployment d = describe("worker").deployments().get(0);
        assertEquals(deployment, d.id());
        assertEquals(DeploymentRolloutState.FAILED, d.rolloutState());

        String arn = client.listTasks(b -> b.cluster("prod").startedBy(deployment).desiredStatus(DesiredStatus.STOPPED))
                .taskArns().get(0);
        Task task = client.describeTasks(b -> b.cluster("prod").tasks(arn)).tasks().get(0);
        assertEquals("TaskFailedToStart", task.stopCodeAsString());
        assertEquals(null, task.containers().get(0).exitCode(), "the container never ran");
        assertTrue(task.containers().get(0).reason().startsWith("CannotPullContainerError"));
    }

    @Test
    void unableToPlaceKeepsRunningAtZeroAndSaysWhy() {
        ecs.createService(ServiceSpec.of("prod", "gpu").desiredCount(1).deployingFromCreation()
                .script(ServiceScript.unableToPlace()));
        clock.advance(Duration.ofMinutes(2));
        var s = describe("gpu");
        assertEquals(1, s.deployments().size());
        assertEquals(1, s.desiredCount());
        assertEquals(0, s.runningCount());
        assertTrue(s.events().get(0).message().startsWith("(service gpu) was unable to place a task because no container "
                + "instance met all of its requirements."), s.events().get(0).message());
    }

    @Test
    void serviceDeployingFromCreationStartsEmptyAndBecomesStable() {
        ecs.createService(ServiceSpec.of("prod", "fresh").desiredCount(2).deployingFromCreation()
                .script(ServiceScript.stableAfter(Duration.ofSeconds(10))));
        var first = describe("fresh");
        assertEquals(0, first.runningCount());
        assertEquals(DeploymentRolloutState.IN_PROGRESS, first.deployments().get(0).rolloutState());
        clock.advance(Duration.ofSeconds(10));
        var later = describe("fresh");
        assertEquals(2, later.runningCount());
        assertEquals(DeploymentRolloutState.COMPLETED, later.deployments().get(0).rolloutState());
    }

    @Test
    void onlyANewTaskDefinitionOrForceStartsADeployment() {
        ecs.createService(ServiceSpec.of("prod", "web").taskDefinition("web:7").script(ServiceScript.stableAfter(Duration.ZERO)));
        String original = describe("web").deployments().get(0).id();

        var same = client.updateService(b -> b.cluster("prod").service("web").taskDefinition("web:7"));
        assertEquals(1, same.service().deployments().size());
        var byArn = client.updateService(b -> b.cluster("prod").service("web").taskDefinition(TD + "web:7"));
        assertEquals(original, byArn.service().deployments().get(0).id());
        var family = client.updateService(b -> b.cluster("prod").service("web").taskDefinition("web"));
        assertEquals(original, family.service().deployments().get(0).id(), "a bare family means its latest revision");

        var forced = client.updateService(b -> b.cluster("prod").service("web").forceNewDeployment(true));
        assertEquals(2, forced.service().deployments().size());
        assertNotEquals(original, forced.service().deployments().get(0).id());
        assertEquals(TD + "web:7", forced.service().deployments().get(0).taskDefinition());

        ecs.registerTaskDefinition("web", 9);
        var latest = client.updateService(b -> b.cluster("prod").service("web").taskDefinition("web"));
        assertEquals(TD + "web:9", latest.service().deployments().get(0).taskDefinition());
    }

    @Test
    void desiredCountOnlyUpdateScalesThePrimary() {
        ecs.createService(ServiceSpec.of("prod", "web").desiredCount(2).script(ServiceScript.stableAfter(Duration.ofSeconds(5))));
        String primary = describe("web").deployments().get(0).id();
        var response = client.updateService(b -> b.cluster("prod").service("web").desiredCount(4));
        assertEquals(4, response.service().desiredCount());
        assertEquals(2, response.service().runningCount());
        clock.advance(Duration.ofMillis(1));
        var s = describe("web");
        assertEquals(1, s.deployments().size());
        assertEquals(primary, s.deployments().get(0).id());
        assertEquals(4, s.runningCount());
        assertEquals(4, ecs.service("prod", "web").runningCount());
    }

    @Test
    void aSecondDeploymentSupersedesOneInProgress() {
        ecs.createService(ServiceSpec.of("prod", "web").desiredCount(2).script(ServiceScript.stableAfter(Duration.ofSeconds(30))));
        deploy("web", "web:2");
        clock.advance(Duration.ofSeconds(15));
        String third = deploy("web", "web:3").service().deployments().get(0).id();
        clock.advance(Duration.ofSeconds(20));
        assertEquals(3, describe("web").deployments().size(), "the second rollout's own clock restarted");
        clock.advance(Duration.ofSeconds(10));
        var s = describe("web");
        assertEquals(1, s.deployments().size());
        assertEquals(third, s.deployments().get(0).id());
        assertEquals(TD + "web:3", s.taskDefinition());
    }
}
