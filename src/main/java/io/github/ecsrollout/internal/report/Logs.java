package io.github.ecsrollout.internal.report;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's loggers: {@code io.github.ecsrollout.ServiceRollout} and one child per concern, so that a user can
 * turn each up or down on its own (children inherit the parent's level in the usual bindings). At INFO a rollout of 25
 * services logs about 30 lines, and a failure at most four once it is seen (a progress line, the rollback's two, the
 * WARN line); per-poll detail and ECS's own events are DEBUG.
 */
public final class Logs {

    /** The parent of every logger here. */
    public static final String ROOT = "io.github.ecsrollout.ServiceRollout";

    /**
     * A rollout's start and end (INFO), its failure (WARN, one line: the reason, and each failed service with ECS's
     * words and its first stopped task; the rest is in the exception), and what concerns the whole rollout: a longer
     * wait for slow deployments (INFO), service deployments unreadable (WARN).
     */
    public static final Logger ROLLOUT = LoggerFactory.getLogger(ROOT);
    /**
     * Each service's change of verdict: to STABLE, to a failure, a pause at a lifecycle hook (INFO); its update
     * accepted, its first observation and every change of counts or deployments (DEBUG).
     */
    public static final Logger SERVICES = LoggerFactory.getLogger(ROOT + ".services");
    /**
     * For rollouts of more than {@link ProgressLine#ABOVE} services, how many are stable, in progress and failed, at
     * most once per delay (INFO).
     */
    public static final Logger PROGRESS = LoggerFactory.getLogger(ROOT + ".progress");
    /** ECS's service events as they appear ("has started 1 tasks", "has reached a steady state") (DEBUG). */
    public static final Logger EVENTS = LoggerFactory.getLogger(ROOT + ".events");
    /** Each DescribeServices poll, and service-deployment calls tried again (DEBUG). */
    public static final Logger POLLS = LoggerFactory.getLogger(ROOT + ".polls");
    /**
     * What {@code rollbackOnFailure} does: one line at its end of what was done, per action the services restored and
     * what each was restored to (INFO), and one of the services it could not restore, with why (WARN); its start and
     * its wait's own lines (each service, progress) are DEBUG.
     */
    public static final Logger ROLLBACK = LoggerFactory.getLogger(ROOT + ".rollback");
    /** A listener that threw or did not return in time (WARN). */
    public static final Logger LISTENER = LoggerFactory.getLogger(ROOT + ".listener");

    private Logs() {
    }
}
