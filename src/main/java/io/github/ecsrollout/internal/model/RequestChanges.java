package io.github.ecsrollout.internal.model;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * What an UpdateService request changes in a service besides its task definition, as readable lines
 * ({@code desiredCount: 2 -> 4}): each field the request sets, against the service's field of the same name where it
 * has one (only the parts the request sets), else as the request sets it ({@code forceNewDeployment: true}). Found by
 * walking the request's public accessors, not a list of fields. Pure functions.
 */
public final class RequestChanges {

    /** What names the service and its task definition: shown elsewhere, not a change of its own. */
    private static final Set<String> NAMING = Set.of("cluster", "service", "taskDefinition");

    private RequestChanges() {
    }

    /**
     * The changes, sorted by field.
     *
     * @param current the service as ECS describes it now
     * @param request the update
     * @return one line per change; empty when the request sets nothing but what names the service and task definition
     */
    public static List<String> lines(Service current, UpdateServiceRequest request) {
        List<String> out = new ArrayList<>();
        Map<String, Method> serviceFields = ModelDiff.properties(Service.class);
        ModelDiff.properties(UpdateServiceRequest.class).forEach((name, accessor) -> {
            if (NAMING.contains(name)) {
                return;
            }
            Object set = ModelDiff.get(accessor, request);
            Method same = serviceFields.get(name);
            if (same != null) {
                ModelDiff.diff(name, ModelDiff.get(same, current), set, true, path -> false, out);
            } else if (!ModelDiff.render(set).equals(ModelDiff.NONE)) {
                out.add(name + ": " + ModelDiff.render(set));
            }
        });
        return out;
    }
}
