package io.github.scratchnet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A program that never calls Backend.configure() still gets passive OpenMP waiting and the fast
 * native build, as long as it starts from one of scratchnet's classes; one that uses ND4J first is
 * told on standard error what that costs. Each case runs in a fresh JVM (Probe below), since
 * both depend on what the process has loaded.
 */
class BackendTest {
    @TempDir
    Path dir;

    @Test
    void startingFromAScratchnetClassConfiguresNd4jWithoutBeingAsked() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs Linux's /proc");
        List<String> out = probe("scratchnet-first");
        assertEquals("OMP_WAIT_POLICY=PASSIVE", out.get(0), String.join("\n", out));
        assertFalse(String.join("\n", out).contains("loaded before scratchnet"), String.join("\n", out));
    }

    @Test
    void usingNd4jFirstWarnsOnceAndLeavesTheEnvironmentAlone() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs Linux's /proc");
        List<String> out = probe("nd4j-first");
        String all = String.join("\n", out);
        assertEquals("OMP_WAIT_POLICY=null", out.get(0), all);
        assertEquals(1, out.stream().filter(l -> l.equals(Backend.LATE_WARNING)).count(), all);
    }

    /** Runs Probe in a child JVM without OMP_WAIT_POLICY; its stdout lines, then its stderr lines. */
    private List<String> probe(String order) throws IOException, InterruptedException {
        Path stdout = dir.resolve(order + ".out");
        Path stderr = dir.resolve(order + ".err");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), Probe.class.getName(), order)
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().remove("OMP_WAIT_POLICY");
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe JVM did not finish");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(stdout, StandardCharsets.UTF_8));
        lines.addAll(Files.readAllLines(stderr, StandardCharsets.UTF_8));
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        return lines;
    }

    /** The child: touches scratchnet then ND4J, or the other way round, calls configure again, prints the environment. */
    public static final class Probe {
        public static void main(String[] args) {
            if (args[0].equals("nd4j-first")) {
                Nd4j.create(2).addi(1);
                DType.FLOAT32.nd4j();
            } else {
                DType.FLOAT32.nd4j();
                Nd4j.create(2).addi(1);
            }
            Backend.configure();   // a second call warns no more
            System.out.println("OMP_WAIT_POLICY=" + com.sun.jna.platform.unix.LibC.INSTANCE.getenv("OMP_WAIT_POLICY"));
        }
    }
}
