package io.github.ecsrollout.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.github.ecsrollout.internal.report.Logs;
import org.slf4j.Logger;
import org.slf4j.simple.SimpleLoggerLevels;

/**
 * Captures what slf4j-simple, the tests' binding, writes while it is open: src/test/resources/simplelogger.properties
 * sends every line to {@code System.out}, which slf4j-simple looks up on each line, so this swaps {@code System.out}
 * for a copy into memory (still echoed to the real one). Lines read
 * {@code 12:00:03.512 LEVEL lastPartOfTheLoggerName - message}. The library's loggers are at INFO while it is open, and
 * loggers named to {@link #open(String...)} at DEBUG.
 */
public final class CapturedLog implements AutoCloseable {

    /**
     * The library's loggers, at INFO while a log is captured: the unit tests run them at WARN (the pom's
     * {@code ecsrollout.test.log}) to keep their output quiet, and what is captured is what a user at INFO sees.
     */
    private static final List<Logger> LIBRARY = List.of(Logs.ROLLOUT, Logs.SERVICES, Logs.PROGRESS, Logs.EVENTS,
            Logs.POLLS, Logs.ROLLBACK, Logs.LISTENER);

    private final PrintStream original = System.out;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Map<String, Integer> levels = new LinkedHashMap<>();

    private CapturedLog(String... debugLoggers) {
        for (Logger logger : LIBRARY) {
            levels.put(logger.getName(), SimpleLoggerLevels.set(logger.getName(), "info"));
        }
        for (String name : debugLoggers) {
            int before = SimpleLoggerLevels.set(name, "debug");
            levels.putIfAbsent(name, before); // a library logger keeps the level it had before INFO
        }
        PrintStream copy = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.setOut(new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                copy.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                copy.write(b, off, len);
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** Starts capturing, with the named loggers at DEBUG. */
    public static CapturedLog open(String... debugLoggers) {
        return new CapturedLog(debugLoggers);
    }

    /** Every line written so far. */
    public synchronized List<String> lines() {
        System.out.flush();
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** The lines of one level ({@code INFO}, {@code WARN}, ...) from the logger whose name ends {@code .shortName}. */
    public List<String> lines(String level, String shortName) {
        String marker = " " + level + " " + shortName + " - ";
        return lines().stream().filter(l -> l.contains(marker)).toList();
    }

    @Override
    public void close() {
        System.setOut(original);
        levels.forEach(SimpleLoggerLevels::restore);
    }
}
