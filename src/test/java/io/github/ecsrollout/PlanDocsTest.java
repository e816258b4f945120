package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.testing.FakeEcs;
import io.github.ecsrollout.testing.VirtualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * docs/plan.md's snippets, verbatim, run against the testkit's fake ECS (DocsTest checks the page prints them as they
 * are here), and a check that the table the page prints is what {@code toString()} prints.
 */
class PlanDocsTest {

    private static final String ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com/";

    private final VirtualClock clock = VirtualClock.create();
    private final FakeEcs ecs = FakeEcs.builder().clock(clock).build();

    @TempDir
    Path planFile;

    private void fleet() {
        ecs.service("prod", "web").taskDefinition("web:41");
        ecs.taskDefinition("web:41", TaskDefinition.builder().cpu("256").containerDefinitions(
                ContainerDefinition.builder().name("app").image(ECR + "web:1.4")
                        .environment(KeyValuePair.builder().name("LOG_LEVEL").value("info").build()).build(),
                ContainerDefinition.builder().name("envoy").image("envoyproxy/envoy:v1.29.1").build()).build());
        ecs.taskDefinition("web:42", TaskDefinition.builder().cpu("512").containerDefinitions(
                ContainerDefinition.builder().name("app").image(ECR + "web:1.5")
                        .environment(KeyValuePair.builder().name("LOG_LEVEL").value("debug").build()).build(),
                ContainerDefinition.builder().name("envoy").image("envoyproxy/envoy:v1.29.1").build()).build());
        ecs.service("prod", "worker").taskDefinition("worker:7");
        ecs.taskDefinition("worker:7", TaskDefinition.builder().containerDefinitions(
                ContainerDefinition.builder().name("worker").image(ECR + "worker:1.4").build()).build());
    }

    private RolloutPlan imagesRecipe(ServiceRollout.Builder builder, Path planFile) throws IOException {
        // docs/plan.md's first block, as it is printed there:
        ServiceRollout rollout = builder.build();
        RolloutPlan plan = rollout.planImages(List.of(
                ImageUpdate.of("prod", "web", Map.of("app", ECR + "web:1.5")),
                ImageUpdate.of("prod", "worker", ECR + "worker:1.5"),
                ImageUpdate.of("prod", "billing", ECR + "billing:1.5")));
        String table = plan.toString();                   // a markdown table: post it on the pull request
        Files.writeString(planFile, plan.toJson());       // for the next step of the pipeline
        if (plan.hasProblems()) {
            throw new IllegalStateException(plan.problems().size() + " problems stop this deploy:\n" + table);
        }
        return plan;
    }

    private List<String> requestsRecipe(ServiceRollout rollout) {
        // docs/plan.md's second block:
        RolloutPlan plan = rollout.plan(UpdateServiceRequest.builder()
                .cluster("prod").service("web").taskDefinition("web:42").desiredCount(4).build());
        List<String> review = new ArrayList<>();
        for (RolloutPlan.ServicePlan s : plan.services()) {
            s.images().forEach(i -> review.add(s.service() + ": " + i.container() + " " + i.before() + " -> " + i.after()));
            s.differences().forEach(line -> review.add(s.service() + ": " + line));
            s.serviceChanges().forEach(line -> review.add(s.service() + ": " + line));
        }
        return review;
    }

    @Test
    void theImagesRecipeStopsOnAProblemWithTheTable() {
        fleet();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> imagesRecipe(
                ServiceRollout.builder().ecsClient(ecs).clock(clock), planFile.resolve("plan.json")));

        assertTrue(e.getMessage().startsWith("1 problems stop this deploy:\nRollout plan: 2 services would change, "
                + "0 unchanged, 1 problem; nothing was written"), e.getMessage());
        assertTrue(e.getMessage().contains("| prod    | billing | SERVICE_MISSING | service billing is MISSING |"),
                e.getMessage());
        assertEquals(List.of(), ecs.updates());
    }

    @Test
    void theRequestsRecipeListsWhatAReviewerReads() {
        fleet();

        List<String> review = requestsRecipe(ServiceRollout.builder().ecsClient(ecs).clock(clock).build());

        assertEquals(List.of("web: app " + ECR + "web:1.4 -> " + ECR + "web:1.5",
                "web: envoy envoyproxy/envoy:v1.29.1 -> envoyproxy/envoy:v1.29.1",
                "web: containerDefinitions[app].environment.LOG_LEVEL: info -> debug",
                "web: cpu: 256 -> 512",
                "web: desiredCount: 2 -> 4"), review);
    }

    @Test
    void thePagesTableIsWhatToStringPrints() throws IOException {
        fleet();
        RolloutPlan plan = ServiceRollout.builder().ecsClient(ecs).clock(clock).timeout(Duration.ofMinutes(30))
                .build().plan(
                        UpdateServiceRequest.builder().cluster("prod").service("web").taskDefinition("web:42")
                                .desiredCount(4).build(),
                        UpdateServiceRequest.builder().cluster("prod").service("worker").forceNewDeployment(true)
                                .build(),
                        UpdateServiceRequest.builder().cluster("prod").service("billing").taskDefinition("billing:3")
                                .build());

        Matcher printed = Pattern.compile("```text\n(Rollout plan:.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("docs", "plan.md")));
        assertTrue(printed.find(), "docs/plan.md prints a plan");
        assertEquals(printed.group(1).strip(), plan.toString().strip());
    }
}
