package io.github.ecsrollout.internal.report;

import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.model.EcsIds;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;

/** The first words of a failure about one service: what its terminal verdict means, in a sentence. */
public final class Headlines {

    private Headlines() {
    }

    /** The headline of a terminal verdict about a service, from its state as last observed. */
    public static String of(Verdict v, ServiceState s) {
        String service = s.service();
        switch (v) {
            case DEPLOYMENT_FAILED:
                if (s.serviceDeployment().map(d -> d.status() == ServiceDeploymentStatus.ROLLBACK_FAILED)
                        .orElse(false)) {
                    return "the deployment " + s.expectedDeploymentId().orElse("") + " of " + service
                            + " failed and so did ECS's rollback of it: what " + service
                            + " runs now is unknown, look at it";
                }
                return "the deployment " + s.expectedDeploymentId().or(() -> s.watchedDeployment().map(d -> d.id()))
                        .orElse("") + " of " + service + " failed";
            case ROLLED_BACK:
                return s.serviceDeployment().isPresent()
                        ? "ECS rolled back the deployment " + s.expectedDeploymentId().orElse("") + " of " + service
                                + " (service deployment " + s.serviceDeployment().get().statusAsString() + ")"
                        : "the deployment " + s.expectedDeploymentId().orElse("") + " of " + service
                                + " was rolled back or replaced; " + service + " now runs "
                                + s.taskDefinition().map(EcsIds::lastSegment).orElse(null);
            case SUPERSEDED:
                return "the deployment " + s.expectedDeploymentId().orElse("") + " of " + service
                        + " was replaced by another deployment (not this rollout's); " + service + " now deploys "
                        + s.taskDefinition().map(EcsIds::lastSegment).orElse(null);
            case MISSING:
                return "service " + service + " is MISSING";
            case INACTIVE:
                return "service " + service + " is " + s.status().orElse("INACTIVE");
            default:
                return "service " + service + " uses the " + s.lastObserved()
                        .map(l -> l.deploymentController().typeAsString()).orElse("?")
                        + " deployment controller, whose task sets the stable condition cannot see";
        }
    }

    /** A message's first line ({@code REASON: headline (counts)}): the rest is the exception's to tell. */
    public static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
