/**
 * ECS's facts, with no I/O and no state: its naming rules, how names and ARNs relate, the limits of its calls, how long
 * a deployment configuration takes at least, durations, and a rollout's settings as validated.
 */
package io.github.ecsrollout.internal.model;
