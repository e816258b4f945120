package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ecsrollout.ServiceState.Verdict;
import io.github.ecsrollout.internal.checkpoint.CheckpointEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checkpoint as a value: its JSON, its size, what it refuses, and the mappers a Lambda handler uses. */
class RolloutCheckpointTest {

    private static final Instant START = Instant.parse("2026-12-03T07:00:00.125Z");
    private static final String PREFIX = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/";

    /** Names and task definitions as long as the size bound allows: 32 characters, family:revision. */
    private static RolloutCheckpoint fleet(int services) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            String cluster = i % 2 == 0 ? "production-cluster-eu" : "production-cluster-us";
            String service = String.format("payments-service-%015d", i);
            String family = String.format("payments-family-%016d", i);
            lines.add(new CheckpointEntry(cluster, service, false, "ecs-svc/" + (4_000_000_000_000_000_000L / 2 + i),
                    PREFIX + cluster + "/" + service + "/AbCdEfGhIjKlMnOpQrStU", family + ":41", null,
                    START.plusMillis(350L * i), i % 3 == 0 ? Verdict.STABLE : Verdict.IN_PROGRESS,
                    START.plusSeconds(90), List.of()).format(START, PREFIX));
        }
        return new RolloutCheckpoint(RolloutCheckpoint.CURRENT_VERSION, START.toString(), "BAKE_TIME", true, PREFIX,
                lines);
    }

    @Test
    void roundTripsThroughItsOwnJson() {
        RolloutCheckpoint checkpoint = fleet(25);
        RolloutCheckpoint back = RolloutCheckpoint.fromJson(checkpoint.toJson());
        assertEquals(checkpoint, back);
        CheckpointEntry first = CheckpointEntry.parse(back.services().get(0), START, PREFIX);
        assertEquals(PREFIX + "production-cluster-eu/payments-service-000000000000000/AbCdEfGhIjKlMnOpQrStU",
                first.serviceDeploymentArn(), "the ARN is rebuilt from its shortened form");
        assertEquals(Verdict.STABLE, first.verdict());
        assertEquals(START.plusSeconds(90), first.eventsSeenUntil());
    }

    @Test
    void aThousandServicesFitInAStepFunctionsStateWithRoomToSpare() {
        int bytes = fleet(1_000).toJson().getBytes(StandardCharsets.UTF_8).length;
        System.out.println("RolloutCheckpoint of 1,000 services: " + bytes + " bytes of JSON (Step Functions allows "
                + 256 * 1024 + ")");
        assertTrue(bytes < 192 * 1024, bytes + " bytes");
    }

    @Test
    void roundTripsThroughJacksonWithNoCustomCode() throws Exception {
        RolloutCheckpoint checkpoint = fleet(3);
        ObjectMapper mapper = new ObjectMapper();
        String json = mapper.writeValueAsString(checkpoint);
        assertEquals(checkpoint, mapper.readValue(json, RolloutCheckpoint.class));
        assertEquals(checkpoint, RolloutCheckpoint.fromJson(json), "Jackson writes the same members toJson writes");
        assertEquals(checkpoint, mapper.readValue(checkpoint.toJson(), RolloutCheckpoint.class));
    }

    /** A handler's input or output type as the AWS Lambda Java runtime serializes it. */
    public record HandlerOutput(String stage, RolloutCheckpoint checkpoint) {
    }

    @Test
    void roundTripsThroughTheLambdaRuntimesSerialization() {
        PojoSerializer<HandlerOutput> serializer = JacksonFactory.getInstance().getSerializer(HandlerOutput.class);
        HandlerOutput out = new HandlerOutput("wait", fleet(3));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        serializer.toJson(out, bytes);
        HandlerOutput back = serializer.fromJson(new ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(out, back);

        PojoSerializer<RolloutCheckpoint> direct = JacksonFactory.getInstance().getSerializer(RolloutCheckpoint.class);
        assertEquals(out.checkpoint(), direct.fromJson(out.checkpoint().toJson()));
    }

    @Test
    void isSerializable() throws Exception {
        RolloutCheckpoint checkpoint = fleet(2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(checkpoint);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(checkpoint, in.readObject());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "not json",
        "[]",
        "\"a string\"",
        "{}",
        "{\"version\":1}",
        "{\"version\":3,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[\"prod|web|U|ecs-svc/1||||0|IN_PROGRESS||\"]}",
        "{\"version\":0,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[\"prod|web|U|ecs-svc/1||||0|IN_PROGRESS||\"]}",
        "{\"version\":1,\"startedAt\":\"yesterday\",\"services\":[\"prod|web|U|ecs-svc/1||||0|IN_PROGRESS||\"]}",
        "{\"version\":1,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[]}",
        "{\"version\":1,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[\"prod|web\"]}",
        "{\"version\":1,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[\"prod|web|U|ecs-svc/1||||0|HAPPY||\"]}",
        "{\"version\":1,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[\"prod|web|X|ecs-svc/1||||0|IN_PROGRESS||\"]}",
        "{\"version\":1,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[\"prod|we b|U|ecs-svc/1||||0|IN_PROGRESS||\"]}",
        "{\"version\":1,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[\"prod|web|U|ecs-svc/1|abc|||0|IN_PROGRESS||\"]}",
        "{\"version\":1,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[\"prod|web|U|ecs-svc/1||||soon|IN_PROGRESS||\"]}",
        "{\"version\":1,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[\"prod|web|U|ecs-svc/1||||0|IN_PROGRESS||\","
                + "\"prod|web|U|ecs-svc/2||||0|IN_PROGRESS||\"]}",
        "{\"version\":1,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[\"prod|web|U|ecs-svc/1||||0|IN_PROGRESS||\"],"
                + "\"extra\":true}",
        "{\"version\":1,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[\"prod|web|U|ecs-svc/1||||0|IN_PROGRESS||\"]",
        "{\"version\":1,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[7]}",
        "{\"version\":1.5,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[\"prod|web|U|ecs-svc/1||||0|IN_PROGRESS||\"]}",
        "{\"version\":1,\"startedAt\":\"2026-12-03T07:00:00Z\",\"succeedAtStage\":\"LUNCH\","
                + "\"services\":[\"prod|web|U|ecs-svc/1||||0|IN_PROGRESS||\"]}",
    })
    void aMalformedOrForeignStringIsRefusedSayingWhat(String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RolloutCheckpoint.fromJson(json));
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().length() > 10, e.getMessage());
    }

    /** Times past what an Instant holds are refused like any other bad value, not with a DateTimeException. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"version\":1,\"startedAt\":\"+1000000000-12-31T23:59:59.999999999Z\","
                + "\"services\":[\"prod|web|U|ecs-svc/1||||1|IN_PROGRESS||\"]}",
        "{\"version\":1,\"startedAt\":\"-1000000000-01-01T00:00:00Z\","
                + "\"services\":[\"prod|web|U|ecs-svc/1||||0|IN_PROGRESS|-1|\"]}",
    })
    void aTimeBeyondWhatAnInstantHoldsIsRefusedSayingWhat(String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RolloutCheckpoint.fromJson(json));
        assertTrue(e.getMessage().contains("milliseconds"), e.getMessage());
    }

    @Test
    void theSmallestValidCheckpointIsRead() {
        RolloutCheckpoint c = RolloutCheckpoint.fromJson("{\"version\":1,\"startedAt\":\"2026-12-03T07:00:00Z\","
                + "\"services\":[\"prod|web|U|ecs-svc/1||||0|IN_PROGRESS||\"]}");
        assertEquals(1, c.services().size());
        assertEquals(false, c.rollbackOnFailure());
    }

    @Test
    void aCheckpointFromANewerLibraryIsRefusedAsSuch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RolloutCheckpoint.fromJson(
                "{\"version\":9,\"startedAt\":\"2026-12-03T07:00:00Z\",\"services\":[\"prod|web|U|||||0|STABLE||\"]}"));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }

    @Test
    void nullIsRefusedByName() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> RolloutCheckpoint.fromJson(null));
        assertEquals("json", e.getMessage());
    }
}
