package io.github.scratchnet.layers;

import static io.github.scratchnet.core.TestData.assertClose;
import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.TestData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class RecurrentTest {
    /** Steps 0..before-1 run and are cut off; the checked loss is Σ_k sum(h_k · R_k) over the steps after. */
    private static void gradientCheckWithTruncation(Recurrent layer, int before, int after, long n, long in) {
        List<INDArray> xs = new ArrayList<>();
        List<INDArray> rs = new ArrayList<>();
        for (int k = 0; k < before + after; k++) {
            xs.add(randn(100 + k, n, in));
            rs.add(randn(200 + k, n, layer.outputShape(new long[] {n, in})[1]));
        }
        run(layer, xs, rs, before);
        List<INDArray> dx = new ArrayList<>();
        for (int k = before + after - 1; k >= before; k--) {
            dx.add(0, layer.backward(rs.get(k)).dup());
        }
        Map<String, INDArray> analytic = new LinkedHashMap<>();
        layer.grads().forEach((key, g) -> analytic.put(key, g.dup()));
        Map<String, INDArray> targets = new LinkedHashMap<>(layer.params());
        for (int k = before; k < before + after; k++) {
            targets.put("x" + k, xs.get(k));
            analytic.put("x" + k, dx.get(k - before));
        }
        for (Map.Entry<String, INDArray> e : targets.entrySet()) {
            INDArray flat = e.getValue().reshape(e.getValue().length());
            INDArray numeric = flat.dup().assign(0);
            for (long i = 0; i < flat.length(); i++) {
                double v = flat.getDouble(i);
                // the state at the cut follows the unperturbed weights: the truncated gradient ignores that dependence
                double[] sides = new double[2];
                for (int side = 0; side < 2; side++) {
                    layer.resetState();
                    for (int k = 0; k < before; k++) {
                        layer.forward(xs.get(k), false);
                    }
                    flat.putScalar(i, v + (side == 0 ? GradCheck.EPS : -GradCheck.EPS));
                    for (int k = before; k < before + after; k++) {
                        sides[side] += layer.forward(xs.get(k), false).mul(rs.get(k)).sumNumber().doubleValue();
                    }
                    flat.putScalar(i, v);
                }
                numeric.putScalar(i, (sides[0] - sides[1]) / (2 * GradCheck.EPS));
            }
            double err = GradCheck.relativeError(numeric, analytic.get(e.getKey()));
            assertTrue(err < GradCheck.BOUND, layer.describe() + " d" + e.getKey() + ": relative error " + err);
        }
    }

    /** Runs every step in training mode, truncating after step {@code cut - 1}. */
    private static void run(Recurrent layer, List<INDArray> xs, List<INDArray> rs, int cut) {
        layer.resetState();
        for (int k = 0; k < xs.size(); k++) {
            if (k == cut) {
                for (int j = cut - 1; j >= 0; j--) {
                    layer.backward(rs.get(j));              // as training would, before cutting
                }
                layer.truncate();
            }
            layer.forward(xs.get(k), true);
        }
    }

    @Test
    void rnnMatchesNumericalGradientAcrossATruncation() {
        gradientCheckWithTruncation(new Rnn(randn(1, 3, 5).muli(0.5), randn(2, 5, 5).muli(0.5), randn(3, 5)), 3, 4, 2, 3);
    }

    @Test
    void lstmMatchesNumericalGradientAcrossATruncation() {
        gradientCheckWithTruncation(new Lstm(randn(4, 3, 20).muli(0.5), randn(5, 5, 20).muli(0.5), randn(6, 20)), 3, 4, 2, 3);
    }

    @Test
    void lstmFromTheFirstStepMatchesNumericalGradient() {
        gradientCheckWithTruncation(new Lstm(randn(7, 2, 12), randn(8, 3, 12), randn(9, 12)), 0, 5, 3, 2);
    }

    /** DeZero's five-step chunk: x (5, 3, 2), t (5, 3, 1) through the network, loss the sum over the steps. */
    private static double chunk(Map<String, INDArray> ref, SeriesNet net, String prefix) {
        double loss = 0;
        for (int k = 0; k < 5; k++) {
            loss += net.step(ref.get("x").get(NDArrayIndex.point(k)), ref.get("t").get(NDArrayIndex.point(k)));
            assertClose(ref.get(prefix + "_h").get(NDArrayIndex.point(k)), net.cell().hidden(), 1e-9, prefix + " h" + k);
            if (net.cell() instanceof Lstm lstm) {
                assertClose(ref.get("lstm_c").get(NDArrayIndex.point(k)), lstm.cell(), 1e-9, "lstm c" + k);
            }
        }
        assertEquals(ref.get(prefix + "_loss").getDouble(0), loss, 1e-9 * Math.abs(loss), prefix + " loss");
        return loss;
    }

    private static Sequential network(Layer cell, Map<String, INDArray> ref, String prefix) {
        Sequential net = new Sequential(new Init(DType.FLOAT64, 0), 2).add(cell);
        return net.add(new Affine(ref.get(prefix + "_fc_W").dup(), ref.get(prefix + "_fc_b").dup()));
    }

    @Test
    void rnnChunkEqualsDezero() {
        Map<String, INDArray> ref = TestData.referenceNpz("rnn_dezero.npz");
        SeriesNet net = new SeriesNet(network(new Rnn(ref.get("rnn_x2h_W").dup(), ref.get("rnn_h2h_W").dup(),
                ref.get("rnn_x2h_b").dup()), ref, "rnn"));
        chunk(ref, net, "rnn");
        Map<String, INDArray> g = net.backward();
        assertClose(ref.get("rnn_x2h_dW"), g.get("Wx1"), 1e-9, "dWx");
        assertClose(ref.get("rnn_h2h_dW"), g.get("Wh1"), 1e-9, "dWh");
        assertClose(ref.get("rnn_x2h_db"), g.get("bh1"), 1e-9, "dbh");
        assertClose(ref.get("rnn_fc_dW"), g.get("W1"), 1e-9, "dW");
        assertClose(ref.get("rnn_fc_db"), g.get("b1"), 1e-9, "db");
    }


    @Test
    void lstmChunkEqualsDezero() {
        Map<String, INDArray> ref = TestData.referenceNpz("rnn_dezero.npz");
        Lstm lstm = new Lstm(TestData.dezeroGates(ref, "lstm_x2?_W"), TestData.dezeroGates(ref, "lstm_h2?_W"),
                TestData.dezeroGates(ref, "lstm_x2?_b"));
        SeriesNet net = new SeriesNet(network(lstm, ref, "lstm"));
        chunk(ref, net, "lstm");
        Map<String, INDArray> g = net.backward();
        assertClose(TestData.dezeroGates(ref, "lstm_x2?_dW"), g.get("Wx1"), 1e-9, "dWx");
        assertClose(TestData.dezeroGates(ref, "lstm_h2?_dW"), g.get("Wh1"), 1e-9, "dWh");
        assertClose(TestData.dezeroGates(ref, "lstm_x2?_db"), g.get("bh1"), 1e-9, "dbh");
        assertClose(ref.get("lstm_fc_dW"), g.get("W1"), 1e-9, "dW");
        assertClose(ref.get("lstm_fc_db"), g.get("b1"), 1e-9, "db");
    }

    @Test
    void stateIsKeptAcrossTruncationAndForgottenOnReset() {
        Lstm lstm = new Lstm(randn(1, 1, 8), randn(2, 2, 8), randn(3, 8));
        INDArray x = randn(4, 3, 1);
        INDArray first = lstm.forward(x, true).dup();
        lstm.truncate();
        INDArray second = lstm.forward(x, true).dup();
        assertTrue(first.sub(second).norm2Number().doubleValue() > 1e-6, "the second step continues from the state");
        lstm.resetState();
        assertNull(lstm.hidden());
        assertClose(first, lstm.forward(x, false), 0, "after resetState the step is a first step again");
        assertThrows(IllegalArgumentException.class, () -> lstm.forward(randn(5, 2, 1), true), "another batch size");
        lstm.truncate();
        assertThrows(IllegalStateException.class, () -> lstm.backward(first), "backward after truncation");
        assertThrows(IllegalArgumentException.class, () -> new Lstm(randn(1, 1, 6), randn(2, 2, 6), randn(3, 6)));
        assertThrows(IllegalArgumentException.class, () -> new Rnn(randn(1, 1, 3), randn(2, 2, 3), randn(3, 3)));
    }

    @Test
    void meanSquaredErrorIsDezeros() {
        MeanSquaredError mse = new MeanSquaredError();
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 5}});
        INDArray t = Nd4j.createFromArray(new double[][] {{0, 2}, {1, 1}});
        assertEquals((1 + 0 + 4 + 16) / 2.0, mse.forward(y, t), 1e-15);
        assertClose(Nd4j.createFromArray(new double[][] {{1, 0}, {2, 4}}), mse.backward(), 1e-15, "2 (y - t) / N");
        assertThrows(IllegalArgumentException.class, () -> mse.forward(y, t.reshape(4, 1)));
    }
}
