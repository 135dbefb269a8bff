package io.github.scratchnet.engine;

import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.ConvGeometry;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.cpu.SampleConv;
import io.github.scratchnet.core.cpu.Winograd;
import io.github.scratchnet.layers.Convolution;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Winograd's F(2x2, 3x3) against the book's Convolution: equal in float64 to 1e-10 relative, and
 * in float32 within {@link #K} times the error of the im2row kernel (both measured against the
 * float64 book layer) on every DeepConvNet geometry, odd sizes, padding 0-2 and one sample.
 */
class WinogradTest {
    /** The bound on Winograd's float32 error, as a multiple of the im2row kernel's. */
    static final double K = 2;

    /** {N, C, H, W, FN, pad}: DeepConvNet's six 3x3 convolutions, then odd planes, pads 0 and 2, one sample. */
    private static final int[][] CASES = {
        {5, 1, 28, 28, 16, 1},
        {5, 16, 28, 28, 16, 1},
        {5, 16, 14, 14, 32, 1},
        {5, 32, 14, 14, 32, 2},
        {5, 32, 8, 8, 64, 1},
        {5, 64, 8, 8, 64, 1},
        {3, 3, 7, 9, 4, 0},
        {2, 5, 5, 6, 3, 2},
        {1, 4, 11, 3, 5, 1},
        {1, 2, 3, 3, 2, 0},
        {37, 6, 9, 9, 7, 1},
    };

    @Test
    void equalsTheBooksConvolutionInFloat64() {
        long seed = 7;
        for (int[] k : CASES) {
            INDArray w = randn(seed++, k[4], k[1], 3, 3);
            INDArray b = randn(seed++, k[4]);
            INDArray x = randn(seed++, k[0], k[1], k[2], k[3]);
            INDArray book = new Convolution(w.dup(), b.dup(), 1, k[5]).forward(x, false);
            for (boolean relu : new boolean[] {false, true}) {
                INDArray out = winograd(x, w, b, k, relu);
                INDArray expected = relu ? Transforms.relu(book, true) : book;
                double err = relative(out, expected);
                assertTrue(err < 1e-10, java.util.Arrays.toString(k) + " relu " + relu + ": relative error " + err);
            }
        }
    }

    @Test
    void float32ErrorIsWithinKTimesTheIm2rowKernels() {
        long seed = 70;
        for (int[] k : CASES) {
            INDArray w = randn(seed++, k[4], k[1], 3, 3);
            INDArray b = randn(seed++, k[4]);
            INDArray x = randn(seed++, k[0], k[1], k[2], k[3]);
            INDArray truth = new Convolution(w.dup(), b.dup(), 1, k[5]).forward(x, false);
            INDArray w32 = w.castTo(DataType.FLOAT);
            INDArray b32 = b.castTo(DataType.FLOAT);
            INDArray x32 = x.castTo(DataType.FLOAT);
            INDArray fast = winograd(x32, w32, b32, k, false).castTo(DataType.DOUBLE);
            ConvGeometry g = new ConvGeometry(k[1], k[2], k[3], 3, 3, 1, k[5]);
            INDArray im2row = Nd4j.create(DataType.FLOAT, k[0], k[4], g.oh, g.ow);
            new SampleConv(g, k[4], DataType.FLOAT).forward(x32, w32.reshape('c', k[4], g.rowLength()), b32, im2row, false, null);
            double errW = relative(fast, truth);
            double errI = relative(im2row.castTo(DataType.DOUBLE), truth);
            assertTrue(errW <= K * Math.max(errI, 1e-8), java.util.Arrays.toString(k) + ": Winograd " + errW + ", im2row " + errI);
        }
    }

    private static INDArray winograd(INDArray x, INDArray w, INDArray b, int[] k, boolean relu) {
        ConvGeometry g = new ConvGeometry(k[1], k[2], k[3], 3, 3, 1, k[5]);
        INDArray out = Nd4j.create(x.dataType(), k[0], k[4], g.oh, g.ow);
        new Winograd(g, k[4], x.dataType()).forward(Shapes.dense(x), Shapes.dense(w).reshape('c', k[4], g.rowLength()), b, out, relu);
        return out;
    }

    /** The largest error relative to the largest magnitude of the expected values. */
    static double relative(INDArray actual, INDArray expected) {
        double scale = Math.max(1e-300, expected.amaxNumber().doubleValue());
        return actual.sub(expected).amaxNumber().doubleValue() / scale;
    }
}
