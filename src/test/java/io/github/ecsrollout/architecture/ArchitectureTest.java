package io.github.ecsrollout.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine's shape, checked on the compiled classes: no two source files depend on each other, however far round;
 * the layers under {@code internal} import only the layers below them; nothing under {@code internal} reads or sleeps
 * on the system's time but the one system clock; the testkit uses only the public API.
 */
class ArchitectureTest {

    private static final String ROOT = "io.github.ecsrollout";
    private static final String INTERNAL = ROOT + ".internal";

    /** The layers under {@code internal}, top first: each may import only those after it. */
    static final List<String> LAYERS = List.of("run", "image", "rollback", "watch", "io", "report", "checkpoint", "state",
            "verdict", "time", "model");

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    /** Each top-level class is one source file; its nested, local and anonymous classes belong to it. */
    private static final SliceAssignment FILES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            return c.getPackageName().startsWith(ROOT) ? SliceIdentifier.of(fileOf(c)) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "source files";
        }
    };

    private static String fileOf(JavaClass c) {
        String name = c.getName();
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }

    private static Optional<String> layerOf(JavaClass c) {
        String pkg = c.getPackageName();
        if (!pkg.startsWith(INTERNAL + ".")) {
            return Optional.empty();
        }
        String rest = pkg.substring(INTERNAL.length() + 1);
        int dot = rest.indexOf('.');
        return Optional.of(dot < 0 ? rest : rest.substring(0, dot));
    }

    @Test
    void theClassesWereFound() {
        assertTrue(CLASSES.size() > 50, "imported " + CLASSES.size() + " classes");
        for (String layer : LAYERS) {
            assertTrue(CLASSES.stream().anyMatch(c -> layerOf(c).filter(layer::equals).isPresent()),
                    "no class in layer " + layer);
        }
    }

    @Test
    void noSourceFilesDependOnEachOtherInACircle() {
        SlicesRuleDefinition.slices().assignedFrom(FILES).should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theCycleRuleSeesACycleOfTwoFiles() {
        JavaClasses circle = new ClassFileImporter().importPackages(ROOT + ".architecture.fixture");
        AssertionError seen = assertThrows(AssertionError.class,
                () -> SlicesRuleDefinition.slices().assignedFrom(FILES).should().beFreeOfCycles().check(circle));
        assertTrue(seen.getMessage().contains("fixture.Upper") && seen.getMessage().contains("fixture.Lower"),
                seen.getMessage());
    }

    @Test
    void everyInternalPackageIsALayer() {
        TreeSet<String> packages = new TreeSet<>();
        CLASSES.forEach(c -> layerOf(c).ifPresent(packages::add));
        assertEquals(new TreeSet<>(LAYERS), packages, "a new package under internal needs a place in LAYERS");
        assertTrue(CLASSES.stream().filter(c -> c.getPackageName().equals(INTERNAL))
                .allMatch(c -> c.getSimpleName().equals("package-info")), "internal itself holds only packages");
    }

    @Test
    void layersImportOnlyTheLayersBelowThem() {
        List<String> upward = new ArrayList<>();
        for (JavaClass c : CLASSES) {
            Optional<String> from = layerOf(c);
            if (from.isEmpty()) {
                continue;
            }
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                Optional<String> to = layerOf(d.getTargetClass());
                if (to.isPresent() && LAYERS.indexOf(to.get()) < LAYERS.indexOf(from.get())) {
                    upward.add(d.getDescription());
                }
            }
        }
        assertEquals(List.of(), upward, "imports that run back up a layer");
    }

    @Test
    void onlyTheSystemClockReadsOrSleepsOnTheSystemsTime() {
        noClasses().that().resideInAPackage(INTERNAL + "..")
                .and().doNotHaveFullyQualifiedName(INTERNAL + ".time.SystemClock")
                .should().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(TimeUnit.class, "sleep", long.class)
                .orShould().callMethod(Instant.class, "now")
                .because("every wait and deadline goes through the rollout's clock")
                .check(CLASSES);
    }

    @Test
    void theTestkitUsesOnlyThePublicApi() {
        noClasses().that().resideInAPackage(ROOT + ".testing..")
                .should().dependOnClassesThat().resideInAPackage(INTERNAL + "..")
                .check(CLASSES);
    }
}
