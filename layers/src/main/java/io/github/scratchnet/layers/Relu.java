package io.github.scratchnet.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** ReLU, book section 5.5.1: {@code out = max(0, x)}; the gradient passes where x > 0. Any shape. */
public final class Relu implements Layer {
    // set by forward, read by backward: 1 where x > 0, else 0
    private INDArray mask;

    @Override
    public INDArray forward(INDArray x, boolean train) {
        mask = x.gt(0).castTo(x.dataType());
        return Transforms.relu(x, true);
    }

    @Override
    public INDArray backward(INDArray dout) {
        return dout.mul(Layer.requireForward(mask, this));
    }

    @Override
    public long[] outputShape(long[] in) {
        return in;
    }
}
