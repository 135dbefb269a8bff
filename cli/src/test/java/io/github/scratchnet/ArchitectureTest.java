package io.github.scratchnet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.github.scratchnet.layers.ALayerThatUsesTheCpuRuntime;
import org.junit.jupiter.api.Test;

/**
 * The directions between scratchnet's packages, on the compiled classes of every module: the
 * book's primitives (core) use neither the CPU runtime (core.cpu) nor the file formats (core.io);
 * the layers do not use the CPU runtime; only the engine does; no package cycles.
 */
class ArchitectureTest {
    private static final String CORE = "io.github.scratchnet.core";
    private static final String CPU = "io.github.scratchnet.core.cpu..";
    private static final String IO = "io.github.scratchnet.core.io..";

    /** The main classes: not test classes, whether in a module's target/test-classes or in a test-jar from the local repository. */
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.github.scratchnet");

    static final ArchRule THE_BOOKS_PRIMITIVES_USE_NEITHER_THE_CPU_RUNTIME_NOR_THE_FILE_FORMATS = noClasses()
            .that().resideInAPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage(CPU, IO)
            .because("the book's primitives are ND4J operations, usable on any backend and without files");

    static final ArchRule THE_LAYERS_DO_NOT_USE_THE_CPU_RUNTIME = noClasses()
            .that().resideInAPackage("io.github.scratchnet.layers")
            .should().dependOnClassesThat().resideInAPackage(CPU)
            .because("a layer is the book's math on ND4J; speed lives in the engine");

    static final ArchRule ONLY_THE_ENGINE_USES_THE_CPU_RUNTIME = noClasses()
            .that().resideOutsideOfPackages(CPU, "io.github.scratchnet.engine..")
            .should().dependOnClassesThat().resideInAPackage(CPU)
            .because("the fast kernels are reached through the engine's plans");

    static final ArchRule NO_CYCLES = slices().matching("io.github.scratchnet.(**)").should().beFreeOfCycles();

    @Test
    void theBooksPrimitivesUseNeitherTheCpuRuntimeNorTheFileFormats() {
        THE_BOOKS_PRIMITIVES_USE_NEITHER_THE_CPU_RUNTIME_NOR_THE_FILE_FORMATS.check(MAIN);
    }

    @Test
    void theLayersDoNotUseTheCpuRuntime() {
        THE_LAYERS_DO_NOT_USE_THE_CPU_RUNTIME.check(MAIN);
    }

    @Test
    void onlyTheEngineUsesTheCpuRuntime() {
        ONLY_THE_ENGINE_USES_THE_CPU_RUNTIME.check(MAIN);
    }

    @Test
    void noPackagesDependOnEachOtherInACycle() {
        NO_CYCLES.check(MAIN);
    }

    /** The rules see what they must: every package, and a layer that breaks them is caught. */
    @Test
    void theRulesCatchALayerThatUsesTheCpuRuntime() {
        for (String p : new String[] {CORE, "io.github.scratchnet.core.cpu", "io.github.scratchnet.core.io",
            "io.github.scratchnet.layers", "io.github.scratchnet.engine", "io.github.scratchnet.optimizers",
            "io.github.scratchnet.trainer", "io.github.scratchnet.cli"}) {
            assertTrue(MAIN.containPackage(p), "imported " + p);
        }
        JavaClasses breaking = new ClassFileImporter().importClasses(ALayerThatUsesTheCpuRuntime.class);
        assertThrows(AssertionError.class, () -> THE_LAYERS_DO_NOT_USE_THE_CPU_RUNTIME.check(breaking));
        assertThrows(AssertionError.class, () -> ONLY_THE_ENGINE_USES_THE_CPU_RUNTIME.check(breaking));
    }
}
