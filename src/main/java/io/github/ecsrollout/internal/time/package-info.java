/**
 * Time and threads, below everything that waits: the clock (real or virtual) every delay, deadline and pacing wait goes
 * through, a rollout's deadline, the pacing of calls, and the one factory of the library's threads.
 */
package io.github.ecsrollout.internal.time;
