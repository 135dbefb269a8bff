package io.github.scratchnet.optimizers;

import io.github.scratchnet.core.Backend;
import io.github.scratchnet.core.Shapes;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam in the book's form: {@code lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t);
 * m += (1-beta1)(g - m); v += (1-beta2)(g^2 - v); p -= lr_t * m / (sqrt(v) + eps)}.
 * Book defaults lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7 (DeZero's Adam, the same update, takes
 * eps 1e-8).
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    /** Working memory of the ND4J form, one array per parameter; not state (never saved). */
    private final Map<String, INDArray> scratch = new HashMap<>();
    private final boolean onCpu = Backend.onCpu();

    /** The book's Adam, eps 1e-7. */
    public Adam(double lr, double beta1, double beta2) {
        this(lr, beta1, beta2, 1e-7);
    }

    public Adam(double lr, double beta1, double beta2, double eps) {
        super(lr);
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("Adam's eps must be a positive number, got " + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    protected void step(String key, INDArray p, INDArray g) {
        double lrT = lr * Math.sqrt(1 - Math.pow(beta2, steps)) / (1 - Math.pow(beta1, steps));
        INDArray m = slot("m", key, p);
        INDArray v = slot("v", key, p);
        if (onCpu && p.dataType() == DataType.FLOAT && g.dataType() == DataType.FLOAT && Shapes.isDense(p)
                && Shapes.isDense(g)) {
            floatLoop(p, g, m, v, lrT);
            return;
        }
        // In place, through one scratch array per parameter:
        INDArray tmp = scratch.computeIfAbsent(key, k -> p.like());
        m.addi(tmp.assign(g).subi(m).muli(1 - beta1));                // m += (1-beta1)(g - m)
        v.addi(tmp.assign(g).muli(g).subi(v).muli(1 - beta2));        // v += (1-beta2)(g² - v)
        Nd4j.exec(new Sqrt(v, tmp));
        p.subi(tmp.addi(eps).rdivi(m).muli(lrT));                     // p -= lr_t · m / (sqrt(v) + eps)
    }

    /**
     * The same update in one pass over the host memory of float32 arrays on the CPU, where
     * training runs: the ND4J form is seven ops per parameter, whose per-op cost exceeds the
     * arithmetic on arrays this small (OptimizerTest holds the two equal).
     */
    private void floatLoop(INDArray p, INDArray g, INDArray m, INDArray v, double lrT) {
        int n = Math.toIntExact(p.length());
        float b1 = (float) (1 - beta1);
        float b2 = (float) (1 - beta2);
        float rate = (float) lrT;
        float e = (float) eps;
        FloatBuffer pb = p.data().asNioFloat();
        FloatBuffer gb = g.data().asNioFloat();
        FloatBuffer mb = m.data().asNioFloat();
        FloatBuffer vb = v.data().asNioFloat();
        for (int i = 0; i < n; i++) {
            float gi = gb.get(i);
            float mi = mb.get(i) + b1 * (gi - mb.get(i));
            float vi = vb.get(i) + b2 * (gi * gi - vb.get(i));
            mb.put(i, mi);
            vb.put(i, vi);
            pb.put(i, pb.get(i) - rate * mi / ((float) Math.sqrt(vi) + e));
        }
    }
}
