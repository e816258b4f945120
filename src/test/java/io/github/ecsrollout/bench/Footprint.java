package io.github.ecsrollout.bench;

import io.github.ecsrollout.sim.ServiceScript;
import io.github.ecsrollout.sim.SimulatedEcs;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Footprint: the runtime dependency closures, as Maven resolves them ({@code dependency:build-classpath}, runtime
 * scope, jars summed from the local repository), and cold start of a fresh JVM per variant.
 */
final class Footprint {

    /** A runtime closure: its jars, their total size, and the jars of heavy HTTP clients in it. */
    record Closure(String label, List<Path> jars, long bytes, List<String> heavyClients) {
        double megabytes() {
            return bytes / 1e6;
        }
    }

    /** Median cold start of one variant, in ms (process start to exit, measured by the parent). */
    record Cold(String variant, double medianMs, List<Long> runsMs, String verdicts, double medianInJvmMs) {
    }

    private static final Pattern HEAVY = Pattern.compile(
            "(netty[^/]*\\.jar|apache-client-[^/]*\\.jar|apache5-client-[^/]*\\.jar|httpclient[^/]*\\.jar"
                    + "|httpcore[^/]*\\.jar)$");

    final String sdkVersion;
    Closure project;
    Closure sdkDefault;
    Closure apache4;

    Footprint() {
        this.sdkVersion = sdkVersion();
    }

    /** Resolves the three closures (Maven downloads any artifact missing from the local repository). */
    void resolve() {
        Path dir = Processes.projectDir();
        List<Path> deps = Processes.resolveClasspath(dir, "runtime", "project-runtime");
        Path jar = libraryJar(Processes.snapshot().resolve("classes"));
        List<Path> all = new ArrayList<>();
        all.add(jar);
        all.addAll(deps);
        project = closure("ecs-rollout + runtime deps", all);
        sdkDefault = closure("software.amazon.awssdk:ecs " + sdkVersion + " default closure",
                Processes.resolveClasspath(pom("sdk-default", dependency("ecs", "")), "runtime", "sdk-default"));
        apache4 = closure("ecs without apache5/netty, with apache-client",
                Processes.resolveClasspath(pom("sdk-apache4",
                        dependency("ecs", "<exclusions>" + exclusion("apache5-client") + exclusion("netty-nio-client")
                                + "</exclusions>")
                                + dependency("apache-client", "")), "runtime", "sdk-apache4"));
    }

    /**
     * Cold start: a fresh JVM per run that builds a client and a ServiceRollout and rolls one service (stable at
     * once) out to a verdict against the simulator. Variants run interleaved, one unmeasured run each first.
     */
    List<Cold> coldStarts(int runs) {
        Path dir = Processes.projectDir();
        Path classes = Processes.snapshot().resolve("classes");
        Path coldClasses = coldStartClasses();
        Path slf4j = project.jars().stream().filter(p -> p.getFileName().toString().startsWith("slf4j-api"))
                .findFirst().orElseThrow();
        Map<String, String> classpaths = new java.util.LinkedHashMap<>();
        classpaths.put("url", cp(Stream.concat(Stream.of(classes), Stream.concat(
                project.jars().stream().skip(1), Stream.of(coldClasses)))));
        // The library's own slf4j-api first: the SDK closure brings 1.7, Maven would pick the library's 2.0.
        classpaths.put("sdk-default", cp(Stream.concat(Stream.of(classes, slf4j), Stream.concat(
                sdkDefault.jars().stream(), Stream.of(coldClasses)))));
        classpaths.put("apache4", cp(Stream.concat(Stream.of(classes, slf4j), Stream.concat(
                apache4.jars().stream(), Stream.of(coldClasses)))));

        Map<String, List<Long>> wall = new TreeMap<>();
        Map<String, List<Long>> inJvm = new TreeMap<>();
        Map<String, List<String>> verdicts = new TreeMap<>();
        try (SimulatedEcs sim = SimulatedEcs.start()) {
            int service = 0;
            for (int round = 0; round <= runs; round++) {
                for (Map.Entry<String, String> v : classpaths.entrySet()) {
                    String name = "cold-" + service++;
                    sim.createService(Fleet.CLUSTER, name, ServiceScript.stableAfter(java.time.Duration.ZERO));
                    String mode = v.getKey().equals("url") ? "url" : "default";
                    Processes.Output o = Processes.runJava(List.of(Processes.java(), "-cp", v.getValue(),
                            ColdStart.class.getName(), sim.endpoint().toString(), mode, name), dir, 120, "COLDSTART ");
                    String line = o.stdout().lines().filter(l -> l.startsWith("COLDSTART ")).findFirst()
                            .orElseThrow(() -> new IllegalStateException("cold start " + v.getKey() + " failed ("
                                    + o.exitCode() + "):\n" + o.stdout() + o.stderr()));
                    String[] f = line.split(" ");
                    if (round == 0) {
                        continue; // unmeasured: the OS's file cache
                    }
                    wall.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(o.nanos() / 1_000_000);
                    inJvm.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(Long.parseLong(f[2]));
                    verdicts.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(f[1]);
                }
            }
        }
        List<Cold> result = new ArrayList<>();
        for (String v : classpaths.keySet()) {
            result.add(new Cold(v, median(wall.get(v)), wall.get(v),
                    verdicts.get(v).stream().distinct().collect(Collectors.joining("/")), median(inJvm.get(v))));
        }
        return result;
    }

