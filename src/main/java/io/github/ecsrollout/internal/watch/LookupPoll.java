package io.github.ecsrollout.internal.watch;

import io.github.ecsrollout.internal.state.TrackedService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;

/**
 * The service deployments that the answers of one or more polls call for, looked up together, so that chunks polled
 * together share DescribeServiceDeployments calls of up to 20.
 */
final class LookupPoll {

    /**
     * What the look-up brought back.
     *
     * @param answers the polls whose services were looked up, to judge now
     * @param described the service deployments described, by service
     * @param error what cut the look-up short (the deadline, an interrupt), or {@code null}
     */
    record Described(List<GroupPoll.Answer> answers, Map<TrackedService, ServiceDeployment> described,
            Exception error) implements PollResult {
    }

    /**
     * Polls to look up together.
     *
     * @param answers the polls whose services need their service deployments
     * @param needed those services, each with its answer
     */
    record Batch(List<GroupPoll.Answer> answers, Map<TrackedService, Service> needed) {
    }

    private LookupPoll() {
    }

    /** Looks up the service deployments a batch's services need. */
    static Described lookUp(DeploymentLookup lookup, Batch batch) {
        try {
            return new Described(batch.answers(), lookup.describe(new LinkedHashMap<>(batch.needed())), null);
        } catch (InterruptedException | RuntimeException e) {
            return new Described(batch.answers(), Map.of(), e);
        }
    }
}
