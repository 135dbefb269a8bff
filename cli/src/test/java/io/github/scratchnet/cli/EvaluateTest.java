package io.github.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.TestData;
import io.github.scratchnet.trainer.Mnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate} with the book's params on each engine: 9,935 of 10,000, and the same prediction for every image. */
class EvaluateTest {
    @TempDir
    Path dir;

    @Test
    void theBooksParamsScore9935OnBothEnginesWithIdenticalPredictions() throws Exception {
        Path params = TestData.reference("deep_convnet_params.pkl");
        Path data = Mnist.requireDir();
        for (String engine : List.of("fast", "book")) {
            Cli r = Cli.run("evaluate", "--params", params.toString(), "--dropout", "book", "--engine", engine,
                    "--data", data.toString(), "--predictions", dir.resolve(engine + ".csv").toString());
            assertEquals(0, r.exit, r.toString());
            assertTrue(r.out.startsWith("accuracy: 9935 / 10000 (0.9935)"), engine + ":\n" + r.out);
        }
        List<String> fast = Files.readAllLines(dir.resolve("fast.csv"));
        assertEquals(10_001, fast.size());
        assertEquals(fast, Files.readAllLines(dir.resolve("book.csv")), "per-image predictions of the two engines");
    }
}
