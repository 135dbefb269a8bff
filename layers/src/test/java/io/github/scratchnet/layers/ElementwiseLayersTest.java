package io.github.scratchnet.layers;

import static io.github.scratchnet.core.TestData.assertClose;
import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.Rng;
import io.github.scratchnet.core.cpu.Gemm;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Affine, ReLU, Sigmoid, Dropout and BatchNormalization. */
class ElementwiseLayersTest {

    @Test
    void affineBackwardMatchesNumericalGradient() {
        GradCheck.check(new Affine(randn(1, 24, 5), randn(2, 5)), randn(3, 3, 2, 3, 4), true); // 4-D input, flattened
        GradCheck.check(new Affine(randn(4, 6, 3), randn(5, 3)), randn(6, 1, 6), true);        // batch 1
    }

    @Test
    void affineFlattensInCOrderAndRestoresTheShape() {
        INDArray x = randn(7, 2, 3, 2, 2);
        Affine a = new Affine(randn(8, 12, 4), randn(9, 4));
        assertClose(x.reshape('c', 2, 12).mmul(a.params().get("W")).addRowVector(a.params().get("b")),
                a.forward(x, false), 1e-14, "out");
        assertEquals(4, a.backward(randn(1, 2, 4)).rank());
    }

    @Test
    void reluAndSigmoidBackwardMatchNumericalGradient() {
        GradCheck.check(new Relu(), randn(10, 2, 3, 4, 5), true);
        GradCheck.check(new Sigmoid(), randn(11, 1, 7), false);
    }

    @Test
    void reluDoesNotModifyItsArguments() {
        INDArray x = randn(12, 3, 4);
        INDArray copy = x.dup();
        Relu r = new Relu();
        r.forward(x, true);
        INDArray dout = randn(13, 3, 4);
        INDArray doutCopy = dout.dup();
        r.backward(dout);
        assertClose(copy, x, 0, "x");
        assertClose(doutCopy, dout, 0, "dout");
    }

    @Test
    void dropoutBackwardMatchesNumericalGradientInBothModes() {
        for (Dropout.Mode mode : Dropout.Mode.values()) {
            Dropout d = new Dropout(0.4, mode, new Rng(1));
            INDArray mask = randn(14, 3, 6).gt(0);
            d.setMaskSource(shape -> mask);
            GradCheck.check(d, randn(15, 3, 6), true);
            GradCheck.check(d, randn(16, 3, 6), false);
        }
    }

    @Test
    void dropoutScalesAsEachModeSays() {
        INDArray x = Nd4j.ones(4, 1000).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        Dropout book = new Dropout(0.25, Dropout.Mode.BOOK, new Rng(2));
        Dropout inverted = new Dropout(0.25, Dropout.Mode.INVERTED, new Rng(2));
        assertEquals(0.75, book.forward(x, false).meanNumber().doubleValue(), 1e-15);
        assertEquals(1.0, inverted.forward(x, false).meanNumber().doubleValue(), 1e-15);
        INDArray trainBook = book.forward(x, true);
        assertEquals(0.75, trainBook.meanNumber().doubleValue(), 0.02); // kept elements stay 1
        assertEquals(1.0, trainBook.maxNumber().doubleValue(), 0);
        INDArray trainInv = inverted.forward(x, true);
        assertEquals(1.0, trainInv.meanNumber().doubleValue(), 0.03);
        assertEquals(1 / 0.75, trainInv.maxNumber().doubleValue(), 1e-12);
    }

    /** The default masks are the book's rand > ratio from the network's generator: the same as a mask source drawing them so. */
    @Test
    void defaultMasksEqualTheSameDrawsThroughAMaskSource() {
        for (org.nd4j.linalg.api.buffer.DataType type : new org.nd4j.linalg.api.buffer.DataType[] {
                org.nd4j.linalg.api.buffer.DataType.FLOAT, org.nd4j.linalg.api.buffer.DataType.DOUBLE}) {
            for (Dropout.Mode mode : Dropout.Mode.values()) {
                for (double ratio : new double[] {0.5, 0.4, 0.15}) {
                    INDArray x = randn(17, 7, 50).castTo(type);
                    Dropout drawn = new Dropout(ratio, mode, new Rng(9));
                    Dropout sourced = new Dropout(ratio, mode, new Rng(0));
                    Rng same = new Rng(9);
                    sourced.setMaskSource(shape -> {
                        double[] keep = new double[Math.toIntExact(io.github.scratchnet.core.Shapes.length(shape))];
                        for (int i = 0; i < keep.length; i++) {
                            keep[i] = same.nextDouble() > ratio ? 1 : 0;
                        }
                        return Nd4j.create(keep, shape, 'c');
                    });
                    String what = type + " " + mode + " " + ratio;
                    assertClose(sourced.forward(x, true), drawn.forward(x, true), 0, "forward " + what);
                    INDArray dout = randn(18, 7, 50).castTo(type);
                    assertClose(sourced.backward(dout), drawn.backward(dout), 0, "backward " + what);
                }
            }
        }
    }

