/**
 * What ECS's answers mean, as pure functions over the SDK's model objects: a service's verdict, the rollback action
 * that fits its deployment, ECS's own words, the reason a verdict ends a rollout with. No I/O, no state, no time.
 */
package io.github.ecsrollout.internal.verdict;
