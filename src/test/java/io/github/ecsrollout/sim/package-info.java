/**
 * A simulated Amazon ECS for tests, the demo and the benchmarks: {@link io.github.ecsrollout.sim.SimulatedEcs}
 * serves a scripted, stateful model over awsJson1_1 on 127.0.0.1, so the real SDK client and
 * EcsWaiter run against it unchanged.
 *
 * <ul>
 *   <li>{@link io.github.ecsrollout.sim.ServiceScript}: how a service behaves after UpdateService
 *       (stable, circuit breaker with or without rollback, crash loop, never stable, unable to place;
 *       rolling with an alarm bake, an alarm firing, BLUE_GREEN, LINEAR, CANARY, lifecycle hooks,
 *       early success).</li>
 *   <li>{@link io.github.ecsrollout.sim.ServiceSpec}: the service as created (counts, task definition,
 *       DRAINING/INACTIVE, CODE_DEPLOY, deploymentConfiguration, stale or missing service-deployment history).</li>
 *   <li>{@link io.github.ecsrollout.sim.SimClock}: a manual clock, so progressions need no sleeping.</li>
 *   <li>{@link io.github.ecsrollout.sim.Faults}: throttling, 5xx, latency, dropped connections,
 *       malformed JSON, AccessDenied, replay of recorded payloads ({@link io.github.ecsrollout.sim.Replay}).</li>
 *   <li>{@link io.github.ecsrollout.sim.RateLimits}: ECS's request throttling, token buckets per operation on the
 *       simulator's clock; off unless {@code rateLimits(true)}.</li>
 *   <li>{@link io.github.ecsrollout.sim.SimStats}: every request, for assertions and rates.</li>
 * </ul>
 *
 * <p>Operations: DescribeServices, UpdateService, DescribeTaskDefinition, ListTasks, DescribeTasks,
 * ListServiceDeployments, DescribeServiceDeployments, StopServiceDeployment, ContinueServiceDeployment,
 * DescribeServiceRevisions (each deployment's revision, one container whose digest is the SHA-256 of its image's name).
 * DescribeTaskDefinition answers the ARN, family, revision and status (and no container definitions) of any
 * revision UpdateService would take, unless a test made it missing or not ACTIVE; it is not throttled by
 * {@link io.github.ecsrollout.sim.RateLimits} (its bucket is not modelled).
 *
 * <h2 id="DOCUMENTED_VS_ASSUMED">Service deployments: documented vs assumed</h2>
 *
 * <p>Documented (ECS API reference, SDK model 2.57.8, the recordings 20, 20b and 21b in
 * {@code src/test/resources/ecs-payloads}):
 * <ul>
 *   <li>Every member name and enum value the simulator writes (ServiceDeployment, ServiceDeploymentBrief,
 *       ServiceRevisionSummary, DeploymentConfiguration with strategy, bakeTimeInMinutes, linearConfiguration,
 *       canaryConfiguration, alarms, lifecycleHooks, earlySuccessCriteria; lifecycleHookDetails; rollback;
 *       deploymentCircuitBreaker; alarms). Hook target types are AWS_LAMBDA and PAUSE; hook stages
 *       include PRE_PRODUCTION_TRAFFIC_SHIFT, which is no ServiceDeploymentLifecycleStage.</li>
 *   <li>ARNs: {@code service-deployment/CLUSTER/SERVICE/TOKEN} with an unrelated token, and
 *       {@code service-revision/CLUSTER/SERVICE/N} ending in the number of the DescribeServices deployment
 *       {@code ecs-svc/N} (the recordings show the pairing).</li>
 *   <li>Request limits and errors: ListServiceDeployments maxResults 1..100, default 20, ServiceNotFound /
 *       ClusterNotFound; DescribeServiceDeployments at most 20 ARNs, unknown ones in {@code failures} MISSING;
 *       StopServiceDeployment stopType ABORT|ROLLBACK (ROLLBACK by default, allowed even without rollback
 *       configured), ConflictException among its declared errors; ContinueServiceDeployment action
 *       CONTINUE (default) or ROLLBACK, declared errors without ConflictException; AccessDeniedException is
 *       HTTP 400.</li>
 *   <li>The status flows PENDING/IN_PROGRESS → ROLLBACK_REQUESTED → ROLLBACK_IN_PROGRESS when stopped with
 *       ROLLBACK; STOP_REQUESTED and ROLLBACK_* "continue" when stopped again.</li>
 *   <li>The order of lifecycle stages and what each means (ServiceDeployment.lifecycleStage), RECONCILE_SERVICE
 *       only with more than one ACTIVE revision; linear/canary defaults (10 % / 6 min, 5 % / 10 min) and no
 *       step bake after 100 %; the circuit-breaker threshold (half the desired count, 3 to 200).</li>
 *   <li>A blue/green (linear, canary) service keeps two deployments in DescribeServices through its bake;
 *       with early success criteria ECS calls a deployment SUCCESSFUL before it is steady.</li>
 * </ul>
 *
 * <p>Assumed (no public recording; chosen to be plausible and easy to test against):
 * <ul>
 *   <li>Everything a blue/green, linear or canary DescribeServices body shows (no recording of one exists):
 *       green's tasks all RUNNING beside blue's from SCALE_UP on, green's rolloutState IN_PROGRESS until
 *       CLEAN_UP ends; when a shift happens inside PRODUCTION_TRAFFIC_SHIFT (first one stage-time in);
 *       that hooks run at the start of their stage, one after the other, a Lambda hook taking one stage-time;
 *       lifecycleStage staying CLEAN_UP once SUCCESSFUL and absent for ROLLING deployments.</li>
 *   <li>Every rollback (circuit breaker, alarm, hook, StopServiceDeployment) as a new PRIMARY deployment on
 *       the previous task definition with a service deployment of its own; rollback.serviceRevisionArn naming
 *       the source revision; ROLLBACK_IN_PROGRESS a quarter of the rollback's time after ROLLBACK_REQUESTED;
 *       a StopServiceDeployment rollback taking 10 s; ABORT leaving the service as it is, STOPPED 1 s later.
 *       The circuit breaker's rollback deployment says "ECS deployment circuit breaker: rolling back to
 *       deploymentId ..." in its rolloutStateReason (the wording peers' tests record; that it names the
 *       deployment rolled back to is assumed).</li>
 *   <li>A rollback that fails ({@code circuitBreakerRollbackFails}): its tasks crash too, and ECS gives up on it
 *       after a script-given time: the rollback deployment FAILED and its service deployment STOPPED, the failed
 *       deployment's service deployment ROLLBACK_FAILED with an invented statusReason, both left listed.
 *       A requested rollback that ECS never starts ({@code rollbackRequestedButCompletes}): ROLLBACK_REQUESTED
 *       until the deployment completes, then SUCCESSFUL, rollback.reason kept.</li>
 *   <li>Wording: statusReason and rollback.reason texts other than the circuit breaker's, the alarm
 *       rolloutStateReason, "Replaced by a new service deployment" (given), every error message; hookId
 *       prefixes other than {@code ecs-pause-}; a hook timeout of 60 min and action ROLLBACK when unset.</li>
 *   <li>A replaced deployment goes STOPPED when its tasks are gone from DescribeServices (it stays
 *       STOP_REQUESTED while they are not); the service's first deployment has a SUCCESSFUL service deployment;
 *       PENDING lasts until the first step of the script (no time on a manual clock).</li>
 *   <li>Errors: ConflictException for StopServiceDeployment on a finished deployment or one with no previous
 *       revision; ClientException for ContinueServiceDeployment when not paused (or the pause expired),
 *       InvalidParameterException for a wrong hookId; DescribeServiceDeployments answering MISSING (not
 *       ClusterNotFound) for ARNs of unknown clusters.</li>
 *   <li>The alarm bake of a rolling deployment lasting bakeTimeInMinutes; early success reached at a
 *       script-given time with healthyPercent of the desired tasks running.</li>
 * </ul>
 */
package io.github.ecsrollout.sim;
