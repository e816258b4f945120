package org.slf4j.simple;

import org.slf4j.LoggerFactory;

/**
 * Test-only: sets the level of one slf4j-simple logger while a test runs. slf4j-simple reads levels once, when a logger
 * is created, and has no public way to change them; its level field is package-visible, hence this class's package.
 */
public final class SimpleLoggerLevels {

    private SimpleLoggerLevels() {
    }

    /**
     * Sets the level of the logger named {@code name} ({@code "debug"}, {@code "info"}, ...).
     *
     * @return the level it had, to give back to {@link #restore(String, int)}
     */
    public static int set(String name, String level) {
        SimpleLogger logger = (SimpleLogger) LoggerFactory.getLogger(name);
        int before = logger.currentLogLevel;
        logger.currentLogLevel = SimpleLoggerConfiguration.stringToLevel(level);
        return before;
    }

    /** Gives a logger back the level {@link #set(String, String)} returned. */
    public static void restore(String name, int level) {
        ((SimpleLogger) LoggerFactory.getLogger(name)).currentLogLevel = level;
    }
}
