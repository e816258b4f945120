package io.github.ecsrollout.internal.watch;

/**
 * What a poll's thread brings back: an answer to DescribeServices, or the service deployments described. A file of its
 * own, which names neither, so that the polls and what they bring back do not depend on each other in a circle.
 */
interface PollResult {
}
