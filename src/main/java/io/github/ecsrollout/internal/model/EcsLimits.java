package io.github.ecsrollout.internal.model;

import java.time.Duration;

/** What ECS's calls take at most, and how far its clock and ours may disagree: facts, named once. */
public final class EcsLimits {

    /** Services one DescribeServices call takes. */
    public static final int SERVICES_PER_DESCRIBE = 10;
    /** Service deployments one DescribeServiceDeployments call takes. */
    public static final int SERVICE_DEPLOYMENTS_PER_DESCRIBE = 20;
    /** Service revisions one DescribeServiceRevisions call takes. */
    public static final int SERVICE_REVISIONS_PER_DESCRIBE = 20;
    /**
     * How far ECS's clock may run behind ours when a deployment's {@code createdAt} is compared with when we sent the
     * update that started it.
     */
    public static final Duration DEPLOYMENT_CREATED_SKEW = Duration.ofSeconds(5);
    /**
     * How far before our update a service deployment may seem created when we look for it in
     * ListServiceDeployments: wide, so that a skewed local clock still finds it; the match by revision does the rest.
     */
    public static final Duration SERVICE_DEPLOYMENT_LOOKBACK = Duration.ofMinutes(5);

    private EcsLimits() {
    }
}
