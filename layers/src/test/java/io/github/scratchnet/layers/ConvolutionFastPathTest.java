package io.github.scratchnet.layers;

import static io.github.scratchnet.core.TestData.assertClose;
import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.scratchnet.layers.Convolution.Kernel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

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
    void aReluAfterTheConvolutionIsComputedInItsPassWithTheSameResults() {
        long seed = 500;
        for (int[] k : CASES) {
            for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
                INDArray w = randn(seed++, k[4], k[1], k[5], k[6]).castTo(type);
                INDArray b = randn(seed++, k[4]).castTo(type);
                Convolution conv = new Convolution(w.dup(), b.dup(), k[7], k[8]).kernel(Kernel.PER_SAMPLE);
                Relu relu = new Relu();
                relu.after(conv);                                   // as Sequential links them
                Convolution refConv = new Convolution(w.dup(), b.dup(), k[7], k[8]).kernel(Kernel.IM2ROW);
                Relu refRelu = new Relu();
                for (int n : new int[] {k[0], Math.max(1, k[0] - 2)}) {
                    INDArray x = randn(seed++, n, k[1], k[2], k[3]).castTo(type);
                    String where = java.util.Arrays.toString(k) + " N=" + n + " " + type;
                    INDArray expected = refRelu.forward(refConv.forward(x, true), true).dup();
                    INDArray convOut = conv.forward(x, true);
                    INDArray actual = relu.forward(convOut, true);
                    assertSame(convOut, actual, "the ReLU passes the convolution's output through " + where);
                    check(expected, actual, "forward " + where);
                    INDArray dout = randn(seed++, expected.shape()).castTo(type);
                    INDArray dxExpected = refConv.backward(refRelu.backward(dout)).dup();
                    check(dxExpected, conv.backward(relu.backward(dout)), "dx " + where);
                    check(refConv.grads().get("W"), conv.grads().get("W"), "dW " + where);
                    check(refConv.grads().get("b"), conv.grads().get("b"), "db " + where);
                }
            }
        }
    }

    /**
     * Conv, ReLU, 2x2 max pooling linked as in a Sequential: in float32 the convolution pools in
     * its own pass and unpools in backward. Everything equals the same layers unlinked, to the
     * bit: DeepConvNet's three pairs, a wide output (5x5, pad 0) and odd planes (the last row and
     * column fall outside every window), on two batch sizes. Then the same through Sequential.add.
     */
    @Test
    void aPoolingAfterTheReluIsComputedInTheConvolutionsPassWithTheSameBits() {
        int[][] cases = {CASES[1], CASES[3], CASES[5], {4, 2, 12, 12, 3, 5, 5, 1, 0}, {3, 2, 7, 7, 3, 3, 3, 1, 1}};
        long seed = 900;
        for (int[] k : cases) {
            INDArray w = randn(seed++, k[4], k[1], k[5], k[6]).castTo(DataType.FLOAT);
            INDArray b = randn(seed++, k[4]).castTo(DataType.FLOAT);
            Convolution conv = new Convolution(w.dup(), b.dup(), k[7], k[8]).kernel(Kernel.PER_SAMPLE);
            Relu relu = new Relu();
            Pooling pool = new Pooling(Pooling.Kind.MAX, 2, 2);
            relu.after(conv);                                   // as Sequential links them
            pool.after(conv);
            Convolution refConv = new Convolution(w.dup(), b.dup(), k[7], k[8]).kernel(Kernel.PER_SAMPLE);
            Relu refRelu = new Relu();
            Pooling refPool = new Pooling(Pooling.Kind.MAX, 2, 2);
            for (int n : new int[] {k[0], Math.max(1, k[0] - 1)}) {
                INDArray x = randn(seed++, n, k[1], k[2], k[3]).castTo(DataType.FLOAT);
                String where = java.util.Arrays.toString(k) + " N=" + n;
                INDArray expected = refPool.forward(refRelu.forward(refConv.forward(x, true), true), true).dup();
                INDArray convOut = conv.forward(x, true);
                INDArray actual = pool.forward(relu.forward(convOut, true), true);
                org.junit.jupiter.api.Assertions.assertTrue(conv.pooledFrom(convOut), "pooled in the convolution's pass " + where);
                org.junit.jupiter.api.Assertions.assertTrue(relu.fusedIntoPrevious() && pool.fusedIntoPrevious(), "reported fused " + where);
                org.junit.jupiter.api.Assertions.assertFalse(refRelu.fusedIntoPrevious() || refPool.fusedIntoPrevious(), "unlinked " + where);
                assertBits(expected, actual, "forward " + where);
                INDArray dout = randn(seed++, expected.shape()).castTo(DataType.FLOAT);
                INDArray dxExpected = refConv.backward(refRelu.backward(refPool.backward(dout))).dup();
                assertBits(dxExpected, conv.backward(relu.backward(pool.backward(dout))), "dx " + where);
                assertBits(refConv.grads().get("W"), conv.grads().get("W"), "dW " + where);
                assertBits(refConv.grads().get("b"), conv.grads().get("b"), "db " + where);
            }
        }
        // Sequential.add makes the links: its loss and gradients equal the unlinked layers' too
        int[] k = cases[0];
        INDArray w = randn(seed++, k[4], k[1], k[5], k[6]).castTo(DataType.FLOAT);
        INDArray b = randn(seed++, k[4]).castTo(DataType.FLOAT);
        Convolution conv = new Convolution(w.dup(), b.dup(), k[7], k[8]);
        Sequential net = new Sequential(new io.github.scratchnet.core.Init(io.github.scratchnet.core.DType.FLOAT32, 1), k[1], k[2], k[3])
                .add(conv).add(new Relu()).add(new Pooling(Pooling.Kind.MAX, 2, 2));
        INDArray x = randn(seed++, k[0], k[1], k[2], k[3]).castTo(DataType.FLOAT);
        INDArray y = net.predict(x, true);
        org.junit.jupiter.api.Assertions.assertTrue(conv.pooledFrom(conv.forward(x, true)), "Sequential linked the pooling");
        Convolution refConv = new Convolution(w.dup(), b.dup(), k[7], k[8]);
        assertBits(new Pooling(Pooling.Kind.MAX, 2, 2).forward(new Relu().forward(refConv.forward(x, true), true), true), y, "Sequential");
    }

    private static void assertBits(INDArray expected, INDArray actual, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.dup('c').data().asFloat(), actual.dup('c').data().asFloat(), what);
    }

    /** float64: 1e-10 relative; float32: to float precision. */
    private static void check(INDArray expected, INDArray actual, String what) {
        if (expected.dataType() == DataType.DOUBLE) {
            assertClose(expected, actual, 1e-10, what);
        } else {
            assertNear(expected, actual, what);
        }
    }

    @Test
    void aLinkedReluStillComputesWhereTheConvolutionDidNot() {
        int[] k = CASES[1];
        INDArray w = randn(21, k[4], k[1], k[5], k[6]);
        INDArray b = randn(22, k[4]);
        Convolution conv = new Convolution(w.dup(), b.dup(), k[7], k[8]).kernel(Kernel.IM2ROW);
        Relu relu = new Relu();
        relu.after(conv);
        INDArray x = randn(23, k[0], k[1], k[2], k[3]);
        INDArray plain = conv.forward(x, true).dup();
        INDArray out = relu.forward(conv.forward(x, true), true);
        assertClose(Transforms.relu(plain, true), out, 0, "forward");
        // another input (not the convolution's output) is never passed through either
        INDArray other = randn(24, plain.shape());
        assertClose(Transforms.relu(other, true), relu.forward(other, true), 0, "forward of another array");
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

    /**
     * The workers claim samples as they go, so which thread runs which sample changes from run to
     * run; the results must not. dW is summed per fixed chunk of samples, in chunk order: float32
     * results are bit-identical on 1, 2 or 3 threads and on every repeat.
     */
    @Test
    void float32ResultsAreTheSameBitsOnAnyThreadCountAndRun() {
        int before = io.github.scratchnet.core.Workers.count();
        try {
            int[] k = CASES[2];
            INDArray w = randn(11, k[4], k[1], k[5], k[6]).castTo(DataType.FLOAT);
            INDArray b = randn(12, k[4]).castTo(DataType.FLOAT);
            INDArray x = randn(13, 37, k[1], k[2], k[3]).castTo(DataType.FLOAT);
            INDArray dout = randn(14, 37, k[4], k[2], k[3]).castTo(DataType.FLOAT);
            INDArray[] first = null;
            for (int threads : new int[] {1, 2, 3, 2, 2}) {
                io.github.scratchnet.core.Workers.setThreads(threads);
                Convolution conv = new Convolution(w.dup(), b.dup(), k[7], k[8]).kernel(Kernel.PER_SAMPLE);
                INDArray[] got = {conv.forward(x, true).dup(), conv.backward(dout).dup(),
                    conv.grads().get("W").dup(), conv.grads().get("b").dup()};
                if (first == null) {
                    first = got;
                }
                String[] names = {"forward", "dx", "dW", "db"};
                for (int i = 0; i < got.length; i++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(first[i].data().asFloat(), got[i].data().asFloat(),
                            names[i] + " on " + threads + " threads differs from 1 thread's");
                }
            }
        } finally {
            io.github.scratchnet.core.Workers.setThreads(before);
        }
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
