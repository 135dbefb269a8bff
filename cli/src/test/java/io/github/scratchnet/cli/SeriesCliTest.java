package io.github.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.io.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** train --task sin-curve through the real command line: files, figures, resume, and what it refuses. */
class SeriesCliTest {
    @TempDir
    Path dir;

    private static String[] small(Path out, String network, int epochs, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--task", "sin-curve", "--network", network, "--hidden-size",
                "16", "--epochs", Integer.toString(epochs), "--seed", "3", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void aSeriesRunWritesItsFilesAndResumesExactly() throws Exception {
        for (String network : List.of("rnn", "lstm")) {
            Path straight = dir.resolve(network + "-straight");
            Cli a = Cli.run(small(straight, network, 4, "--batch-size", "10"));
            assertEquals(0, a.exit, a.toString());
            assertTrue(a.out.contains("epoch 4/4: loss "), a.out);
            assertTrue(a.out.contains("mean squared error"), a.out);
            for (String f : List.of("checkpoint.ckpt", "params.npz", "history.csv", "losses.csv", "prediction.csv", "prediction.png")) {
                assertTrue(Files.size(straight.resolve(f)) > 0, f);
            }
            List<String> prediction = Files.readAllLines(straight.resolve("prediction.csv"));
            assertEquals(1 + 999, prediction.size(), "a header and one row per step of the cosine");
            List<String> history = Files.readAllLines(straight.resolve("history.csv"));
            assertEquals(5, history.size());
            assertTrue(loss(history.get(4)) < loss(history.get(1)), network + ": the loss falls\n" + history);

            Path split = dir.resolve(network + "-split");
            assertEquals(0, Cli.run(small(split, network, 2, "--batch-size", "10")).exit);
            Cli b = Cli.run("train", "--task", "sin-curve", "--out", split.toString(), "--resume", "--epochs", "4");
            assertEquals(0, b.exit, b.toString());
            assertTrue(b.out.contains("resuming after epoch 2 of 4"), b.out);
            Map<String, INDArray> want = Npz.read(straight.resolve("params.npz"));
            Map<String, INDArray> got = Npz.read(split.resolve("params.npz"));
            assertEquals(List.of("Wx1", "Wh1", "bh1", "W1", "b1"), List.copyOf(want.keySet()));
            for (String k : want.keySet()) {
                assertEquals(want.get(k), got.get(k), network + " " + k + " differs after resume");
            }
            assertEquals(Files.readAllLines(straight.resolve("losses.csv")), Files.readAllLines(split.resolve("losses.csv")));
        }
    }

    /** Two runs without --out, the real command in the working folder a user would be in, land in two numbered folders. */
    @Test
    void twoRunsWithoutOutLandInTwoFolders() throws Exception {
        for (int run = 1; run <= 2; run++) {
            List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--task", "sin-curve",
                    "--network", "rnn", "--epochs", "1", "--hidden-size", "4"));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.startsWith("writing into runs/rnn-" + run + "\n"), out);
            assertTrue(Files.isRegularFile(dir.resolve("runs/rnn-" + run + "/checkpoint.ckpt")), out);
        }
    }

    private static double loss(String historyRow) {
        return Double.parseDouble(historyRow.split(",")[2]);
    }

    @Test
    void optionsOfTheOtherTaskAndClassifierCommandsAreRefusedInOneLine() throws Exception {
        assertError(Cli.run(small(dir.resolve("a"), "lstm", 1, "--augment", "shift=2")), 2,
                "--augment does not apply to --task sin-curve");
        assertError(Cli.run("train", "--task", "sin-curve", "--network", "vgg"), 2, "--task sin-curve trains rnn or lstm");
        assertError(Cli.run("train", "--task", "mnist", "--network", "rnn"), 2, "it trains on --task sin-curve");
        assertError(Cli.run("train", "--bptt", "10"), 2, "--bptt does not apply to --task mnist");
        assertError(Cli.run("train", "--task", "sine"), 2, "expected mnist or sin-curve, found 'sine'");
        assertError(Cli.run(small(dir.resolve("b"), "rnn", 1, "--batch-size", "1000")), 2,
                "--batch-size must be from 1 to the series' length 999, got 1000");
        assertError(Cli.run(small(dir.resolve("c"), "rnn", 1, "--bptt", "0")), 2, "--bptt must be a positive whole number");
        Path run = dir.resolve("d");
        assertEquals(0, Cli.run(small(run, "rnn", 1)).exit);
        for (String command : List.of("evaluate", "predict", "export")) {
            List<String> args = new java.util.ArrayList<>(List.of(command, "--params", run.resolve("checkpoint.ckpt").toString()));
            args.addAll(command.equals("export") ? List.of("--onnx", dir.resolve("m.onnx").toString())
                    : command.equals("predict") ? List.of(dir.resolve("none.png").toString()) : List.of());
            assertError(Cli.run(args.toArray(String[]::new)), 1, "rnn is a network over series");
        }
        Cli bench = Cli.run("bench", "--network", "lstm", "--steps", "2", "--warmup", "1", "--bptt", "5");
        assertEquals(0, bench.exit, bench.toString());
        assertTrue(bench.out.contains("lstm (hidden 100), fast engine, float32, batch 30, BPTT length 5"), bench.out);
    }

    private static void assertError(Cli r, int exit, String fragment) {
        assertEquals(exit, r.exit, r.toString());
        assertFalse(r.err.contains("\tat "), r.toString());
        assertTrue(r.err.contains(fragment), "expected '" + fragment + "' in:\n" + r);
    }
}
