package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageUpdateTest {

    @Test
    void namedContainersKeepTheirOrderAndACopyIsTaken() {
        Map<String, String> images = new LinkedHashMap<>();
        images.put("web", "repo/web:2");
        images.put("sidecar", "repo/proxy:7");
        ImageUpdate update = ImageUpdate.of("prod", "api", images);
        images.put("web", "changed");

        assertEquals(List.of("web", "sidecar"), List.copyOf(update.imagesByContainer().keySet()));
        assertEquals("repo/web:2", update.imagesByContainer().get("web"));
        assertEquals(Optional.empty(), update.image());
        assertThrows(UnsupportedOperationException.class, () -> update.imagesByContainer().put("x", "y"));
    }

    @Test
    void oneImageNamesNoContainer() {
        ImageUpdate update = ImageUpdate.of(null, "api", "repo/web@sha256:abc");

        assertEquals(Optional.of("repo/web@sha256:abc"), update.image());
        assertTrue(update.imagesByContainer().isEmpty());
        assertEquals(null, update.cluster());
        assertEquals("ImageUpdate[cluster=default, service=api, image=repo/web@sha256:abc]", update.toString());
    }

    @Test
    void badInputNamesTheParameter() {
        assertEquals("service", assertThrows(NullPointerException.class,
                () -> ImageUpdate.of("prod", null, "img")).getMessage());
        assertEquals("image", assertThrows(NullPointerException.class,
                () -> ImageUpdate.of("prod", "api", (String) null)).getMessage());
        assertEquals("imagesByContainer", assertThrows(NullPointerException.class,
                () -> ImageUpdate.of("prod", "api", (Map<String, String>) null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ImageUpdate.of("prod", "api", " ")).getMessage().startsWith("image is blank"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ImageUpdate.of("prod", "api", Map.of())).getMessage().startsWith("imagesByContainer is empty"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ImageUpdate.of("prod", "api", Map.of("web", ""))).getMessage().contains("container web"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ImageUpdate.of(" ", "api", "img")).getMessage().startsWith("cluster is blank"));
        Map<String, String> withNull = new HashMap<>();
        withNull.put("web", null);
        assertThrows(NullPointerException.class, () -> ImageUpdate.of("prod", "api", withNull));
    }

    @Test
    void equalityComparesEveryPart() {
        assertEquals(ImageUpdate.of("prod", "api", "a"), ImageUpdate.of("prod", "api", "a"));
        assertEquals(ImageUpdate.of("prod", "api", "a").hashCode(), ImageUpdate.of("prod", "api", "a").hashCode());
        assertTrue(!ImageUpdate.of("prod", "api", "a").equals(ImageUpdate.of("prod", "api", Map.of("web", "a"))));
        assertTrue(!ImageUpdate.of("prod", "api", "a").equals(ImageUpdate.of("test", "api", "a")));
    }

    @Test
    void aDeserializedUpdateIsCheckedAsOfChecksOne() throws Exception {
        ImageUpdate good = ImageUpdate.of("prod", "api", Map.of("web", "repo/web:2"));
        assertEquals(good, roundTrip(good));

        ImageUpdate neither = ImageUpdate.of("prod", "api", Map.of("web", "repo/web:2"));
        set(neither, "imagesByContainer", Map.of());
        assertThrows(java.io.InvalidObjectException.class, () -> roundTrip(neither));
        ImageUpdate noService = ImageUpdate.of("prod", "api", "repo/web:2");
        set(noService, "service", null);
        assertThrows(java.io.InvalidObjectException.class, () -> roundTrip(noService));
        ImageUpdate mutable = ImageUpdate.of("prod", "api", Map.of("web", "repo/web:2"));
        set(mutable, "imagesByContainer", new java.util.HashMap<>(Map.of("web", "repo/web:2")));
        assertThrows(UnsupportedOperationException.class, () -> roundTrip(mutable).imagesByContainer().put("x", "y"));
    }

    private static void set(ImageUpdate update, String field, Object value) throws Exception {
        java.lang.reflect.Field f = ImageUpdate.class.getDeclaredField(field);
        f.setAccessible(true);
        f.set(update, value);
    }

    private static ImageUpdate roundTrip(ImageUpdate update) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(update);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            return (ImageUpdate) in.readObject();
        }
    }
}
