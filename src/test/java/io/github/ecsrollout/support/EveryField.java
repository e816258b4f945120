package io.github.ecsrollout.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * SDK model objects with every field set, found by walking their builders' setters (so a field the SDK adds later is
 * set too), and the comparison of a registration request with the task definition it was copied from.
 */
public final class EveryField {

    /** The fields of a described task definition that a registration cannot carry: ECS sets them. */
    public static final Set<String> READ_ONLY = Set.of("taskDefinitionArn", "revision", "status",
            "requiresAttributes", "compatibilities", "registeredAt", "registeredBy", "deregisteredAt", "deleteRequestedAt");

    private static final int MAX_DEPTH = 6;

    private EveryField() {
    }

    /**
     * A task definition with every field set, nested objects and lists included (lists of two), enums as values this
     * SDK knows, and {@code containers} container definitions named {@code c0}, {@code c1}... with images
     * {@code repo/cN:1}.
     */
    public static TaskDefinition taskDefinition(String family, int revision, int containers) {
        TaskDefinition.Builder b = (TaskDefinition.Builder) filled(TaskDefinition.class, "td", 0);
        List<ContainerDefinition> defs = new ArrayList<>();
        for (int i = 0; i < containers; i++) {
            ContainerDefinition c = ((ContainerDefinition.Builder) filled(ContainerDefinition.class, "c" + i, 0))
                    .build();
            defs.add(c.toBuilder().name("c" + i).image("repo/c" + i + ":1").build());
        }
        return b.family(family).revision(revision).status("ACTIVE").containerDefinitions(defs)
                .taskDefinitionArn("arn:aws:ecs:us-east-1:123456789012:task-definition/" + family + ":" + revision)
                .build();
    }

    /**
     * A registration of {@code family} with every field set, found as {@link #taskDefinition} finds them, its
     * container definitions named and imaged likewise, and {@link #threeTags()}.
     */
    public static RegisterTaskDefinitionRequest registration(String family, int containers) {
        RegisterTaskDefinitionRequest.Builder b = (RegisterTaskDefinitionRequest.Builder)
                filled(RegisterTaskDefinitionRequest.class, "rtd", 0);
        List<ContainerDefinition> defs = new ArrayList<>();
        for (int i = 0; i < containers; i++) {
            ContainerDefinition c = ((ContainerDefinition.Builder) filled(ContainerDefinition.class, "c" + i, 0))
                    .build();
            defs.add(c.toBuilder().name("c" + i).image("repo/c" + i + ":1").build());
        }
        return b.family(family).containerDefinitions(defs).tags(threeTags()).build();
    }

    /** Three tags. */
    public static List<Tag> threeTags() {
        return List.of(Tag.builder().key("team").value("payments").build(),
                Tag.builder().key("cost-center").value("42").build(), Tag.builder().key("env").value("prod").build());
    }

