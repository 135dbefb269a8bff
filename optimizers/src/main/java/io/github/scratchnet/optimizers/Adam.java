package io.github.scratchnet.optimizers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import io.github.scratchnet.core.Shapes;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
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
        if (Shapes.isDense(p) && Shapes.isDense(g) && g.dataType() == p.dataType()
                && (p.dataType() == DataType.FLOAT || p.dataType() == DataType.DOUBLE)) {
            // One pass over the raw buffers: the seven ND4J ops below cost ~1 ms per parameter
            // in per-op overhead, ten times this loop on DeepConvNet's 123,000 parameters.
            loop(p, g, m, v, lrT);
            return;
        }
        // In place, through one scratch array per parameter (fresh memory is slow, see ND4J-NOTES.md):
        // m += (1-beta1)(g - m); v += (1-beta2)(g² - v); p -= lr_t · m / (sqrt(v) + 1e-7)
        INDArray tmp = scratch.computeIfAbsent(key, k -> p.like());
        m.addi(tmp.assign(g).subi(m).muli(1 - beta1));
        v.addi(tmp.assign(g).muli(g).subi(v).muli(1 - beta2));
        Nd4j.exec(new Sqrt(v, tmp));
        p.subi(tmp.addi(1e-7).rdivi(m).muli(lrT));
    }

    private void loop(INDArray p, INDArray g, INDArray m, INDArray v, double lrT) {
        int n = Math.toIntExact(p.length());
        double b1 = 1 - beta1;
        double b2 = 1 - beta2;
        if (p.dataType() == DataType.FLOAT) {
            FloatBuffer pb = p.data().asNioFloat();
            FloatBuffer gb = g.data().asNioFloat();
            FloatBuffer mb = m.data().asNioFloat();
            FloatBuffer vb = v.data().asNioFloat();
            for (int i = 0; i < n; i++) {
                float gi = gb.get(i);
                float mi = mb.get(i) + (float) b1 * (gi - mb.get(i));
                float vi = vb.get(i) + (float) b2 * (gi * gi - vb.get(i));
                mb.put(i, mi);
                vb.put(i, vi);
                pb.put(i, pb.get(i) - (float) lrT * mi / ((float) Math.sqrt(vi) + 1e-7f));
            }
        } else {
            DoubleBuffer pb = p.data().asNioDouble();
            DoubleBuffer gb = g.data().asNioDouble();
            DoubleBuffer mb = m.data().asNioDouble();
            DoubleBuffer vb = v.data().asNioDouble();
            for (int i = 0; i < n; i++) {
                double gi = gb.get(i);
                double mi = mb.get(i) + b1 * (gi - mb.get(i));
                double vi = vb.get(i) + b2 * (gi * gi - vb.get(i));
                mb.put(i, mi);
                vb.put(i, vi);
                pb.put(i, pb.get(i) - lrT * mi / (Math.sqrt(vi) + 1e-7));
            }
        }
    }

    /** Working memory of step, one array per parameter; not state (never saved). */
    private final Map<String, INDArray> scratch = new HashMap<>();
}
