package io.github.scratchnet.engine;

import static io.github.scratchnet.core.TestData.assertClose;
import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.cpu.Workers;
import io.github.scratchnet.layers.Affine;
import io.github.scratchnet.layers.BatchNormalization;
import io.github.scratchnet.layers.Convolution;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Pooling;
import io.github.scratchnet.layers.Relu;
import io.github.scratchnet.layers.Sequential;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Each step of the fast engine against the book's layers it stands for: float64 to 1e-10
 * relative, float32 to float precision, and the fused steps bit-identical in float32 to the same
 * kernels unfused.
 */
class FastKernelsTest {
    /**
     * {N, C, H, W, FN, FH, FW, stride, pad}: DeepConvNet's six convolutions (pad 2 included), then
     * geometries that take the kernel's other branches: stride 2 and 3 (folded dx), pad >= the
     * filter width, non-square inputs and filters, one sample, an odd batch split unevenly over
     * the workers, and outputs as wide as, wider and narrower than the input; then the same from 8
     * channels, where the kernel unfolds stride-1 samples into strips.
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
        {2, 3, 6, 9, 2, 1, 3, 1, 1},
        {2, 2, 5, 7, 3, 5, 5, 1, 2},
        {3, 2, 4, 6, 2, 3, 1, 1, 0},
        {2, 2, 4, 4, 2, 7, 7, 1, 3},
        // the same branches from 8 channels in and out, where forward and dx unfold into strips
        {2, 8, 7, 5, 9, 3, 2, 1, 2},
        {7, 9, 6, 8, 8, 5, 3, 1, 0},
        {2, 8, 6, 9, 8, 1, 3, 1, 1},
        {2, 8, 5, 7, 10, 5, 5, 1, 2},
        {3, 10, 4, 6, 8, 3, 1, 1, 0},
        {2, 8, 4, 4, 8, 7, 7, 1, 3},
        {3, 8, 9, 7, 8, 3, 3, 2, 1},
    };

    /** A network of these layers over samples (C, H, W) of case k. */
    private static Sequential net(DType dtype, int[] k, Layer... layers) {
        Sequential net = new Sequential(new Init(dtype, 1), k[1], k[2], k[3]);
        for (Layer l : layers) {
            net.add(l);
        }
        return net;
    }

    /** The step of the network's first {@code layers} layers: the convolution, with the ReLU and the pooling after it where given. */
    private static ConvolutionStep convStep(Sequential net, int layers) {
        return new ConvolutionStep(net, net.layers().subList(0, layers), 0);
    }

    private static Convolution conv(INDArray w, INDArray b, int[] k) {
        return new Convolution(w.dup(), b.dup(), k[7], k[8]);
    }

    @Test
    void convolutionStepEqualsTheBooksConvolutionInFloat64() {
        long seed = 100;
        for (int[] k : CASES) {
            INDArray w = randn(seed++, k[4], k[1], k[5], k[6]);
            INDArray b = randn(seed++, k[4]);
            Convolution book = conv(w, b, k);
            ConvolutionStep fast = convStep(net(DType.FLOAT64, k, conv(w, b, k)), 1);
            // two steps, the second with a smaller batch, so reused buffers are exercised too
            for (int n : new int[] {k[0], Math.max(1, k[0] - 2)}) {
                INDArray x = randn(seed++, n, k[1], k[2], k[3]);
                String where = Arrays.toString(k) + " N=" + n;
                INDArray expected = book.forward(x, true).dup();
                assertClose(expected, fast.forward(x, true), 1e-10, "forward " + where);
                INDArray dout = randn(seed++, expected.shape());
                assertClose(book.backward(dout).dup(), fast.backward(dout, true), 1e-10, "dx " + where);
                assertClose(book.grads().get("W"), fast.grads().get("W1"), 1e-10, "dW " + where);
                assertClose(book.grads().get("b"), fast.grads().get("b1"), 1e-10, "db " + where);
            }
        }
    }

