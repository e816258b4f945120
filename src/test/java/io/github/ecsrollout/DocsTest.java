package io.github.ecsrollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps README.md and docs/*.md honest: every {@code ```java} block appears verbatim in a test source (which the build
 * compiles and runs), and every relative link points to a file that exists, and to a heading that exists in it.
 */
class DocsTest {

    private static final Path TEST_SOURCES = Path.of("src/test/java");

    /** A fenced block of a page: where it starts (1-based line of its opening fence) and its lines. */
    record Block(Path page, int line, String language, List<String> lines) {
        @Override
        public String toString() {
            return page + ":" + line;
        }
    }

    @Test
    void everyJavaBlockIsInATestSource() {
        List<List<String>> sources = testSources();
        List<String> missing = new ArrayList<>();
        int java = 0;
        for (Path page : pages()) {
            for (Block block : blocks(page)) {
                if (!block.language().equals("java")) {
                    continue;
                }
                java++;
                List<String> wanted = normalized(block.lines());
                if (sources.stream().noneMatch(source -> contains(source, wanted))) {
                    missing.add(block + " (" + firstLine(wanted) + ")");
                }
            }
        }
        assertTrue(java > 0, "no ```java block found: is the working directory the project?");
        assertEquals(List.of(), missing,
                "these ```java blocks appear verbatim in no source under src/test/java (indentation aside)");
    }

