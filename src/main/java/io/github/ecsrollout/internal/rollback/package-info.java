/**
 * Putting back what a failed rollout changed: a pure plan of the action that fits each service, the actions, and the
 * wait until each service is confirmed back.
 */
package io.github.ecsrollout.internal.rollback;