    static double median(List<Long> values) {
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    private static String cp(Stream<Path> entries) {
        return entries.map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    private Closure closure(String label, List<Path> jars) {
        long bytes = 0;
        List<String> heavy = new ArrayList<>();
        for (Path p : jars) {
            try {
                bytes += Files.size(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (HEAVY.matcher(p.getFileName().toString()).find()) {
                heavy.add(p.getFileName().toString());
            }
        }
        return new Closure(label, jars, bytes, heavy);
    }

    /** The library's jar as {@code mvn package} would make it, less its manifest: its classes, deflated. */
    static Path libraryJar(Path classes) {
        Path jar = Processes.benchDir().resolve("ecs-rollout-classes.jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                zip.putNextEntry(new ZipEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /** Only the ColdStart classes, so the child's classpath holds nothing else of the tests. */
    private static Path coldStartClasses() {
        Path from = Processes.snapshot().resolve("test-classes/io/github/ecsrollout/bench");
        Path root = Processes.benchDir().resolve("coldstart-classes");
        Path to = root.resolve("io/github/ecsrollout/bench");
        try {
            Files.createDirectories(to);
            try (Stream<Path> files = Files.list(from)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().startsWith("ColdStart"))
                        ::iterator) {
                    Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root;
    }

    private Path pom(String name, String dependencies) {
        Path dir = Processes.benchDir().resolve(name);
        String pom = "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
                + "  <modelVersion>4.0.0</modelVersion>\n"
                + "  <groupId>bench</groupId><artifactId>" + name + "</artifactId><version>1</version>\n"
                + "  <packaging>pom</packaging>\n"
                + "  <dependencies>" + dependencies + "</dependencies>\n"
                + "</project>\n";
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("pom.xml"), pom, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private String dependency(String artifact, String inner) {
        return "<dependency><groupId>software.amazon.awssdk</groupId><artifactId>" + artifact
                + "</artifactId><version>" + sdkVersion + "</version>" + inner + "</dependency>";
    }

    private static String exclusion(String artifact) {
        return "<exclusion><groupId>software.amazon.awssdk</groupId><artifactId>" + artifact
                + "</artifactId></exclusion>";
    }

    /** The SDK version the project builds on, from its pom. */
    static String sdkVersion() {
        try {
            String pom = Files.readString(Processes.projectDir().resolve("pom.xml"), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("<awssdk.version>([^<]+)</awssdk.version>").matcher(pom);
            if (m.find()) {
                return m.group(1).trim();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no awssdk.version in pom.xml");
    }

    /** "netty-nio-client, netty-* ×10" rather than eleven jar names. */
    static String families(List<String> names) {
        Map<String, Integer> byFamily = new java.util.LinkedHashMap<>();
        for (String n : names) {
            String family = n.startsWith("netty-") && !n.startsWith("netty-nio-client") ? "netty-*"
                    : n.startsWith("httpc") ? "httpclient*/httpcore*" : n.replaceAll("-[0-9][^/]*\\.jar$", "");
            byFamily.merge(family, 1, Integer::sum);
        }
        return byFamily.entrySet().stream().map(e -> e.getValue() == 1 ? e.getKey() : e.getKey() + " ×" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    static String jarNames(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
