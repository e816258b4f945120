package io.github.ecsrollout.sim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.ecs.EcsClient;

/** A fresh simulator on a manual clock for each test, and a real SDK client against it. */
abstract class SimTestBase {

    protected final SimClock clock = SimClock.manual();
    protected SimulatedEcs ecs;
    protected EcsClient client;

    @BeforeEach
    void startSimulator() {
        ecs = SimulatedEcs.start(clock);
        client = ecs.client();
    }

    @AfterEach
    void stopSimulator() {
        ecs.close();
    }
}
