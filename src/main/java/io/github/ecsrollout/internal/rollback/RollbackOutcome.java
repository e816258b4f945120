package io.github.ecsrollout.internal.rollback;

import io.github.ecsrollout.internal.report.RollbackReport;
import java.util.List;
import java.util.Map;

/**
 * What a rollback achieved: its report (the services confirmed back, those not and why, those left alone, what was
 * done for each), the rollback's own failure and ECS's refusals of a stop or continue.
 *
 * @param report what was done for each service, as the log and the message tell it
 * @param error the rollback's own failure (its wait, a rejected restore), or {@code null}
 * @param refusals ECS's refusals of a stop or continue, each followed by a restore
 */
public record RollbackOutcome(RollbackReport report, RuntimeException error, List<RuntimeException> refusals) {

    /** The services confirmed back, in the rollout's order. */
    public List<String> restored() {
        return report.restored();
    }

    /** The services not confirmed back, with why. */
    public Map<String, String> notRestored() {
        return report.notRestored();
    }

    /** Lines for the failure's message. */
    public String summary() {
        return report.messageLines();
    }
}
