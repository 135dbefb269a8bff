package io.github.scratchnet.trainer;

import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.scratchnet.core.Rng;
import io.github.scratchnet.core.io.FileFormatException;
import io.github.scratchnet.core.io.ParamFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** IDX, .npz and .pkl readers: real files, bad files, and randomly mutated files. */
class ReadersTest {
    @TempDir
    Path dir;

    /** An IDX file of unsigned bytes: magic 0x0000080D, sizes, values. */
    static byte[] idx(int[] dims, byte[] values) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {0, 0, 8, (byte) dims.length});
        for (int d : dims) {
            o.writeBytes(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
        }
        o.writeBytes(values);
        return o.toByteArray();
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(o)) {
            g.write(b);
        }
        return o.toByteArray();
    }

    private Path write(String name, byte[] b) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, b);
        return f;
    }

    @Test
    void readsRawAndGzippedIdxScaledToUnitRange() throws IOException {
        byte[] pixels = new byte[2 * 3 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 23);
        }
        Path images = write("i-idx3-ubyte", idx(new int[] {2, 3, 2}, pixels));
        Path labels = write("l-idx1-ubyte.gz", gzip(idx(new int[] {2}, new byte[] {7, (byte) 200})));
        Dataset d = Dataset.read(images, labels);
        assertEquals(2, d.size());
        assertEquals(200, d.labels()[1]);
        assertEquals(4, d.images().rank());
        assertEquals((5 * 23) / 255f, d.images().getFloat(0, 0, 2, 1), 1e-7);
        assertEquals((11 * 23 & 0xff) / 255f, d.images().getFloat(1, 0, 2, 1), 1e-7);
    }

    @Test
    void badIdxFilesGiveMessagesNamingTheProblem() throws IOException {
        Path labels = write("l", idx(new int[] {3}, new byte[] {1, 2, 3}));
        Path wrongMagic = write("wm", idx(new int[] {2, 2, 2}, new byte[8]));
        wrongMagic.toFile().setWritable(true);
        byte[] b = Files.readAllBytes(wrongMagic);
        b[0] = 0x1a;
        Files.write(wrongMagic, b);
        FileFormatException e = assertThrows(FileFormatException.class, () -> Dataset.read(wrongMagic, labels));
        assertEquals(wrongMagic + ": not an IDX file: magic 0x1a000803, expected 0x00000803 (unsigned-byte data in 3 dimensions)",
                e.getMessage());
        Path truncated = write("t", Arrays.copyOf(idx(new int[] {3, 2, 2}, new byte[12]), 20));
        e = assertThrows(FileFormatException.class, () -> Dataset.read(truncated, labels));
        assertEquals(truncated + ": the header promises 12 bytes of data (3, 2, 2), the file has 4 (truncated?)", e.getMessage());
        Path two = write("two", idx(new int[] {2, 2, 2}, new byte[8]));
        e = assertThrows(FileFormatException.class, () -> Dataset.read(two, labels));
        assertEquals(two + ": 2 images but 3 labels in " + labels, e.getMessage());
        e = assertThrows(FileFormatException.class, () -> Dataset.read(labels, labels));
        assertTrue(e.getMessage().contains("means 1 dimensions, expected 3 (images)"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> Dataset.read(dir.resolve("none"), labels));
        assertTrue(missing.getMessage().endsWith("none: no such file"));
    }

    /** 1,000 mutated copies of each kind of file: every one loads or fails with a FileFormatException. */
    @Test
    void mutatedFilesGiveOnlyCleanErrors() throws IOException {
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("W1", randn(1, 3, 4));
        params.put("b1", randn(2, 4).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        ParamFiles.write(dir.resolve("p.npz"), params);
        ParamFiles.write(dir.resolve("p.pkl"), params);
        byte[] images = idx(new int[] {4, 5, 5}, new byte[100]);
        Map<String, byte[]> originals = new LinkedHashMap<>();
        originals.put("npz", Files.readAllBytes(dir.resolve("p.npz")));
        originals.put("pkl", Files.readAllBytes(dir.resolve("p.pkl")));
        originals.put("idx", images);
        originals.put("idx.gz", gzip(images));
        Rng rng = new Rng(2024);
        int clean = 0;
        for (Map.Entry<String, byte[]> e : originals.entrySet()) {
            for (int i = 0; i < 1000; i++) {
                byte[] m = mutate(e.getValue(), rng);
                Path f = write("m" + i + "." + e.getKey(), m);
                try {
                    if (e.getKey().startsWith("idx")) {
                        Idx.read(f, 3);
                    } else {
                        ParamFiles.read(f);
                    }
                } catch (FileFormatException ok) {
                    clean++;
                } catch (Throwable t) {
                    fail(e.getKey() + " mutation " + i + " gave " + t, t);
                }
                Files.delete(f);
            }
        }
        assertTrue(clean > 1000, "most mutations should be detected, " + clean + " were");
    }

    /** Flips, overwrites, truncates or inserts a few bytes. */
    private static byte[] mutate(byte[] src, Rng rng) {
        byte[] b = src.clone();
        switch (rng.nextInt(4)) {
            case 0 -> {
                for (int k = 1 + rng.nextInt(4); k > 0; k--) {
                    b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
                }
            }
            case 1 -> {
                for (int k = 1 + rng.nextInt(8); k > 0; k--) {
                    b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
                }
            }
            case 2 -> b = Arrays.copyOf(b, rng.nextInt(b.length));
            default -> {
                int at = rng.nextInt(b.length);
                byte[] c = new byte[b.length + 1 + rng.nextInt(8)];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at, c, c.length - (b.length - at), b.length - at);
                b = c;
            }
        }
        return b;
    }
}
