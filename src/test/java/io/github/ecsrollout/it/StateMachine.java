package io.github.ecsrollout.it;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Just enough of Step Functions to run the state machine of docs/long-rollouts.md as printed: {@code Task} states invoking Lambda
 * functions ({@code arn:aws:states:::lambda:invoke}, with {@code Parameters}, {@code OutputPath}, {@code Retry} and
 * {@code Catch} with {@code ResultPath}), {@code Wait} with {@code Seconds}, {@code Choice} on {@code BooleanEquals},
 * {@code Succeed} and {@code Fail} (with {@code Cause} or {@code CausePath}). A function throwing is a task failure whose error name is the exception's class
 * name, as the Lambda Java runtime reports it ({@link TaskError} names one of its own). Waits and retry intervals move
 * time through the given consumer, so the machine runs on the tests' virtual clock.
 */
final class StateMachine {

    /**
     * A deployed function, cold on each call ({@code coldStart} runs first): its payload deserialized and its answer
     * serialized as the Lambda Java runtime does.
     */
    static <I, O> UnaryOperator<JsonNode> lambda(Class<I> input, Class<O> output, Runnable coldStart,
            Function<I, O> handler) {
        ObjectMapper json = new ObjectMapper();
        return payload -> {
            coldStart.run();
            try {
                I in = serializer(input).fromJson(new ByteArrayInputStream(json.writeValueAsBytes(payload)));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                serializer(output).toJson(handler.apply(in), out);
                return json.readTree(out.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static <T> PojoSerializer<T> serializer(Class<T> type) {
        return JacksonFactory.getInstance().getSerializer(type);
    }

    /** A failure a function reports under a name of its own, such as {@code Lambda.ServiceException}. */
    static final class TaskError extends RuntimeException {
        final String error;

        TaskError(String error, String cause) {
            super(cause);
            this.error = error;
        }
    }

    /** How an execution ended (a failure's error and cause, or {@code null}), and the states it went through. */
    record Execution(String status, String error, String cause, JsonNode output, List<String> path) {
        boolean succeeded() {
            return status.equals("SUCCEEDED");
        }

        long count(String state) {
            return path.stream().filter(state::equals).count();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TRANSITIONS = 100_000;

    private final JsonNode definition;
    private final Map<String, UnaryOperator<JsonNode>> functions = new HashMap<>();
    private final Consumer<Duration> sleep;

    StateMachine(String definition, Consumer<Duration> sleep) {
        try {
            this.definition = JSON.readTree(definition);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.sleep = sleep;
    }

    /** Deploys a function: its payload in, its payload out, as JSON. */
    StateMachine function(String name, UnaryOperator<JsonNode> handler) {
        functions.put(name, handler);
        return this;
    }

    Execution run(JsonNode input) {
        List<String> path = new ArrayList<>();
        String name = definition.get("StartAt").asText();
        JsonNode data = input;
        for (int i = 0; i < MAX_TRANSITIONS; i++) {
            path.add(name);
            JsonNode state = definition.get("States").get(name);
            if (state == null) {
                throw new IllegalStateException("no state " + name);
            }
            switch (state.get("Type").asText()) {
                case "Succeed":
                    return new Execution("SUCCEEDED", null, null, data, path);
                case "Fail":
                    return new Execution("FAILED", state.path("Error").asText(), failCause(state, data), data, path);
                case "Wait":
                    sleep.accept(Duration.ofSeconds(state.get("Seconds").asLong()));
                    name = state.get("Next").asText();
                    break;
                case "Choice":
                    name = choose(state, data);
                    break;
                case "Task":
                    Transition next = task(state, data);
                    if (next.error != null && next.state == null) {
                        return new Execution("FAILED", next.error, null, next.data, path);
                    }
                    name = next.state;
                    data = next.data;
                    break;
                default:
                    throw new IllegalStateException("state type not modelled: " + state.get("Type"));
            }
        }
        throw new IllegalStateException("more than " + MAX_TRANSITIONS + " transitions: " + path.subList(0, 20));
    }

    private record Transition(String state, JsonNode data, String error) {
    }

    /** A Fail state's {@code Cause}, or the string at its {@code CausePath} (which Step Functions requires to be one). */
    private static String failCause(JsonNode state, JsonNode data) {
        if (!state.has("CausePath")) {
            return state.path("Cause").asText(null);
        }
        JsonNode cause = select(data, state.get("CausePath").asText());
        if (cause == null || !cause.isTextual()) {
            throw new IllegalStateException("States.Runtime: CausePath does not select a string: " + cause);
        }
        return cause.asText();
    }

    private String choose(JsonNode state, JsonNode data) {
        for (JsonNode choice : state.get("Choices")) {
            JsonNode value = select(data, choice.get("Variable").asText());
            if (choice.has("BooleanEquals") && value != null && value.isBoolean()
                    && value.asBoolean() == choice.get("BooleanEquals").asBoolean()) {
                return choice.get("Next").asText();
            }
        }
        if (!state.has("Default")) {
            throw new IllegalStateException("States.NoChoiceMatched");
        }
        return state.get("Default").asText();
    }

    private Transition task(JsonNode state, JsonNode input) {
        if (!state.get("Resource").asText().equals("arn:aws:states:::lambda:invoke")) {
            throw new IllegalStateException("resource not modelled: " + state.get("Resource"));
        }
        Map<JsonNode, Integer> attempts = new HashMap<>();
        while (true) {
            JsonNode parameters = parameters(state.get("Parameters"), input);
            String function = parameters.get("FunctionName").asText();
            String error;
            String cause;
            try {
                UnaryOperator<JsonNode> handler = functions.get(function);
                if (handler == null) {
                    throw new TaskError("Lambda.ResourceNotFoundException", "no function " + function);
                }
                ObjectNode result = JSON.createObjectNode();
                result.set("Payload", handler.apply(parameters.get("Payload")));
                result.put("StatusCode", 200);
                JsonNode output = state.has("OutputPath") ? select(result, state.get("OutputPath").asText()) : result;
                return new Transition(state.path("Next").asText(null), output, null);
            } catch (TaskError e) {
                error = e.error;
                cause = e.getMessage();
            } catch (RuntimeException | AssertionError e) {
                error = e.getClass().getName();
                cause = String.valueOf(e.getMessage());
            }
            JsonNode retrier = matching(state.get("Retry"), error);
            if (retrier != null) {
                int done = attempts.merge(retrier, 1, Integer::sum);
                if (done <= retrier.path("MaxAttempts").asInt(3)) {
                    double interval = retrier.path("IntervalSeconds").asDouble(1)
                            * Math.pow(retrier.path("BackoffRate").asDouble(2), done - 1);
                    sleep.accept(Duration.ofMillis((long) (interval * 1000)));
                    continue;
                }
            }
            JsonNode catcher = matching(state.get("Catch"), error);
            if (catcher == null) {
                return new Transition(null, input, error);
            }
            ObjectNode errorOutput = JSON.createObjectNode().put("Error", error).put("Cause", cause);
            JsonNode output;
            if (!catcher.has("ResultPath")) {
                output = errorOutput;
            } else if (catcher.get("ResultPath").isNull()) {
                output = input;
            } else {
                ObjectNode copy = input.deepCopy();
                copy.set(field(catcher.get("ResultPath").asText()), errorOutput);
                output = copy;
            }
            return new Transition(catcher.get("Next").asText(), output, error);
        }
    }

    /** The first retrier or catcher whose ErrorEquals names the error (States.ALL names any). */
    private static JsonNode matching(JsonNode list, String error) {
        if (list == null) {
            return null;
        }
        for (JsonNode entry : list) {
            for (JsonNode name : entry.get("ErrorEquals")) {
                if (name.asText().equals(error) || name.asText().equals("States.ALL")) {
                    return entry;
                }
            }
        }
        return null;
    }

    /** Parameters with every {@code "key.$": "path"} replaced by {@code "key": value at path}. */
    private static JsonNode parameters(JsonNode template, JsonNode input) {
        if (!template.isObject()) {
            return template;
        }
        ObjectNode out = JSON.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = template.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().endsWith(".$")) {
                out.set(f.getKey().substring(0, f.getKey().length() - 2), select(input, f.getValue().asText()));
            } else {
                out.set(f.getKey(), parameters(f.getValue(), input));
            }
        }
        return out;
    }

    /** {@code $} or {@code $.field}: the only paths the printed machine uses. */
    private static JsonNode select(JsonNode data, String path) {
        return path.equals("$") ? data : data.get(field(path));
    }

    private static String field(String path) {
        if (!path.startsWith("$.") || path.indexOf('.', 2) >= 0) {
            throw new IllegalStateException("path not modelled: " + path);
        }
        return path.substring(2);
    }
}
