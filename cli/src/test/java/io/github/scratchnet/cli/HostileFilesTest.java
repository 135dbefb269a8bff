package io.github.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.TestData;
import io.github.scratchnet.core.io.ParamFiles;
import io.github.scratchnet.layers.SimpleConvNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Hostile files through the real command in a process of its own, as a user meets them: each gets
 * one line on stderr and exit 1, and the process's peak resident memory (VmHWM, read while it runs)
 * stays below 1 GB.
 */
class HostileFilesTest {
    private static final long LIMIT_KB = 1L << 20;

    @TempDir
    Path dir;

    /** The command's exit, its stderr, and its peak resident set in KB. */
    private record Outcome(int exit, String err, long peakKb) {
    }

    private Outcome run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx4g", "-XX:MaxNewSize=64m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        long peak = 0;
        while (p.isAlive()) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:")) {
                        peak = Math.max(peak, Long.parseLong(line.replaceAll("[^0-9]", "")));
                    }
                }
            } catch (IOException | RuntimeException gone) {
                break;                                // it exited between the check and the read
            }
            Thread.sleep(5);
        }
        return new Outcome(p.waitFor(), Files.readString(err), peak);
    }

    private void assertRefused(Outcome o, String fragment) {
        List<String> lines = o.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, o.exit(), o.toString());
        assertEquals(1, lines.size(), "one line:\n" + o.err());
        assertTrue(lines.get(0).startsWith("scratchnet: error: ") && lines.get(0).contains(fragment), o.err());
        assertTrue(o.peakKb() > 0 && o.peakKb() < LIMIT_KB, "peak resident memory " + o.peakKb() + " KB");
        System.out.println(lines.get(0) + " [peak resident memory " + o.peakKb() / 1024 + " MB]");
    }

    @Test
    void eachHostileFileGetsOneLineAndTheProcessStaysSmall() throws Exception {
        Map<String, INDArray> params = SimpleConvNet.create(DType.FLOAT32, 1).saved().asMap();
        Path good = dir.resolve("simple.npz");
        ParamFiles.write(good, params);

        Path png = CliErrorsTest.hugePng(dir.resolve("huge.png"));
        assertRefused(run("predict", "--network", "simpleconvnet", "--params", good.toString(), png.toString()),
                "huge.png: the image is 30000x30000 pixels");

        // W1 as the network has it, then 1.5 GB of zeros: a 1.5 MB file that inflates past any limit
        Path bomb = TestData.npzWithEntry(dir.resolve("bomb.npz"), "W1", TestData.npyHeader("(30, 1, 5, 5)"), 1536L << 20);
        assertTrue(Files.size(bomb) < 4 << 20, "a small file");
        for (String command : List.of("evaluate", "export")) {
            List<String> a = new ArrayList<>(List.of(command, "--network", "simpleconvnet", "--params", bomb.toString()));
            if (command.equals("export")) {
                a.addAll(List.of("--onnx", dir.resolve("m.onnx").toString()));
            }
            assertRefused(run(a.toArray(String[]::new)), "bomb.npz[W1.npy]: the zip says this entry is");
        }
        Path wrongShape = TestData.npzWithEntry(dir.resolve("shape.npz"), "W1", TestData.npyHeader("(8000, 8000)"), 8000L * 8000 * 8);
        assertRefused(run("predict", "--network", "simpleconvnet", "--params", wrongShape.toString(), png.toString()),
                "shape.npz[W1.npy]: holds an array of shape (8000, 8000), the network expects (30, 1, 5, 5)");

        params.get("W1").putScalar(3, Double.NaN);
        Path nan = dir.resolve("nan.npz");
        ParamFiles.write(nan, params);
        assertRefused(run("export", "--network", "simpleconvnet", "--params", nan.toString(), "--onnx",
                dir.resolve("n.onnx").toString()), "nan.npz: 1 of the ");
        assertTrue(Files.notExists(dir.resolve("n.onnx")) && Files.notExists(dir.resolve("m.onnx")), "nothing written");
    }
}
