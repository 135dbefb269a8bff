package io.github.scratchnet.engine;

import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Sequential;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One layer run as it is written: every layer of the book engine, and what the fast engine has no kernel for. */
final class LayerStep extends Step {
    private final Layer layer;

    LayerStep(Sequential net, Layer layer, int first) {
        super(net, List.of(layer), first);
        this.layer = layer;
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        return layer.forward(x, train);
    }

    @Override
    public INDArray backward(INDArray dout, boolean inputGradient) {
        return layer.backward(dout);
    }

    @Override
    public Map<String, INDArray> grads() {
        return network().gradsOf(layer);
    }
}
