package io.github.ecsrollout.internal.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Names of services for a log line or a message: all of a few, the first ones of many and how many more. */
public final class Listing {

    /** Past this many services a list says how many more there are instead of naming them. */
    public static final int MAX_LISTED = 20;

    private Listing() {
    }

    /** {@code [a, b, ... and 5 more]}: at most {@value #MAX_LISTED} named. */
    public static String names(List<String> names) {
        return names(names, MAX_LISTED);
    }

    /** {@code [a, b, ... and 5 more]}: at most {@code max} named. */
    public static String names(List<String> names, int max) {
        return "[" + items(names, Function.identity(), max) + "]";
    }

    /**
     * {@code a to x, b to y, ... and 5 more}: the text of each of the first {@code max} items (only theirs is made),
     * then how many more, without brackets.
     */
    static String items(List<String> items, Function<String, String> text, int max) {
        List<String> shown = new ArrayList<>();
        for (String s : items.subList(0, Math.min(items.size(), max))) {
            shown.add(text.apply(s));
        }
        if (items.size() > max) {
            shown.add("... and " + (items.size() - max) + " more");
        }
        return String.join(", ", shown);
    }
}
