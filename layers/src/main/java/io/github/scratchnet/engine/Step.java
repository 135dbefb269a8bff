package io.github.scratchnet.engine;

import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Sequential;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One step of a plan: one or more consecutive layers of a network computed together. Its arrays
 * belong to it and are refilled by its next forward or backward, as a layer's are.
 */
public abstract class Step {
    private final Sequential net;
    private final int first;
    private final List<Layer> layers;

    /** {@code layers} of {@code net}, the first of them at index {@code first} of the network's layers (or inside the layer there). */
    protected Step(Sequential net, List<Layer> layers, int first) {
        this.net = net;
        this.first = first;
        this.layers = List.copyOf(layers);
    }

    /** x -> out, as the layers' forwards in turn would give. */
    public abstract INDArray forward(INDArray x, boolean train);

    /**
     * dL/dout -> dL/dx for the input of the last forward, writing the parameter gradients. Where
     * {@code inputGradient} is false (the first step: its input is the images) dx may be skipped
     * and null returned.
     */
    public abstract INDArray backward(INDArray dout, boolean inputGradient);

    /** The parameter gradients of the last backward under the network's keys (W1, b1, ...). */
    public abstract Map<String, INDArray> grads();

    public Sequential network() {
        return net;
    }

    /** The index in the network of the step's first layer (or of the layer that holds it). */
    public int first() {
        return first;
    }

    public List<Layer> layers() {
        return layers;
    }

    /** The layers it covers, such as {@code Convolution(16, 3x3, stride 1, pad 1) + Relu + Pooling(max, 2x2, stride 2)}. */
    public String describe() {
        return layers.stream().map(Layer::describe).collect(Collectors.joining(" + "));
    }
}
