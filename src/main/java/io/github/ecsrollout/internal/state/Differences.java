package io.github.ecsrollout.internal.state;

import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;

/** Whether two answers about a service differ in what a person watching it would see: counts, deployments, stage. */
final class Differences {

    private Differences() {
    }

    static boolean differ(Service a, Service b) {
        if (a == null) {
            return true;
        }
        return !Objects.equals(a.status(), b.status())
                || !Objects.equals(a.runningCount(), b.runningCount())
                || !Objects.equals(a.desiredCount(), b.desiredCount())
                || !Objects.equals(a.pendingCount(), b.pendingCount())
                || a.deployments().size() != b.deployments().size()
                || !Objects.equals(rolloutStates(a), rolloutStates(b));
    }

    static boolean differ(ServiceDeployment before, ServiceDeployment now) {
        if (now == null) {
            return false;
        }
        return before == null || before.status() != now.status() || before.lifecycleStage() != now.lifecycleStage()
                || !before.lifecycleHookDetails().equals(now.lifecycleHookDetails());
    }

    private static List<String> rolloutStates(Service s) {
        return s.deployments().stream().map(d -> d.id() + "=" + d.rolloutStateAsString()).toList();
    }
}
