package io.github.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.io.Npz;
import io.github.scratchnet.core.io.ParamFiles;
import io.github.scratchnet.trainer.Checkpoint;
import io.github.scratchnet.trainer.Mnist;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Small real training runs on MNIST through the CLI: files, resume after kill -9, and Python reading our files. */
class TrainingRunTest {
    @TempDir
    Path dir;

    private List<String> small(Path out, Path data) {
        return new ArrayList<>(List.of("train", "--network", "simpleconvnet", "--train-size", "2000", "--test-size", "200",
                "--eval-samples", "200", "--batch-size", "50", "--epochs", "6", "--seed", "7", "--data", data.toString(),
                "--augment", "shift=2,rotate=10,scale=0.1,elastic=8:3", "--validation", "300", "--schedule", "onecycle",
                "--out", out.toString()));
    }

    /** With augmentation, a validation split (best.ckpt) and a schedule: their draws and choices survive the kill too. */
    @Test
    void killedRunResumesToExactlyTheParamsOfAnUninterruptedRun() throws Exception {
        Path data = Mnist.requireDir();
        Path straight = dir.resolve("straight");
        Cli a = Cli.run(small(straight, data).toArray(String[]::new));
        assertEquals(0, a.exit, a.toString());
        for (String f : List.of("checkpoint.ckpt", "best.ckpt", "params.npz", "params.pkl", "history.csv", "losses.csv",
                "learning-curve.png")) {
            assertTrue(Files.size(straight.resolve(f)) > 0, f);
        }

        // The same run in a child JVM, killed with SIGKILL once its first checkpoint exists.
        Path killed = dir.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(small(killed, data));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        Path ckpt = killed.resolve("checkpoint.ckpt");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(ckpt) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the child must still be training when killed:\n" + Files.readString(dir.resolve("child.log")));
        p.destroyForcibly().waitFor();   // SIGKILL
        assertTrue(Files.notExists(killed.resolve("params.npz")), "the child did not get to finish");

        List<String> resume = small(killed, data);
        resume.add("--resume");
        Cli b = Cli.run(resume.toArray(String[]::new));
        assertEquals(0, b.exit, b.toString());
        assertTrue(b.out.contains("resuming after epoch"), b.out);
        Map<String, INDArray> want = Npz.read(straight.resolve("params.npz"));
        Map<String, INDArray> got = Npz.read(killed.resolve("params.npz"));
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
            assertEquals(want.get(k), got.get(k), k + " differs after resume");
        }
        List<String> h1 = Files.readAllLines(straight.resolve("losses.csv"));
        List<String> h2 = Files.readAllLines(killed.resolve("losses.csv"));
        assertEquals(h1, h2, "the loss history");
        assertEquals(Files.readAllLines(straight.resolve("history.csv")).size(), 7, "six epochs");
        Map<String, INDArray> bestWant = Checkpoint.read(straight.resolve("best.ckpt")).params();
        Map<String, INDArray> bestGot = Checkpoint.read(killed.resolve("best.ckpt")).params();
        for (String k : bestWant.keySet()) {
            assertEquals(bestWant.get(k), bestGot.get(k), k + " of best.ckpt differs after resume");
        }
    }

    @Test
    void pythonReadsThePklAndNpzThatTrainWrites() throws Exception {
        Assumptions.assumeTrue(hasNumpy(), "skipped: python3 with numpy is not available");
        Path data = Mnist.requireDir();
        Path out = dir.resolve("py");
        List<String> args = new ArrayList<>(List.of("train", "--train-size", "200", "--test-size", "100", "--eval-samples",
                "100", "--epochs", "1", "--data", data.toString(), "--out", out.toString()));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit, r.toString());
        String script = String.join("\n",
                "import pickle, sys, numpy as np",
                "p = pickle.load(open(sys.argv[1], 'rb'))",
                "z = np.load(sys.argv[2])",
                "shapes = {'W1': (16,1,3,3), 'W2': (16,16,3,3), 'W3': (32,16,3,3), 'W4': (32,32,3,3), 'W5': (64,32,3,3),",
                "          'W6': (64,64,3,3), 'W7': (1024,50), 'W8': (50,10)}",
                "assert type(p) is dict and sorted(p) == sorted(list(shapes) + ['b%d' % i for i in range(1, 9)]), sorted(p)",
                "for k, s in shapes.items():",
                "    assert isinstance(p[k], np.ndarray) and p[k].shape == s, (k, p[k].shape)",
                "    assert p['b' + k[1:]].shape == (s[0] if len(s) == 4 else s[1],)",
                "for k in p:",
                "    assert np.array_equal(p[k], z[k]), k",
                "print('ok', len(p), float(sum(np.abs(v).sum() for v in p.values())))");
        Path py = dir.resolve("check.py");
        Files.writeString(py, script);
        Process p = new ProcessBuilder("python3", py.toString(), out.resolve("params.pkl").toString(),
                out.resolve("params.npz").toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), output);
        double javaSum = 0;
        for (INDArray a : ParamFiles.read(out.resolve("params.pkl")).values()) {
            javaSum += a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).norm1Number().doubleValue();
        }
        String[] words = output.trim().split("\\s+");
        assertEquals("ok", words[0], output);
        assertEquals(javaSum, Double.parseDouble(words[2]), 1e-6 * javaSum, output);
    }

    private static boolean hasNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
