package io.github.ecsrollout.internal.report;

import java.util.ArrayList;
import java.util.List;

/** Names of services for a log line or a message: all of a few, the first ones of many and how many more. */
public final class Listing {

    /** Past this many services a list says how many more there are instead of naming them. */
    public static final int MAX_LISTED = 20;

    private Listing() {
    }

    /** {@code [a, b, ... and 5 more]}. */
    public static String names(List<String> names) {
        if (names.size() <= MAX_LISTED) {
            return names.toString();
        }
        List<String> first = new ArrayList<>(names.subList(0, MAX_LISTED));
        first.add("... and " + (names.size() - MAX_LISTED) + " more");
        return first.toString();
    }
}
