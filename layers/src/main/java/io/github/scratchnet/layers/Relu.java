package io.github.scratchnet.layers;

import io.github.scratchnet.core.Buffers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ReLU, book section 5.5.1: {@code out = max(0, x)}; backward passes dout where x > 0 and 0
 * elsewhere. x > 0 exactly where out > 0, so out is all backward needs: its sign is the mask.
 * Any shape.
 */
public final class Relu implements Layer {
    // set by forward, read by backward
    private INDArray out;
    // refilled at every step
    private INDArray dx;

    @Override
    public INDArray forward(INDArray x, boolean train) {
        out = Buffers.reuse(out, x.dataType(), x.shape()).assign(x);
        return Transforms.relu(out, false);                         // in place
    }

    @Override
    public INDArray backward(INDArray dout) {
        Layer.requireForward(out, this);
        dx = Buffers.reuse(dx, dout.dataType(), dout.shape()).assign(out);
        return Transforms.sign(dx, false).muli(dout);               // sign(out) is 1 where x > 0, else 0
    }

    @Override
    public long[] outputShape(long[] in) {
        return in;
    }
}
