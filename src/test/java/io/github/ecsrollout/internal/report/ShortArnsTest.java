package io.github.ecsrollout.internal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ShortArns}: each ARN's shortest run of trailing segments that no other ARN of the message ends with. */
class ShortArnsTest {

    private static final String WEB_41 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:41";
    private static final String WEB_41_EU = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:41";
    private static final String API_7 = "arn:aws:ecs:us-east-1:123456789012:task-definition/api:7";
    private static final String DEPLOYMENT = "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/Xy12";
    private static final String DEPLOYMENT_2 = "arn:aws:ecs:us-east-1:123456789012:service-deployment/test/web/Xy12";

    @Test
    void aTaskDefinitionIsItsFamilyAndRevision() {
        ShortArns arns = ShortArns.of(List.of(WEB_41, API_7));

        assertEquals("web:41", arns.shorten(WEB_41));
        assertEquals("api:7", arns.shorten(API_7));
    }

    @Test
    void segmentsAreAddedUntilTheArnsDiffer() {
        ShortArns arns = ShortArns.of(List.of(DEPLOYMENT, DEPLOYMENT_2));

        assertEquals("prod/web/Xy12", arns.shorten(DEPLOYMENT));
        assertEquals("test/web/Xy12", arns.shorten(DEPLOYMENT_2));
    }

    @Test
    void arnsThatDifferOnlyBeforeTheirPathStayWhole() {
        ShortArns arns = ShortArns.of(List.of(WEB_41, WEB_41_EU));

        assertEquals(WEB_41, arns.shorten(WEB_41));
        assertEquals(WEB_41_EU, arns.shorten(WEB_41_EU));
    }

    @Test
    void namesThatAreNoArnsAndArnsNotGivenStayAsTheyAre() {
        ShortArns arns = ShortArns.of(Arrays.asList("web:41", null, WEB_41, WEB_41));

        assertEquals("web:41", arns.shorten("web:41"));
        assertEquals("web:41", arns.shorten(WEB_41), "the same ARN twice is one ARN");
        assertEquals(API_7, arns.shorten(API_7));
        assertEquals(null, arns.shorten(null));
    }
}
