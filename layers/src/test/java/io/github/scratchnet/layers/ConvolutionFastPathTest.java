package io.github.scratchnet.layers;

import static io.github.scratchnet.core.TestData.assertClose;
import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.scratchnet.layers.Convolution.Kernel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The fast kernel (PER_SAMPLE, SampleConv) equals the book's im2row kernel in float64, to 1e-10 relative. */
class ConvolutionFastPathTest {
    /**
     * {N, C, H, W, FN, FH, FW, stride, pad}: DeepConvNet's six convolutions (pad 2 included), then
     * geometries that take the other branches: stride 2 and 3 (folded dx), pad >= the filter width,
     * non-square inputs and filters, one sample, an odd batch split unevenly over the workers.
     */
    private static final int[][] CASES = {
        {5, 1, 28, 28, 16, 3, 3, 1, 1},
        {5, 16, 28, 28, 16, 3, 3, 1, 1},
        {5, 16, 14, 14, 32, 3, 3, 1, 1},
        {5, 32, 14, 14, 32, 3, 3, 1, 2},
        {5, 32, 8, 8, 64, 3, 3, 1, 1},
        {5, 64, 8, 8, 64, 3, 3, 1, 1},
        {3, 2, 9, 7, 3, 3, 3, 2, 1},
        {1, 3, 9, 9, 2, 3, 3, 3, 0},
        {2, 2, 7, 5, 3, 3, 2, 1, 2},
        {7, 3, 6, 8, 4, 5, 3, 1, 0},
        {1, 1, 4, 4, 1, 1, 1, 1, 0},
        // geometries with OW == W (the shifted-copy unfold), some with taller or shorter outputs
        {2, 3, 6, 9, 2, 1, 3, 1, 1},
        {2, 2, 5, 7, 3, 5, 5, 1, 2},
        {3, 2, 4, 6, 2, 3, 1, 1, 0},
        {2, 2, 4, 4, 2, 7, 7, 1, 3},
    };

    @Test
    void perSampleKernelEqualsTheIm2rowKernel() {
        long seed = 100;
        for (int[] k : CASES) {
            INDArray w = randn(seed++, k[4], k[1], k[5], k[6]);
            INDArray b = randn(seed++, k[4]);
            Convolution fast = new Convolution(w.dup(), b.dup(), k[7], k[8]).kernel(Kernel.PER_SAMPLE);
            Convolution reference = new Convolution(w.dup(), b.dup(), k[7], k[8]).kernel(Kernel.IM2ROW);
            // two steps, the second with a smaller batch, so reused buffers are exercised too
            for (int n : new int[] {k[0], Math.max(1, k[0] - 2)}) {
                INDArray x = randn(seed++, n, k[1], k[2], k[3]);
                String where = java.util.Arrays.toString(k) + " N=" + n;
                INDArray expected = reference.forward(x, true).dup();
                assertClose(expected, fast.forward(x, true), 1e-10, "forward " + where);
                INDArray dout = randn(seed++, expected.shape());
                INDArray dxExpected = reference.backward(dout).dup();
                assertClose(dxExpected, fast.backward(dout), 1e-10, "dx " + where);
                assertClose(reference.grads().get("W"), fast.grads().get("W"), 1e-10, "dW " + where);
                assertClose(reference.grads().get("b"), fast.grads().get("b"), 1e-10, "db " + where);
            }
        }
    }

    @Test
    void float32KernelsAgreeToFloatPrecision() {
        int[] k = CASES[1];
        INDArray w = randn(7, k[4], k[1], k[5], k[6]).castTo(DataType.FLOAT);
        INDArray b = randn(8, k[4]).castTo(DataType.FLOAT);
        Convolution fast = new Convolution(w.dup(), b.dup(), k[7], k[8]).kernel(Kernel.PER_SAMPLE);
        Convolution reference = new Convolution(w.dup(), b.dup(), k[7], k[8]).kernel(Kernel.IM2ROW);
        INDArray x = randn(9, k[0], k[1], k[2], k[3]).castTo(DataType.FLOAT);
        assertNear(reference.forward(x, true).dup(), fast.forward(x, true), "forward");
        INDArray dout = randn(10, k[0], k[4], k[2], k[3]).castTo(DataType.FLOAT);
        assertNear(reference.backward(dout).dup(), fast.backward(dout), "dx");
        assertNear(reference.grads().get("W"), fast.grads().get("W"), "dW");
        assertNear(reference.grads().get("b"), fast.grads().get("b"), "db");
    }

    /** Largest difference within 1e-5 of the largest magnitude: float32 sums in another order. */
    private static void assertNear(INDArray expected, INDArray actual, String what) {
        double scale = expected.castTo(DataType.DOUBLE).amaxNumber().doubleValue();
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        org.junit.jupiter.api.Assertions.assertTrue(diff <= 1e-5 * scale, what + ": differs by " + diff + " at scale " + scale);
    }

    @Test
    void theFastKernelIsTheDefaultOnTheCpu() {
        assertEquals(Kernel.PER_SAMPLE, new Convolution(randn(1, 2, 1, 3, 3), randn(2, 2), 1, 1).kernel());
    }
}
