/** An in-memory fake {@code EcsClient} for unit-testing code that rolls out ECS services: start at {@link io.github.ecsrollout.testing.FakeEcs}. */
package io.github.ecsrollout.testing;
