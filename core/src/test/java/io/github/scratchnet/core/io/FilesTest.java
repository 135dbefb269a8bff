package io.github.scratchnet.core.io;

import static io.github.scratchnet.core.TestData.assertClose;
import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.Params;
import io.github.scratchnet.core.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** .npy, .npz and the book's .pkl: the real reference files, round trips and bad files. */
class FilesTest {
    @TempDir
    Path dir;

    private static final long[][] BOOK_SHAPES = {{16, 1, 3, 3}, {16, 16, 3, 3}, {32, 16, 3, 3}, {32, 32, 3, 3},
        {64, 32, 3, 3}, {64, 64, 3, 3}, {1024, 50}, {50, 10}};

    @Test
    void readsTheBooksPickledParams() throws IOException {
        Map<String, INDArray> p = Pickles.readArrays(TestData.reference("deep_convnet_params.pkl"));
        assertEquals(16, p.size());
        for (int i = 0; i < 8; i++) {
            INDArray w = p.get("W" + (i + 1));
            assertArrayEquals(BOOK_SHAPES[i], w.shape(), "W" + (i + 1));
            assertEquals(DataType.DOUBLE, w.dataType());
            assertArrayEquals(new long[] {BOOK_SHAPES[i][i < 6 ? 0 : 1]}, p.get("b" + (i + 1)).shape());
        }
        // The same arrays as the book's dump in the npz.
        Map<String, INDArray> ref = TestData.referenceNpz("deepconvnet_2016_batch4.npz");
        for (String k : p.keySet()) {
            assertClose(ref.get("param_" + k), p.get(k), 0, k);
        }
    }

    @Test
    void pickleAndNpzRoundTripBothPrecisions() throws IOException {
        Map<String, INDArray> a = new LinkedHashMap<>();
        a.put("W1", randn(1, 3, 2, 4));
        a.put("b1", randn(2, 4).castTo(DataType.FLOAT));
        a.put("scalar", randn(3, 1).reshape());
        for (String name : List.of("p.pkl", "p.npz")) {
            Path f = dir.resolve(name);
            ParamFiles.write(f, a);
            Map<String, INDArray> back = ParamFiles.read(f);
            assertEquals(a.keySet(), back.keySet(), name);
            for (String k : a.keySet()) {
                assertEquals(a.get(k).dataType(), back.get(k).dataType(), name + " " + k);
                assertClose(a.get(k), back.get(k), 0, name + " " + k);
            }
        }
    }

