package io.github.ecsrollout.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The three jars {@code mvn package} leaves for Maven Central, as a user gets them: the library jar is the automatic
 * module {@code io.github.ecsrollout}, the Javadoc jar documents the public packages only, and every entry carries
 * the fixed {@code project.build.outputTimestamp} that makes the build reproducible. An integration test because the
 * jars exist only after the package phase; failsafe passes their path ({@code published.jars}, without the suffix)
 * and the timestamp ({@code published.outputTimestamp}).
 */
class PublishedJarsIT {

    private static final String MODULE = "io.github.ecsrollout";

    private final String base = property("published.jars");

    @Test
    void theLibraryJarIsTheAutomaticModuleIoGithubEcsrollout() throws IOException {
        Path jar = jar("");
        try (JarFile file = new JarFile(jar.toFile())) {
            assertEquals(MODULE, file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
        }
        // What the JDK itself makes of the jar on a module path: the name users write in their module-info.
        Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
        assertEquals(1, found.size(), found.toString());
        ModuleDescriptor descriptor = found.iterator().next().descriptor();
        assertEquals(MODULE, descriptor.name());
        assertTrue(descriptor.isAutomatic(), descriptor.toString());
        assertTrue(descriptor.packages().containsAll(Set.of(MODULE, MODULE + ".testing")), descriptor.toString());
    }

    @Test
    void theLibraryJarHoldsTheMainClassesAndNoTestClass() throws IOException {
        Set<String> packages = new TreeSet<>();
        try (JarFile file = new JarFile(jar("").toFile())) {
            for (JarEntry entry : file.stream().toList()) {
                String name = entry.getName();
                if (name.endsWith(".class")) {
                    assertTrue(name.startsWith("io/github/ecsrollout/"), name);
                    packages.add(name.substring(0, name.lastIndexOf('/')));
                }
            }
        }
        assertTrue(packages.contains("io/github/ecsrollout/internal/run"), packages.toString());
        assertFalse(packages.contains("io/github/ecsrollout/sim"), packages.toString());
        assertFalse(packages.contains("io/github/ecsrollout/it"), packages.toString());
    }

    @Test
    void theJavadocJarDocumentsThePublicPackagesAndNotInternal() throws IOException {
        Set<String> pages = entryNames("-javadoc");
        assertTrue(pages.contains("io/github/ecsrollout/ServiceRollout.html"), "ServiceRollout.html is missing");
        assertTrue(pages.contains("io/github/ecsrollout/testing/FakeEcs.html"), "testing/FakeEcs.html is missing");
        List<String> internal = pages.stream().filter(name -> name.contains("/internal/")).toList();
        assertEquals(0, internal.size(), () -> internal.size() + " pages of internal packages, such as "
                + internal.subList(0, Math.min(5, internal.size())));
    }

    @Test
    void theSourcesJarHoldsEveryMainSourceFile() throws IOException {
        Set<String> expected;
        Path main = Path.of("src/main/java");
        try (var files = Files.walk(main)) {
            expected = files.filter(path -> path.toString().endsWith(".java"))
                    .map(path -> main.relativize(path).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> sources = entryNames("-sources").stream().filter(name -> name.endsWith(".java"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(expected.contains("io/github/ecsrollout/ServiceRollout.java"), expected.toString());
        assertEquals(expected, sources);
    }

    @Test
    void everyEntryOfTheThreeJarsCarriesTheOutputTimestamp() throws IOException {
        // The zip format stores a local date and time; the archiver writes the timestamp's UTC one, whatever the
        // build machine's time zone, so read it back the same way.
        LocalDateTime expected = LocalDateTime.ofInstant(Instant.parse(property("published.outputTimestamp")),
                ZoneOffset.UTC);
        for (String classifier : List.of("", "-sources", "-javadoc")) {
            try (JarFile file = new JarFile(jar(classifier).toFile())) {
                Set<String> others = file.stream().filter(entry -> !expected.equals(entry.getTimeLocal()))
                        .map(entry -> entry.getName() + "@" + entry.getTimeLocal())
                        .collect(Collectors.toCollection(TreeSet::new));
                assertEquals(Set.of(), others, "ecs-rollout" + classifier + ".jar");
            }
        }
    }

    private Set<String> entryNames(String classifier) throws IOException {
        try (JarFile file = new JarFile(jar(classifier).toFile())) {
            return file.stream().map(JarEntry::getName).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private Path jar(String classifier) {
        Path jar = Path.of(base + classifier + ".jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: run through failsafe, after the package phase");
        return jar;
    }

    private static String property(String name) {
        return Objects.requireNonNull(System.getProperty(name), name + " is not set: failsafe sets it (pom.xml)");
    }
}
