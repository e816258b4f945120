package io.github.ecsrollout.internal.image;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Copies a described task definition into a RegisterTaskDefinitionRequest builder, every field the request accepts,
 * found from what the two SDK classes have in common: each public accessor of {@link TaskDefinition} whose name (its
 * {@code ...AsString} or {@code ...AsStrings} form for an enum, so that a value newer than this SDK survives) matches a
 * setter of {@link RegisterTaskDefinitionRequest.Builder} of the same type. A field AWS adds to both is carried without
 * a code change; the read-only ones ({@code taskDefinitionArn}, {@code revision}, {@code status}, ...) have no setter
 * and are left out. Only public API of the SDK is used.
 */
public final class RegistrationCopy {

    /** Accessors of TaskDefinition that are no field of it. */
    private static final Set<String> NOT_FIELDS = Set.of("toBuilder", "sdkFields", "serializableBuilderClass",
            "hashCode", "toString", "getClass");

    /** One field the two classes share: how to read it, whether it is present (lists, maps), how to set it. */
    private record Field(String name, Method getter, Method present, Method setter) {
    }

    private static final List<Field> FIELDS = fields();

    private RegistrationCopy() {
    }

    /**
     * A registration request builder holding every field of {@code described} that a registration accepts, a list or
     * map ECS did not return left absent (not made empty), and {@code tags} when there are any, but those whose key
     * starts with {@code aws:} (in any case): AWS reserves that prefix for the tags it sets itself (CloudFormation's
     * {@code aws:cloudformation:*}), and ECS refuses a registration that names one.
     *
     * @param described the task definition as DescribeTaskDefinition returned it
     * @param tags its tags (DescribeTaskDefinition with {@code include TAGS}); empty for none
     * @return a builder to change the container definitions on, then build
     */
    public static RegisterTaskDefinitionRequest.Builder of(TaskDefinition described, List<Tag> tags) {
        RegisterTaskDefinitionRequest.Builder request = RegisterTaskDefinitionRequest.builder();
        for (Field f : FIELDS) {
            if (f.present() != null && !(Boolean) invoke(f.present(), described)) {
                continue;
            }
            Object value = invoke(f.getter(), described);
            if (value != null) {
                invoke(f.setter(), request, value);
            }
        }
        List<Tag> ours = tags.stream().filter(t -> t.key() == null || !t.key().regionMatches(true, 0, "aws:", 0, 4))
                .toList();
        if (!ours.isEmpty()) {
            request.tags(ours);
        }
        return request;
    }

    /**
     * The names of the fields copied, as {@link TaskDefinition}'s accessors spell them: what a log line or a test
     * can list.
     *
     * @return the names, sorted
     */
    public static List<String> copiedFields() {
        return List.copyOf(new TreeSet<>(FIELDS.stream().map(Field::name).toList()));
    }

    private static List<Field> fields() {
        Set<String> accessors = new TreeSet<>();
        for (Method m : TaskDefinition.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()
                    && !m.isBridge() && m.getParameterCount() == 0 && m.getReturnType() != void.class
                    && !NOT_FIELDS.contains(m.getName())
                    && !(m.getName().startsWith("has") && m.getReturnType() == boolean.class)) {
                accessors.add(m.getName());
            }
        }
        List<Field> fields = new ArrayList<>();
        for (String name : accessors) {
            if (accessors.contains(name + "AsString") || accessors.contains(name + "AsStrings")) {
                continue; // the String form carries a value this SDK does not know; the enum form would lose it
            }
            String base = name;
            String setterName = name;
            if (name.endsWith("AsStrings")) {
                base = name.substring(0, name.length() - "AsStrings".length());
                setterName = base + "WithStrings";
            } else if (name.endsWith("AsString")) {
                base = name.substring(0, name.length() - "AsString".length());
                setterName = base;
            }
            Method getter = method(TaskDefinition.class, name);
            Method setter = setter(setterName, getter);
            if (setter != null) {
                fields.add(new Field(name, getter, presence(base), setter));
            }
        }
        return List.copyOf(fields);
    }

    /** The builder's one-argument setter that takes what {@code getter} returns, or {@code null}: a read-only field. */
    private static Method setter(String name, Method getter) {
        for (Method m : RegisterTaskDefinitionRequest.Builder.class.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1
                    && m.getParameterTypes()[0].isAssignableFrom(getter.getReturnType())
                    && sameTypeArguments(m.getGenericParameterTypes()[0], getter.getGenericReturnType())) {
                return m;
            }
        }
        return null;
    }

    /** Whether two types have the same type arguments ({@code Collection<X>} and {@code List<X>}), or none. */
    private static boolean sameTypeArguments(Type parameter, Type returned) {
        Type[] a = parameter instanceof ParameterizedType p ? p.getActualTypeArguments() : new Type[0];
        Type[] b = returned instanceof ParameterizedType p ? p.getActualTypeArguments() : new Type[0];
        return Arrays.equals(a, b);
    }

    /** {@code hasX()} of a list or map field, which says whether ECS returned it at all; {@code null} for others. */
    private static Method presence(String base) {
        String has = "has" + Character.toUpperCase(base.charAt(0)) + base.substring(1);
        try {
            Method m = TaskDefinition.class.getMethod(has);
            return m.getReturnType() == boolean.class ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Method method(Class<?> type, String name) {
        try {
            return type.getMethod(name);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(type.getName() + "." + name + "() disappeared", e);
        }
    }

    private static Object invoke(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + m, e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("calling " + m + " failed", cause);
        }
    }
}
