package io.github.ecsrollout.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * ECS's awsJson1_1 over HTTP, as the AWS SDK sends it: {@code POST /} with
 * {@code X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>} and a JSON body. Answers
 * 200 with JSON, or an error document {@code {"__type": ..., "message": ...}} with 400 (500 for
 * ServerException). ECS's rate limits ({@link RateLimits}, when on) and faults are applied here, before the model
 * is asked.
 */
final class EcsHttpHandler implements HttpHandler {

    static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    /** Plain decimals (1693489983.922), never BigDecimal's 1.693489983922E+9, unless asked for. */
    private static final JsonMapper JSON = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();
    /** The ARN kinds whose resource part starts with the cluster's name. */
    private static final List<String> CLUSTER_ARN_MARKERS = List.of(":service-deployment/", ":service-revision/");

    private final EcsApi api;
    private final EcsModel model;
    private final Faults faults;
    private final SimStats stats;
    private final RateLimits limits;
    /** What a test wants done once ECS has answered, before the answer goes out. */
    private final Consumer<SimulatedEcs.Answered> meanwhile;

    EcsHttpHandler(EcsApi api, EcsModel model, Faults faults, SimStats stats, RateLimits limits,
            Consumer<SimulatedEcs.Answered> meanwhile) {
        this.api = api;
        this.model = model;
        this.faults = faults;
        this.stats = stats;
        this.limits = limits;
        this.meanwhile = meanwhile;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = target != null && target.startsWith(TARGET_PREFIX)
                    ? target.substring(TARGET_PREFIX.length()) : "<none>";
            JsonNode request;
            try {
                request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (JsonProcessingException e) {
                SimStats.Entry call = stats.arrived(operation, null, 0, arrived, model.now());
                sendError(exchange, call, new EcsError("SerializationException", "Malformed request body."));
                return;
            }
            int services = operation.equals("DescribeServices") ? request.path("services").size()
                    : operation.equals("UpdateService") ? 1 : 0;
            SimStats.Entry call = stats.arrived(operation, cluster(request), services, arrived, model.now());
            try {
                serve(exchange, call, operation, target, request);
            } catch (RuntimeException e) {
                // A bug in the simulator must not look like a hang: report it as ECS would a failure.
                e.printStackTrace();
                sendError(exchange, call, new EcsError("ServerException", "simulator failure: " + e));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    /**
     * The cluster a request is about: its {@code cluster}, else the one its service-deployment or service-revision
     * ARN names.
     */
    private static String cluster(JsonNode request) {
        if (request.has("cluster")) {
            return request.path("cluster").asText("default");
        }
        String arn = request.has("serviceDeploymentArn") ? request.get("serviceDeploymentArn").asText()
                : request.has("serviceRevisionArns") ? request.path("serviceRevisionArns").path(0).asText(null)
                : request.path("serviceDeploymentArns").path(0).asText(null);
        for (String marker : CLUSTER_ARN_MARKERS) {
            int at = arn == null ? -1 : arn.indexOf(marker);
            if (at >= 0) {
                String rest = arn.substring(at + marker.length());
                return rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
            }
        }
        return "default";
    }

    private void serve(HttpExchange exchange, SimStats.Entry call, String operation, String target, JsonNode request)
            throws IOException, InterruptedException {
        sleep(faults.latencyFor(operation));
        if (!limits.tryAcquire(operation)) {
            // ECS's front door: a throttled request never reaches the service, nor any fault planned for it.
            sendError(exchange, call, new EcsError("ThrottlingException", "Rate exceeded"));
            return;
        }
        Faults.Action fault = faults.take(operation);
        if (fault != null && fault.kind() == Faults.Kind.RESPOND) {
            send(exchange, call, fault.status(), fault.body());
            return;
        }
        if (fault != null && fault.kind() == Faults.Kind.DELAY) {
            sleep(fault.delay());
        }
        byte[] answer;
        int status;
        JsonNode answered;
        try {
            answered = answer(operation, target, request);
            answer = JSON.writeValueAsBytes(answered);
            status = 200;
        } catch (EcsError e) {
            answer = Faults.errorBody(e.type, e.getMessage());
            answered = JSON.readTree(answer);
            status = e.httpStatus;
        }
        boolean drop = fault != null && fault.kind() == Faults.Kind.DROP;
        meanwhile.accept(new SimulatedEcs.Answered(operation, request, answered, drop ? -1 : status));
        if (drop) {
            call.completed(-1);
            dropHalfway(exchange, status, answer);
        }
        send(exchange, call, status, answer);
    }

    private JsonNode answer(String operation, String target, JsonNode request) {
        if (operation.equals("<none>")) {
            throw new EcsError("UnknownOperationException", "Missing or unknown X-Amz-Target: " + target);
        }
        return api.call(operation, request);
    }

    private static void sendError(HttpExchange exchange, SimStats.Entry call, EcsError e) throws IOException {
        send(exchange, call, e.httpStatus, Faults.errorBody(e.type, e.getMessage()));
    }

    /** Records the status before the client can see the answer, so stats read right after a call are complete. */
    private static void send(HttpExchange exchange, SimStats.Entry call, int status, byte[] body) throws IOException {
        call.completed(status);
        headers(exchange);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * Promises the whole body, writes half, then fails the exchange: the JDK server closes the
     * connection when a handler throws, so the client sees a premature end of stream at once
     * (closing the short stream ourselves would leave the socket open until the read timeout).
     */
    private static void dropHalfway(HttpExchange exchange, int status, byte[] body) throws IOException {
        headers(exchange);
        exchange.sendResponseHeaders(status, body.length);
        OutputStream out = exchange.getResponseBody();
        out.write(body, 0, body.length / 2);
        out.flush();
        throw new IOException("simulated connection drop");
    }

    private static void headers(HttpExchange exchange) {
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    }

    private static void sleep(Duration d) throws InterruptedException {
        if (!d.isZero() && !d.isNegative()) {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        }
    }
}