    @Test
    void batchNormBackwardMatchesNumericalGradient() {
        Init init = new Init(DType.FLOAT64, 3);
        BatchNormalization bn2 = new BatchNormalization(randn(17, 5).addi(1), randn(18, 5), init.zeros(5), init.ones(5), 0.9,
                BatchNormalization.Mode.PER_FEATURE);
        GradCheck.check(bn2, randn(19, 4, 5), true);
        BatchNormalization bn4 = new BatchNormalization(randn(20, 12).addi(1), randn(21, 12), init.zeros(12), init.ones(12), 0.9,
                BatchNormalization.Mode.PER_FEATURE);
        GradCheck.check(bn4, randn(22, 3, 3, 2, 2), true);
        BatchNormalization perChannel = new BatchNormalization(randn(23, 3).addi(1), randn(24, 3), init.zeros(3), init.ones(3),
                0.9, BatchNormalization.Mode.PER_CHANNEL);
        GradCheck.check(perChannel, randn(25, 2, 3, 4, 5), true);
        GradCheck.check(perChannel, randn(26, 1, 3, 2, 3), true);             // batch 1: statistics over H*W alone
    }

    /** Per channel: each channel normalised over N*H*W, as a loop over the elements computes it, and its running statistics. */
    @Test
    void batchNormPerChannelNormalisesEachChannelOverTheBatchAndThePlane() {
        Init init = new Init(DType.FLOAT64, 3);
        BatchNormalization bn = new BatchNormalization(init, 2, 0.9, BatchNormalization.Mode.PER_CHANNEL);
        INDArray x = randn(27, 3, 2, 4, 5).muli(3).addi(1);
        INDArray out = bn.forward(x, true);
        for (int c = 0; c < 2; c++) {
            double sum = 0;
            double sq = 0;
            int count = 3 * 4 * 5;
            for (int n = 0; n < 3; n++) {
                for (int h = 0; h < 4; h++) {
                    for (int w = 0; w < 5; w++) {
                        sum += x.getDouble(n, c, h, w);
                    }
                }
            }
            double mean = sum / count;
            for (int n = 0; n < 3; n++) {
                for (int h = 0; h < 4; h++) {
                    for (int w = 0; w < 5; w++) {
                        sq += Math.pow(x.getDouble(n, c, h, w) - mean, 2);
                    }
                }
            }
            double var = sq / count;
            for (int n = 0; n < 3; n++) {
                assertEquals((x.getDouble(n, c, 2, 3) - mean) / Math.sqrt(var + BatchNormalization.EPS), out.getDouble(n, c, 2, 3), 1e-12);
            }
            assertEquals(0.1 * mean, bn.state().get("running_mean").getDouble(c), 1e-14);
            assertEquals(0.1 * var, bn.state().get("running_var").getDouble(c), 1e-13);
        }
        assertThrows(IllegalArgumentException.class, () -> bn.forward(randn(1, 3, 3, 4, 5), true));
    }

    @Test
    void batchNormKeepsRunningStatisticsAndUsesThemAtTest() {
        Init init = new Init(DType.FLOAT64, 3);
        BatchNormalization bn = new BatchNormalization(init, 3, 0.9, BatchNormalization.Mode.PER_FEATURE);
        INDArray x = randn(23, 6, 3).muli(2).addi(5);
        INDArray out = bn.forward(x, true);
        assertClose(Nd4j.zeros(3).castTo(out.dataType()), out.mean(0), 1e-12, "train-mode mean");
        assertClose(x.mean(0).mul(0.1), bn.state().get("running_mean"), 1e-14, "running_mean");
        assertClose(x.var(false, 0).mul(0.1), bn.state().get("running_var"), 1e-12, "running_var");
        INDArray test = bn.forward(x, false);
        INDArray expect = x.subRowVector(bn.state().get("running_mean"))
                .divRowVector(org.nd4j.linalg.ops.transforms.Transforms.sqrt(bn.state().get("running_var").add(1e-6)));
        assertClose(expect, test, 1e-12, "test mode");
        assertThrows(IllegalStateException.class, () -> bn.backward(test));
    }
}
