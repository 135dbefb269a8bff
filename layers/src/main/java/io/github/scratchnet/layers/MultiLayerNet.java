package io.github.scratchnet.layers;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.WeightInit;
import java.util.List;

/**
 * The book's fully connected network (chapter 6, common/multi_layer_net_extend.py): for each
 * hidden size, affine - [batch norm] - activation - [dropout]; then affine to the outputs and
 * softmax. Keys W1.., b1.., and gamma1.., beta1.., running_mean1.., running_var1.. with batch norm.
 */
public final class MultiLayerNet {

    public enum Activation {
        RELU, SIGMOID
    }

    /**
     * @param hidden        sizes of the hidden layers, e.g. 100, 100, 100
     * @param activation    RELU (He initialisation) or SIGMOID (Xavier initialisation)
     * @param batchNorm     whether each hidden affine is followed by BatchNormalization (momentum 0.9)
     * @param dropoutRatio  0 for none, else a Dropout of this ratio after each activation
     */
    public record Config(long inputSize, List<Long> hidden, long outputSize, Activation activation,
                         WeightInit weightInit, boolean batchNorm, double dropoutRatio, Dropout.Mode dropoutMode) {

        /** MNIST-sized: 784 inputs, 10 outputs, ReLU with He weights, no batch norm, no dropout. */
        public static Config of(Long... hidden) {
            return new Config(784, List.of(hidden), 10, Activation.RELU, WeightInit.HE, false, 0, Dropout.Mode.INVERTED);
        }

        public Config withActivation(Activation a, WeightInit w) {
            return new Config(inputSize, hidden, outputSize, a, w, batchNorm, dropoutRatio, dropoutMode);
        }

        public Config withBatchNorm(boolean on) {
            return new Config(inputSize, hidden, outputSize, activation, weightInit, on, dropoutRatio, dropoutMode);
        }

        public Config withDropout(double ratio, Dropout.Mode mode) {
            return new Config(inputSize, hidden, outputSize, activation, weightInit, batchNorm, ratio, mode);
        }

        public Config withSizes(long input, long output) {
            return new Config(input, hidden, output, activation, weightInit, batchNorm, dropoutRatio, dropoutMode);
        }
    }

    private MultiLayerNet() {
    }

    public static Sequential create(DType dtype, long seed, Config c) {
        Init init = new Init(dtype, seed);
        Sequential net = new Sequential(init, c.inputSize());
        for (long size : c.hidden()) {
            net.add(new Affine(init, c.weightInit(), net.outputSize(), size));
            if (c.batchNorm()) {
                net.add(new BatchNormalization(init, size, 0.9, BatchNormalization.Mode.PER_FEATURE));
            }
            net.add(c.activation() == Activation.RELU ? new Relu() : new Sigmoid());
            if (c.dropoutRatio() > 0) {
                net.add(new Dropout(c.dropoutRatio(), c.dropoutMode(), init.rng()));
            }
        }
        return net.add(new Affine(init, c.weightInit(), net.outputSize(), c.outputSize()));
    }
}
