package io.github.ecsrollout.internal.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ecsrollout.ImageUpdate;
import io.github.ecsrollout.internal.image.ImagePlan.Described;
import io.github.ecsrollout.internal.image.ImagePlan.Registration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/** Which revisions an image deploy registers, and which updates it refuses, with no ECS at all. */
class ImagePlanTest {

    private static Described td(String family, String... containers) {
        return new Described(TaskDefinition.builder().family(family).containerDefinitions(
                java.util.Arrays.stream(containers).map(c -> ContainerDefinition.builder().name(c).image(c + ":1")
                        .build()).toList()).build(), List.of());
    }

    private static final Map<String, Described> DESCRIBED = Map.of("one:1", td("one", "app"),
            "two:1", td("two", "app", "envoy"), "none:1", td("none"));

    @Test
    void theSameTaskDefinitionAndTheSameImagesShareOneRegistrationWhateverTheOrderTheyAreNamedIn() {
        Map<String, String> appThenEnvoy = new LinkedHashMap<>();
        appThenEnvoy.put("app", "a:2");
        appThenEnvoy.put("envoy", "e:2");
        Map<String, String> envoyThenApp = new LinkedHashMap<>();
        envoyThenApp.put("envoy", "e:2");
        envoyThenApp.put("app", "a:2");
        List<ImageUpdate> updates = List.of(ImageUpdate.of("c", "s0", "a:2"), ImageUpdate.of("c", "s1", appThenEnvoy),
                ImageUpdate.of("c", "s2", Map.of("app", "a:2")), ImageUpdate.of("c", "s3", envoyThenApp),
                ImageUpdate.of("c", "s4", Map.of("app", "a:2")), ImageUpdate.of("c", "s5", "a:3"));

        ImagePlan plan = ImagePlan.of(updates, List.of("one:1", "two:1", "one:1", "two:1", "two:1", "one:1"),
                DESCRIBED);

        List<Registration> r = plan.registrations();
        assertEquals(4, r.size());
        assertEquals(List.of(List.of(0, 2), List.of(1, 3), List.of(4), List.of(5)),
                r.stream().map(Registration::updates).toList());
        assertEquals(List.of(0, 1, 0, 1, 2, 3), java.util.stream.IntStream.range(0, 6).map(plan::registrationOf)
                .boxed().toList());
        assertEquals(List.of("a:2", "envoy:1"), r.get(2).request().containerDefinitions().stream()
                .map(ContainerDefinition::image).toList());
        assertEquals("two", r.get(2).request().family());
    }

    @Test
    void everyUpdateThatDoesNotFitItsTaskDefinitionIsNamedInOneRefusal() {
        List<ImageUpdate> updates = List.of(ImageUpdate.of("c", "ok", "a:2"), ImageUpdate.of("c", "two", "a:2"),
                ImageUpdate.of("c", "empty", "a:2"), ImageUpdate.of("c", "typo", Map.of("ap", "a:2")));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImagePlan.of(updates, List.of("one:1", "two:1", "none:1", "one:1"), DESCRIBED));

        assertEquals("updates[1] (two) names no container, but task definition two:1 has 2: [app, envoy]; name the "
                + "container to change with ImageUpdate.of(cluster, service, Map); updates[2] (empty) names no "
                + "container, but task definition none:1 has 0: []; name the container to change with "
                + "ImageUpdate.of(cluster, service, Map); updates[3] (typo) names container ap that task definition "
                + "one:1 lacks; it has [app]; nothing was registered or updated", e.getMessage());
    }
}
