package io.github.scratchnet.layers;

import static io.github.scratchnet.core.TestData.assertClose;
import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SoftmaxWithLossTest {

    @Test
    void backwardMatchesNumericalGradient() {
        check(new SoftmaxWithLoss(0));     // backward is the gradient of the loss without the book's delta
        check(new SoftmaxWithLoss(0, 0.1));
    }

    private static void check(SoftmaxWithLoss loss) {
        INDArray scores = randn(1, 5, 4);
        INDArray labels = Nd4j.createFromArray(3, 0, 2, 2, 1);
        loss.forward(scores, labels);
        INDArray analytic = loss.backward();
        INDArray numeric = scores.dup().assign(0);
        for (int i = 0; i < scores.length(); i++) {
            INDArray flat = scores.reshape(scores.length());
            double v = flat.getDouble(i);
            flat.putScalar(i, v + GradCheck.EPS);
            double plus = loss.forward(scores, labels);
            flat.putScalar(i, v - GradCheck.EPS);
            double minus = loss.forward(scores, labels);
            flat.putScalar(i, v);
            numeric.reshape(scores.length()).putScalar(i, (plus - minus) / (2 * GradCheck.EPS));
        }
        double err = GradCheck.relativeError(numeric, analytic);
        assertTrue(err < GradCheck.BOUND, "relative error " + err);
    }

    @Test
    void labelSmoothingGivesTheSmoothedTargetsLossAndGradientWorkedByHand() {
        // softmax of (0, ln 2, ln 3) is (1/6, 1/3, 1/2); with label 2 and smoothing 0.3, q = (0.1, 0.1, 0.8)
        INDArray scores = Nd4j.createFromArray(new double[][] {{0, Math.log(2), Math.log(3)}});
        SoftmaxWithLoss loss = new SoftmaxWithLoss(0, 0.3);
        double expected = -(0.1 * Math.log(1 / 6.0) + 0.1 * Math.log(1 / 3.0) + 0.8 * Math.log(0.5));
        assertEquals(expected, loss.forward(scores, Nd4j.createFromArray(2)), 1e-15);
        assertClose(Nd4j.createFromArray(new double[][] {{1 / 6.0 - 0.1, 1 / 3.0 - 0.1, 0.5 - 0.8}}), loss.backward(), 1e-14, "dx");
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxWithLoss(0, 1));
    }

    @Test
    void float32GradientsBelowTwoToTheMinus100AreFlushedAndOthersKept() {
        // row 0: class 2 trails by 80, so its softmax is e^-80 (1.8e-35, a normal float) and dx e^-80 / 2 < 2^-100
        double[][] s = {{0, 0, -80}, {0, 1, 2}};
        INDArray labels = Nd4j.createFromArray(0, 2);
        SoftmaxWithLoss f32 = new SoftmaxWithLoss();
        f32.forward(Nd4j.createFromArray(s).castTo(DataType.FLOAT), labels);
        INDArray dx32 = f32.backward();
        SoftmaxWithLoss f64 = new SoftmaxWithLoss();
        f64.forward(Nd4j.createFromArray(s), labels);
        INDArray dx64 = f64.backward();
        assertEquals(Math.exp(-80) / (1 + 1 + Math.exp(-80)) / 2, dx64.getDouble(0, 2), 1e-50, "float64 keeps it");
        assertEquals(0.0, dx32.getDouble(0, 2), 0.0, "float32 flushes it");
        dx64.putScalar(0, 2, 0.0);
        assertClose(dx64, dx32.castTo(DataType.DOUBLE), 1e-6, "the rest");
        assertTrue(Math.exp(-80) / 2 < SoftmaxWithLoss.FLUSH && SoftmaxWithLoss.FLUSH < 1e-30);
    }

    @Test
    void oneHotAndIndexLabelsAgree() {
        INDArray scores = randn(2, 3, 4);
        INDArray idx = Nd4j.createFromArray(1, 3, 0);
        INDArray oneHot = Nd4j.zeros(3, 4);
        oneHot.putScalar(0, 1, 1).putScalar(1, 3, 1).putScalar(2, 0, 1);
        SoftmaxWithLoss a = new SoftmaxWithLoss();
        SoftmaxWithLoss b = new SoftmaxWithLoss();
        assertEquals(a.forward(scores, idx), b.forward(scores, oneHot), 0);
        assertClose(a.backward(), b.backward(), 0, "dx");
        // -log(softmax) by hand for the first row
        double[] r = scores.getRow(0).toDoubleVector();
        double z = 0;
        for (double v : r) {
            z += Math.exp(v);
        }
        assertEquals(-Math.log(Math.exp(r[1]) / z + 1e-7), new SoftmaxWithLoss().forward(scores.getRow(0).reshape(1, 4),
                Nd4j.createFromArray(1)), 1e-12);
    }

    @Test
    void badLabelsAreNamed() {
        SoftmaxWithLoss loss = new SoftmaxWithLoss();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.forward(randn(1, 2, 3), Nd4j.createFromArray(0, 3)));
        assertEquals("label 3.0 at index 1 is not a class in [0, 3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.forward(randn(1, 2, 3), Nd4j.createFromArray(0, 1, 2)));
        assertEquals("2 score rows but 3 labels", e.getMessage());
    }
}
