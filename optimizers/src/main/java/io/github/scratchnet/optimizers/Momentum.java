package io.github.scratchnet.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Momentum SGD: {@code v = momentum*v - lr*g; p += v}. Book defaults lr 0.01, momentum 0.9. */
public final class Momentum extends Optimizer {
    private final double momentum;

    public Momentum(double lr, double momentum) {
        super(lr);
        this.momentum = momentum;
    }

    @Override
    protected void step(String key, INDArray p, INDArray g) {
        INDArray v = slot("v", key, p);
        v.muli(momentum).subi(g.mul(lr));
        p.addi(v);
    }
}
