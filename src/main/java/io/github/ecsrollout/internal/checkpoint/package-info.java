/**
 * A rollout written down so that another process can go on with it: one line per service, and the ledger that writes
 * the tracked services into a checkpoint and reads them back.
 */
package io.github.ecsrollout.internal.checkpoint;
