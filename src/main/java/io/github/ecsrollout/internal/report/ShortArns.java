package io.github.ecsrollout.internal.report;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * ARNs as short as a message can have them: each one's shortest run of trailing path segments that no other ARN of the
 * same message ends with ({@code arn:aws:ecs:us-east-1:1:task-definition/web:41} is {@code web:41} unless another
 * {@code web:41} of another account or region is named beside it). What is not an ARN stays as it is.
 */
final class ShortArns {

    private final Map<String, String> shortened = new HashMap<>();

    private ShortArns(Collection<String> names) {
        Set<String> arns = new LinkedHashSet<>();
        names.stream().filter(ShortArns::isArn).forEach(arns::add);
        for (String arn : arns) {
            shortened.put(arn, shortest(arn, arns));
        }
    }

    /** The shortening of these names, which are all the ARNs of one message (others and {@code null}s ignored). */
    static ShortArns of(Collection<String> names) {
        return new ShortArns(names);
    }

    /** The name as short as it can be among the others; a name not given to {@link #of(Collection)} as it is. */
    String shorten(String name) {
        return name == null ? null : shortened.getOrDefault(name, name);
    }

    private static boolean isArn(String name) {
        return name != null && name.startsWith("arn:") && name.indexOf('/') > 0;
    }

    private static String shortest(String arn, Set<String> all) {
        int cut = arn.length();
        while (true) {
            cut = arn.lastIndexOf('/', cut - 1);
            if (cut < 0) {
                return arn;
            }
            String suffix = arn.substring(cut + 1);
            if (all.stream().noneMatch(other -> !other.equals(arn) && endsWithSegments(other, suffix))) {
                return suffix;
            }
        }
    }

    /** Whether {@code name} ends with these whole segments (after a {@code /}, or a {@code :} for the first). */
    private static boolean endsWithSegments(String name, String suffix) {
        if (!name.endsWith(suffix)) {
            return false;
        }
        int before = name.length() - suffix.length() - 1;
        return before < 0 || name.charAt(before) == '/' || name.charAt(before) == ':';
    }
}
