package io.github.ecsrollout.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The recorded ECS response bodies in {@code src/test/resources/ecs-payloads/} (see its README),
 * with the HTTP status each travels with: 200 for results, 400 for error documents, 500 for
 * ServerException. Served with {@code sim.faults().next(1, "DescribeServices").replay(file)}.
 */
public final class Replay {

    public static final String DIRECTORY = "ecs-payloads";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A recorded body, exactly as stored, and the status to send it with. */
    public record Payload(String file, byte[] body, int httpStatus) {

        /** The awsJson1_1 error type, or null for a successful answer. */
        public String errorType() {
            try {
                JsonNode type = JSON.readTree(body).get("__type");
                return type == null ? null : type.asText().substring(type.asText().indexOf('#') + 1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Replay() {
    }

    public static Payload load(String file) {
        try (InputStream in = Replay.class.getClassLoader().getResourceAsStream(DIRECTORY + "/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded payload " + DIRECTORY + "/" + file);
            }
            byte[] body = in.readAllBytes();
            Payload untyped = new Payload(file, body, 200);
            String type = untyped.errorType();
            int status = type == null ? 200 : "ServerException".equals(type) ? 500 : 400;
            return new Payload(file, body, status);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every recorded DescribeServices or UpdateService answer and error document, sorted by name: the
     * payloads that can stand in for a DescribeServices answer. The service-deployment answers are in
     * {@link #serviceDeploymentFiles()}, the service-revision ones in {@link #serviceRevisionFiles()}; the
     * DescribeTaskDefinition answers (a plan's diff reads them) in none.
     */
    public static List<String> files() {
        return allFiles().stream().filter(f -> !isServiceDeploymentAnswer(f) && !has(f, "serviceRevisions")
                && !has(f, "taskDefinition")).toList();
    }

    /** Every recorded DescribeServiceRevisions answer, sorted by name. */
    public static List<String> serviceRevisionFiles() {
        return allFiles().stream().filter(f -> has(f, "serviceRevisions")).toList();
    }

    /** Every recorded ListServiceDeployments or DescribeServiceDeployments answer, sorted by name. */
    public static List<String> serviceDeploymentFiles() {
        return allFiles().stream().filter(Replay::isServiceDeploymentAnswer).toList();
    }

    private static boolean isServiceDeploymentAnswer(String file) {
        return has(file, "serviceDeployments");
    }

    /** Whether the recorded body has this top-level member. */
    private static boolean has(String file, String member) {
        try {
            return JSON.readTree(load(file).body()).has(member);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> allFiles() {
        URL dir = Replay.class.getClassLoader().getResource(DIRECTORY);
        if (dir == null) {
            throw new IllegalStateException(DIRECTORY + " is not on the test classpath");
        }
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
