/**
 * What a rollout knows about each of its services: the tracked service (its verdict and last answer), its update, its
 * event log, the search for its service deployment. Written by the one thread that judges its answers.
 */
package io.github.ecsrollout.internal.state;
