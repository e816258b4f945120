package io.github.ecsrollout.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * What {@link FakeEcs} stores for a RegisterTaskDefinition request: a {@link TaskDefinition} holding every field of the
 * request that a task definition has, found by reflection over the two SDK classes' public accessors and setters (the
 * {@code ...AsString(s)} forms for enums), so that a field the SDK adds is stored and described back without a change
 * here. The fake adds what ECS adds: ARN, revision, status, registration time and principal.
 */
final class FakeRegistrations {

    private static final Set<String> NOT_FIELDS = Set.of("toBuilder", "sdkFields", "serializableBuilderClass",
            "hashCode", "toString", "overrideConfiguration", "getClass");

    /** One field: the request's accessor, its {@code hasX()} when a list or map, the task definition's setter. */
    private record Field(Method getter, Method present, Method setter) {
    }

    private static final List<Field> FIELDS = fields();

    private FakeRegistrations() {
    }

    /** The task definition's builder holding every field of the request it has (tags excepted: they are apart). */
    static TaskDefinition.Builder taskDefinitionOf(RegisterTaskDefinitionRequest request) {
        TaskDefinition.Builder td = TaskDefinition.builder();
        for (Field f : FIELDS) {
            if (f.present() != null && !(Boolean) invoke(f.present(), request)) {
                continue;
            }
            Object value = invoke(f.getter(), request);
            if (value != null) {
                invoke(f.setter(), td, value);
            }
        }
        return td;
    }

    private static List<Field> fields() {
        Set<String> accessors = new TreeSet<>();
        for (Method m : RegisterTaskDefinitionRequest.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()
                    && m.getParameterCount() == 0 && m.getReturnType() != void.class
                    && !NOT_FIELDS.contains(m.getName())
                    && !(m.getName().startsWith("has") && m.getReturnType() == boolean.class)) {
                accessors.add(m.getName());
            }
        }
        List<Field> fields = new ArrayList<>();
        for (String name : accessors) {
            if (accessors.contains(name + "AsString") || accessors.contains(name + "AsStrings")) {
                continue;
            }
            String base = name.replaceFirst("AsStrings?$", "");
            String setterName = name.endsWith("AsStrings") ? base + "WithStrings" : base;
            Method getter;
            try {
                getter = RegisterTaskDefinitionRequest.class.getMethod(name);
            } catch (NoSuchMethodException e) {
                continue;
            }
            for (Method m : TaskDefinition.Builder.class.getMethods()) {
                if (m.getName().equals(setterName) && m.getParameterCount() == 1
                        && m.getParameterTypes()[0].isAssignableFrom(getter.getReturnType())) {
                    fields.add(new Field(getter, presence(base), m));
                    break;
                }
            }
        }
        return List.copyOf(fields);
    }

    private static Method presence(String base) {
        try {
            Method m = RegisterTaskDefinitionRequest.class.getMethod(
                    "has" + Character.toUpperCase(base.charAt(0)) + base.substring(1));
            return m.getReturnType() == boolean.class ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Object invoke(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot call " + m, e);
        }
    }
}
