package io.github.scratchnet.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Sigmoid, book section 5.5.2: {@code out = 1 / (1 + exp(-x))}; {@code dx = dout * out * (1 - out)}. Any shape. */
public final class Sigmoid implements Layer {
    // set by forward, read by backward
    private INDArray out;

    @Override
    public INDArray forward(INDArray x, boolean train) {
        out = Transforms.sigmoid(x, true);
        return out;
    }

    @Override
    public INDArray backward(INDArray dout) {
        Layer.requireForward(out, this);
        return dout.mul(out).muli(out.rsub(1.0));
    }

    @Override
    public long[] outputShape(long[] in) {
        return in;
    }
}
