package io.github.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.engine.Arithmetic;
import io.github.scratchnet.layers.DeepConvNet;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.Sequential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `bench` on DeepConvNet: the arithmetic it reports, on screen and in --json, is the step's own. */
class BenchTest {
    @TempDir
    Path dir;

    @Test
    void reportsTheStepsArithmeticAndBothBounds() throws Exception {
        Path json = dir.resolve("bench.json");
        Cli bench = Cli.run("bench", "--steps", "2", "--warmup", "1", "--batch-size", "10", "--json", json.toString());
        assertEquals(0, bench.exit, bench.toString());
        Sequential net = DeepConvNet.create(DType.FLOAT32, 1, Dropout.Mode.INVERTED);
        long mults = Arithmetic.multiplications(net, 10, Arithmetic.Form.IM2ROW);
        String text = Files.readString(json);
        assertEquals(mults, number(text, "multiplications_per_step"), text);
        assertEquals(2.0 * mults / 1e9, number(text, "gemm_gflop_per_step"), 1e-4, text);
        double reduced = 2.0 * Arithmetic.multiplications(net, 10, Arithmetic.Form.REDUCED) / 1e9;
        assertEquals(reduced, number(text, "reduced_gemm_gflop_per_step"), 1e-4, text);
        assertTrue(number(text, "reduced_gemm_only_step_ms") > 0, text);
        assertTrue(text.contains("\"cpu\": \"" + Bench.cpuModel() + "\""), text);
        assertTrue(bench.out.contains(String.format(java.util.Locale.ROOT, "arithmetic: %.2f G multiplications/step (im2row)",
                mults / 1e9)), bench.out);
        assertTrue(bench.out.contains("GEMMs alone, Winograd: "), bench.out);
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.eE]+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Double.parseDouble(m.group(1));
    }
}
