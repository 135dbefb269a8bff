package io.github.scratchnet.engine;

import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.cpu.Gemm;
import io.github.scratchnet.layers.Affine;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Sequential;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An Affine whose GEMMs go straight to the CPU runtime's {@link Gemm} on the arrays' memory,
 * without ND4J's per-op work: out = x·W + b (the rows filled with b, then one GEMM adding x·W),
 * dW = xᵀ·dout, dx = dout·Wᵀ, db = Σ dout.
 */
final class AffineStep extends Step {
    private final Affine affine;

    // set by forward, read by backward
    private INDArray x2d;
    private INDArray w;
    private long[] xShape;
    // arrays refilled at every step
    private INDArray out;
    private INDArray dW;
    private INDArray db;
    private INDArray dx;

    AffineStep(Sequential net, Affine affine, int first) {
        super(net, List.of(affine), first);
        this.affine = affine;
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        long[] outShape = affine.outputShape(x.shape());
        w = Shapes.dense(affine.params().get("W"));
        xShape = x.shape();
        x2d = Shapes.dense(x).reshape('c', x.size(0), w.size(0));
        out = Buffers.reuse(out, w.dataType(), outShape);
        Gemm.affine(x2d, w, Shapes.dense(affine.params().get("b")), out);
        return out;
    }

    @Override
    public INDArray backward(INDArray dout, boolean inputGradient) {
        Layer.requireForward(x2d, affine);
        INDArray g = Shapes.dense(dout);
        int n = (int) x2d.size(0);
        int d = (int) w.size(0);
        int m = (int) w.size(1);
        dW = Buffers.reuse(dW, w.dataType(), w.shape());
        Gemm.gemm(true, false, d, m, n, x2d, 0, d, g, 0, m, 0.0, dW, 0, m);              // dW = xᵀ · dout
        db = g.sum(Buffers.reuse(db, w.dataType(), m), 0);
        if (!inputGradient) {
            return null;
        }
        dx = Buffers.reuse(dx, w.dataType(), n, d);
        Gemm.gemm(false, true, n, d, m, g, 0, m, w, 0, m, 0.0, dx, 0, d);               // dx = dout · Wᵀ
        return dx.reshape('c', xShape);
    }

    @Override
    public Map<String, INDArray> grads() {
        return network().keyed(affine, Layer.named("W", Layer.requireForward(dW, affine), "b", db));
    }
}
