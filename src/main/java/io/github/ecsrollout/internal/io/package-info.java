/**
 * Everything between a rollout and ECS: the one port for every call, its adapter over the synchronous
 * {@code EcsClient} (deadlines as {@code apiCallTimeout}, call threads, pacing), the one chunked describe, and the
 * one classifier of what a call threw. An adapter over {@code EcsAsyncClient} belongs here beside it.
 */
package io.github.ecsrollout.internal.io;
