/**
 * A simulated Amazon ECS for tests, the demo and the benchmarks: {@link io.github.ecsrollout.sim.SimulatedEcs}
 * serves a scripted, stateful model over awsJson1_1 on 127.0.0.1, so the real SDK client and
 * EcsWaiter run against it unchanged.
 *
 * <ul>
 *   <li>{@link io.github.ecsrollout.sim.ServiceScript}: how a service behaves after UpdateService
 *       (stable, circuit breaker with or without rollback, crash loop, never stable, unable to place).</li>
 *   <li>{@link io.github.ecsrollout.sim.ServiceSpec}: the service as created (counts, task definition,
 *       DRAINING/INACTIVE, CODE_DEPLOY).</li>
 *   <li>{@link io.github.ecsrollout.sim.SimClock}: a manual clock, so progressions need no sleeping.</li>
 *   <li>{@link io.github.ecsrollout.sim.Faults}: throttling, 5xx, latency, dropped connections,
 *       malformed JSON, replay of recorded payloads ({@link io.github.ecsrollout.sim.Replay}).</li>
 *   <li>{@link io.github.ecsrollout.sim.SimStats}: every request, for assertions and rates.</li>
 * </ul>
 */
package io.github.ecsrollout.sim;
