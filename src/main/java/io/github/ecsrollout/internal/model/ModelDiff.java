package io.github.ecsrollout.internal.model;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The differences between two values of the SDK's ECS model as readable lines ({@code cpu: 256 -> 512}), found by
 * walking the model through its public accessors rather than a list of fields: model objects property by property
 * (sorted by name), lists of objects keyed by their {@code name}, {@code key} or {@code containerName}, a list of
 * name/value pairs ({@code environment}, {@code secrets}, {@code tags}) and a map entry by entry. Pure functions.
 */
public final class ModelDiff {

    /** What an absent value reads as. */
    public static final String NONE = "(none)";

    private static final String MODEL_PACKAGE = "software.amazon.awssdk.services.ecs.model";
    /** Accessors that are not properties of the value: the builder, the SDK's own field plumbing, Object's. */
    private static final Set<String> NOT_PROPERTIES = Set.of("toBuilder", "hashCode", "toString", "sdkFields",
            "sdkFieldNameToField", "serializableBuilderClass", "builder", "getClass", "overrideConfiguration");
    /** The properties that name an element of a list, first found first. */
    private static final List<String> KEYS = List.of("name", "key", "containerName");

    private static final ClassValue<Map<String, Method>> PROPERTIES = new ClassValue<>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
            return scan(type);
        }
    };

    private ModelDiff() {
    }

    /**
     * Appends a line for each difference between {@code before} and {@code after}.
     *
     * @param path where the values are ({@code cpu}, {@code containerDefinitions[web]})
     * @param onlySet whether an absent {@code after} means "unchanged" (a request that sets some fields only)
     * @param ignored paths left out, with everything under them
     */
    public static void diff(String path, Object before, Object after, boolean onlySet, Predicate<String> ignored,
            List<String> out) {
        Object a = normal(before);
        Object b = normal(after);
        if (ignored.test(path) || (onlySet && b == null) || Objects.equals(a, b)) {
            return;
        }
        if (a != null && b != null && a.getClass() == b.getClass() && isModel(a)) {
            PROPERTIES.get(a.getClass()).forEach((name, accessor) ->
                    diff(join(path, name), get(accessor, a), get(accessor, b), onlySet, ignored, out));
            return;
        }
        if (a instanceof List<?> || b instanceof List<?>) {
            List<?> la = a == null ? List.of() : asList(a);
            List<?> lb = b == null ? List.of() : asList(b);
            if (la != null && lb != null && diffList(path, la, lb, onlySet, ignored, out)) {
                return;
            }
        }
        if ((a == null || a instanceof Map<?, ?>) && (b == null || b instanceof Map<?, ?>)) {
            Map<?, ?> ma = a == null ? Map.of() : (Map<?, ?>) a;
            Map<?, ?> mb = b == null ? Map.of() : (Map<?, ?>) b;
            Set<String> keys = new TreeSet<>();
            ma.keySet().forEach(k -> keys.add(String.valueOf(k)));
            mb.keySet().forEach(k -> keys.add(String.valueOf(k)));
            for (String k : keys) {
                diff(path + "." + k, ma.get(k), mb.get(k), onlySet, ignored, out);
            }
            return;
        }
        out.add(path + ": " + render(a) + " -> " + render(b));
    }

    /**
     * The public properties of a model class by name (sorted), each with its accessor; an enum-valued property under
     * its plain name, read as ECS's string ({@code networkModeAsString}).
     */
    public static Map<String, Method> properties(Class<?> type) {
        return PROPERTIES.get(type);
    }

    /** Reads one property, as {@link #properties} lists it. */
    public static Object get(Method accessor, Object target) {
        try {
            return accessor.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + accessor.getName() + " of " + target.getClass(), e);
        }
    }

    /** A value as one line: {@code (none)}, a scalar as is, {@code [a, b]}, {@code {k=v}}. */
    public static String render(Object value) {
        Object v = normal(value);
        if (v == null) {
            return NONE;
        }
        if (v instanceof String s) {
            return s.isEmpty() ? "\"\"" : s;
        }
        if (v instanceof Collection<?> c) {
            List<String> parts = new ArrayList<>();
            c.forEach(e -> parts.add(render(e)));
            return "[" + String.join(", ", parts) + "]";
        }
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            new TreeMap<>(stringKeys(m)).forEach((k, e) -> parts.add(k + "=" + render(e)));
            return "{" + String.join(", ", parts) + "}";
        }
        if (isModel(v)) {
            List<String> parts = new ArrayList<>();
            PROPERTIES.get(v.getClass()).forEach((name, accessor) -> {
                Object p = normal(get(accessor, v));
                if (p != null) {
                    parts.add(name + "=" + render(p));
                }
            });
            return "{" + String.join(", ", parts) + "}";
        }
        return String.valueOf(v);
    }

    /**
     * Lists keyed by a property (every element has a distinct one) or of equal length are compared element by
     * element; other lists are not handled here.
     *
     * @return whether the lists were compared
     */
    private static boolean diffList(String path, List<?> a, List<?> b, boolean onlySet, Predicate<String> ignored,
            List<String> out) {
        String key = commonKey(a, b);
        if (key != null) {
            Map<String, Object> ka = byKey(a, key);
            Map<String, Object> kb = byKey(b, key);
            Set<String> keys = new TreeSet<>(ka.keySet());
            keys.addAll(kb.keySet());
            Class<?> type = (a.isEmpty() ? b : a).get(0).getClass();
            Method value = pairValue(type, key);
            for (String k : keys) {
                if (value != null) {
                    Object va = ka.containsKey(k) ? get(value, ka.get(k)) : null;
                    Object vb = kb.containsKey(k) ? get(value, kb.get(k)) : null;
                    diff(path + "." + k, va, vb, onlySet, ignored, out);
                } else {
                    diff(path + "[" + k + "]", ka.get(k), kb.get(k), onlySet, ignored, out);
                }
            }
            return true;
        }
        if (a.size() == b.size() && !a.isEmpty() && isModel(a.get(0))) {
            for (int i = 0; i < a.size(); i++) {
                diff(path + "[" + i + "]", a.get(i), b.get(i), onlySet, ignored, out);
            }
            return true;
        }
        return false;
    }

    /** The key property every element of both lists has, distinct within each list; {@code null} when none. */
    private static String commonKey(List<?> a, List<?> b) {
        Object first = a.isEmpty() ? (b.isEmpty() ? null : b.get(0)) : a.get(0);
        if (first == null || !isModel(first)) {
            return null;
        }
        Class<?> type = first.getClass();
        for (String key : KEYS) {
            Method accessor = PROPERTIES.get(type).get(key);
            if (accessor != null && distinctKeys(a, type, accessor) && distinctKeys(b, type, accessor)) {
                return key;
            }
        }
        return null;
    }

    private static boolean distinctKeys(List<?> list, Class<?> type, Method accessor) {
        Set<Object> seen = new HashSet<>();
        for (Object e : list) {
            if (e == null || e.getClass() != type) {
                return false;
            }
            Object k = get(accessor, e);
            if (k == null || !seen.add(k)) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> byKey(List<?> list, String key) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Object e : list) {
            map.put(String.valueOf(get(PROPERTIES.get(e.getClass()).get(key), e)), e);
        }
        return map;
    }

    /** For a name/value pair (a key and exactly one other property), the other property's accessor; else null. */
    private static Method pairValue(Class<?> type, String key) {
        Map<String, Method> props = PROPERTIES.get(type);
        if (props.size() != 2) {
            return null;
        }
        return props.entrySet().stream().filter(e -> !e.getKey().equals(key)).map(Map.Entry::getValue).findFirst()
                .orElse(null);
    }

    private static Map<String, Method> scan(Class<?> type) {
        Map<String, Method> found = new TreeMap<>();
        Set<String> asString = new HashSet<>();
        for (Method m : type.getMethods()) {
            if (m.getDeclaringClass() != type || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0
                    || m.getReturnType() == void.class || NOT_PROPERTIES.contains(m.getName())
                    || (m.getReturnType() == boolean.class && m.getName().startsWith("has"))) {
                continue;
            }
            String name = m.getName();
            for (String suffix : List.of("AsStrings", "AsString")) {
                if (name.endsWith(suffix)) {
                    name = name.substring(0, name.length() - suffix.length());
                    asString.add(name);
                    break;
                }
            }
            // Once a property has its AsString accessor, that one stands for it, whichever of the two comes first.
            if (!asString.contains(name) || !m.getName().equals(name)) {
                found.put(name, m);
            }
        }
        return found;
    }

    private static boolean isModel(Object v) {
        Class<?> type = v.getClass();
        return !type.isEnum() && type.getPackageName().equals(MODEL_PACKAGE);
    }

    /** {@code null} for an absent value: null, an empty list or an empty map (the SDK's "not set" lists are empty). */
    private static Object normal(Object v) {
        if (v instanceof Collection<?> c && c.isEmpty()) {
            return null;
        }
        if (v instanceof Map<?, ?> m && m.isEmpty()) {
            return null;
        }
        return v;
    }

    private static List<?> asList(Object v) {
        return v instanceof List<?> l ? l : null;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
