package io.github.ecsrollout.internal.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * What differs between two task definitions, for a person reviewing a deployment: each container's image before and
 * after, and every other difference as a readable line ({@code containerDefinitions[web].environment.LOG_LEVEL: info
 * -> debug}), leaving out what ECS sets when it registers a revision (its ARN, revision, status, dates, derived
 * attributes). Secrets show their {@code valueFrom} (an ARN or parameter name, not the secret). Pure functions.
 */
public final class TaskDefinitionDiff {

    /** Properties ECS fills in at registration: they differ between any two revisions and say nothing to review. */
    private static final Set<String> REGISTRATION = Set.of("taskDefinitionArn", "revision", "status", "registeredAt",
            "registeredBy", "deregisteredAt", "deleteRequestedAt", "requiresAttributes", "compatibilities");

    private static final String CONTAINERS = "containerDefinitions";

    private static final Predicate<String> LEFT_OUT = path -> REGISTRATION.contains(path)
            || (path.startsWith(CONTAINERS + "[") && path.endsWith("].image"));

    /**
     * A container's image in the two task definitions.
     *
     * @param container the container's name
     * @param before its image before, or {@code null} when the container is new
     * @param after its image after, or {@code null} when the container goes away
     */
    public record ContainerImage(String container, String before, String after) {
    }

    private TaskDefinitionDiff() {
    }

    /**
     * Every difference but the images and what registration sets, sorted by property, containers by name.
     *
     * @param before the task definition now
     * @param after the task definition to deploy
     * @return one line per difference; empty when they deploy the same thing but for images
     */
    public static List<String> lines(TaskDefinition before, TaskDefinition after) {
        List<String> out = new ArrayList<>();
        ModelDiff.diff("", before, after, false, LEFT_OUT, out);
        return out;
    }

    /**
     * Each container's image before and after, in the order of {@code after}'s containers, then those only in
     * {@code before}; containers without a name are left out.
     */
    public static List<ContainerImage> images(TaskDefinition before, TaskDefinition after) {
        Map<String, String> was = imagesByName(before);
        Map<String, String> will = imagesByName(after);
        List<ContainerImage> images = new ArrayList<>();
        will.forEach((name, image) -> images.add(new ContainerImage(name, was.get(name), image)));
        was.forEach((name, image) -> {
            if (!will.containsKey(name)) {
                images.add(new ContainerImage(name, image, null));
            }
        });
        return images;
    }

    private static Map<String, String> imagesByName(TaskDefinition definition) {
        Map<String, String> images = new LinkedHashMap<>();
        for (ContainerDefinition c : definition.containerDefinitions()) {
            if (c.name() != null) {
                images.put(c.name(), c.image());
            }
        }
        return images;
    }
}
