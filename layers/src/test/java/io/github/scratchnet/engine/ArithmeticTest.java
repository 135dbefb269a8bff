package io.github.scratchnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.ConvGeometry;
import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.cpu.Winograd;
import io.github.scratchnet.layers.Affine;
import io.github.scratchnet.layers.Convolution;
import io.github.scratchnet.layers.DeepConvNet;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.ResNet;
import io.github.scratchnet.layers.Residual;
import io.github.scratchnet.layers.Sequential;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** The multiplications of a training step, against counts made by hand and by the Winograd kernel itself. */
class ArithmeticTest {
    private final Sequential deep = DeepConvNet.create(DType.FLOAT64, 1, Dropout.Mode.INVERTED);

    @Test
    void im2rowCountsDeepConvNetByHand() {
        // per sample: rows (OH·OW) x row length (C·9) x filters, three products per layer (the first has no input gradient)
        long conv1 = 784L * 9 * 16;
        long conv2 = 784L * 144 * 16;
        long conv3 = 196L * 144 * 32;
        long conv4 = 256L * 288 * 32;                     // padding 2: 16x16 outputs
        long conv5 = 64L * 288 * 64;
        long conv6 = 64L * 576 * 64;
        long affine = 1024L * 50 + 50L * 10;
        long perSample = 2 * conv1 + 3 * (conv2 + conv3 + conv4 + conv5 + conv6 + affine);
        assertEquals(26_204_124L, perSample);
        assertEquals(7 * perSample, Arithmetic.multiplications(deep, 7, Arithmetic.Form.IM2ROW));
        assertEquals(7 * perSample, Arithmetic.multiplications(deep, 7, Arithmetic.Form.PLAN), "Winograd is off by default");
    }

    @Test
    void reducedFormTakesTheWinogradKernelsCounts() {
        int n = 3;
        long expected = Arithmetic.multiplications(deep, n, Arithmetic.Form.IM2ROW);
        long[] shape = Shapes.withBatch(n, deep.inputShape());
        boolean first = true;
        for (Layer l : deep.layers()) {
            if (l instanceof Convolution conv) {
                ConvGeometry g = conv.geometry(shape);
                int fn = (int) conv.params().get("W").size(0);
                long im2row = (long) g.oh * g.ow * g.rowLength() * fn;
                expected += n * (new Winograd(g, fn, DataType.DOUBLE).multiplications() - im2row);
                if (!first) {
                    // the input gradient: dout (FN planes of OH x OW) convolved with the flipped filters into C planes of H x W
                    ConvGeometry back = new ConvGeometry(fn, g.oh, g.ow, 3, 3, 1, 2 - g.pad);
                    assertEquals(g.h, back.oh);
                    expected += n * (new Winograd(back, g.c, DataType.DOUBLE).multiplications() - im2row);
                }
            }
            first = false;
            shape = l.outputShape(shape);
        }
        assertEquals(expected, Arithmetic.multiplications(deep, n, Arithmetic.Form.REDUCED));
    }

    @Test
    void residualBlocksCountTheirBranchAndProjection() {
        Sequential resnet = ResNet.create(DType.FLOAT64, 1);
        int products = 0;
        int projections = 0;
        for (Layer l : resnet.layers()) {
            for (Layer part : l.parts().isEmpty() ? java.util.List.of(l) : l.parts()) {
                products += part instanceof Convolution || part instanceof Affine ? 1 : 0;
            }
            projections += l instanceof Residual r && r.shortcut() != null ? 1 : 0;
        }
        assertTrue(projections > 0, "the preset has a 1x1 projection");
        // three products each, but the first layer's input gradient
        assertEquals(3 * products - 1, Arithmetic.step(resnet, 2, Arithmetic.Form.IM2ROW).size());
    }
}
