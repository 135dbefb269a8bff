package io.github.scratchnet.layers;

import static io.github.scratchnet.core.TestData.assertClose;
import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.scratchnet.core.TestData;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ConvolutionTest {
    /** {N, C, H, W, FN, FH, FW, stride, pad}: square and non-square, stride 2, pad 2, batch 1. */
    private static final int[][] CASES = {
        {2, 3, 5, 5, 4, 3, 3, 1, 1},
        {1, 2, 7, 5, 3, 3, 2, 2, 2},
        {3, 1, 6, 8, 2, 5, 5, 1, 2},
        {1, 3, 9, 9, 2, 3, 3, 3, 0},
    };

    private static Convolution layer(int[] k, long seed) {
        return new Convolution(randn(seed, k[4], k[1], k[5], k[6]), randn(seed + 1, k[4]), k[7], k[8]);
    }

    @Test
    void backwardMatchesNumericalGradient() {
        for (int[] k : CASES) {
            GradCheck.check(layer(k, 10), randn(20, k[0], k[1], k[2], k[3]), true);
        }
    }

    @Test
    void forwardAndBackwardEqualTheNaiveConvolution() {
        for (int[] k : CASES) {
            Convolution conv = layer(k, 30);
            INDArray x = randn(40, k[0], k[1], k[2], k[3]);
            INDArray out = conv.forward(x, true);
            INDArray w = conv.params().get("W");
            assertClose(Naive.conv(x, w, conv.params().get("b"), k[7], k[8]), out, 1e-12, "forward");
            INDArray dout = randn(50, out.shape());
            INDArray[] naive = Naive.convBackward(x, w, dout, k[7], k[8]);
            assertClose(naive[0], conv.backward(dout), 1e-12, "dx");
            assertClose(naive[1], conv.grads().get("W"), 1e-12, "dW");
            assertClose(naive[2], conv.grads().get("b"), 1e-12, "db");
        }
    }

    @Test
    void equalsTheBooksConvolution() {
        Map<String, INDArray> ref = TestData.referenceNpz("im2col_small.npz");
        Convolution conv = new Convolution(ref.get("conv_W").dup(), ref.get("conv_b").dup(), 1, 1);
        assertClose(ref.get("conv_out_s1_p1"), conv.forward(ref.get("x"), true), 1e-12, "out");
        assertClose(ref.get("conv_dx"), conv.backward(ref.get("conv_dout")), 1e-12, "dx");
        assertClose(ref.get("conv_dW"), conv.grads().get("W"), 1e-12, "dW");
        assertClose(ref.get("conv_db"), conv.grads().get("b"), 1e-12, "db");
    }

    @Test
    void wrongInputAndBackwardBeforeForwardAreClearErrors() {
        Convolution conv = layer(CASES[0], 1);
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> conv.backward(randn(1, 2, 4, 5, 5)));
        assertEquals("Convolution.backward called before forward", s.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv.forward(randn(1, 2, 2, 5, 5), false));
        assertEquals("Convolution expects (N, 3, H, W) input, found (2, 2, 5, 5)", e.getMessage());
    }
}
