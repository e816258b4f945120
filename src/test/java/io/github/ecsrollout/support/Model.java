package io.github.ecsrollout.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/** Short builders for the SDK model objects that unit tests feed to the rollout, and the names in their ARNs. */
public final class Model {

    public static final String CLUSTER = "prod";

    private Model() {
    }

    /** The last segment of an ARN's resource ({@code service/prod/web} is {@code web}), the name as given, or "?". */
    public static String shortName(String nameOrArn) {
        if (nameOrArn == null) {
            return "?";
        }
        int slash = nameOrArn.lastIndexOf('/');
        return slash < 0 ? nameOrArn : nameOrArn.substring(slash + 1);
    }

    /**
     * {@code cluster/service} of a service-deployment ARN ({@code ...:service-deployment/CLUSTER/SERVICE/TOKEN}), or
     * {@code null} for anything else.
     */
    public static String ofServiceDeployment(String arn) {
        int at = arn == null ? -1 : arn.indexOf(":service-deployment/");
        if (at < 0) {
            return null;
        }
        String[] path = arn.substring(at + ":service-deployment/".length()).split("/");
        return path.length == 3 ? path[0] + "/" + path[1] : null;
    }

    /**
     * {@code cluster/service} of a service-revision ARN ({@code ...:service-revision/CLUSTER/SERVICE/N}), or
     * {@code null} for anything else.
     */
    public static String ofServiceRevision(String arn) {
        int at = arn == null ? -1 : arn.indexOf(":service-revision/");
        if (at < 0) {
            return null;
        }
        String[] path = arn.substring(at + ":service-revision/".length()).split("/");
        return path.length == 3 ? path[0] + "/" + path[1] : null;
    }

    public static Deployment primary(String id, String taskDefinition, int running, int desired,
            DeploymentRolloutState state) {
        return deployment(id, "PRIMARY", taskDefinition, running, desired, state, null);
    }

    public static Deployment active(String id, String taskDefinition, int running, int desired,
            DeploymentRolloutState state) {
        return deployment(id, "ACTIVE", taskDefinition, running, desired, state, null);
    }

    public static Deployment failed(String id, String status, String reason) {
        return deployment(id, status, "app:2", 0, 2, DeploymentRolloutState.FAILED, reason).toBuilder()
                .failedTasks(3).build();
    }

    public static Deployment deployment(String id, String status, String taskDefinition, int running, int desired,
            DeploymentRolloutState state, String reason) {
        return Deployment.builder().id(id).status(status).taskDefinition(taskDefinition)
                .runningCount(running).desiredCount(desired).pendingCount(0)
                .rolloutState(state).rolloutStateReason(reason).failedTasks(0).build();
    }

    public static Service service(String name, int running, int desired, Deployment... deployments) {
        return Service.builder()
                .serviceName(name)
                .serviceArn("arn:aws:ecs:us-east-1:123456789012:service/" + CLUSTER + "/" + name)
                .clusterArn("arn:aws:ecs:us-east-1:123456789012:cluster/" + CLUSTER)
                .status("ACTIVE")
                .runningCount(running)
                .desiredCount(desired)
                .pendingCount(desired - running)
                .taskDefinition(deployments.length == 0 ? null : deployments[0].taskDefinition())
                .deployments(deployments)
                .build();
    }

    /** A service on one COMPLETED deployment with every task running. */
    public static Service stable(String name, String deploymentId) {
        return service(name, 2, 2, primary(deploymentId, "app:2", 2, 2, DeploymentRolloutState.COMPLETED));
    }

    /** A service mid-deployment: the new PRIMARY starting, the old one still ACTIVE. */
    public static Service deploying(String name, String deploymentId) {
        return service(name, 2, 2,
                primary(deploymentId, "app:2", 1, 2, DeploymentRolloutState.IN_PROGRESS),
                active("ecs-svc/old", "app:1", 1, 2, DeploymentRolloutState.COMPLETED));
    }

    public static Service withController(Service s, DeploymentControllerType type) {
        return s.toBuilder().deploymentController(c -> c.type(type)).deployments(List.of()).build();
    }

    public static Service withEvents(Service s, String... messagesNewestFirst) {
        List<ServiceEvent> events = new ArrayList<>();
        Instant t = Instant.now();
        for (int i = 0; i < messagesNewestFirst.length; i++) {
            events.add(ServiceEvent.builder().id("e" + i).createdAt(t.minusSeconds(i)).message(messagesNewestFirst[i])
                    .build());
        }
        return s.toBuilder().events(events).build();
    }
}
