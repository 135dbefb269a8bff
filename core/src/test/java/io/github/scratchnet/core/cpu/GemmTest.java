package io.github.scratchnet.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gemm against a triple loop in double, for every transpose, at element offsets inside larger
 * buffers, with beta 0 and 1: FLOAT through oneDNN (where it loads) to float rounding, DOUBLE
 * through OpenBLAS to 1e-12. The convolution kernels are proven equal to the im2row path in
 * float64 (the engine's FastKernelsTest); this holds the float32 library they call to the same sums.
 */
class GemmTest {
    @Test
    void floatAndDoubleGemmsEqualATripleLoop() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            double tolerance = type == DataType.FLOAT ? 2e-5 : 1e-12;
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (double beta : new double[] {0.0, 1.0}) {
                        check(type, ta, tb, beta, 16, 37, 144, tolerance);
                        check(type, ta, tb, beta, 5, 3, 1, tolerance);
                    }
                }
            }
        }
    }

    @Test
    void floatGemmsGoToOneDnnOnLinuxX86() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        Assumptions.assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")),
                "oneDNN comes with the build on x86-64 Linux only");
        Assumptions.assumeFalse(Boolean.getBoolean("scratchnet.openblasOnly"), "-Dscratchnet.openblasOnly is set");
        assertEquals("oneDNN", Gemm.floatLibrary());
    }

    @Test
    void onThisThreadRunsTheWorkAndPassesItsExceptionsOn() {
        int[] ran = {0};
        Gemm.onThisThread(() -> ran[0]++);
        assertEquals(1, ran[0]);
        RuntimeException e = new IllegalStateException("x");
        assertSame(e, assertThrows(IllegalStateException.class, () -> Gemm.onThisThread(() -> {
            throw e;
        })));
    }

    private static void check(DataType type, boolean ta, boolean tb, double beta, int m, int n, int k, double tolerance) {
        long aOff = 3;
        long bOff = 7;
        long cOff = 5;
        int lda = (ta ? m : k) + 2;                         // leading dimensions wider than the matrices
        int ldb = (tb ? k : n) + 1;
        int ldc = n + 3;
        INDArray a = Nd4j.rand(type, aOff + (long) (ta ? k : m) * lda).subi(0.5);
        INDArray b = Nd4j.rand(type, bOff + (long) (tb ? n : k) * ldb).subi(0.5);
        INDArray c = Nd4j.rand(type, cOff + (long) m * ldc + 4).subi(0.5);
        double[] av = a.toDoubleVector();
        double[] bv = b.toDoubleVector();
        double[] before = c.toDoubleVector();
        Gemm.gemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        double[] after = c.toDoubleVector();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double scale = 0;
                for (int p = 0; p < k; p++) {
                    double x = av[(int) aOff + (ta ? p * lda + i : i * lda + p)];
                    double y = bv[(int) bOff + (tb ? j * ldb + p : p * ldb + j)];
                    sum += x * y;
                    scale += Math.abs(x * y);
                }
                int at = (int) cOff + i * ldc + j;
                double expected = sum + beta * before[at];
                assertEquals(expected, after[at], tolerance * (1 + scale + Math.abs(before[at])),
                        type + " ta=" + ta + " tb=" + tb + " beta=" + beta + " at " + i + "," + j);
            }
        }
        // entries outside the m x n window (the gaps of ldc, the offset, the tail) are untouched
        for (int at = 0; at < after.length; at++) {
            int rel = at - (int) cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside) {
                assertEquals(before[at], after[at], 0.0, type + " element " + at + " outside C was written");
            }
        }
    }
}
