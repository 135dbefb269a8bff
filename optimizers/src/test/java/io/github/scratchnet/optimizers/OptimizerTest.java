package io.github.scratchnet.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.scratchnet.core.Params;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Two steps of each optimizer from p = (1, -2) with gradients (0.5, -1) then (0.2, 0.4), lr 0.1,
 * against values worked out by hand from the book's update rules (common/optimizer.py).
 */
class OptimizerTest {
    private static final double[][] GRADS = {{0.5, -1.0}, {0.2, 0.4}};

    private static void assertTwoSteps(Optimizer opt, double[] afterOne, double[] afterTwo) {
        INDArray p = Nd4j.createFromArray(1.0, -2.0);
        Params params = new Params().put("W1", p);
        opt.update(params, Map.of("W1", Nd4j.createFromArray(GRADS[0])));
        assertArrayEquals(afterOne, p.toDoubleVector(), 1e-12, opt + " step 1");
        opt.update(params, Map.of("W1", Nd4j.createFromArray(GRADS[1])));
        assertArrayEquals(afterTwo, p.toDoubleVector(), 1e-12, opt + " step 2");
        assertSame(p, params.get("W1"), "updated in place");
    }

    @Test
    void sgdMatchesTheBooksRuleWorkedByHandOverTwoSteps() {
        // p - 0.1 g
        assertTwoSteps(new Sgd(0.1), new double[] {0.95, -1.9}, new double[] {0.93, -1.94});
    }

    @Test
    void momentumMatchesTheBooksRuleWorkedByHandOverTwoSteps() {
        // v1 = -0.1 g1 = (-0.05, 0.1); v2 = 0.9 v1 - 0.1 g2 = (-0.065, 0.05)
        assertTwoSteps(new Momentum(0.1, 0.9), new double[] {0.95, -1.9}, new double[] {0.885, -1.85});
    }

    @Test
    void nesterovMatchesTheBooksRuleWorkedByHandOverTwoSteps() {
        // step 1: v = (-0.05, 0.1); p += 0.81 v - 0.19 g = (1 - 0.0405 - 0.095, -2 + 0.081 + 0.19)
        assertTwoSteps(new Nesterov(0.1, 0.9), new double[] {0.8645, -1.729}, new double[] {0.77385, -1.7645});
    }

    @Test
    void adaGradMatchesTheBooksRuleWorkedByHandOverTwoSteps() {
        // step 1: h = g^2, p -= 0.1 g / (|g| + 1e-7)
        assertTwoSteps(new AdaGrad(0.1), new double[] {0.900000019999996, -1.900000009999999},
                new double[] {0.862860959261136, -1.9371390741871337});
    }

    @Test
    void rmsPropMatchesTheBooksRuleWorkedByHandOverTwoSteps() {
        // step 1: h = 0.01 g^2, p -= 0.1 g / (0.1 |g| + 1e-7)
        assertTwoSteps(new RmsProp(0.1, 0.99), new double[] {1.999996000479065e-06, -1.0000009999990005},
                new double[] {-0.37299922764924837, -1.3730025754693633});
    }

    @Test
    void adamMatchesTheBooksRuleWorkedByHandOverTwoSteps() {
        // step 1: lr_t = 0.1 sqrt(0.001) / 0.1, m = 0.1 g, v = 0.001 g^2
        assertTwoSteps(new Adam(0.1, 0.9, 0.999), new double[] {0.9000006324515321, -1.900000316226766},
                new double[] {0.8101436398802739, -1.8654398329523467});
    }

    @Test
    void adamWMatchesLoshchilovAndHuttersRuleWorkedByHandOverTwoSteps() {
        // each step: p *= 1 - lr*lambda = 0.95, then Adam's step from the decayed p (m and v as Adam's)
        assertTwoSteps(OptimizerKind.ADAMW.create(0.1).withWeightDecay(0.5),
                new double[] {0.850000632451532, -1.800000316226766}, new double[] {0.7176436082576972, -1.6754398171410083});
    }

    @Test
    void decoupledWeightDecayAddsNoPenaltyToTheLoss() {
        Params params = new Params().put("W1", Nd4j.createFromArray(1.0, -2.0));
        assertEquals(0.0, OptimizerKind.ADAMW.create(0.1).withWeightDecay(0.5).penalty(params), 0.0);
        assertEquals("adamw(lr=0.1, weight_decay=0.5)", OptimizerKind.ADAMW.create(0.1).withWeightDecay(0.5).toString());
    }

