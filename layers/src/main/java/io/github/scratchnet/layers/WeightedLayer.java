package io.github.scratchnet.layers;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What Affine and Convolution share: a weight W and bias b, and their gradients dW and db. */
abstract class WeightedLayer implements Layer {
    protected final INDArray W;
    protected final INDArray b;

    // written by backward
    protected INDArray dW;
    protected INDArray db;

    WeightedLayer(INDArray W, INDArray b) {
        this.W = W;
        this.b = b;
    }

    @Override
    public Map<String, INDArray> params() {
        return Layer.named("W", W, "b", b);
    }

    @Override
    public Map<String, INDArray> grads() {
        return Layer.named("W", Layer.requireForward(dW, this), "b", db);
    }
}
