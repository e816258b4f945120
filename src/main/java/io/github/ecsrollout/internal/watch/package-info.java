/**
 * Watching services until each is judged: when each chunk polls, the polls themselves (each chunk through its SDK
 * {@code EcsWaiter}), the service deployments their verdicts need, and the judging of every answer. A watch of other
 * ECS resources (tasks, daemons), or an asynchronous driver of the same schedule, belongs here beside it.
 */
package io.github.ecsrollout.internal.watch;
