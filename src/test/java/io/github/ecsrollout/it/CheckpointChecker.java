package io.github.ecsrollout.it;

import io.github.ecsrollout.RolloutCheckpoint;
import io.github.ecsrollout.RolloutNotStableException;
import io.github.ecsrollout.RolloutProgress;
import io.github.ecsrollout.ServiceRollout;
import io.github.ecsrollout.sim.SimulatedEcs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A later invocation in a JVM of its own: reads a checkpoint's JSON from a file, checks the rollout once against the
 * simulated ECS at the given endpoint, and prints what it saw. Run by {@link CheckpointIT}.
 */
public final class CheckpointChecker {

    private CheckpointChecker() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.log.io.github.ecsrollout", "warn");
        RolloutCheckpoint checkpoint = RolloutCheckpoint.fromJson(Files.readString(Path.of(args[1]),
                StandardCharsets.UTF_8));
        try (ServiceRollout rollout = ServiceRollout.builder()
                .ecsClient(SimulatedEcs.clientFor(URI.create(args[0]), o -> { }))
                .delay(Duration.ofMillis(20)).build()) {
            RolloutProgress progress = rollout.check(checkpoint);
            System.out.println(progress.isDone() ? "DONE" : "NOT DONE");
            System.out.println("CHECKPOINT " + progress.checkpoint());
        } catch (RolloutNotStableException e) {
            System.out.println("FAILED " + e.reason() + " " + String.join(",", e.unstableServices()));
            System.out.println("CHECKPOINT " + e.checkpoint().map(Object::toString).orElse("none"));
        }
    }
}
