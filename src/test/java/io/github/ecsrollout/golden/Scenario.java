package io.github.ecsrollout.golden;

/**
 * One scenario of the golden master: its name (that of its transcript file), whether its transcript can hold exact
 * counts, and what it does.
 *
 * @param name the transcript's file name, without {@code .txt}
 * @param coarse whether the scenario depends on timing (the simulator's real time, in which its transcripts were
 *     recorded, or chunks of services watched on several threads, which stop each other at a time of their own): its
 *     transcript then keeps no counts of polls and collapses repeated lines
 * @param body what the scenario does
 */
record Scenario(String name, boolean coarse, Body body) {

    /** What a scenario does, through the run that records it. */
    @FunctionalInterface
    interface Body {
        void run(ScenarioRun run) throws Exception;
    }

    @Override
    public String toString() {
        return name;
    }
}
