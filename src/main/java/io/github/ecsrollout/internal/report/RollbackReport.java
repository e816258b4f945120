package io.github.ecsrollout.internal.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a rollback did, told three ways: one INFO line (per action, the services restored and what each was restored
 * to), one WARN line (the services not restored, grouped by why) and the failure message's lines (every action with
 * its why and the service deployment it acted on). Services are grouped by action and ARNs shortened
 * ({@link ShortArns}), so that a rollback of many services reads in a few hundred characters.
 */
public final class RollbackReport {

    /**
     * What was done for one service.
     *
     * @param how the action ({@code StopServiceDeployment(ROLLBACK)}, {@code UpdateService back}, ...)
     * @param why why that action, or the state of what it acted on ({@code service deployment IN_PROGRESS}), or
     *     {@code null}
     * @param serviceDeployment the id of the service deployment acted on or watched, or {@code null}
     * @param hook the lifecycle hook a continue was sent at, or {@code null}
     * @param taskDefinition what the service was to be restored to: its task definition before the rollout
     * @param named whether the message names the task definition (an UpdateService sends it; a stop does not)
     */
    public record Step(String how, String why, String serviceDeployment, String hook, String taskDefinition,
            boolean named) {
    }

    /** The request id the SDK puts in an error's message: a different one in each call's. */
    private static final Pattern REQUEST_ID = Pattern.compile("Request ID: [^,)\\s]+");

    private final int acted;
    private final List<String> restored;
    private final Map<String, String> notRestored;
    private final Map<String, String> leftAlone;
    private final Map<String, Step> steps;
    private final ShortArns arns;

    private RollbackReport(int acted, List<String> restored, Map<String, String> notRestored,
            Map<String, String> leftAlone, Map<String, Step> steps) {
        this.acted = acted;
        this.restored = List.copyOf(restored);
        this.notRestored = new LinkedHashMap<>(notRestored);
        this.leftAlone = new LinkedHashMap<>(leftAlone);
        this.steps = new LinkedHashMap<>(steps);
        this.arns = ShortArns.of(steps.values().stream().map(Step::taskDefinition).toList());
    }

    /**
     * A rollback's report.
     *
     * @param acted how many services the rollback acted on
     * @param restored the services confirmed back, in the rollout's order
     * @param notRestored the services not confirmed back, with why
     * @param leftAlone the services another deployment superseded, with why
     * @param steps what was done for each service, in the rollout's order
     */
    public static RollbackReport of(int acted, List<String> restored, Map<String, String> notRestored,
            Map<String, String> leftAlone, Map<String, Step> steps) {
        return new RollbackReport(acted, restored, notRestored, leftAlone, steps);
    }

    /** The services confirmed back. */
    public List<String> restored() {
        return restored;
    }

    /** The services not confirmed back, with why. */
    public Map<String, String> notRestored() {
        return notRestored;
    }

    /**
     * The INFO line: {@code Rollback finished: restored 23 of 23 services: StopServiceDeployment(ROLLBACK) (22):
     * svc-a0 to svc-a0:41, ...; UpdateService back (1): svc-b3 to svc-b3:41}, and those left alone.
     */
    public String infoLine() {
        StringBuilder sb = new StringBuilder("Rollback finished: ");
        if (acted == 0) {
            sb.append("nothing to restore");
        } else {
            sb.append("restored ").append(restored.size()).append(" of ").append(acted)
                    .append(acted == 1 ? " service" : " services");
        }
        Map<String, List<String>> byAction = group(restored, s -> steps.get(s) == null ? null : steps.get(s).how());
        String separator = ": ";
        for (Map.Entry<String, List<String>> e : byAction.entrySet()) {
            sb.append(separator).append(e.getKey()).append(" (").append(e.getValue().size()).append("): ")
                    .append(Listing.items(e.getValue(),
                            s -> s + " to " + arns.shorten(steps.get(s).taskDefinition()), Listing.MAX_LISTED));
            separator = "; ";
        }
        if (!leftAlone.isEmpty()) {
            sb.append("; left alone: ").append(byWhy(leftAlone));
        }
        return sb.toString();
    }

