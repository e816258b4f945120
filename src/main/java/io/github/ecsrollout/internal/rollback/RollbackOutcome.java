package io.github.ecsrollout.internal.rollback;

import java.util.List;
import java.util.Map;

/**
 * What a rollback achieved: the services confirmed back, those not (and why), those left alone, what was done for
 * each, the rollback's own failure and ECS's refusals of a stop or continue.
 *
 * @param restored the services confirmed back, in the rollout's order
 * @param notRestored the services not confirmed back, with why
 * @param leftAlone the services another deployment superseded, with why
 * @param paths what was done for each service
 * @param error the rollback's own failure (its wait, a rejected restore), or {@code null}
 * @param refusals ECS's refusals of a stop or continue, each followed by a restore
 */
public record RollbackOutcome(List<String> restored, Map<String, String> notRestored, Map<String, String> leftAlone,
        Map<String, String> paths, RuntimeException error, List<RuntimeException> refusals) {

    /** Lines for the failure's message. */
    public String summary() {
        StringBuilder sb = new StringBuilder("rollback: restored ").append(restored);
        if (!notRestored.isEmpty()) {
            sb.append("; NOT restored:");
            notRestored.forEach((s, why) -> sb.append(' ').append(s).append(" (").append(why).append(')'));
        }
        if (!leftAlone.isEmpty()) {
            sb.append("; left alone:");
            leftAlone.forEach((s, why) -> sb.append(' ').append(s).append(" (").append(why).append(')'));
        }
        if (!paths.isEmpty()) {
            sb.append("\n  rollback actions:");
            paths.forEach((s, path) -> sb.append(' ').append(s).append(": ").append(path).append(';'));
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }
}
