package io.github.scratchnet.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam in the book's form: {@code lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t);
 * m += (1-beta1)(g - m); v += (1-beta2)(g^2 - v); p -= lr_t * m / (sqrt(v) + 1e-7)}.
 * Book defaults lr 0.001, beta1 0.9, beta2 0.999.
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;

    public Adam(double lr, double beta1, double beta2) {
        super(lr);
        this.beta1 = beta1;
        this.beta2 = beta2;
    }

    @Override
    protected void step(String key, INDArray p, INDArray g) {
        double lrT = lr * Math.sqrt(1 - Math.pow(beta2, steps)) / (1 - Math.pow(beta1, steps));
        INDArray m = slot("m", key, p);
        INDArray v = slot("v", key, p);
        // In place, through one scratch array per parameter (fresh memory is slow, see ND4J-NOTES.md):
        // m += (1-beta1)(g - m); v += (1-beta2)(g² - v); p -= lr_t · m / (sqrt(v) + 1e-7)
        INDArray tmp = scratch.computeIfAbsent(key, k -> p.like());
        m.addi(tmp.assign(g).subi(m).muli(1 - beta1));
        v.addi(tmp.assign(g).muli(g).subi(v).muli(1 - beta2));
        Nd4j.exec(new Sqrt(v, tmp));
        p.subi(tmp.addi(1e-7).rdivi(m).muli(lrT));
    }

    /** Working memory of step, one array per parameter; not state (never saved). */
    private final Map<String, INDArray> scratch = new HashMap<>();
}
