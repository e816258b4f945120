package io.github.ecsrollout.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ecsrollout.internal.model.TaskDefinitionDiff.ContainerImage;
import io.github.ecsrollout.support.Recorded;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * The task definition diff, table-driven over recorded DescribeTaskDefinition answers: each row changes a recorded
 * task definition as a new revision might, and names the lines a reviewer sees.
 */
class TaskDefinitionDiffTest {

    private static final String TWO = "30-describe-task-definition-two-containers-awscli-docs.json";
    private static final String FARGATE = "30b-describe-task-definition-fargate-healthcheck-github-readme.json";
    private static final String HC = "containerDefinitions[hiringcandidate-command]";

    static Stream<Arguments> rows() {
        return Stream.of(
                row("the same task definition", TWO, td -> td),
                row("what registration sets differs between any two revisions", FARGATE, td -> td.toBuilder()
                        .taskDefinitionArn("arn:aws:ecs:sa-east-1:939645320583:task-definition/hiringcandidate-command:23")
                        .revision(23).status(TaskDefinitionStatus.INACTIVE).registeredAt(Instant.EPOCH)
                        .registeredBy("someone").requiresAttributes(List.of()).compatibilities(List.of()).build()),
                row("an image alone is not a difference line", FARGATE, td -> container(td, 0, c -> c.image("x:2"))),
                row("task cpu", FARGATE, td -> td.toBuilder().cpu("2048").build(), "cpu: 1024 -> 2048"),
                row("task memory removed", FARGATE, td -> td.toBuilder().memory(null).build(), "memory: 2048 -> (none)"),
                row("an enum as ECS spells it", FARGATE, td -> td.toBuilder().networkMode(NetworkMode.BRIDGE).build(),
                        "networkMode: awsvpc -> bridge"),
                row("a list of enums", FARGATE, td -> td.toBuilder().requiresCompatibilitiesWithStrings("FARGATE", "EC2")
                        .build(), "requiresCompatibilities: [FARGATE] -> [FARGATE, EC2]"),
                row("environment by name, sorted", TWO, td -> container(td, 1, c -> c.environment(
                        KeyValuePair.builder().name("MYSQL_ROOT_PASSWORD").value("other").build(),
                        KeyValuePair.builder().name("LOG_LEVEL").value("debug").build())),
                        "containerDefinitions[mysql].environment.LOG_LEVEL: (none) -> debug",
                        "containerDefinitions[mysql].environment.MYSQL_ROOT_PASSWORD: password -> other"),
                row("a secret shows where it comes from", FARGATE, td -> container(td, 0, c -> c.secrets(Secret.builder()
                        .name("DB_PASSWORD").valueFrom("arn:aws:secretsmanager:sa-east-1:939645320583:secret:db-AbC")
                        .build())), HC + ".secrets.DB_PASSWORD: (none) -> "
                        + "arn:aws:secretsmanager:sa-east-1:939645320583:secret:db-AbC"),
                row("a map entry", FARGATE, td -> container(td, 0, c -> c.logConfiguration(
                        td.containerDefinitions().get(0).logConfiguration().toBuilder().options(Map.of(
                                "awslogs-create-group", "true", "awslogs-group", "/ecs/hc", "awslogs-region",
                                "sa-east-1", "awslogs-stream-prefix", "ecs")).build())),
                        HC + ".logConfiguration.options.awslogs-group: /ecs/ -> /ecs/hc"),
                row("a list of strings as a whole", FARGATE, td -> container(td, 0, c -> c.healthCheck(
                        td.containerDefinitions().get(0).healthCheck().toBuilder().command("CMD-SHELL", "true")
                                .interval(10).build())),
                        HC + ".healthCheck.command: [CMD-SHELL, curl -f http://localhost/health?param1=1&param2=2 "
                                + "|| exit 1] -> [CMD-SHELL, true]",
                        HC + ".healthCheck.interval: 30 -> 10"),
                row("port mappings by name", FARGATE, td -> container(td, 0, c -> c.portMappings(td
                        .containerDefinitions().get(0).portMappings().get(0).toBuilder().containerPort(8080).build())),
                        HC + ".portMappings[hiringcandidate-command-80-tcp].containerPort: 80 -> 8080"),
                row("port mappings without names by position", TWO, td -> container(td, 0, c -> c.portMappings(td
                        .containerDefinitions().get(0).portMappings().get(0).toBuilder().hostPort(0).build())),
                        "containerDefinitions[wordpress].portMappings[0].hostPort: 80 -> 0"),
                row("a pair keyed by container name", TWO, td -> container(td, 0, c -> c.dependsOn(ContainerDependency
                        .builder().containerName("mysql").condition("HEALTHY").build())),
                        "containerDefinitions[wordpress].dependsOn.mysql: (none) -> HEALTHY"),
                row("a container added, in full", TWO, td -> td.toBuilder().containerDefinitions(
                        add(td.containerDefinitions(), ContainerDefinition.builder().name("cache").image("redis:7")
                                .essential(false).build())).build(),
                        "containerDefinitions[cache]: (none) -> {essential=false, image=redis:7, name=cache}"),
                row("a container removed, and what named it", TWO, td -> td.toBuilder().containerDefinitions(
                        td.containerDefinitions().get(0).toBuilder().links(List.of()).build()).build(),
                        "containerDefinitions[mysql]: {cpu=10, environment=[{name=MYSQL_ROOT_PASSWORD, "
                                + "value=password}], essential=true, image=mysql, memory=500, name=mysql} -> (none)",
                        "containerDefinitions[wordpress].links: [mysql] -> (none)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void linesNameEachDifference(String name, String file, UnaryOperator<TaskDefinition> change,
            List<String> expected) {
        TaskDefinition before = Recorded.taskDefinition(file);

        assertEquals(expected, TaskDefinitionDiff.lines(before, change.apply(before)));
        assertEquals(List.of(), TaskDefinitionDiff.lines(before, before));
    }

    @Test
    void imagesAreListedPerContainerInTheTargetsOrderThenThoseRemoved() {
        TaskDefinition before = Recorded.taskDefinition(TWO);
        TaskDefinition after = before.toBuilder().containerDefinitions(
                before.containerDefinitions().get(1).toBuilder().image("mysql:8").build(),
                ContainerDefinition.builder().name("cache").image("redis:7").build()).build();

        assertEquals(List.of(new ContainerImage("mysql", "mysql", "mysql:8"), new ContainerImage("cache", null,
                "redis:7"), new ContainerImage("wordpress", "wordpress", null)), TaskDefinitionDiff.images(before, after));
    }

    @Test
    void theWalkSeesPublicPropertiesOnlyUnderTheirWireNames() {
        Map<String, ?> properties = ModelDiff.properties(ContainerDefinition.class);

        assertTrue(properties.keySet().containsAll(List.of("image", "environment", "secrets", "portMappings",
                "healthCheck", "versionConsistency")), properties.keySet().toString());
        for (String notAProperty : List.of("sdkFields", "toBuilder", "hasEnvironment", "versionConsistencyAsString",
                "hashCode")) {
            assertFalse(properties.containsKey(notAProperty), notAProperty);
        }
        assertEquals(new ArrayList<>(properties.keySet()).stream().sorted().toList(),
                new ArrayList<>(properties.keySet()), "sorted, so the lines come in a fixed order");
    }

    private static Arguments row(String name, String file, UnaryOperator<TaskDefinition> change, String... lines) {
        return Arguments.of(name, file, change, List.of(lines));
    }

    private static TaskDefinition container(TaskDefinition td, int index, UnaryOperator<ContainerDefinition.Builder> c) {
        List<ContainerDefinition> containers = new ArrayList<>(td.containerDefinitions());
        containers.set(index, c.apply(containers.get(index).toBuilder()).build());
        return td.toBuilder().containerDefinitions(containers).build();
    }

    private static List<ContainerDefinition> add(List<ContainerDefinition> list, ContainerDefinition c) {
        List<ContainerDefinition> more = new ArrayList<>(list);
        more.add(c);
        return more;
    }
}
