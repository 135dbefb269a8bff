package io.github.scratchnet.layers;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.Params;
import io.github.scratchnet.core.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network: layers applied in order, then {@link SoftmaxWithLoss}. Adding a layer names its
 * parameters the book's way: a running number per kind of layer, taken from the first local name
 * ({@code W, b} of the 1st, 2nd... Affine or Convolution become W1, b1, W2, b2...; a
 * BatchNormalization's {@code gamma, beta, running_mean, running_var} become gamma1, beta1...).
 * Input shapes are followed from layer to layer, so sizes are derived, never hard-coded.
 */
public class Sequential implements Model {
    private final Init init;
    private final long[] inputShape;
    private long[] outputShape;
    private final List<Layer> layers = new ArrayList<>();
    /** The key number of each layer holding parameters ("" for the others), parts of composite layers included. */
    private final Map<Layer, String> numbers = new IdentityHashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private final Params params = new Params();
    private final Params state = new Params();
    /** params and state together, in layer order: what a params file holds. */
    private final Params all = new Params();
    private SoftmaxWithLoss loss = new SoftmaxWithLoss();

    /** A network over samples of {@code inputShape} (without the batch dimension, e.g. 1, 28, 28). */
    public Sequential(Init init, long... inputShape) {
        if (inputShape.length == 0) {
            throw new IllegalArgumentException("Sequential needs the shape of one input sample, e.g. (1, 28, 28)");
        }
        this.init = init;
        this.inputShape = inputShape.clone();
        this.outputShape = inputShape.clone();
    }

    public Sequential add(Layer layer) {
        long[] withBatch = Shapes.withBatch(1, outputShape);
        long[] out = layer.outputShape(withBatch);
        register(layer);
        layers.add(layer);
        outputShape = Arrays.copyOfRange(out, 1, out.length);
        return this;
    }

    /** Names the parameters of {@code layer}, or of each of its parts in turn. */
    private void register(Layer layer) {
        if (numbers.containsKey(layer)) {
            throw new IllegalArgumentException(layer.describe() + " is already in the network: add a new layer object");
        }
        if (!layer.parts().isEmpty()) {
            numbers.put(layer, "");
            layer.parts().forEach(this::register);
            return;
        }
        Map<String, INDArray> p = layer.params();
        Map<String, INDArray> s = layer.state();
        String number = "";
        if (!p.isEmpty() || !s.isEmpty()) {
            String kind = (p.isEmpty() ? s : p).keySet().iterator().next();
            number = String.valueOf(counters.merge(kind, 1, Integer::sum));
        }
        for (Map<String, INDArray> m : List.of(p, s)) {
            for (Map.Entry<String, INDArray> e : m.entrySet()) {
                if (e.getValue().dataType() != dtype().nd4j()) {
                    throw new IllegalArgumentException(layer.describe() + ": parameter " + e.getKey() + " is "
                            + e.getValue().dataType() + ", the network computes in " + dtype());
                }
                (m == p ? params : state).put(e.getKey() + number, e.getValue());
                all.put(e.getKey() + number, e.getValue());
            }
        }
        numbers.put(layer, number);
    }

    @Override
    public INDArray predict(INDArray x, boolean train) {
        INDArray out = input(x);
        for (Layer layer : layers) {
            out = layer.forward(out, train);
        }
        return out;
    }

    /** x checked against the input shape, (N, inputShape...), and converted to the network's data type. */
    public INDArray input(INDArray x) {
        long[] expected = Shapes.withBatch(x.rank() > 0 ? x.size(0) : 0, inputShape);
        if (!Arrays.equals(x.shape(), expected)) {
            throw new IllegalArgumentException("the network expects input (N, " + Shapes.str(inputShape).substring(1)
                    + ", found " + Shapes.str(x.shape()));
        }
        return x.dataType() == dtype().nd4j() ? x : x.castTo(dtype().nd4j());
    }

    @Override
    public double loss(INDArray x, INDArray labels, boolean train) {
        return loss.forward(predict(x, train), labels);
    }

    @Override
    public Map<String, INDArray> gradient() {
        INDArray dout = loss.backward();
        for (int i = layers.size() - 1; i >= 0; i--) {
            dout = layers.get(i).backward(dout);
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (Layer layer : layers) {
            grads.putAll(gradsOf(layer));
        }
        return grads;
    }

    /** The gradients of {@code layer}'s last backward (or of its parts') under the network's keys. */
    public Map<String, INDArray> gradsOf(Layer layer) {
        return collect(layer, Layer::grads);
    }

    /** The parameters of {@code layer} (or of its parts) under the network's keys. */
    public Map<String, INDArray> paramsOf(Layer layer) {
        return collect(layer, Layer::params);
    }

    private Map<String, INDArray> collect(Layer layer, Function<Layer, Map<String, INDArray>> local) {
        if (layer.parts().isEmpty()) {
            return keyed(layer, local.apply(layer));
        }
        Map<String, INDArray> m = new LinkedHashMap<>();
        layer.parts().forEach(part -> m.putAll(collect(part, local)));
        return m;
    }

    /** Arrays under a layer's local names ("W", "gamma", ...) put under the network's keys ("W3", "gamma1", ...). */
    public Map<String, INDArray> keyed(Layer layer, Map<String, INDArray> local) {
        String number = numbers.get(layer);
        if (number == null) {
            throw new IllegalArgumentException(layer.describe() + " is not in this network");
        }
        Map<String, INDArray> m = new LinkedHashMap<>();
        local.forEach((k, a) -> m.put(k + number, a));
        return m;
    }

    @Override
    public Sequential network() {
        return this;
    }

    /** Trainable parameters by key: the arrays the layers compute with. */
    public Params params() {
        return params;
    }

    /** Non-trainable state (BatchNormalization's running statistics) by key. */
    public Params state() {
        return state;
    }

    /** Params and state in layer order: what params files hold. */
    public Params saved() {
        return all;
    }

    /** Copies loaded arrays into the network, checking keys and shapes first ({@link Params#assign}). */
    public void load(Map<String, INDArray> arrays, String source) {
        all.assign(arrays, source);
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    public SoftmaxWithLoss lossLayer() {
        return loss;
    }

    /** Replaces the loss layer (label smoothing, say); returns this network. */
    public Sequential lossLayer(SoftmaxWithLoss loss) {
        this.loss = loss;
        return this;
    }

    public DType dtype() {
        return init.dtype();
    }

    public Init init() {
        return init;
    }

    public long[] inputShape() {
        return inputShape.clone();
    }

    /** The shape of one sample's output after the layers added so far. */
    public long[] outputShape() {
        return outputShape.clone();
    }

    /** Elements per sample after the layers added so far (what a following Affine takes). */
    public long outputSize() {
        return Shapes.length(outputShape);
    }
}
