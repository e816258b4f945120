package io.github.ecsrollout.internal.report;

import java.util.ArrayList;
import java.util.List;

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
        if (names.size() <= max) {
            return names.toString();
        }
        List<String> first = new ArrayList<>(names.subList(0, max));
        first.add("... and " + (names.size() - max) + " more");
        return first.toString();
    }
}
