package io.github.scratchnet.layers;

import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.WeightInit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SequentialTest {

    /** A network a user might build: none of it is a preset. */
    private static Sequential customCnn(DType dtype) {
        Init init = new Init(dtype, 7);
        Sequential net = new Sequential(init, 2, 9, 7)
                .add(new Convolution(init, WeightInit.HE, 2, 4, 3, 1, 1))
                .add(new Relu())
                .add(new BatchNormalization(init, 4 * 9 * 7, 0.9, BatchNormalization.Mode.PER_FEATURE))
                .add(new Pooling(Pooling.Kind.AVERAGE, 2, 2, 2, 0))
                .add(new Convolution(init, WeightInit.XAVIER, 4, 3, 2, 2, 1))
                .add(new Sigmoid());
        return net.add(new Affine(init, WeightInit.HE, net.outputSize(), 5));
    }

    @Test
    void aCustomCnnLearnsWithPlainGradientSteps() {
        Sequential net = customCnn(DType.FLOAT32);
        INDArray x = randn(1, 16, 2, 9, 7);
        INDArray t = Nd4j.createFromArray(0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0);
        double first = net.loss(x, t, true);
        double last = first;
        for (int step = 0; step < 60; step++) {
            last = net.loss(x, t, true);
            Map<String, INDArray> g = net.gradient();
            net.params().asMap().forEach((k, p) -> p.subi(g.get(k).mul(0.3)));
        }
        assertTrue(last < 0.6 * first, "loss went from " + first + " to " + last);
    }

    @Test
    void wholeNetworkGradientMatchesNumericalGradient() {
        GradCheck.network(customCnn(DType.FLOAT64), randn(2, 3, 2, 9, 7), Nd4j.createFromArray(4, 0, 2));
    }

    @Test
    void namesParametersTheBooksWay() {
        Sequential net = MultiLayerNet.create(DType.FLOAT32, 1,
                MultiLayerNet.Config.of(20L, 10L).withBatchNorm(true).withDropout(0.2, Dropout.Mode.INVERTED));
        assertEquals(List.of("W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"),
                List.copyOf(net.params().keys()));
        assertEquals(List.of("running_mean1", "running_var1", "running_mean2", "running_var2"),
                List.copyOf(net.state().keys()));
        assertEquals(14, net.saved().size());
        assertTrue(net.params().get("W1") == net.layers().get(0).params().get("W"), "the map holds the layer's array");
    }

    @Test
    void sameSeedSameNetwork() {
        Sequential a = SimpleConvNet.create(DType.FLOAT32, 5);
        Sequential b = SimpleConvNet.create(DType.FLOAT32, 5);
        Sequential c = SimpleConvNet.create(DType.FLOAT32, 6);
        assertEquals(a.params().get("W2"), b.params().get("W2"));
        assertTrue(!a.params().get("W2").equals(c.params().get("W2")));
        assertEquals(List.of(30L * 12 * 12, 100L), List.of(a.params().get("W2").size(0), a.params().get("W2").size(1)));
    }

    @Test
    void wrongInputShapeIsNamed() {
        Sequential net = SimpleConvNet.create(DType.FLOAT32, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.predict(randn(1, 2, 28, 28), false));
        assertEquals("the network expects input (N, 1, 28, 28), found (2, 28, 28)", e.getMessage());
    }
}
