package io.github.scratchnet.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Stochastic gradient descent: {@code p -= lr * g}. Book default lr 0.01. */
public final class Sgd extends Optimizer {
    public Sgd(double lr) {
        super(lr);
    }

    @Override
    protected void step(String key, INDArray p, INDArray g) {
        p.subi(g.mul(lr));
    }
}
