package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One container's image and resolved digest: checked when made, compared by every part, short in logs. */
class ContainerImageTest {

    private static final String DIGEST = "sha256:28402db69fec7c17e179ea87882667f1e054391138f77ffaf0c3eb388efc3ffb";

    @Test
    void itKeepsWhatItWasGiven() {
        ContainerImage web = ContainerImage.of("web", "nginx", DIGEST);

        assertEquals("web", web.containerName());
        assertEquals("nginx", web.image());
        assertEquals(Optional.of(DIGEST), web.digest());
        assertEquals(Optional.empty(), ContainerImage.of("web", "nginx", null).digest());
    }

    @Test
    void badValuesAreRefusedNamingTheParameter() {
        assertEquals("containerName", assertThrows(NullPointerException.class,
                () -> ContainerImage.of(null, "nginx", DIGEST)).getMessage());
        assertEquals("image", assertThrows(NullPointerException.class,
                () -> ContainerImage.of("web", null, DIGEST)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ContainerImage.of(" ", "nginx", DIGEST)).getMessage().startsWith("containerName"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ContainerImage.of("web", "", DIGEST)).getMessage().startsWith("image"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ContainerImage.of("web", "nginx", "")).getMessage().startsWith("digest"));
    }

    @Test
    void equalityTakesEveryPart() {
        ContainerImage web = ContainerImage.of("web", "nginx", DIGEST);

        assertEquals(web, ContainerImage.of("web", "nginx", DIGEST));
        assertEquals(web.hashCode(), ContainerImage.of("web", "nginx", DIGEST).hashCode());
        assertNotEquals(web, ContainerImage.of("api", "nginx", DIGEST));
        assertNotEquals(web, ContainerImage.of("web", "nginx:1", DIGEST));
        assertNotEquals(web, ContainerImage.of("web", "nginx", null));
    }

    @Test
    void toStringShortensTheDigestToTwelveHexDigits() {
        assertEquals("web=nginx@sha256:28402db69fec", ContainerImage.of("web", "nginx", DIGEST).toString());
        assertEquals("web=repo/web:2", ContainerImage.of("web", "repo/web:2", null).toString());
    }

    @Test
    void anImageNamedByItsDigestIsNotRepeated() {
        assertEquals("web=repo/web@sha256:28402db69fec",
                ContainerImage.of("web", "repo/web@" + DIGEST, DIGEST).toString());
        assertEquals("web=repo/web@sha256:28402db69fec (resolved sha256:000000000000)",
                ContainerImage.of("web", "repo/web@" + DIGEST, "sha256:" + "0".repeat(64)).toString());
    }
}