    /** The WARN line, or {@code null} when every service acted on was confirmed back. */
    public String warnLine() {
        if (notRestored.isEmpty()) {
            return null;
        }
        return "Rollback finished: NOT restored " + notRestored.size() + " of " + acted
                + (acted == 1 ? " service" : " services") + ": " + byWhy(notRestored);
    }

    /**
     * The failure message's lines: {@code rollback: restored [...]; NOT restored: ...; left alone: ...}, then
     * {@code rollback actions:} grouped by action and why.
     */
    public String messageLines() {
        // Every one of many restored: the count says it (the names are in rolledBackServices()).
        StringBuilder sb = new StringBuilder("rollback: restored ").append(restored.size() == acted
                && acted > Messages.BRIEFED ? "all " + acted : Listing.names(restored));
        if (!notRestored.isEmpty()) {
            sb.append("; NOT restored: ").append(byWhy(notRestored));
        }
        if (!leftAlone.isEmpty()) {
            sb.append("; left alone: ").append(byWhy(leftAlone));
        }
        if (!steps.isEmpty()) {
            sb.append("\n  rollback actions: ");
            Map<String, List<String>> byActionAndWhy = group(List.copyOf(steps.keySet()), s -> {
                Step step = steps.get(s);
                return step.how() + (step.why() == null ? "" : " (" + step.why() + ")");
            });
            String separator = "";
            for (Map.Entry<String, List<String>> e : byActionAndWhy.entrySet()) {
                sb.append(separator).append(e.getKey()).append(": ")
                        .append(Listing.items(e.getValue(), this::item, Messages.BRIEFED));
                separator = "; ";
            }
        }
        return sb.toString();
    }

    /** One service in the message's actions: its name, then what tells its action apart. */
    private String item(String service) {
        Step step = steps.get(service);
        StringBuilder sb = new StringBuilder(service);
        if (step.serviceDeployment() != null) {
            sb.append(' ').append(step.serviceDeployment());
        }
        if (step.hook() != null) {
            sb.append(" at hook ").append(step.hook());
        }
        if (step.named()) {
            sb.append(" to ").append(arns.shorten(step.taskDefinition()));
        }
        return sb.toString();
    }

    /** {@code a (why)}, or for services that share a why, {@code [a, b] (why)}; groups apart by {@code ; }. */
    private static String byWhy(Map<String, String> whys) {
        List<String> parts = new ArrayList<>();
        group(List.copyOf(whys.keySet()), whys::get).forEach((why, services) -> parts.add(
                (services.size() == 1 ? services.get(0) : Listing.names(services)) + " (" + why + ")"));
        return String.join("; ", parts);
    }

    /**
     * The services by key, keys in the order they first come; services without a key are left out. Keys that differ
     * only in the SDK's request ids ({@code Request ID: 2a92...}, one per call through the real client) are one
     * group: twenty-two stops refused with the same ECS error are one why, not twenty-two. Such a group's key names
     * no request id ({@code Request ID: ...}); each one is in the exception's suppressed errors.
     */
    private static Map<String, List<String>> group(List<String> services, Function<String, String> key) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        Map<String, String> shown = new LinkedHashMap<>();
        for (String s : services) {
            String k = key.apply(s);
            if (k != null) {
                String same = REQUEST_ID.matcher(k).replaceAll("Request ID: ...");
                groups.computeIfAbsent(same, x -> new ArrayList<>()).add(s);
                shown.merge(same, k, (was, now) -> was.equals(now) ? was : same);
            }
        }
        Map<String, List<String>> byShown = new LinkedHashMap<>();
        groups.forEach((same, members) -> byShown.put(shown.get(same), members));
        return byShown;
    }
}
