package io.github.scratchnet.engine;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.layers.Affine;
import io.github.scratchnet.layers.BatchNormalization;
import io.github.scratchnet.layers.Convolution;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Model;
import io.github.scratchnet.layers.Pooling;
import io.github.scratchnet.layers.Relu;
import io.github.scratchnet.layers.Residual;
import io.github.scratchnet.layers.Sequential;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How a network is computed: its layers grouped into steps, run in order forward and in reverse
 * backward, then the network's loss layer. The plan holds no parameters of its own: its steps
 * read the network's arrays and write gradients under the network's keys, so an optimizer
 * updates the network as it would after {@link Sequential#gradient()}.
 */
public final class Plan implements Model {
    private final Sequential net;
    private final Engine engine;
    private final List<Step> steps;

    private Plan(Sequential net, Engine engine, List<Step> steps) {
        this.net = net;
        this.engine = engine;
        this.steps = Collections.unmodifiableList(steps);
    }

    /** Every layer as written, one step each. */
    static Plan book(Sequential net) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < net.layers().size(); i++) {
            steps.add(new LayerStep(net, net.layers().get(i), i));
        }
        return new Plan(net, Engine.BOOK, steps);
    }

    /**
     * The fast plan: a step with a CPU kernel for each pattern it knows, the layer as written for
     * the rest. With {@code fuse}, a Convolution takes the ReLU after it into its pass, and in
     * float32 the 2x2 max pooling after that too; without, each runs on its own kernel. A network
     * in 16 bits runs as written.
     */
    static Plan fast(Sequential net, boolean fuse) {
        if (!net.dtype().trainable()) {
            return book(net);                    // the CPU kernels compute in float32 and float64 only
        }
        return new Plan(net, Engine.FAST, fastSteps(net, net.layers(), -1, fuse));
    }

    /**
     * The fast steps of {@code layers} of {@code net}: for its own layers (at, -1), each step
     * knows its first layer's index; for the parts of a layer (a residual block's branch), the
     * index {@code at} of that layer.
     */
    static List<Step> fastSteps(Sequential net, List<Layer> layers, int at, boolean fuse) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < layers.size(); ) {
            Layer layer = layers.get(i);
            int first = at < 0 ? i : at;
            Step step;
            if (layer instanceof Convolution) {
                int fused = 1;
                if (fuse && i + 1 < layers.size() && layers.get(i + 1) instanceof Relu) {
                    fused = net.dtype() == DType.FLOAT32 && i + 2 < layers.size()
                            && layers.get(i + 2) instanceof Pooling p && ConvolutionStep.canPool(p) ? 3 : 2;
                }
                step = new ConvolutionStep(net, layers.subList(i, i + fused), first);
            } else if (layer instanceof Pooling p && p.kind() == Pooling.Kind.MAX) {
                step = new MaxPoolStep(net, p, first);
            } else if (layer instanceof Affine a) {
                step = new AffineStep(net, a, first);
            } else if (layer instanceof BatchNormalization bn && bn.mode() == BatchNormalization.Mode.PER_CHANNEL) {
                step = new BatchNormStep(net, bn, first);
            } else if (layer instanceof Residual r) {
                step = new ResidualStep(net, r, first, fuse);
            } else {
                step = new LayerStep(net, layer, first);
            }
            steps.add(step);
            i += step.layers().size();
        }
        return steps;
    }

    @Override
    public Sequential network() {
        return net;
    }

    /** The engine whose steps these are: BOOK for a fast plan of a 16-bit network, which runs as written. */
    public Engine engine() {
        return engine;
    }

    public List<Step> steps() {
        return steps;
    }

    @Override
    public INDArray predict(INDArray x, boolean train) {
        INDArray out = net.input(x);
        for (Step step : steps) {
            out = step.forward(out, train);
        }
        return out;
    }

    @Override
    public double loss(INDArray x, INDArray labels, boolean train) {
        return net.lossLayer().forward(predict(x, train), labels);
    }

    @Override
    public Map<String, INDArray> gradient() {
        INDArray dout = net.lossLayer().backward();
        for (int i = steps.size() - 1; i >= 0; i--) {
            dout = steps.get(i).backward(dout, i > 0);
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (Step step : steps) {
            grads.putAll(step.grads());
        }
        return grads;
    }
}