    @Test
    void fortranOrderNpyIsReadInItsLogicalOrder() throws IOException {
        // numpy.save of np.asfortranarray(np.arange(6.).reshape(2,3))
        String header = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }";
        byte[] h = (header + " ".repeat(118 - header.length()) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + h.length + 48).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
        for (double v : new double[] {0, 3, 1, 4, 2, 5}) {
            b.putDouble(v);
        }
        INDArray a = Npy.read(b.array(), "f.npy");
        assertEquals(5.0, a.getDouble(1, 2));
        assertEquals(1.0, a.getDouble(0, 1));
    }

    @Test
    void picklesNamingOtherGlobalsAreRefusedWithTheName() throws IOException {
        // GLOBAL 'os system', then REDUCE with ('echo pwned',): what pickle.dumps of a malicious __reduce__ holds.
        byte[] osSystem = "\u0080\u0002cos\nsystem\nq\u0000X\n\u0000\u0000\u0000echo pwnedq\u0001\u0085q\u0002Rq\u0003."
                .getBytes(StandardCharsets.ISO_8859_1);
        FileFormatException e = assertThrows(FileFormatException.class, () -> Pickles.readArrays(osSystem, "evil.pkl"));
        assertTrue(e.getMessage().startsWith("evil.pkl: refusing to load: the pickle names the Python global 'os.system'"),
                e.getMessage());
        // Protocol 4 STACK_GLOBAL naming builtins.eval.
        byte[] eval = "\u0080\u0004\u008c\u0008builtins\u0094\u008c\u0004eval\u0094\u0093\u0094."
                .getBytes(StandardCharsets.ISO_8859_1);
        e = assertThrows(FileFormatException.class, () -> Pickles.readArrays(eval, "eval.pkl"));
        assertTrue(e.getMessage().contains("'builtins.eval'"), e.getMessage());
        // A class other than numpy's array reconstruction.
        byte[] other = "\u0080\u0002ccollections\nOrderedDict\n)R.".getBytes(StandardCharsets.ISO_8859_1);
        e = assertThrows(FileFormatException.class, () -> Pickles.readArrays(other, "od.pkl"));
        assertTrue(e.getMessage().contains("'collections.OrderedDict'"), e.getMessage());
        // Not a dict at all.
        byte[] list = "\u0080\u0002]q\u0000.".getBytes(StandardCharsets.ISO_8859_1);
        e = assertThrows(FileFormatException.class, () -> Pickles.readArrays(list, "list.pkl"));
        assertEquals("list.pkl: expected a pickled dict of numpy arrays, found a ArrayList", e.getMessage());
    }

    @Test
    void truncatedAndCorruptFilesGiveFormatErrors() throws IOException {
        Map<String, INDArray> a = Map.of("W1", randn(1, 4, 5));
        Path pkl = dir.resolve("a.pkl");
        Path npz = dir.resolve("a.npz");
        ParamFiles.write(pkl, a);
        ParamFiles.write(npz, a);
        byte[] pb = Files.readAllBytes(pkl);
        byte[] zb = Files.readAllBytes(npz);
        for (int cut : new int[] {0, 1, 5, pb.length / 2, pb.length - 1}) {
            Path f = dir.resolve("cut" + cut + ".pkl");
            Files.write(f, java.util.Arrays.copyOf(pb, cut));
            assertThrows(FileFormatException.class, () -> ParamFiles.read(f), "pkl cut at " + cut);
        }
        for (int cut : new int[] {0, 10, zb.length / 2, zb.length - 1}) {
            Path f = dir.resolve("cut" + cut + ".npz");
            Files.write(f, java.util.Arrays.copyOf(zb, cut));
            assertThrows(FileFormatException.class, () -> ParamFiles.read(f), "npz cut at " + cut);
        }
        IOException missing = assertThrows(IOException.class, () -> ParamFiles.read(dir.resolve("nope.npz")));
        assertTrue(missing.getMessage().endsWith("nope.npz: no such file"), missing.getMessage());
    }

    @Test
    void paramsAssignChecksKeysAndShapes() {
        Params p = new Params().put("W1", randn(1, 2, 3)).put("b1", randn(2, 3));
        Params.ParamsMismatchException e = assertThrows(Params.ParamsMismatchException.class,
                () -> p.assign(Map.of("W1", randn(3, 3, 2), "b1", randn(4, 3)), "x.npz"));
        assertEquals("x.npz: params do not fit the network: key 'W1' has shape (3, 2), the network expects (2, 3)",
                e.getMessage());
        INDArray w = p.get("W1");
        INDArray nw = randn(7, 2, 3);
        p.assign(Map.of("W1", nw, "b1", randn(8, 3)), "y.npz");
        assertTrue(w == p.get("W1"), "assign writes into the same array");
        assertClose(nw, w, 0, "assigned");
    }

    /** Hostile .npz files are refused in well under a second, before their entries inflate. */
    @Test
    void anNpzThatInflatesOrDeclaresHugeArraysIsRefusedWithoutInflatingIt() throws IOException {
        byte[] header = TestData.npyHeader("(10,)");
        Path bomb = TestData.npzWithEntry(dir.resolve("bomb.npz"), "W1", header, 300L << 20);
        assertTrue(Files.size(bomb) < 2 << 20, "a small file: " + Files.size(bomb));
        long start = System.nanoTime();
        FileFormatException e = assertThrows(FileFormatException.class, () -> Npz.read(bomb));
        assertTrue(e.getMessage().contains("bomb.npz[W1.npy]: the zip says this entry is " + ((300L << 20) + header.length)
                + " bytes, its .npy header says " + (header.length + 80) + " (an array of shape (10,))"), e.getMessage());
        Path huge = TestData.npzWithEntry(dir.resolve("huge.npz"), "W1", TestData.npyHeader("(100000, 100000)"), 1000);
        e = assertThrows(FileFormatException.class, () -> Npz.read(huge));
        assertTrue(e.getMessage().contains("holds an array of shape (100000, 100000) (80000000000 bytes), more than the "
                + Npy.MAX_ARRAY_BYTES + " bytes"), e.getMessage());
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "refused quickly");
        assertThrows(FileFormatException.class, () -> Streams.readAtMost(new java.io.ByteArrayInputStream(new byte[101]), 100,
                "f", "it"));
        assertEquals(100, Streams.readAtMost(new java.io.ByteArrayInputStream(new byte[100]), 100, "f", "it").length);
    }
}