    /**
     * The public accessors of an SDK model object with their values, the enum ones by their String form, without
     * {@code hasX}, builder and SDK plumbing.
     */
    public static Map<String, Object> fields(Object pojo) {
        Map<String, Object> out = new TreeMap<>();
        Set<String> names = new TreeSet<>();
        for (Method m : pojo.getClass().getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()
                    && m.getParameterCount() == 0 && m.getReturnType() != void.class
                    && !Set.of("toBuilder", "sdkFields", "sdkFieldNameToField", "serializableBuilderClass",
                            "hashCode", "toString", "overrideConfiguration").contains(m.getName())
                    && !(m.getName().startsWith("has") && m.getReturnType() == boolean.class)) {
                names.add(m.getName());
            }
        }
        for (String name : names) {
            if (names.contains(name + "AsString") || names.contains(name + "AsStrings")) {
                continue;
            }
            try {
                Object v = pojo.getClass().getMethod(name).invoke(pojo);
                out.put(name.replaceFirst("AsStrings?$", ""), v);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /**
     * Asserts that {@code registered} holds exactly what {@code described} holds, every field but the read-only ones,
     * with {@code images} (container name to image) changed, and {@code tags}; and that {@code described} has every
     * field but the read-only ones set, so the comparison covers each.
     */
    public static void assertCopied(TaskDefinition described, List<Tag> tags, Map<String, String> images,
            RegisterTaskDefinitionRequest registered) {
        Map<String, Object> expected = new TreeMap<>(fields(described));
        READ_ONLY.forEach(expected::remove);
        expected.forEach((name, value) -> assertNotNull(value, "the described task definition lacks " + name));
        List<ContainerDefinition> containers = new ArrayList<>();
        for (ContainerDefinition c : described.containerDefinitions()) {
            containers.add(images.containsKey(c.name()) ? c.toBuilder().image(images.get(c.name())).build() : c);
        }
        expected.put("containerDefinitions", containers);
        expected.put("tags", tags);
        Map<String, Object> actual = fields(registered);
        assertEquals(expected.keySet(), actual.keySet(), "the fields of the registration");
        expected.forEach((name, value) -> assertEquals(value, actual.get(name), name));
    }

    /** A builder of {@code type} (an SDK model class) with every setter of its Builder interface called once. */
    private static Object filled(Class<?> type, String seed, int depth) {
        try {
            Method factory = type.getMethod("builder");
            Object builder = factory.invoke(null);
            Map<String, Method> chosen = new LinkedHashMap<>();
            for (Method m : factory.getReturnType().getMethods()) {
                if (m.getParameterCount() != 1 || Modifier.isStatic(m.getModifiers())
                        || m.getName().equals("overrideConfiguration") || m.getName().equals("applyMutation")
                        || !fillable(m.getGenericParameterTypes()[0])) {
                    continue;
                }
                // one setter per field: prefer the enum-typed form (a value this SDK knows) over the String one
                String field = m.getName().replaceFirst("WithStrings$", "");
                Method before = chosen.get(field);
                if (before == null || rank(m) > rank(before)) {
                    chosen.put(field, m);
                }
            }
            for (Method m : chosen.values()) {
                Object v = value(m.getGenericParameterTypes()[0], seed + "." + m.getName(), depth + 1);
                if (v != null) {
                    m.invoke(builder, v);
                }
            }
            return builder;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot fill " + type, e);
        }
    }

    /** Whether {@link #value} makes values of this type. */
    private static boolean fillable(Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            return Collection.class.isAssignableFrom(raw) ? fillable(args[0])
                    : Map.class.isAssignableFrom(raw) && args[0] == String.class && fillable(args[1]);
        }
        if (!(type instanceof Class<?> c)) {
            return false;
        }
        if (c == String.class || c == Integer.class || c == Long.class || c == Double.class || c == Boolean.class
                || c == Instant.class || c == SdkBytes.class || c.isEnum()) {
            return true;
        }
        try {
            return c.getName().startsWith("software.amazon.awssdk.services.ecs.model.")
                    && Modifier.isStatic(c.getMethod("builder").getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static int rank(Method m) {
        Class<?> p = m.getParameterTypes()[0];
        if (p.isEnum()) {
            return 3;
        }
        if (Collection.class.isAssignableFrom(p) && !m.getName().endsWith("WithStrings")) {
            return 2;
        }
        return p.isArray() || p == java.util.function.Consumer.class ? 0 : 1;
    }

    /** A value of {@code type} derived from {@code seed}, or {@code null} for a type this does not fill. */
    private static Object value(Type type, String seed, int depth) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (Collection.class.isAssignableFrom(raw)) {
                if (depth > MAX_DEPTH) {
                    return List.of();
                }
                Object a = value(p.getActualTypeArguments()[0], seed + "[0]", depth);
                Object b = value(p.getActualTypeArguments()[0], seed + "[1]", depth);
                return a == null ? null : a.equals(b) ? List.of(a) : List.of(a, b);
            }
            if (Map.class.isAssignableFrom(raw)) {
                Object v = value(p.getActualTypeArguments()[1], seed + "{v}", depth);
                return v == null || p.getActualTypeArguments()[0] != String.class ? null : Map.of(seed + "-key", v);
            }
            return null;
        }
        if (!(type instanceof Class<?> c)) {
            return null;
        }
        if (c == String.class) {
            return seed;
        }
        if (c == Integer.class) {
            return Math.abs(seed.hashCode() % 1000) + 1;
        }
        if (c == Long.class) {
            return (long) Math.abs(seed.hashCode() % 1000) + 1;
        }
        if (c == Double.class) {
            return Math.abs(seed.hashCode() % 1000) + 0.5;
        }
        if (c == Boolean.class) {
            return Boolean.TRUE;
        }
        if (c == Instant.class) {
            return Instant.ofEpochSecond(1_700_000_000L + Math.abs(seed.hashCode() % 1000));
        }
        if (c == SdkBytes.class) {
            return SdkBytes.fromUtf8String(seed);
        }
        if (c.isEnum()) {
            Object[] constants = c.getEnumConstants();
            return constants[Math.abs(seed.hashCode()) % Math.max(1, constants.length - 1)];
        }
        if (c.getName().startsWith("software.amazon.awssdk.services.ecs.model.")) {
            if (depth > MAX_DEPTH) {
                return null;
            }
            try {
                c.getMethod("builder");
            } catch (NoSuchMethodException e) {
                return null;
            }
            Object builder = filled(c, seed, depth);
            try {
                return c.getMethod("builder").getReturnType().getMethod("build").invoke(builder);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return null;
    }
}
