package io.github.ecsrollout.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage.BAKE_TIME;
import static software.amazon.awssdk.services.ecs.model.ServiceDeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT;

import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutNotStableException.Reason;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.RolloutResult;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.ServiceState;
import io.github.ecsrollout.ServiceState.RollbackAction;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.testing.FakeEcs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Checkpoints written by the engine before its refactoring still read, and a rollout goes on from them: each file of
 * {@code src/test/resources/golden/checkpoints/} was written by {@link ServiceRollout#start} (and checks) on a
 * {@link FakeEcs}; the test reads it back with {@link RolloutCheckpoint#fromJson}, sets up a fake the same way (its
 * deployments started from outside, so that they get the ids and service-deployment tokens the file names, FakeEcs
 * numbering them in order), and checks or resumes it. {@code -Dgolden.record=true} writes the files instead.
 */
class CheckpointCompatibilityTest {

    static final Path DIR = GoldenMasterTest.DIR.resolve("checkpoints");

    /**
     * One checkpoint file: how its fake is declared, how today's code wrote it, how the test starts the same
     * deployments without the library, and what going on from it must come to.
     */
    record Case(String name, Consumer<FakeEcs> declare, Function<FakeEcs, RolloutCheckpoint> write,
            Consumer<FakeEcs> deploy, BiConsumer<FakeEcs, RolloutCheckpoint> goOn) {

        @Override
        public String toString() {
            return name;
        }
    }

    private static ServiceRollout.Builder rollout(FakeEcs ecs) {
        return ServiceRollout.builder().ecsClient(ecs).delay(Duration.ZERO).maxAttempts(10);
    }

    private static UpdateServiceRequest update(String service) {
        return UpdateServiceRequest.builder().cluster("prod").service(service).taskDefinition(service + ":2").build();
    }

    /** Checks until done, at most {@code max} times. */
    private static RolloutProgress checks(ServiceRollout rollout, RolloutCheckpoint checkpoint, int max) {
        RolloutProgress p = rollout.check(checkpoint);
        for (int i = 1; i < max && !p.isDone(); i++) {
            p = rollout.check(p.checkpoint());
        }
        return p;
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Just started: two deployments known, nothing observed yet.
                new Case("started-two-services",
                        ecs -> {
                            ecs.service("prod", "web").becomesStableAfter(3);
                            ecs.service("prod", "api").becomesStableAfter(2);
                        },
                        ecs -> rollout(ecs).build().start(List.of(update("web"), update("api"))),
                        ecs -> {
                            ecs.service("prod", "web").deploy("web:2");
                            ecs.service("prod", "api").deploy("api:2");
                        },
                        (ecs, checkpoint) -> {
                            RolloutProgress p = checks(rollout(ecs).build(), checkpoint, 5);
                            assertTrue(p.isDone(), p::toString);
                            assertEquals(List.of(Verdict.STABLE, Verdict.STABLE),
                                    p.services().stream().map(ServiceState::verdict).toList());
                        }),
                // Mid-rollout: checked twice, still deploying, events seen (no service deployment looked up: rolling).
                new Case("mid-rollout-rolling",
                        ecs -> ecs.service("prod", "web").becomesStableAfter(4),
                        ecs -> {
                            ServiceRollout r = rollout(ecs).build();
                            RolloutCheckpoint c = r.start(List.of(update("web")));
                            return r.check(r.check(c).checkpoint()).checkpoint();
                        },
                        ecs -> ecs.service("prod", "web").deploy("web:2"),
                        (ecs, checkpoint) -> {
                            RolloutResult result = rollout(ecs).build().resume(checkpoint);
                            assertEquals(Verdict.STABLE, result.services().get(0).verdict());
                            assertEquals(Optional.of(ecs.taskDefinitionArn("web:2")), result.services().get(0).taskDefinition());
                        }),
                // One update answered, the next one's answer lost (the call aborted): a possibly-updated service.
                new Case("possibly-updated",
                        ecs -> {
                            ecs.service("prod", "web").becomesStableAfter(2);
                            ecs.service("prod", "api").rejectsUpdates(AbortedException.create("aborted"));
                            ecs.service("prod", "db");
                        },
                        ecs -> {
                            RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                                    () -> rollout(ecs).build().start(List.of(update("web"), update("api"),
                                            update("db"))));
                            // The rollout calls it an interruption and sets the flag again: not this test's.
                            Thread.interrupted();
                            assertEquals(Reason.INTERRUPTED, e.reason(), e::getMessage);
                            assertEquals(List.of("api"), e.possiblyUpdatedServices());
                            return e.checkpoint().orElseThrow();
                        },
                        ecs -> {
                            ecs.service("prod", "web").deploy("web:2");
                            // The lost answer's update was applied after all.
                            ecs.service("prod", "api").deploy("api:2");
                        },
                        (ecs, checkpoint) -> {
                            RolloutResult result = rollout(ecs).build().resume(checkpoint);
                            assertEquals(List.of("web", "api"), result.serviceNames());
                            assertTrue(result.services().stream().allMatch(ServiceState::isStable),
                                    result.services()::toString);
                        }),
                // Blue/green with succeedAtStage and rollbackOnFailure, seen at a stage before BAKE_TIME.
                new Case("blue-green-succeed-at-bake-time-with-rollback",
                        ecs -> ecs.service("prod", "web").blueGreen(3),
                        ecs -> {
                            ServiceRollout r = rollout(ecs).succeedAtStage(BAKE_TIME).rollbackOnFailure(true).build();
                            RolloutCheckpoint c = r.start(List.of(update("web")));
                            return r.check(r.check(c).checkpoint()).checkpoint();
                        },
                        ecs -> ecs.service("prod", "web").deploy("web:2"),
                        (ecs, checkpoint) -> {
                            assertEquals("BAKE_TIME", checkpoint.succeedAtStage());
                            assertTrue(checkpoint.rollbackOnFailure());
                            // The checkpoint's stage applies, though this rollout sets none.
                            RolloutProgress p = checks(rollout(ecs).build(), checkpoint, 5);
                            assertTrue(p.isDone(), p::toString);
                            assertEquals(BAKE_TIME, p.services().get(0).serviceDeployment().orElseThrow()
                                    .lifecycleStage());
                        }),
                // Paused at a PAUSE hook the listener has heard about, with rollbackOnFailure.
                new Case("paused-hook-heard-with-rollback",
                        ecs -> ecs.service("prod", "web").blueGreen(1).pausesAt(POST_PRODUCTION_TRAFFIC_SHIFT),
                        ecs -> {
                            ServiceRollout r = rollout(ecs).rollbackOnFailure(true).build();
                            RolloutProgress p = r.check(r.start(List.of(update("web"))));
                            for (int i = 0; i < 5; i++) {
                                p = r.check(p.checkpoint());
                            }
                            assertTrue(p.services().get(0).pausedHook().isPresent(), p.services()::toString);
                            return p.checkpoint();
                        },
                        ecs -> ecs.service("prod", "web").deploy("web:2"),
                        (ecs, checkpoint) -> {
                            RolloutNotStableException e = assertThrows(RolloutNotStableException.class,
                                    () -> rollout(ecs).maxAttempts(6).build().resume(checkpoint));
                            assertEquals(Reason.TIMED_OUT, e.reason(), e::getMessage);
                            // Since issue 17 a call's own bound (maxAttempts here) ends only the call: nothing is
                            // rolled back, and the rollout is aborted on purpose, from the checkpoint it carries.
                            assertEquals(List.of(), e.rolledBackServices(), e::getMessage);
                            RolloutResult back = rollout(ecs).maxAttempts(6).build()
                                    .rollBack(e.checkpoint().orElseThrow());
                            assertEquals(RollbackAction.CONTINUED_WITH_ROLLBACK,
                                    back.services().get(0).rollbackAction());
                        }));
    }

    @Test
    void everyCheckpointFileHasItsCase() throws IOException {
        if (GoldenMasterTest.RECORD) {
            return;
        }
        List<String> names = cases().map(Case::name).toList();
        try (Stream<Path> files = Files.list(DIR)) {
            List<String> orphans = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).filter(n -> !names.contains(n))
                    .sorted().toList();
            assertEquals(List.of(), orphans, "checkpoint files without a case: delete them. "
                    + GoldenMasterTest.HOW_TO_RECORD);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Timeout(30)
    void aCheckpointWrittenBeforeTheRefactoringStillReadsAndGoesOn(Case c) throws Exception {
        Path file = DIR.resolve(c.name() + ".json");
        if (GoldenMasterTest.RECORD) {
            FakeEcs ecs = ScenarioRun.fakeBuilder().build();
            c.declare().accept(ecs);
            Files.createDirectories(DIR);
            Files.writeString(file, c.write().apply(ecs).toJson() + "\n", StandardCharsets.UTF_8);
            return;
        }
        assertTrue(Files.exists(file), "no checkpoint " + file + ". " + GoldenMasterTest.HOW_TO_RECORD);
        String json = Files.readString(file, StandardCharsets.UTF_8).strip();
        RolloutCheckpoint checkpoint = RolloutCheckpoint.fromJson(json);
        assertEquals(json, checkpoint.toJson(), "a checkpoint read back is written back the same");

        FakeEcs ecs = ScenarioRun.fakeBuilder().build();
        c.declare().accept(ecs);
        c.deploy().accept(ecs);
        for (String line : checkpoint.services()) {
            String[] f = line.split("\\|", -1);
            if (!f[3].isEmpty()) {
                String primary = ecs.service(f[0], f[1]).describe().orElseThrow().deployments().get(0).id();
                assertEquals(f[3], primary, "the fake's deployment is the one the checkpoint names: set up as "
                        + "when it was written");
            }
        }
        c.goOn().accept(ecs, checkpoint);
    }
}
