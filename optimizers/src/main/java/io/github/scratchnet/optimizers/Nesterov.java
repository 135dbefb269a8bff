package io.github.scratchnet.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Nesterov's accelerated gradient in the book's form: {@code v = momentum*v - lr*g;
 * p += momentum^2 * v - (1 + momentum) * lr * g}. Book defaults lr 0.01, momentum 0.9.
 */
public final class Nesterov extends Optimizer {
    private final double momentum;

    public Nesterov(double lr, double momentum) {
        super(lr);
        this.momentum = momentum;
    }

    @Override
    protected void step(String key, INDArray p, INDArray g) {
        INDArray v = slot("v", key, p);
        v.muli(momentum).subi(g.mul(lr));
        p.addi(v.mul(momentum * momentum)).subi(g.mul((1 + momentum) * lr));
    }
}
