package io.github.scratchnet.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** RMSprop: {@code h = decay*h + (1-decay)*g^2; p -= lr * g / (sqrt(h) + 1e-7)}. Book defaults lr 0.01, decay 0.99. */
public final class RmsProp extends Optimizer {
    private final double decay;

    public RmsProp(double lr, double decay) {
        super(lr);
        this.decay = decay;
    }

    @Override
    protected void step(String key, INDArray p, INDArray g) {
        INDArray h = slot("h", key, p);
        h.muli(decay).addi(g.mul(g).muli(1 - decay));
        p.subi(g.mul(lr).divi(Transforms.sqrt(h, true).addi(1e-7)));
    }
}
