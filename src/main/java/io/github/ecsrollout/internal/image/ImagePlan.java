package io.github.ecsrollout.internal.image;

import io.github.ecsrollout.ImageUpdate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Decides the revisions an image deploy registers: for each update, its service's current task definition with the
 * named containers' images changed (the only container's, when none is named), checked against the containers the
 * task definition has; updates of the same task definition to the same images share one registration.
 */
public final class ImagePlan {

    /**
     * One revision to register.
     *
     * @param from the task definition it copies, as the service names it (an ARN)
     * @param images container name to its new image
     * @param request the registration, every other field as described
     * @param updates the indexes of the updates it serves, in order
     */
    public record Registration(String from, Map<String, String> images, RegisterTaskDefinitionRequest request,
            List<Integer> updates) {
    }

    /** A current task definition as described, with its tags. */
    public record Described(TaskDefinition taskDefinition, List<Tag> tags) {
    }

    private final List<Registration> registrations;
    private final int[] registrationOf;

    private ImagePlan(List<Registration> registrations, int[] registrationOf) {
        this.registrations = registrations;
        this.registrationOf = registrationOf;
    }

    /**
     * The registrations for {@code updates}.
     *
     * @param updates the image updates, in the caller's order
     * @param current each update's service's current task definition, in the same order
     * @param described each distinct current task definition as described, by the same spelling
     * @return the plan
     * @throws IllegalArgumentException naming every update that names a container its task definition lacks, or names
     *     none while its task definition has other than one container
     */
    public static ImagePlan of(List<ImageUpdate> updates, List<String> current, Map<String, Described> described) {
        // Each distinct change, in the order of the first update it serves, with the updates it serves.
        Map<Change, List<Integer>> served = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
            ImageUpdate u = updates.get(i);
            String from = current.get(i);
            Map<String, String> images;
            try {
                images = imagesFor(u, from, described.get(from).taskDefinition());
            } catch (IllegalArgumentException e) {
                problems.add("updates[" + i + "] (" + u.service() + ") " + e.getMessage());
                continue;
            }
            served.computeIfAbsent(new Change(from, images), k -> new ArrayList<>()).add(i);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems) + "; nothing was registered or updated");
        }
        List<Registration> registrations = new ArrayList<>();
        int[] registrationOf = new int[updates.size()];
        served.forEach((change, indexes) -> {
            indexes.forEach(i -> registrationOf[i] = registrations.size());
            Described d = described.get(change.from());
            RegisterTaskDefinitionRequest request = RegistrationCopy.of(d.taskDefinition(), d.tags())
                    .containerDefinitions(withImages(d.taskDefinition(), change.images()).containerDefinitions())
                    .build();
            registrations.add(new Registration(change.from(), Collections.unmodifiableMap(change.images()), request,
                    List.copyOf(indexes)));
        });
        return new ImagePlan(List.copyOf(registrations), registrationOf);
    }

    /** A task definition and the images an update changes in it: the same pair is registered once. */
    private record Change(String from, Map<String, String> images) {
    }

    /**
     * The new image of each container an update changes in its service's current task definition.
     *
     * @param update the image update
     * @param from the task definition's name, for the message
     * @param td the task definition as described
     * @return container name to its new image, in the task definition's order for a single container, else the
     *     update's
     * @throws IllegalArgumentException (its message starting with a verb, to follow the update's name) when the update
     *     names a container {@code td} lacks, or names none while {@code td} has other than one container
     */
    public static Map<String, String> imagesFor(ImageUpdate update, String from, TaskDefinition td) {
        List<String> containers = td.hasContainerDefinitions()
                ? td.containerDefinitions().stream().map(ContainerDefinition::name).toList() : List.of();
        Map<String, String> images = new LinkedHashMap<>();
        if (update.image().isPresent()) {
            if (containers.size() != 1) {
                throw new IllegalArgumentException("names no container, but task definition " + from + " has "
                        + containers.size() + ": " + containers
                        + "; name the container to change with ImageUpdate.of(cluster, service, Map)");
            }
            images.put(containers.get(0), update.image().get());
            return images;
        }
        List<String> unknown = update.imagesByContainer().keySet().stream().filter(c -> !containers.contains(c))
                .toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("names container" + (unknown.size() == 1 ? " " + unknown.get(0)
                    : "s " + unknown) + " that task definition " + from + " lacks; it has " + containers);
        }
        images.putAll(update.imagesByContainer());
        return images;
    }

    /**
     * The task definition with the named containers' images replaced, every other field as it was.
     *
     * @param td the task definition
     * @param images container name to its new image
     * @return the changed copy
     */
    public static TaskDefinition withImages(TaskDefinition td, Map<String, String> images) {
        List<ContainerDefinition> containers = td.containerDefinitions().stream()
                .map(c -> images.containsKey(c.name()) ? c.toBuilder().image(images.get(c.name())).build() : c)
                .toList();
        return td.toBuilder().containerDefinitions(containers).build();
    }

    /**
     * The revisions to register, each once, in the order of the first update each serves.
     *
     * @return the registrations
     */
    public List<Registration> registrations() {
        return registrations;
    }

    /**
     * Which registration serves update {@code i}.
     *
     * @param i the update's index
     * @return the index into {@link #registrations()}
     */
    public int registrationOf(int i) {
        return registrationOf[i];
    }
}