    @Test
    void everyRelativeLinkResolves() {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            List<String> lines = read(page);
            for (int i = 0; i < lines.size(); i++) {
                for (String target : links(lines.get(i))) {
                    String problem = problemWith(page, target);
                    if (problem != null) {
                        broken.add(page + ":" + (i + 1) + " " + target + ": " + problem);
                    }
                }
            }
        }
        assertEquals(List.of(), broken, "broken relative links");
    }

    @Test
    void theReadmesCoordinatesAndVersionsAreThePomsOwn() {
        String pom = String.join("\n", read(Path.of("pom.xml")));
        String project = pom.substring(0, pom.indexOf("<properties>"));
        String group = between(project, "<groupId>", "</groupId>");
        String artifact = between(project.substring(project.indexOf("</groupId>")), "<artifactId>", "</artifactId>");
        String version = between(project.substring(project.indexOf("</artifactId>")), "<version>", "</version>");
        String sdk = between(pom, "<awssdk.version>", "</awssdk.version>");
        String readme = String.join("\n", read(Path.of("README.md")));

        assertTrue(readme.contains("<groupId>" + group + "</groupId>\n  <artifactId>" + artifact
                + "</artifactId>\n  <version>" + version + "</version>"), "the Maven dependency");
        assertTrue(readme.contains("implementation(\"" + group + ":" + artifact + ":" + version + "\")"), "Gradle");
        assertTrue(readme.contains("puts " + group + ":" + artifact + ":" + version + " in ~/.m2"), "mvn install");
        assertTrue(readme.contains("AWS SDK BOM " + sdk), "the SDK version");
        assertTrue(readme.contains("`slf4j-api` " + between(pom, "<slf4j.version>", "</slf4j.version>")),
                "the SLF4J version");
        assertTrue(readme.contains("Java 17") && pom.contains("<maven.compiler.release>17</maven.compiler.release>"),
                "the Java version");
    }

    private static String between(String text, String open, String close) {
        int start = text.indexOf(open);
        assertTrue(start >= 0, open);
        return text.substring(start + open.length(), text.indexOf(close, start));
    }

    @Test
    void theMatcherFindsABlockWhateverItsIndentationAndNothingElse() {
        List<String> source = List.of("class A {", "    void m() {", "        int a = 1;  ", "", "        if (a > 0) {",
                "            a++;", "        }", "    }", "}");
        assertTrue(contains(source, normalized(List.of("int a = 1;", "", "if (a > 0) {", "    a++;", "}"))));
        assertTrue(contains(source, normalized(List.of("  if (a > 0) {", "      a++;", "  }"))));
        assertTrue(!contains(source, normalized(List.of("int a = 1;", "if (a > 0) {"))), "a line left out");
        assertTrue(!contains(source, normalized(List.of("if (a > 0) {", "a++;", "}"))), "indentation inside differs");
        assertTrue(!contains(source, normalized(List.of("int a = 2;"))));
    }

    @Test
    void anAnchorIsTheHeadingAsGitHubSpellsIt() {
        assertEquals("rolling-back-on-failure", anchor("Rolling back on failure"));
        assertEquals("aborting-a-rollout-rollback", anchor("Aborting a rollout: `rollBack`"));
        assertEquals("unit-testing-your-code-that-uses-servicerollout",
                anchor("Unit-testing your code that uses `ServiceRollout`"));
        assertEquals("what-each-reason-means", anchor("What each `Reason` means"));
    }

    // ---- pages, blocks and links ----------------------------------------------------------------------------------

    /** README.md and every page under docs/. */
    static List<Path> pages() {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    /** The fenced blocks of a page, in order. */
    static List<Block> blocks(Path page) {
        List<Block> blocks = new ArrayList<>();
        List<String> lines = read(page);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("```")) {
                int start = i;
                List<String> body = new ArrayList<>();
                for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                    body.add(lines.get(i));
                }
                assertTrue(i < lines.size(), page + ":" + (start + 1) + " opens a block it never closes");
                blocks.add(new Block(page, start + 1, line.substring(3).strip(), body));
            }
        }
        return blocks;
    }

    /** Lines without trailing spaces and without the indentation every non-blank line shares. */
    static List<String> normalized(List<String> lines) {
        List<String> stripped = lines.stream().map(String::stripTrailing).toList();
        int indent = stripped.stream().filter(l -> !l.isEmpty())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        List<String> out = new ArrayList<>(stripped.stream().map(l -> l.isEmpty() ? l : l.substring(indent)).toList());
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /**
     * Whether {@code source} holds {@code block} on consecutive lines, every non-blank one indented by the same extra
     * amount and otherwise equal (trailing spaces aside), a blank line matching a blank line.
     */
    static boolean contains(List<String> source, List<String> block) {
        if (block.isEmpty()) {
            return true;
        }
        for (int start = 0; start + block.size() <= source.size(); start++) {
            String first = source.get(start).stripTrailing();
            if (!first.endsWith(block.get(0)) || !first.substring(0, first.length() - block.get(0).length()).isBlank()) {
                continue;
            }
            String indent = first.substring(0, first.length() - block.get(0).length());
            boolean all = true;
            for (int k = 1; k < block.size() && all; k++) {
                String line = source.get(start + k).stripTrailing();
                all = block.get(k).isEmpty() ? line.isEmpty() : line.equals(indent + block.get(k));
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** Every {@code .java} file under src/test/java, as lines. */
    private static List<List<String>> testSources() {
        try (Stream<Path> files = Files.walk(TEST_SOURCES)) {
            return files.filter(p -> p.toString().endsWith(".java")).map(DocsTest::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The targets of the markdown links on a line outside code spans, {@code [text](target)}. */
    static List<String> links(String line) {
        List<String> targets = new ArrayList<>();
        String prose = line.replaceAll("`[^`]*`", "");
        int at = 0;
        while ((at = prose.indexOf("](", at)) >= 0) {
            int end = prose.indexOf(')', at);
            if (end < 0) {
                break;
            }
            targets.add(prose.substring(at + 2, end).strip());
            at = end;
        }
        return targets;
    }

    /** What is wrong with a link from {@code page}, or null: a missing file, or a heading not in it. */
    private static String problemWith(Path page, String target) {
        if (target.matches("[a-z]+:.*")) {
            return null; // https:, mailto:: not ours to check
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path linked = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
        if (!Files.exists(linked)) {
            return "no such file " + linked;
        }
        if (hash < 0) {
            return null;
        }
        if (!linked.toString().endsWith(".md")) {
            return "an anchor into a file that is not markdown";
        }
        String wanted = target.substring(hash + 1);
        Set<String> anchors = anchors(linked);
        return anchors.contains(wanted) ? null : "no heading #" + wanted + " in " + linked.getFileName() + " (it has "
                + anchors.stream().sorted().collect(Collectors.joining(", ")) + ")";
    }

    /** The anchors GitHub gives a page's headings (outside fenced blocks). */
    private static Set<String> anchors(Path page) {
        Set<String> anchors = new HashSet<>();
        boolean fenced = false;
        for (String line : read(page)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && line.startsWith("#")) {
                String anchor = anchor(line.replaceFirst("^#+\\s*", ""));
                String unique = anchor;
                for (int n = 1; !anchors.add(unique); n++) {
                    unique = anchor + "-" + n;
                }
            }
        }
        return anchors;
    }

    /** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens. */
    static String anchor(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    private static String firstLine(List<String> lines) {
        return lines.isEmpty() ? "" : lines.get(0);
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
