/** Implementation of ecs-rollout: not API, may change in any release without notice. */
package io.github.ecsrollout.internal;
