package io.github.ecsrollout.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.simple.SimpleLoggerLevels;

/**
 * Captures what slf4j-simple, the tests' binding, writes while it is open: src/test/resources/simplelogger.properties
 * sends every line to {@code System.out}, which slf4j-simple looks up on each line, so this swaps {@code System.out}
 * for a copy into memory (still echoed to the real one). Lines read
 * {@code 12:00:03.512 LEVEL lastPartOfTheLoggerName - message}. Loggers named to {@link #open(String...)} are at DEBUG
 * while it is open.
 */
public final class CapturedLog implements AutoCloseable {

    private final PrintStream original = System.out;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Map<String, Integer> levels = new LinkedHashMap<>();

    private CapturedLog(String... debugLoggers) {
        for (String name : debugLoggers) {
            levels.put(name, SimpleLoggerLevels.set(name, "debug"));
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
