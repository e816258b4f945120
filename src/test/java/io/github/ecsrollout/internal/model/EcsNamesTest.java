package io.github.ecsrollout.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.EcsServiceClientConfiguration;
import software.amazon.awssdk.services.ecs.model.Failure;

class EcsNamesTest {

    private static final String ACCOUNT = "123456789012";
    private static final String PREFIX = "arn:aws:ecs:us-east-1:" + ACCOUNT + ":";

    /** A mock's region cannot be read (serviceClientConfiguration() is null): regions go unchecked. */
    private final EcsNames names = EcsNames.forClient(mock(EcsClient.class));

    @Test
    void namesOfOneTo255LettersDigitsHyphensAndUnderscoresAreAccepted() {
        for (String ok : List.of("a", "web", "Web_api-2", "x".repeat(255))) {
            assertEquals(ok, names.cluster(ok, "cluster"));
            assertEquals(ok, names.service(ok, "prod", "service"));
            names.taskDefinition(ok, "taskDefinition");
        }
    }

    @Test
    void anythingElseIsRefusedNamingTheParameter() {
        List<String> bad = List.of("", " ", "web app", "web\n", "web\u00a0", "wéb", "web.api", "web/api", "web:1",
                "x".repeat(256), "arn:aws:ecs:us-east-1:" + ACCOUNT + ":service/", "arn:", "arn:aws:s3:::bucket");
        for (String value : bad) {
            assertRefused("requests[3].service", () -> names.service(value, "prod", "requests[3].service"));
            assertRefused("requests[3].cluster", () -> names.cluster(value, "requests[3].cluster"));
        }
    }

    @Test
    void taskDefinitionsAreFamiliesWithAnOptionalPositiveRevisionOrArnsWithOne() {
        for (String ok : List.of("web", "web:1", "web:2147483647", PREFIX + "task-definition/web:42",
                "arn:aws-cn:ecs:cn-north-1:" + ACCOUNT + ":task-definition/web_2:7")) {
            names.taskDefinition(ok, "taskDefinition");
        }
        for (String bad : List.of("web:0", "web:-1", "web:", "web:2147483648", "web:1:2", "web 1", "web:1\n",
                PREFIX + "task-definition/web", PREFIX + "service/prod/web", PREFIX + "task-definition/web:0")) {
            assertRefused("taskDefinition", () -> names.taskDefinition(bad, "taskDefinition"));
        }
    }

    @Test
    void arnsAreParsedForTheirNames() {
        assertEquals("prod", names.cluster(PREFIX + "cluster/prod", "cluster"));
        assertEquals("web", names.service(PREFIX + "service/prod/web", "prod", "service"));
        assertEquals("web", names.service(PREFIX + "service/prod/web", PREFIX + "cluster/prod", "service"));
        assertEquals("web", names.service(PREFIX + "service/default/web", null, "service"));
        assertRefused("cluster", () -> names.cluster(PREFIX + "service/prod/web", "cluster"));
        assertRefused("service", () -> names.service(PREFIX + "cluster/prod", "prod", "service"));
    }

    @Test
    void aServiceArnOfTheOldFormNamesNoClusterAndIsRefused() {
        assertRefused("requests[2].service", () -> names.service(PREFIX + "service/web", "prod",
                "requests[2].service"));
        assertRefused("services[0]", () -> names.service(PREFIX + "service/web", null, "services[0]"));
        // A checkpoint written by a version that took the old form is still read.
        assertEquals("web", EcsNames.lenient().service(PREFIX + "service/web", "prod", "service"));
    }

    @Test
    void aServiceArnMustBelongToTheClusterItIsUsedWith() {
        assertRefused("requests[0].service", () -> names.service(PREFIX + "service/stage/web", "prod",
                "requests[0].service"));
        assertRefused("services[0]", () -> names.service(PREFIX + "service/prod/web", null, "services[0]"));
        assertRefused("service", () -> names.service(PREFIX + "service/prod/web",
                "arn:aws:ecs:eu-west-1:" + ACCOUNT + ":cluster/prod", "service"));
        assertRefused("service", () -> names.service(PREFIX + "service/prod/web",
                "arn:aws:ecs:us-east-1:210987654321:cluster/prod", "service"));
    }

    @Test
    void arnsMustBeInTheClientsRegionWhenItCanBeRead() {
        EcsClient ecs = mock(EcsClient.class);
        when(ecs.serviceClientConfiguration()).thenReturn(
                EcsServiceClientConfiguration.builder().region(Region.EU_WEST_1).build());
        EcsNames inEurope = EcsNames.forClient(ecs);

        assertRefused("cluster", () -> inEurope.cluster(PREFIX + "cluster/prod", "cluster"));
        assertRefused("service", () -> inEurope.service(PREFIX + "service/prod/web", "prod", "service"));
        assertRefused("taskDefinition", () -> inEurope.taskDefinition(PREFIX + "task-definition/web:1",
                "taskDefinition"));
        assertEquals("web", inEurope.service("arn:aws:ecs:eu-west-1:" + ACCOUNT + ":service/prod/web", "prod",
                "service"));
        assertEquals("web", inEurope.service("web", "prod", "service"));
    }

    @Test
    void aClientWhoseRegionCannotBeReadLeavesRegionsUnchecked() {
        EcsClient ecs = mock(EcsClient.class);
        when(ecs.serviceClientConfiguration()).thenThrow(new UnsupportedOperationException());

        assertEquals("prod", EcsNames.forClient(ecs).cluster("arn:aws:ecs:ap-south-2:" + ACCOUNT + ":cluster/prod",
                "cluster"));
    }

    @Test
    void aFailureIsMatchedOnlyToAServiceOfTheClusterAsked() {
        assertEquals("web", EcsIds.keyOf(failure(PREFIX + "service/prod/web"), "prod"));
        assertEquals("web", EcsIds.keyOf(failure(PREFIX + "service/web"), "prod"));
        assertNull(EcsIds.keyOf(failure(PREFIX + "service/stage/web"), "prod"));
        assertNull(EcsIds.keyOf(Failure.builder().reason("MISSING").build(), "prod"));
    }

    @Test
    void messagesShowWhatCannotBeSeen() {
        assertEquals("\"web\\u000a\"", EcsNames.quote("web\n"));
        assertEquals("\"web\\u00a0\"", EcsNames.quote("web\u00a0"));
        String longOne = EcsNames.quote("x".repeat(256));
        assertTrue(longOne.endsWith("... (256 characters)"), longOne);
        assertFalse(longOne.contains("x".repeat(81)), longOne);
    }

    private static Failure failure(String arn) {
        return Failure.builder().arn(arn).reason("MISSING").build();
    }

    private static void assertRefused(String parameter, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(parameter + " "), e.getMessage());
    }
}
