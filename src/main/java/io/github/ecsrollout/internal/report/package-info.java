/**
 * What a rollout tells people: the caller's listener (on a thread of its own), the log lines, the failure's message
 * and its headlines.
 */
package io.github.ecsrollout.internal.report;
