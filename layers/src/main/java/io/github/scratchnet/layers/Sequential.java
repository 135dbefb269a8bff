package io.github.scratchnet.layers;

import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.Params;
import io.github.scratchnet.core.Shapes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network: layers applied in order, then {@link SoftmaxWithLoss}. Adding a layer names its
 * parameters the book's way: a running number per kind of layer, taken from the first local name
 * ({@code W, b} of the 1st, 2nd... Affine or Convolution become W1, b1, W2, b2...; a
 * BatchNormalization's {@code gamma, beta, running_mean, running_var} become gamma1, beta1...).
 * Input shapes are followed from layer to layer, so sizes are derived, never hard-coded.
 */
public class Sequential {
    private final Init init;
    private final long[] inputShape;
    private long[] outputShape;
    private final List<Layer> layers = new ArrayList<>();
    private final List<String> numbers = new ArrayList<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private final Params params = new Params();
    private final Params state = new Params();
    /** params and state together, in layer order: what a params file holds. */
    private final Params all = new Params();
    private final SoftmaxWithLoss loss = new SoftmaxWithLoss();

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
        Layer last = layers.isEmpty() ? null : layers.get(layers.size() - 1);
        if (layer instanceof Relu relu && last instanceof Convolution conv) {
            relu.after(conv);             // the convolution computes the ReLU in its own pass (see Relu)
        }
        if (layer instanceof Pooling pool && last instanceof Relu relu && relu.linkedConvolution() != null) {
            pool.after(relu.linkedConvolution());   // and the pooling after it, where it can (see Pooling)
        }
        layers.add(layer);
        numbers.add(number);
        outputShape = java.util.Arrays.copyOfRange(out, 1, out.length);
        return this;
    }

    /** Scores (N, K) for x (N, inputShape...); x is converted to the network's data type. */
    public INDArray predict(INDArray x, boolean train) {
        long[] expected = Shapes.withBatch(x.rank() > 0 ? x.size(0) : 0, inputShape);
        if (!java.util.Arrays.equals(x.shape(), expected)) {
            throw new IllegalArgumentException("the network expects input (N, " + Shapes.str(inputShape).substring(1)
                    + ", found " + Shapes.str(x.shape()));
        }
        INDArray out = x.dataType() == dtype().nd4j() ? x : x.castTo(dtype().nd4j());
        for (Layer layer : layers) {
            out = layer.forward(out, train);
        }
        return out;
    }

    /** Forward through the layers and the loss; the mean loss of the batch. */
    public double loss(INDArray x, INDArray labels, boolean train) {
        return loss.forward(predict(x, train), labels);
    }

    /**
     * Backward from the loss of the last {@link #loss} call through every layer; the gradients by
     * parameter key, in the order of {@link #params()}.
     */
    public Map<String, INDArray> gradient() {
        INDArray dout = loss.backward();
        for (int i = layers.size() - 1; i > 0; i--) {
            dout = layers.get(i).backward(dout);
        }
        layers.get(0).backwardParamsOnly(dout);
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            String number = numbers.get(i);
            layers.get(i).grads().forEach((k, g) -> grads.put(k + number, g));
        }
        return grads;
    }

    /** Predicted classes in test mode, computed {@code batchSize} samples at a time. */
    public int[] classify(INDArray x, int batchSize) {
        long n = x.size(0);
        int[] out = new int[Math.toIntExact(n)];
        INDArray batch = null;
        for (long from = 0; from < n; from += batchSize) {
            long to = Math.min(n, from + batchSize);
            // copied into one reused dense buffer: the layers would otherwise copy each view into fresh memory
            INDArray view = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to));
            batch = Buffers.reuse(batch, view.dataType(), view.shape()).assign(view);
            INDArray scores = predict(batch, false);
            long[] arg = Nd4j.argMax(scores, 1).toLongVector();
            for (int i = 0; i < arg.length; i++) {
                out[(int) from + i] = (int) arg[i];
            }
        }
        return out;
    }

    /** Fraction of samples whose predicted class equals the label (labels as for {@link SoftmaxWithLoss}). */
    public double accuracy(INDArray x, INDArray labels, int batchSize) {
        int[] predicted = classify(x, batchSize);
        int[] t = SoftmaxWithLoss.classIndices(labels, predicted.length, outputShape[outputShape.length - 1]);
        int correct = 0;
        for (int i = 0; i < t.length; i++) {
            correct += predicted[i] == t[i] ? 1 : 0;
        }
        return (double) correct / t.length;
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

    /** The key number each layer's parameters carry ("" for layers without parameters). */
    public String number(int layerIndex) {
        return numbers.get(layerIndex);
    }

    public SoftmaxWithLoss lossLayer() {
        return loss;
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
