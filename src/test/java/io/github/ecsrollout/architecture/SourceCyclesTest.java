package io.github.ecsrollout.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No two files under {@code src/main/java} name each other, however far round, read from the source text as a reader
 * sees it: an import, a fully qualified name, or a same-package type's simple name anywhere in the code (comments and
 * string literals aside). This catches what the compiled classes do not show {@link ArchitectureTest}: a
 * {@code sealed ... permits} clause, a constant inlined by the compiler, a type named only in a cast.
 */
class SourceCyclesTest {

    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)(?:\\.\\*)?;",
            Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b(?:[a-z]\\w*\\.)+[A-Z]\\w*");
    private static final Pattern IDENTIFIER = Pattern.compile("\\b[A-Z]\\w*\\b");

    @Test
    void noFilesNameEachOtherInACircle() throws IOException {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"))
                    .forEach(f -> sources.put(MAIN.relativize(f).toString(), read(f)));
        }
        assertEquals(List.of(), circles(sources), "files that name each other in a circle");
    }

    @Test
    void aPermitsClauseIsSeen() {
        Map<String, String> sources = Map.of(
                "p/Polls.java", "package p;\n/** Not {@link Other}. */\nabstract class Polls {\n"
                        + "    sealed interface Back permits Answer.One {}\n}\n",
                "p/Answer.java", "package p;\nfinal class Answer {\n    record One() implements Polls.Back {}\n}\n",
                "p/Other.java", "package p;\nclass Other {\n    String s = \"Polls\";\n}\n");
        assertEquals(List.of(List.of("p/Answer.java", "p/Polls.java")), circles(sources));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The circles among the sources (path to text), each as its sorted paths, larger than one file. */
    static List<List<String>> circles(Map<String, String> sources) {
        Map<String, String> byName = new HashMap<>(); // fully qualified top-level type -> path
        Map<String, String> packages = new HashMap<>();
        Map<String, String> code = new HashMap<>();
        sources.forEach((path, text) -> {
            Matcher m = PACKAGE.matcher(text);
            String pkg = m.find() ? m.group(1) : "";
            String type = Path.of(path).getFileName().toString().replace(".java", "");
            byName.put(pkg.isEmpty() ? type : pkg + "." + type, path);
            packages.put(path, pkg);
            code.put(path, codeOnly(text));
        });
        Map<String, Set<String>> arrows = new TreeMap<>();
        sources.forEach((path, text) -> {
            Set<String> to = new TreeSet<>();
            String body = code.get(path);
            Matcher imports = IMPORT.matcher(body);
            while (imports.find()) {
                target(imports.group(1), byName).ifPresent(to::add);
            }
            Matcher qualified = QUALIFIED.matcher(body);
            while (qualified.find()) {
                target(qualified.group(), byName).ifPresent(to::add);
            }
            Matcher names = IDENTIFIER.matcher(body);
            String pkg = packages.get(path);
            while (names.find()) {
                String same = byName.get(pkg.isEmpty() ? names.group() : pkg + "." + names.group());
                if (same != null) {
                    to.add(same);
                }
            }
            to.remove(path);
            arrows.put(path, to);
        });
        return stronglyConnected(arrows);
    }

    /** The file a name resolves to: the longest prefix of it that is a file's top-level type. */
    private static java.util.Optional<String> target(String name, Map<String, String> byName) {
        for (String n = name; n.contains("."); n = n.substring(0, n.lastIndexOf('.'))) {
            if (byName.containsKey(n)) {
                return java.util.Optional.of(byName.get(n));
            }
        }
        return java.util.Optional.ofNullable(byName.get(name));
    }

    /** The text without comments, string and character literals (each replaced by a space). */
    static String codeOnly(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (text.startsWith("//", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end;
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? text.length() : end + 2;
                out.append(' ');
            } else if (text.startsWith("\"\"\"", i)) {
                int end = text.indexOf("\"\"\"", i + 3);
                i = end < 0 ? text.length() : end + 3;
                out.append(' ');
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < text.length() && text.charAt(j) != c) {
                    j += text.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(' ');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Tarjan's strongly connected components larger than one node, each sorted, in order of their first node. */
    private static List<List<String>> stronglyConnected(Map<String, Set<String>> arrows) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> found = new ArrayList<>();
        int[] counter = {0};
        for (String node : arrows.keySet()) {
            if (!index.containsKey(node)) {
                connect(node, arrows, index, low, stack, onStack, found, counter);
            }
        }
        found.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        return found;
    }

    private static void connect(String node, Map<String, Set<String>> arrows, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<List<String>> found,
            int[] counter) {
        index.put(node, counter[0]);
        low.put(node, counter[0]++);
        stack.push(node);
        onStack.add(node);
        for (String next : arrows.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, arrows, index, low, stack, onStack, found, counter);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            List<String> component = new ArrayList<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            if (component.size() > 1) {
                component.sort(null);
                found.add(component);
            }
        }
    }
}
