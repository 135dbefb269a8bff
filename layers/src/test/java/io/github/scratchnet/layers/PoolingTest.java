package io.github.scratchnet.layers;

import static io.github.scratchnet.core.TestData.assertClose;
import static io.github.scratchnet.core.TestData.randn;

import io.github.scratchnet.core.TestData;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

class PoolingTest {
    /** {N, C, H, W, PH, PW, stride, pad}: floors (7x5 by 2x2), overlapping windows, stride 2 pad 2, batch 1. */
    private static final int[][] CASES = {
        {2, 3, 4, 4, 2, 2, 2, 0},
        {1, 2, 7, 5, 2, 2, 2, 0},
        {2, 1, 6, 6, 3, 3, 1, 1},
        {1, 2, 5, 7, 3, 2, 2, 2},
    };

    @Test
    void backwardMatchesNumericalGradient() {
        for (Pooling.Kind kind : Pooling.Kind.values()) {
            for (int[] k : CASES) {
                GradCheck.check(new Pooling(kind, k[4], k[5], k[6], k[7]), randn(3, k[0], k[1], k[2], k[3]), true);
            }
        }
    }

    @Test
    void equalsNaivePoolingIncludingTies() {
        for (Pooling.Kind kind : Pooling.Kind.values()) {
            for (int[] k : CASES) {
                // Small integers make many ties inside windows: the gradient must go to the first maximum.
                INDArray x = Transforms.floor(randn(4, k[0], k[1], k[2], k[3]).muli(1.5), false);
                Pooling pool = new Pooling(kind, k[4], k[5], k[6], k[7]);
                INDArray out = pool.forward(x, false);
                INDArray dout = randn(5, out.shape());
                INDArray[] naive = Naive.pool(x, dout, kind, k[4], k[5], k[6], k[7]);
                assertClose(naive[0], out, 1e-14, kind + " forward");
                assertClose(naive[1], pool.backward(dout), 1e-12, kind + " backward");
            }
        }
    }

    @Test
    void equalsTheBooksMaxPooling() {
        Map<String, INDArray> ref = TestData.referenceNpz("im2col_small.npz");
        Pooling pool = new Pooling(Pooling.Kind.MAX, 2, 2);
        assertClose(ref.get("pool_out"), pool.forward(ref.get("x"), true), 0, "out");
        assertClose(ref.get("pool_dx"), pool.backward(ref.get("pool_dout")), 0, "dx");
    }
}
