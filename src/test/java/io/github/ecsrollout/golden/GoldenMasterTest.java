package io.github.ecsrollout.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.ecsrollout.support.CapturedLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.simple.SimpleLoggerLevels;

/**
 * The golden master of the rollout engine, recorded before its refactoring: each scenario runs through the public API
 * only (a {@link io.github.ecsrollout.ServiceRollout} on {@link io.github.ecsrollout.testing.FakeEcs} or on the
 * simulated ECS), and its transcript (the ECS calls per service, what each call returned or threw, what the listener
 * heard, what the library logged at INFO and above; times and generated ids masked) must equal the one recorded in
 * {@code src/test/resources/golden/<scenario>.txt}. {@code -Dgolden.record=true} writes the files instead.
 */
class GoldenMasterTest {

    /** Where the transcripts live: the project's own sources, so that a re-recording shows up in the diff. */
    static final Path DIR = Path.of("src", "test", "resources", "golden");
    /** Whether to (re)write the transcripts instead of comparing with them. */
    static final boolean RECORD = Boolean.getBoolean("golden.record");
    static final String HOW_TO_RECORD = "If the change is intended, re-record with "
            + "`mvn -B -o test -Dtest='GoldenMasterTest,CheckpointCompatibilityTest' -Dgolden.record=true` "
            + "and review the diff of src/test/resources/golden.";

    private static final String ROOT = "io.github.ecsrollout.ServiceRollout";
    /** The library's loggers, set to INFO during a scenario whatever the JVM's properties say. */
    private static final List<String> LOGGERS = List.of(ROOT, ROOT + ".services", ROOT + ".progress",
            ROOT + ".events", ROOT + ".polls", ROOT + ".rollback", ROOT + ".listener");
    /** Lines of context shown before the first difference, and lines shown from it on. */
    private static final int CONTEXT = 3;
    private static final int SHOWN = 12;

    static List<Scenario> scenarios() {
        List<Scenario> all = new ArrayList<>(FakeScenarios.all());
        all.addAll(SimScenarios.all());
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    @Timeout(60)
    void transcriptEqualsTheRecordedOne(Scenario scenario) throws Exception {
        String transcript = run(scenario);
        Path file = DIR.resolve(scenario.name() + ".txt");
        if (RECORD) {
            Files.createDirectories(DIR);
            Files.writeString(file, transcript, StandardCharsets.UTF_8);
            return;
        }
        assertTrue(Files.exists(file), "no golden transcript " + file + ". " + HOW_TO_RECORD);
        String expected = Files.readString(file, StandardCharsets.UTF_8);
        if (!expected.equals(transcript)) {
            fail("transcript of scenario " + scenario.name() + " differs from " + file + ":\n"
                    + diff(expected, transcript) + "\n" + HOW_TO_RECORD);
        }
    }

    @Test
    void everyTranscriptHasItsScenarioAndNamesAreUnique() throws IOException {
        List<String> names = scenarios().stream().map(Scenario::name).toList();
        assertEquals(names.size(), Set.copyOf(names).size(), "scenario names must be unique");
        if (RECORD) {
            return;
        }
        try (Stream<Path> files = Files.list(DIR)) {
            List<String> orphans = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt"))
                    .map(n -> n.substring(0, n.length() - ".txt".length())).filter(n -> !names.contains(n))
                    .sorted().toList();
            assertEquals(List.of(), orphans, "transcripts without a scenario: delete them. " + HOW_TO_RECORD);
        }
    }

    /** Runs a scenario with the library's loggers at INFO and captured, and returns its transcript. */
    static String run(Scenario scenario) throws Exception {
        Map<String, Integer> levels = new LinkedHashMap<>();
        LOGGERS.forEach(name -> levels.put(name, SimpleLoggerLevels.set(name, "info")));
        try (CapturedLog log = CapturedLog.open(); ScenarioRun run = new ScenarioRun(scenario)) {
            scenario.body().run(run);
            return run.transcript(log.lines());
        } finally {
            levels.forEach(SimpleLoggerLevels::restore);
        }
    }

    /** The first differing line with a few lines of context before it, then both versions from there on. */
    static String diff(String expected, String actual) {
        List<String> e = expected.lines().toList();
        List<String> a = actual.lines().toList();
        int first = 0;
        while (first < e.size() && first < a.size() && e.get(first).equals(a.get(first))) {
            first++;
        }
        StringBuilder sb = new StringBuilder("first difference at line ").append(first + 1).append('\n');
        for (int i = Math.max(0, first - CONTEXT); i < first; i++) {
            sb.append("    ").append(e.get(i)).append('\n');
        }
        sb.append(excerpt("expected", e, first)).append(excerpt("actual  ", a, first));
        return sb.toString();
    }

    private static String excerpt(String label, List<String> lines, int from) {
        if (from >= lines.size()) {
            return label + ": (ends here)\n";
        }
        return lines.subList(from, Math.min(lines.size(), from + SHOWN)).stream()
                .map(l -> label + "| " + l).collect(Collectors.joining("\n", "", "\n"))
                + (lines.size() > from + SHOWN ? label + "| ... " + (lines.size() - from - SHOWN) + " more\n" : "");
    }
}
