/** Roll out Amazon ECS services and wait until they are stable, with typed verdicts: start at {@link io.github.ecsrollout.ServiceRollout}. */
package io.github.ecsrollout;
