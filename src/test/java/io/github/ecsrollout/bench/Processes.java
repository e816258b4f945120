package io.github.ecsrollout.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Child processes: java, mvn, git; and the classpaths child JVMs need. */
final class Processes {

    /** What a child process printed and how it ended. */
    record Output(int exitCode, String stdout, String stderr, long nanos) {
    }

    private Processes() {
    }

    static Path projectDir() {
        String dir = System.getProperty("bench.projectDir");
        if (dir == null) {
            dir = System.getProperty("maven.multiModuleProjectDirectory"); // set by mvn for exec:java
        }
        return Paths.get(dir == null ? "." : dir).toAbsolutePath().normalize();
    }

    private static Path workDir;
    private static Path snapshot;

    /**
     * Where the bench keeps its files while it runs (classpath lists, poms, the snapshot): a temporary directory,
     * not target/, which another Maven build in the same working tree may clean or rewrite meanwhile.
     */
    static synchronized Path benchDir() {
        if (workDir == null) {
            try {
                workDir = Files.createTempDirectory("ecs-rollout-bench");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return workDir;
    }

    /** Deletes {@link #benchDir()} and everything in it. */
    static synchronized void cleanUp() {
        if (workDir == null) {
            return;
        }
        try (var files = Files.walk(workDir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + workDir + ": " + e);
        }
        workDir = null;
        snapshot = null;
    }

    /**
     * A copy of target/classes and target/test-classes as compiled for this run, for the child JVMs: another Maven
     * build in the same working tree may be rewriting them when a child starts. Retries while the copy is incomplete.
     */
    static synchronized Path snapshot() {
        if (snapshot != null) {
            return snapshot;
        }
        Path target = projectDir().resolve("target");
        Path to = benchDir().resolve("snapshot");
        for (int attempt = 0; ; attempt++) {
            try {
                for (String dir : List.of("classes", "test-classes")) {
                    Path from = target.resolve(dir);
                    try (var files = Files.walk(from)) {
                        for (Path f : files.toList()) {
                            Path dest = to.resolve(dir).resolve(from.relativize(f).toString());
                            if (Files.isDirectory(f)) {
                                Files.createDirectories(dest);
                            } else {
                                Files.copy(f, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                            }
                        }
                    }
                }
                boolean complete = Stream.of("classes/io/github/ecsrollout/ServiceRollout.class",
                        "test-classes/io/github/ecsrollout/bench/ScaleRun.class",
                        "test-classes/io/github/ecsrollout/bench/ColdStart.class",
                        "test-classes/io/github/ecsrollout/sim/SimulatedEcs.class").allMatch(c -> Files.exists(to.resolve(c)));
                if (complete) {
                    snapshot = to;
                    return to;
                }
            } catch (IOException | UncheckedIOException e) {
                // a file vanished while copying: another build is at work, try again
            }
            if (attempt >= 20) {
                throw new IllegalStateException("could not copy a complete target/classes and target/test-classes");
            }
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String mvn() {
        String home = System.getProperty("maven.home");
        if (home != null) {
            Path mvn = Paths.get(home, "bin", "mvn");
            if (Files.isExecutable(mvn)) {
                return mvn.toString();
            }
        }
        return "mvn";
    }

    /**
     * Runs a Java child until it prints a line starting with {@code marker}, trying once more if it does not: another
     * Maven build in the same working tree may be rewriting target/classes just then.
     */
    static Output runJava(List<String> command, Path dir, long timeoutSeconds, String marker) {
        Output o = run(command, dir, timeoutSeconds);
        if (o.stdout().lines().anyMatch(l -> l.startsWith(marker))) {
            return o;
        }
        System.err.println("  (child JVM failed, exit " + o.exitCode() + "; retrying once) "
                + o.stderr().lines().filter(l -> l.contains("Error") || l.contains("Exception")).findFirst()
                        .orElse(""));
        return run(command, dir, timeoutSeconds);
    }

    /** Runs a command to its end (or kills it after {@code timeoutSeconds}); stdout and stderr via files. */
    static Output run(List<String> command, Path dir, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile(benchDir(), "proc", ".out");
            Path err = Files.createTempFile(benchDir(), "proc", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().remove("MAVEN_CMD_LINE_ARGS");
                long start = System.nanoTime();
                Process p = pb.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                    throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + command);
                }
                long nanos = System.nanoTime() - start;
                return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8), nanos);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs Maven in batch mode; throws with its output if it fails. */
    static Output mvn(Path pomDir, long timeoutSeconds, String... args) {
        List<String> cmd = new ArrayList<>(List.of(mvn(), "-B", "-q"));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null) {
            cmd.add("-Dmaven.repo.local=" + repo);
        }
        cmd.addAll(Arrays.asList(args));
        Output o = run(cmd, pomDir, timeoutSeconds);
        if (o.exitCode() != 0) {
            throw new IllegalStateException("mvn failed (" + o.exitCode() + "): " + cmd + "\n" + o.stdout() + o.stderr());
        }
        return o;
    }

    /**
     * The runtime (or another scope's) classpath of the project whose pom is in {@code pomDir}, as Maven resolves it
     * ({@code dependency:build-classpath}), jars only: the project's own classes are not in it.
     */
    static List<Path> resolveClasspath(Path pomDir, String scope, String name) {
        Path file = benchDir().resolve(name + ".classpath");
        mvn(pomDir, 600, "org.apache.maven.plugins:maven-dependency-plugin:3.11.0:build-classpath",
                "-DincludeScope=" + scope, "-Dmdep.outputFile=" + file);
        try {
            String cp = Files.readString(file, StandardCharsets.UTF_8).trim();
            List<Path> jars = new ArrayList<>();
            for (String s : cp.split(File.pathSeparator)) {
                if (!s.isBlank()) {
                    jars.add(Paths.get(s));
                }
            }
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The test classpath this code runs on: exec:java runs it in Maven's JVM on a class loader of its own, so
     * {@code java.class.path} is Maven's. The loader's URLs are the project's test classpath; failing that, Maven
     * resolves it.
     */
    static String testClasspath() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader cl = Thread.currentThread().getContextClassLoader(); cl != null; cl = cl.getParent()) {
            if (cl instanceof URLClassLoader) {
                for (URL u : ((URLClassLoader) cl).getURLs()) {
                    try {
                        entries.add(Paths.get(u.toURI()).toString());
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        // not a file: skip
                    }
                }
                break;
            }
        }
        boolean hasSim = entries.stream().anyMatch(e -> e.endsWith("test-classes"));
        if (!hasSim) {
            String own = System.getProperty("java.class.path");
            entries.clear();
            if (own != null && own.contains("test-classes")) {
                entries.addAll(Arrays.asList(own.split(File.pathSeparator))); // run directly with java -cp
            } else {
                entries.add("test-classes");
                entries.add("classes");
                resolveClasspath(projectDir(), "test", "test").forEach(p -> entries.add(p.toString()));
            }
        }
        // The project's own classes from the snapshot, the jars from the local repository.
        Path copy = snapshot();
        List<String> cp = new ArrayList<>();
        for (String e : entries) {
            cp.add(e.endsWith("test-classes") ? copy.resolve("test-classes").toString()
                    : e.endsWith("classes") ? copy.resolve("classes").toString() : e);
        }
        return String.join(File.pathSeparator, cp);
    }

    /** A git command's output in the project, or "?" when git is not there. */
    static String git(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(Arrays.asList(args));
        try {
            Output o = run(cmd, projectDir(), 30);
            return o.exitCode() == 0 ? o.stdout().trim() : "?";
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
