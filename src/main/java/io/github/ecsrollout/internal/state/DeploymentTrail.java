package io.github.ecsrollout.internal.state;

import java.util.HashSet;
import java.util.Set;

/**
 * How far the search for one service's service deployment has come: its ARN once found, the hints that turned out to
 * name another deployment, the lookups that found nothing, and why there is none to find. Thread-safe.
 */
public final class DeploymentTrail {

    private String arn;
    /** {@code currentServiceDeployment} ARNs that turned out to name another deployment. */
    private final Set<String> rejectedHints = new HashSet<>();
    private int fruitlessLookups;
    /** Why this service's deployment cannot be looked up (no history); {@code null} while it can. */
    private String whyNone;

    DeploymentTrail(String arn) {
        this.arn = arn;
    }

    /** The service deployment's ARN, once found (or carried by a checkpoint); {@code null} before. */
    public synchronized String arn() {
        return arn;
    }

    /** Adopts the service deployment this rollout started, once found by its revision. */
    public synchronized void found(String serviceDeploymentArn) {
        arn = serviceDeploymentArn;
    }

    /** Whether a {@code currentServiceDeployment} ARN already turned out to name another deployment. */
    public synchronized boolean isRejectedHint(String hint) {
        return rejectedHints.contains(hint);
    }

    public synchronized void rejectHint(String hint) {
        rejectedHints.add(hint);
    }

    /** Counts a lookup that found nothing; returns how many have so far. */
    public synchronized int lookupFoundNothing() {
        return ++fruitlessLookups;
    }

    /** Records that this service's deployment cannot be looked up, and why. */
    public synchronized void noneToFind(String why) {
        whyNone = why;
    }

    /** Why this service's deployment cannot be looked up, or {@code null} while it can. */
    public synchronized String whyNone() {
        return whyNone;
    }
}
