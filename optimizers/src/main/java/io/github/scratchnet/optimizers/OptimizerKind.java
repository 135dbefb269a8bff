package io.github.scratchnet.optimizers;

import java.util.function.DoubleFunction;

/** The optimizers by name, each with the book's default learning rate. */
public enum OptimizerKind {
    SGD(0.01, lr -> new Sgd(lr)),
    MOMENTUM(0.01, lr -> new Momentum(lr, 0.9)),
    NESTEROV(0.01, lr -> new Nesterov(lr, 0.9)),
    ADAGRAD(0.01, lr -> new AdaGrad(lr)),
    RMSPROP(0.01, lr -> new RmsProp(lr, 0.99)),
    ADAM(0.001, lr -> new Adam(lr, 0.9, 0.999)),
    /** Adam with decoupled weight decay (Loshchilov and Hutter): give it --weight-decay. */
    ADAMW(0.001, lr -> new Adam(lr, 0.9, 0.999).decoupledWeightDecay());

    private final double defaultLearningRate;
    private final DoubleFunction<Optimizer> factory;

    OptimizerKind(double defaultLearningRate, DoubleFunction<Optimizer> factory) {
        this.defaultLearningRate = defaultLearningRate;
        this.factory = factory;
    }

    public double defaultLearningRate() {
        return defaultLearningRate;
    }

    /** A new optimizer with this learning rate (NaN: the default). */
    public Optimizer create(double lr) {
        return factory.apply(Double.isNaN(lr) ? defaultLearningRate : lr);
    }
}
