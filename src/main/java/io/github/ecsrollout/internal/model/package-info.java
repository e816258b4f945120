/**
 * ECS's facts, with no I/O and no state: its naming rules, how names and ARNs relate, the limits of its calls, how long
 * a deployment configuration takes at least, durations, a rollout's settings as validated, and the plain JSON that
 * checkpoints and reports are written in.
 */
package io.github.ecsrollout.internal.model;
