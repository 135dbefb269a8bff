package io.github.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.TestData;
import io.github.scratchnet.core.io.ParamFiles;
import io.github.scratchnet.layers.SimpleConvNet;
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

    /** An ensemble of the same params as .pkl and .npz scores what each does; networks of other kinds join in by --network. */
    @Test
    void anEnsembleAveragesItsMembersAnyMixOfFilesAndNetworks() throws Exception {
        Path pkl = TestData.reference("deep_convnet_params.pkl");
        Path npz = dir.resolve("book.npz");
        ParamFiles.write(npz, ParamFiles.read(pkl));
        Path data = Mnist.requireDir();
        Cli r = Cli.run("evaluate", "--params", pkl.toString(), "--params", npz.toString(), "--dropout", "book",
                "--test-size", "2000", "--data", data.toString());
        assertEquals(0, r.exit, r.toString());
        List<String> lines = r.out.lines().toList();
        assertTrue(lines.get(0).startsWith("member 1 (" + pkl + "): "), r.out);
        String score = lines.get(0).substring(lines.get(0).indexOf("): ") + 3);
        assertEquals("member 2 (" + npz + "): " + score, lines.get(1));
        assertEquals("ensemble of 2, their softmax outputs averaged:", lines.get(2));
        assertEquals("accuracy: " + score, lines.get(3));
        Path simple = dir.resolve("simple.npz");
        ParamFiles.write(simple, SimpleConvNet.create(DType.FLOAT32, 1).saved().asMap());
        Cli mixed = Cli.run("evaluate", "--params", pkl.toString(), "--params", simple.toString(), "--network", "deepconvnet",
                "--network", "simpleconvnet", "--dropout", "book", "--test-size", "500", "--data", data.toString());
        assertEquals(0, mixed.exit, mixed.toString());
        assertTrue(mixed.out.contains("member 2 (" + simple + "): ") && mixed.out.contains("ensemble of 2"), mixed.out);
        Cli wrong = Cli.run("evaluate", "--params", pkl.toString(), "--params", simple.toString(), "--network", "deepconvnet",
                "--network", "simpleconvnet", "--network", "vgg", "--data", data.toString());
        assertEquals(1, wrong.exit, wrong.toString());
        assertTrue(wrong.err.contains("--network given 3 times for 2 .npz/.pkl files"), wrong.err);
    }

    /** In 16 bits the book's params still classify about as in float32: 200 images, float16 and bfloat16, on the book engine. */
    @Test
    void the16BitTypesKeepTheBooksAccuracy() throws Exception {
        Path params = TestData.reference("deep_convnet_params.pkl");
        Path data = Mnist.requireDir();
        for (String type : List.of("float16", "bfloat16")) {
            Cli r = Cli.run("evaluate", "--params", params.toString(), "--dropout", "book", "--dtype", type, "--test-size", "200",
                    "--data", data.toString());
            assertEquals(0, r.exit, r.toString());
            int correct = Integer.parseInt(r.out.substring("accuracy: ".length(), r.out.indexOf(" / ")));
            assertTrue(correct >= 197, type + ": " + correct + " of 200 (float32: 199)");
            assertTrue(r.out.contains(", " + type + ", book engine)"), r.out);
        }
        Cli train = Cli.run("train", "--dtype", "float16", "--data", data.toString());
        assertEquals(2, train.exit, train.toString());
        assertTrue(train.err.contains("training computes in float32 or float64"), train.err);
    }
}