    @Test
    void theFirstStepSkipsTheInputGradientAndStillWritesTheParameterGradients() {
        int[] k = CASES[0];
        INDArray w = randn(1, k[4], k[1], k[5], k[6]);
        INDArray b = randn(2, k[4]);
        Convolution book = conv(w, b, k);
        ConvolutionStep fast = convStep(net(DType.FLOAT64, k, conv(w, b, k), new Relu()), 2);
        INDArray x = randn(3, k[0], k[1], k[2], k[3]);
        Relu relu = new Relu();
        relu.forward(book.forward(x, true), true);
        fast.forward(x, true);
        INDArray dout = randn(4, k[0], k[4], k[2], k[3]);
        book.backward(relu.backward(dout));
        assertNull(fast.backward(dout, false));
        assertClose(book.grads().get("W"), fast.grads().get("W1"), 1e-10, "dW");
        assertClose(book.grads().get("b"), fast.grads().get("b1"), 1e-10, "db");
    }

    @Test
    void aFusedReluEqualsTheConvolutionAndTheBooksRelu() {
        long seed = 500;
        for (int[] k : CASES) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                DataType type = dtype.nd4j();
                INDArray w = randn(seed++, k[4], k[1], k[5], k[6]).castTo(type);
                INDArray b = randn(seed++, k[4]).castTo(type);
                Convolution bookConv = conv(w, b, k);
                Relu bookRelu = new Relu();
                ConvolutionStep fast = convStep(net(dtype, k, conv(w, b, k), new Relu()), 2);
                for (int n : new int[] {k[0], Math.max(1, k[0] - 2)}) {
                    INDArray x = randn(seed++, n, k[1], k[2], k[3]).castTo(type);
                    String where = Arrays.toString(k) + " N=" + n + " " + dtype;
                    INDArray expected = bookRelu.forward(bookConv.forward(x, true), true).dup();
                    check(expected, fast.forward(x, true), "forward " + where);
                    INDArray dout = randn(seed++, expected.shape()).castTo(type);
                    check(bookConv.backward(bookRelu.backward(dout)).dup(), fast.backward(dout, true), "dx " + where);
                    check(bookConv.grads().get("W"), fast.grads().get("W1"), "dW " + where);
                    check(bookConv.grads().get("b"), fast.grads().get("b1"), "db " + where);
                }
            }
        }
    }

    /**
     * Convolution, ReLU and 2x2 max pooling in one pass equal, to the bit, the same kernels one
     * after the other (the convolution step, the ReLU as written, the max-pooling step): for
     * DeepConvNet's three pairs, a wide output (5x5, pad 0) and odd planes (the last row and
     * column fall outside every window), on two batch sizes.
     */
    @Test
    void aFusedPoolingIsBitIdenticalToTheUnfusedKernelsInFloat32() {
        int[][] cases = {CASES[1], CASES[3], CASES[5], {4, 2, 12, 12, 3, 5, 5, 1, 0}, {3, 2, 7, 7, 3, 3, 3, 1, 1}};
        long seed = 900;
        for (int[] k : cases) {
            INDArray w = randn(seed++, k[4], k[1], k[5], k[6]).castTo(DataType.FLOAT);
            INDArray b = randn(seed++, k[4]).castTo(DataType.FLOAT);
            Sequential fusedNet = net(DType.FLOAT32, k, conv(w, b, k), new Relu(), new Pooling(Pooling.Kind.MAX, 2, 2));
            Sequential plainNet = net(DType.FLOAT32, k, conv(w, b, k), new Relu(), new Pooling(Pooling.Kind.MAX, 2, 2));
            Step fused = convStep(fusedNet, 3);
            Step[] plain = {convStep(plainNet, 1), new LayerStep(plainNet, plainNet.layers().get(1), 1),
                new MaxPoolStep(plainNet, (Pooling) plainNet.layers().get(2), 2)};
            assertEquals(3, fused.layers().size());
            for (int n : new int[] {k[0], Math.max(1, k[0] - 1)}) {
                INDArray x = randn(seed++, n, k[1], k[2], k[3]).castTo(DataType.FLOAT);
                String where = Arrays.toString(k) + " N=" + n;
                INDArray expected = x;
                for (Step s : plain) {
                    expected = s.forward(expected, true);
                }
                assertBits(expected.dup(), fused.forward(x, true), "forward " + where);
                INDArray dout = randn(seed++, expected.shape()).castTo(DataType.FLOAT);
                INDArray dx = dout;
                for (int i = plain.length - 1; i >= 0; i--) {
                    dx = plain[i].backward(dx, true);
                }
                assertBits(dx.dup(), fused.backward(dout, true), "dx " + where);
                assertBits(plain[0].grads().get("W1"), fused.grads().get("W1"), "dW " + where);
                assertBits(plain[0].grads().get("b1"), fused.grads().get("b1"), "db " + where);
            }
        }
    }

    /**
     * The workers claim samples as they go, so which thread runs which sample changes from run to
     * run; the results must not. dW is summed per fixed chunk of samples, in chunk order: float32
     * results are bit-identical on 1, 2 or 3 threads and on every repeat.
     */
    @Test
    void float32ResultsAreTheSameBitsOnAnyThreadCountAndRun() {
        int before = Workers.count();
        try {
            int[] k = CASES[2];
            INDArray w = randn(11, k[4], k[1], k[5], k[6]).castTo(DataType.FLOAT);
            INDArray b = randn(12, k[4]).castTo(DataType.FLOAT);
            INDArray x = randn(13, 37, k[1], k[2], k[3]).castTo(DataType.FLOAT);
            INDArray dout = randn(14, 37, k[4], k[2], k[3]).castTo(DataType.FLOAT);
            INDArray[] first = null;
            for (int threads : new int[] {1, 2, 3, 2, 2}) {
                Workers.setThreads(threads);
                ConvolutionStep step = convStep(net(DType.FLOAT32, k, conv(w, b, k)), 1);
                INDArray[] got = {step.forward(x, true).dup(), step.backward(dout, true).dup(),
                    step.grads().get("W1").dup(), step.grads().get("b1").dup()};
                if (first == null) {
                    first = got;
                }
                String[] names = {"forward", "dx", "dW", "db"};
                for (int i = 0; i < got.length; i++) {
                    assertArrayEquals(first[i].data().asFloat(), got[i].data().asFloat(),
                            names[i] + " on " + threads + " threads differs from 1 thread's");
                }
            }
        } finally {
            Workers.setThreads(before);
        }
    }

    /** The same maxima and the same argMax on ties and in padding; forward exact. */
    @Test
    void maxPoolStepEqualsTheBooksPoolingIncludingTiesAndPadding() {
        int[][] cases = {{2, 3, 4, 4, 2, 2, 2, 0}, {1, 2, 7, 5, 2, 2, 2, 0}, {2, 1, 6, 6, 3, 3, 1, 1}, {1, 2, 5, 7, 3, 2, 2, 2},
            {5, 16, 28, 28, 2, 2, 2, 0}, {5, 64, 8, 8, 2, 2, 2, 0}, {3, 2, 9, 9, 3, 3, 2, 1}};
        long seed = 60;
        for (int[] k : cases) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                // integers make ties; the padded cases have all-negative windows, where the padding's 0 wins
                INDArray x = Transforms.floor(randn(seed++, k[0], k[1], k[2], k[3]).muli(1.5), false)
                        .subi(k[7] > 0 ? 2 : 0).castTo(dtype.nd4j());
                Pooling book = new Pooling(Pooling.Kind.MAX, k[4], k[5], k[6], k[7]);
                Pooling pooling = new Pooling(Pooling.Kind.MAX, k[4], k[5], k[6], k[7]);
                Step fast = new MaxPoolStep(net(dtype, k, pooling), pooling, 0);
                String where = Arrays.toString(k) + " " + dtype;
                INDArray expected = book.forward(x, true).dup();
                assertClose(expected, fast.forward(x, true), 0, "forward " + where);
                INDArray dout = randn(seed++, expected.shape()).castTo(dtype.nd4j());
                // overlapping windows add their gradients in another order: float rounding apart
                assertClose(book.backward(dout).dup(), fast.backward(dout, true), dtype == DType.FLOAT64 ? 1e-12 : 1e-6,
                        "backward " + where);
            }
        }
    }

    @Test
    void affineStepEqualsTheBooksAffineOnDenseAndStridedInput() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            DataType type = dtype.nd4j();
            double tol = type == DataType.DOUBLE ? 1e-12 : 1e-5;
            INDArray w = randn(30, 12, 4).castTo(type);
            INDArray b = randn(31, 4).castTo(type);
            INDArray x = randn(32, 5, 12).castTo(type);
            INDArray strided = Nd4j.create(type, 5, 24).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 24)).assign(x);
            INDArray dout = randn(33, 5, 4).castTo(type);
            Affine book = new Affine(w.dup(), b.dup());
            Affine affine = new Affine(w.dup(), b.dup());
            Step fast = new AffineStep(new Sequential(new Init(dtype, 1), 12).add(affine), affine, 0);
            for (INDArray input : new INDArray[] {x, strided}) {
                assertClose(book.forward(x, true).dup(), fast.forward(input, true), tol, dtype + " out");
                assertClose(book.backward(dout).dup(), fast.backward(dout, true), tol, dtype + " dx");
                assertClose(book.grads().get("W"), fast.grads().get("W1"), tol, dtype + " dW");
                assertClose(book.grads().get("b"), fast.grads().get("b1"), tol, dtype + " db");
            }
        }
    }

    @Test
    void batchNormStepEqualsTheBooksPerChannelBatchNormInTrainingAndTestMode() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            DataType type = dtype.nd4j();
            int[] k = {4, 3, 5, 6};
            INDArray gamma = randn(40, 3).addi(1).castTo(type);
            INDArray beta = randn(41, 3).castTo(type);
            BatchNormalization book = new BatchNormalization(gamma.dup(), beta.dup(), Nd4j.zeros(type, 3), Nd4j.ones(type, 3), 0.9,
                    BatchNormalization.Mode.PER_CHANNEL);
            BatchNormalization layer = new BatchNormalization(gamma.dup(), beta.dup(), Nd4j.zeros(type, 3), Nd4j.ones(type, 3),
                    0.9, BatchNormalization.Mode.PER_CHANNEL);
            Step fast = new BatchNormStep(net(dtype, k, layer), layer, 0);
            for (int step = 0; step < 2; step++) {
                INDArray x = randn(42 + step, k[0], k[1], k[2], k[3]).muli(2).addi(1).castTo(type);
                String where = dtype + " step " + step;
                check(book.forward(x, true).dup(), fast.forward(x, true), "forward " + where);
                INDArray dout = randn(44 + step, x.shape()).castTo(type);
                check(book.backward(dout).dup(), fast.backward(dout, true), "dx " + where);
                check(book.grads().get("gamma"), fast.grads().get("gamma1"), "dgamma " + where);
                check(book.grads().get("beta"), fast.grads().get("beta1"), "dbeta " + where);
                check(book.state().get("running_mean"), layer.state().get("running_mean"), "running_mean " + where);
                check(book.state().get("running_var"), layer.state().get("running_var"), "running_var " + where);
                check(book.forward(x, false).dup(), fast.forward(x, false), "test mode " + where);
            }
        }
    }

    private static void assertBits(INDArray expected, INDArray actual, String what) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what);
        assertArrayEquals(expected.dup('c').data().asFloat(), actual.dup('c').data().asFloat(), what);
    }

    /** float64: 1e-10 relative; float32: within 1e-5 of the largest magnitude (float sums in another order). */
    private static void check(INDArray expected, INDArray actual, String what) {
        if (expected.dataType() == DataType.DOUBLE) {
            assertClose(expected, actual, 1e-10, what);
            return;
        }
        double scale = expected.castTo(DataType.DOUBLE).amaxNumber().doubleValue();
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-5 * scale, what + ": differs by " + diff + " at scale " + scale);
    }
}