    @Test
    void adamsFloat32LoopEqualsItsNd4jOps() {
        // A transposed view is not dense, so it takes the ND4J ops; the dense copy takes the loop.
        INDArray start = Nd4j.rand(DataType.DOUBLE, 7, 5).subi(0.5).castTo(DataType.FLOAT);
        Params ops = new Params().put("W1", start.transpose().dup('c').transpose());
        Params loop = new Params().put("W1", start.dup('c'));
        Optimizer a = new Adam(0.01, 0.9, 0.999);
        Optimizer b = new Adam(0.01, 0.9, 0.999);
        for (int step = 0; step < 3; step++) {
            INDArray g = Nd4j.rand(DataType.DOUBLE, 7, 5).subi(0.5).castTo(DataType.FLOAT);
            a.update(ops, Map.of("W1", g.transpose().dup('c').transpose()));
            b.update(loop, Map.of("W1", g.dup('c')));
        }
        assertArrayEquals(ops.get("W1").dup('c').reshape(35).toDoubleVector(), loop.get("W1").reshape(35).toDoubleVector(), 1e-6);
    }

    @Test
    void weightDecayAddsLambdaTimesWeightToWeightsOnly() {
        INDArray w = Nd4j.createFromArray(1.0, -2.0);
        INDArray b = Nd4j.createFromArray(1.0, -2.0);
        Params params = new Params().put("W1", w).put("b1", b);
        Optimizer sgd = new Sgd(0.1).withWeightDecay(0.5);
        assertEquals(0.5 * 0.5 * 5, sgd.penalty(params), 1e-15);
        INDArray g = Nd4j.createFromArray(0.5, -1.0);
        sgd.update(params, Map.of("W1", g, "b1", g));
        assertArrayEquals(new double[] {1 - 0.1 * (0.5 + 0.5), -2 - 0.1 * (-1 - 1)}, w.toDoubleVector(), 1e-15);
        assertArrayEquals(new double[] {0.95, -1.9}, b.toDoubleVector(), 1e-15);
    }

    @Test
    void stateSavesAndRestoresExactly() {
        Params a = new Params().put("W1", Nd4j.createFromArray(1.0, -2.0));
        Params b = new Params().put("W1", Nd4j.createFromArray(1.0, -2.0));
        Optimizer first = new Adam(0.1, 0.9, 0.999);
        first.update(a, Map.of("W1", Nd4j.createFromArray(GRADS[0])));
        b.get("W1").assign(a.get("W1"));
        Optimizer resumed = new Adam(0.1, 0.9, 0.999);
        resumed.loadState(first.saveState(), first.steps());
        first.update(a, Map.of("W1", Nd4j.createFromArray(GRADS[1])));
        resumed.update(b, Map.of("W1", Nd4j.createFromArray(GRADS[1])));
        assertEquals(a.get("W1"), b.get("W1"));
    }

    @Test
    void schedulesGiveTheirRatesAndABadLearningRateIsRefused() {
        assertEquals(0.1, new Schedule.Constant().rate(0.1, 7, 70, 100), 0);
        assertEquals(0.1 * 0.25, new Schedule.StepDecay(2, 0.5).rate(0.1, 5, 0, 0), 1e-15);
        assertEquals(0.05, new Schedule.Cosine().rate(0.1, 0, 50, 100), 1e-15);
        assertEquals(0.0, new Schedule.Cosine().rate(0.1, 0, 100, 100), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new Sgd(-1));
    }

    @Test
    void aWarmUpClimbsLinearlyThenHandsTheRestToItsSchedule() {
        Schedule s = new Schedule.Warmup(4, new Schedule.Cosine());
        double[] first = {0.025, 0.05, 0.075, 0.1};                 // 0.1 * (i + 1) / 4
        for (int i = 0; i < 4; i++) {
            assertEquals(first[i], s.rate(0.1, 0, i, 10), 1e-15, "iteration " + i);
        }
        assertEquals(0.1, s.rate(0.1, 0, 4, 10), 1e-15);               // cosine's start over the 6 that remain
        assertEquals(0.05, s.rate(0.1, 0, 7, 10), 1e-15);              // 0.1 * (1 + cos(pi * 3/6)) / 2
        assertThrows(IllegalArgumentException.class, () -> new Schedule.Warmup(0, new Schedule.Constant()));
    }

    @Test
    void oneCycleRisesFromBaseOver25ToBaseThenFallsTo10000TimesLess() {
        Schedule s = new Schedule.OneCycle();
        assertEquals(0.004, s.rate(0.1, 0, 0, 100), 1e-15);            // 0.1 / 25
        assertEquals(0.052, s.rate(0.1, 0, 15, 100), 1e-15);           // half way up: (0.004 + 0.1) / 2
        assertEquals(0.1, s.rate(0.1, 0, 30, 100), 1e-15);             // the peak, 30% in
        assertEquals(0.0500002, s.rate(0.1, 0, 65, 100), 1e-15);       // half way down: (0.1 + 4e-7) / 2
        assertEquals(4e-7, s.rate(0.1, 0, 100, 100), 1e-18);           // 0.1 / 25 / 1e4
    }
}
