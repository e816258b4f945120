package io.github.ecsrollout.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An integration test (or every test of a class) kept on the real clock on purpose: its point is something only real
 * time has, such as a socket that never answers, a call's own thread, the listener's thread or the pool of chunk
 * threads. {@link ItBase} then starts the simulated ECS on the system clock and builds rollouts without a clock of
 * their own. Every other integration test runs on the virtual clock the rollout shares with the simulator.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@interface RealTime {

    /** Why real time is the point of the test. */
    String value();
}
