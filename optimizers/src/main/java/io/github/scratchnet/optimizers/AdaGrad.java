package io.github.scratchnet.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** AdaGrad: {@code h += g^2; p -= lr * g / (sqrt(h) + 1e-7)}. Book default lr 0.01. */
public final class AdaGrad extends Optimizer {
    public AdaGrad(double lr) {
        super(lr);
    }

    @Override
    protected void step(String key, INDArray p, INDArray g) {
        INDArray h = slot("h", key, p);
        h.addi(g.mul(g));
        p.subi(g.mul(lr).divi(Transforms.sqrt(h, true).addi(1e-7)));
    }
}
