package io.github.scratchnet.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ReLU, book section 5.5.1: {@code out = max(0, x)}; backward passes dout where x > 0 and 0
 * elsewhere. x > 0 exactly where out > 0, so out is all backward needs. Any shape.
 */
public final class Relu implements Layer {
    // set by forward, read by backward
    private INDArray out;

    @Override
    public INDArray forward(INDArray x, boolean train) {
        out = Transforms.relu(x, true);
        return out;
    }

    @Override
    public INDArray backward(INDArray dout) {
        INDArray mask = Layer.requireForward(out, this).gt(0).castTo(dout.dataType());
        return dout.mul(mask);
    }

    @Override
    public long[] outputShape(long[] in) {
        return in;
    }
}
