package io.github.scratchnet.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.io.Npz;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shared by the tests of every module: the book's reference data and array comparisons. */
public final class TestData {
    private TestData() {
    }

    /** ../shared beside the project (the build passes its path as scratchnet.shared). */
    public static Path shared() {
        String p = System.getProperty("scratchnet.shared");
        return p != null && !p.isBlank() ? Path.of(p) : Path.of("..", "..", "shared");
    }

    /** Whether the tests run under CI ({@code CI=true}, as .ci/run sets it), where every file they need is there. */
    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips the calling test, saying why, where the files it needs are absent; under CI, where
     * they are always there, fails it instead, so a test that needs them cannot silently not run.
     */
    public static void requireFiles(boolean present, String what) {
        if (underCi()) {
            Assertions.assertTrue(present, "missing under CI, where every test must run: " + what);
        }
        Assumptions.assumeTrue(present, "skipped: " + what + " is not present");
    }

    /** A file of ../shared/reference; the calling test is skipped where it is absent (fails under CI). */
    public static Path reference(String name) {
        Path f = shared().resolve("reference").resolve(name);
        requireFiles(Files.isRegularFile(f), "the reference file " + f);
        return f;
    }

    public static Map<String, INDArray> referenceNpz(String name) {
        try {
            return Npz.read(reference(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The four LSTM gates' arrays of a DeZero reference file side by side, in the order f, i, o, u
     * of scratchnet's Lstm: {@code pattern} names them with {@code ?} for the gate, as
     * {@code lstm_x2?_W}; vectors stay vectors.
     */
    public static INDArray dezeroGates(Map<String, INDArray> ref, String pattern) {
        INDArray[] parts = new INDArray[4];
        for (int i = 0; i < 4; i++) {
            INDArray a = ref.get(pattern.replace("?", "fiou".substring(i, i + 1)));
            parts[i] = a.rank() == 1 ? a.reshape(1, a.length()) : a;
        }
        INDArray all = Nd4j.hstack(parts);
        return ref.get(pattern.replace("?", "f")).rank() == 1 ? all.reshape(all.length()) : all;
    }

    /** An .npz of one entry KEY.npy: {@code header}, then {@code zeros} zero bytes, deflated (a small file that may inflate to much). */
    public static Path npzWithEntry(Path file, String key, byte[] header, long zeros) throws IOException {
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new java.util.zip.ZipEntry(key + ".npy"));
            zip.write(header);
            byte[] block = new byte[1 << 20];
            for (long n = 0; n < zeros; n += block.length) {
                zip.write(block, 0, (int) Math.min(block.length, zeros - n));
            }
            zip.closeEntry();
        }
        return file;
    }

    /** A version 1 .npy header for float64 data of {@code shape}, written as Python writes a tuple ("(10,)"). */
    public static byte[] npyHeader(String shape) {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
        StringBuilder h = new StringBuilder(dict);
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] text = h.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] b = new byte[10 + text.length];
        b[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, b, 1, 5);
        b[6] = 1;
        b[8] = (byte) text.length;
        b[9] = (byte) (text.length >> 8);
        System.arraycopy(text, 0, b, 10, text.length);
        return b;
    }

    /** A seeded random array of normals in float64. */
    public static INDArray randn(long seed, long... shape) {
        Rng rng = new Rng(seed);
        double[] v = new double[Math.toIntExact(Shapes.length(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return Nd4j.create(v, shape, 'c');
    }

    /** Asserts equal shapes and max |a-e| <= rtol * max(1, max|e|) elementwise-scaled, naming what differs. */
    public static void assertClose(INDArray expected, INDArray actual, double rtol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs(a[i] - e[i]) / Math.max(Math.abs(e[i]), 1e-3);
            if (err > worst || Double.isNaN(a[i])) {
                worst = Double.isNaN(a[i]) ? Double.POSITIVE_INFINITY : err;
                at = i;
            }
        }
        int atf = at;
        double w = worst;
        assertTrue(worst <= rtol, () -> what + ": relative error " + w + " > " + rtol + " at flat index " + atf
                + " (expected " + e[atf] + ", found " + a[atf] + ")");
    }
}
