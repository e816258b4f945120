/**
 * A rollout call from start to end, the top of the engine: the reads before any update, the updates, the wait, a
 * rollout taken up from a checkpoint, and what a failure leads to (diagnostics, rollback, the exception).
 */
package io.github.ecsrollout.internal.run;
