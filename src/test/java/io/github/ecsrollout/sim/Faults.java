package io.github.ecsrollout.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Programmable misbehaviour of the simulated endpoint. Rules are consumed in the order they were
 * added; each HTTP request (each SDK attempt, retries included) takes at most one.
 *
 * <pre>{@code
 * sim.faults().next(2, "DescribeServices").throttle();        // 400 ThrottlingException "Rate exceeded"
 * sim.faults().next(1, Faults.ANY).serverError();             // 500 ServerException
 * sim.faults().next(1, "DescribeServices").dropConnection();  // headers, half the body, then the socket closes
 * sim.faults().next(1, "DescribeServices").malformedJson();   // 200 with a truncated JSON document
 * sim.faults().next(1, "DescribeServices").delay(Duration.ofSeconds(2)); // slow, then the real answer
 * sim.faults().always("DescribeServices").replay("05-draining-describe-services-custodian-placebo.json");
 * sim.faults().latency(Duration.ofMillis(20));                 // every request, until clear()
 * sim.faults().denyServiceDeployments();                       // the four service-deployment operations: AccessDenied
 * }</pre>
 */
public final class Faults {

    /** Matches every operation. */
    public static final String ANY = "*";

    enum Kind { RESPOND, DROP, DELAY }

    /** What a consumed rule does to one request. */
    record Action(Kind kind, int status, byte[] body, Duration delay) {
    }

    private static final class Rule {
        final String operation;
        int remaining;
        final Action action;

        Rule(String operation, int remaining, Action action) {
            this.operation = operation;
            this.remaining = remaining;
            this.action = action;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] MALFORMED =
            "{\"services\":[{\"serviceName\":\"web\",\"status\":\"ACTIVE\",\"deployments\":[{\"id\":"
                    .getBytes(StandardCharsets.UTF_8);

    private final List<Rule> rules = new ArrayList<>();
    private Duration latency = Duration.ZERO;
    private final Map<String, Duration> latencyByOperation = new HashMap<>();

    /** The next {@code times} requests of {@code operation} (or {@link #ANY}) get the fault chosen on the result. */
    public Plan next(int times, String operation) {
        if (times < 1) {
            throw new IllegalArgumentException("times < 1");
        }
        return new Plan(Objects.requireNonNull(operation), times);
    }

    /** Every request of {@code operation} gets the fault, until {@link #clear()}. */
    public Plan always(String operation) {
        return new Plan(Objects.requireNonNull(operation), Integer.MAX_VALUE);
    }

    /** Added to every request before it is answered (or faulted). */
    public synchronized Faults latency(Duration perRequest) {
        latency = perRequest;
        return this;
    }

    public synchronized Faults latency(String operation, Duration perRequest) {
        latencyByOperation.put(operation, perRequest);
        return this;
    }

    /** The operations on service deployments, which need IAM permissions of their own. */
    public static final List<String> SERVICE_DEPLOYMENT_OPERATIONS = List.of("ListServiceDeployments",
            "DescribeServiceDeployments", "StopServiceDeployment", "ContinueServiceDeployment");

    /**
     * A caller whose IAM policy predates service deployments: the four operations on them answer
     * AccessDeniedException (HTTP 400) until {@link #clear()}; DescribeServices and the rest still work.
     */
    public Faults denyServiceDeployments() {
        SERVICE_DEPLOYMENT_OPERATIONS.forEach(op -> always(op).accessDenied());
        return this;
    }

    /** Removes every rule and every latency. */
    public synchronized void clear() {
        rules.clear();
        latency = Duration.ZERO;
        latencyByOperation.clear();
    }

    /** How many one-shot faults are still waiting for a request (rules from {@link #always} not counted). */
    public synchronized int pending() {
        return rules.stream().filter(r -> r.remaining != Integer.MAX_VALUE).mapToInt(r -> r.remaining).sum();
    }

    synchronized Action take(String operation) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule r = it.next();
            if (r.operation.equals(ANY) || r.operation.equals(operation)) {
                if (r.remaining != Integer.MAX_VALUE && --r.remaining == 0) {
                    it.remove();
                }
                return r.action;
            }
        }
        return null;
    }

    synchronized Duration latencyFor(String operation) {
        return latency.plus(latencyByOperation.getOrDefault(operation, Duration.ZERO));
    }

    static byte[] errorBody(String type, String message) {
        try {
            return JSON.writeValueAsBytes(JSON.createObjectNode().put("__type", type).put("message", message));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Chooses what the selected requests get. */
    public final class Plan {
        private final String operation;
        private final int times;

        private Plan(String operation, int times) {
            this.operation = operation;
            this.times = times;
        }

        /** ECS throttling: HTTP 400 (not 429) ThrottlingException "Rate exceeded"; the SDK retries it. */
        public Faults throttle() {
            return error(400, "ThrottlingException", "Rate exceeded");
        }

        /**
         * HTTP 400 AccessDeniedException, worded as IAM words a missing permission; the SDK does not retry it.
         * (The message names no resource: a rule does not know the request it will answer.)
         */
        public Faults accessDenied() {
            String action = operation.equals(ANY) ? "ecs:*" : "ecs:" + operation;
            return error(400, "AccessDeniedException", "User: arn:aws:sts::" + EcsModel.ACCOUNT
                    + ":assumed-role/deployer/session is not authorized to perform: " + action
                    + " because no identity-based policy allows the " + action + " action");
        }

        /** HTTP 500 ServerException, the one 5xx ECS sends; the SDK retries it. */
        public Faults serverError() {
            return error(500, "ServerException", "Service Unavailable. Please try again later.");
        }

        public Faults error(int status, String type, String message) {
            return respond(status, errorBody(type, message));
        }

        /** Status line and a Content-Length, then half the body, then the connection closes. */
        public Faults dropConnection() {
            return add(new Action(Kind.DROP, 0, null, Duration.ZERO));
        }

        /** HTTP 200 with a JSON document cut off in the middle. */
        public Faults malformedJson() {
            return respond(200, MALFORMED);
        }

        /** Answers with a recorded payload from {@code src/test/resources/ecs-payloads/}, byte for byte. */
        public Faults replay(String file) {
            Replay.Payload p = Replay.load(file);
            return respond(p.httpStatus(), p.body());
        }

        public Faults respond(int status, String body) {
            return respond(status, body.getBytes(StandardCharsets.UTF_8));
        }

        /** Waits, then answers normally: for attempt and call timeouts. */
        public Faults delay(Duration delay) {
            return add(new Action(Kind.DELAY, 0, null, delay));
        }

        private Faults respond(int status, byte[] body) {
            return add(new Action(Kind.RESPOND, status, body.clone(), Duration.ZERO));
        }

        private Faults add(Action action) {
            synchronized (Faults.this) {
                rules.add(new Rule(operation, times, action));
            }
            return Faults.this;
        }
    }
}
