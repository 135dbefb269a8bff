package io.github.scratchnet.layers;

import static io.github.scratchnet.core.TestData.assertClose;
import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.WeightInit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Residual blocks, per-channel batch norm inside them, and the ResNet and VGG presets. */
class ResidualTest {

    /** A network with a projected block (stride 2) and an identity block, per-channel batch norm inside both. */
    private static Sequential small(long seed) {
        Init init = new Init(DType.FLOAT64, seed);
        return new Sequential(init, 2, 6, 6)
                .add(new Convolution(init, WeightInit.HE, 2, 3, 3, 1, 1))
                .add(ResNet.block(init, 3, 4, 2))
                .add(new Relu())
                .add(ResNet.block(init, 4, 4, 1))
                .add(new Affine(init, WeightInit.HE, 4 * 3 * 3, 3));
    }

    @Test
    void aNetworkOfResidualBlocksMatchesTheNumericalGradient() {
        GradCheck.network(small(1), randn(2, 3, 2, 6, 6), Nd4j.createFromArray(2, 0, 1));
    }

    @Test
    void theOutputIsTheBranchPlusTheShortcut() {
        Init init = new Init(DType.FLOAT64, 3);
        Convolution conv = new Convolution(init, WeightInit.HE, 2, 2, 3, 1, 1);
        Residual identity = new Residual(List.of(new Convolution(conv.params().get("W").dup(), conv.params().get("b").dup(), 1, 1)));
        INDArray x = randn(4, 2, 2, 5, 5);
        assertClose(conv.forward(x, true).add(x), identity.forward(x, true), 1e-14, "x + F(x)");
        INDArray dout = randn(5, 2, 2, 5, 5);
        assertClose(conv.backward(dout).add(dout), identity.backward(dout), 1e-14, "dx = dF + dout");
        GradCheck.check(identity, x, true);
    }

    @Test
    void aShortcutThatDoesNotMatchTheBranchIsNamed() {
        Init init = new Init(DType.FLOAT64, 3);
        Residual r = new Residual(List.of(new Convolution(init, WeightInit.HE, 2, 4, 3, 2, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sequential(init, 2, 6, 6).add(r));
        assertEquals("Residual: the branch gives (1, 4, 3, 3) and the shortcut (1, 2, 6, 6) for input (1, 2, 6, 6): give it a"
                + " projection that matches the branch", e.getMessage());
    }

    @Test
    void theBlocksPartsAreNamedAsTheNetworksOwnLayers() {
        Sequential net = small(1);
        assertEquals(List.of("W1", "b1", "W2", "b2", "gamma1", "beta1", "W3", "b3", "gamma2", "beta2", "W4", "b4",
                "W5", "b5", "gamma3", "beta3", "W6", "b6", "gamma4", "beta4", "W7", "b7"), List.copyOf(net.params().keys()));
        Residual block = (Residual) net.layers().get(1);
        assertTrue(net.params().get("W4") == block.shortcut().params().get("W"), "the projection's own array");
        assertEquals(List.of("W2", "b2", "gamma1", "beta1", "W3", "b3", "gamma2", "beta2", "W4", "b4"),
                List.copyOf(net.paramsOf(block).keySet()));
    }

    @Test
    void theResNetAndVggPresetsHaveTheirShapes() {
        Sequential resnet = ResNet.create(DType.FLOAT32, 1);
        assertEquals(List.of(64L, 1L, 1L), List.of(resnet.layers().get(resnet.layers().size() - 2).outputShape(
                new long[] {1, 64, 7, 7})[1], 1L, 1L));
        assertEquals(10, resnet.outputSize());
        assertEquals(13, resnet.state().size() / 2, "batch norms: the stem's and two per block");
        Sequential vgg = Vgg.create(DType.FLOAT32, 1, Dropout.Mode.INVERTED);
        assertEquals(20, vgg.params().size(), "seven convolutions and three affine layers");
        assertEquals(List.of(576L, 256L), List.of(vgg.params().get("W8").size(0), vgg.params().get("W8").size(1)));
        assertEquals(10, vgg.outputSize());
    }
}
