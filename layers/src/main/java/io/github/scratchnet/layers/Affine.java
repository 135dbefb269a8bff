package io.github.scratchnet.layers;

import io.github.scratchnet.core.Backend;
import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.Gemm;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.WeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fully connected layer, book section 5.6.2: {@code out = x·W + b}. x is (N, d1, d2, ...) and is
 * flattened in C order to (N, D), D = d1*d2*...; W (D, M), b (M,), out (N, M). backward returns
 * dx in x's original shape.
 */
public final class Affine extends WeightedLayer {
    // set by forward, read by backward
    private INDArray x2d;
    private long[] xShape;
    private INDArray out;
    private INDArray dx;

    /** Weights drawn by {@code init} with {@code kind}'s deviation for fan-in {@code in}; zero bias. */
    public Affine(Init init, WeightInit kind, long in, long out) {
        this(init.weights(kind, in, in, out), init.zeros(out));
    }

    /** A layer holding these very arrays: W (D, M), b (M,). */
    public Affine(INDArray W, INDArray b) {
        super(W, b);
        if (W.rank() != 2 || b.rank() != 1 || b.size(0) != W.size(1)) {
            throw new IllegalArgumentException("Affine expects W (D, M) and b (M,), found W " + Shapes.str(W.shape())
                    + " and b " + Shapes.str(b.shape()));
        }
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        long d = W.size(0);
        if (x.rank() < 2 || x.length() / x.size(0) != d) {
            throw new IllegalArgumentException("Affine expects an input with " + d + " features per sample, found shape "
                    + Shapes.str(x.shape()));
        }
        xShape = x.shape();
        x2d = x.reshape('c', x.size(0), d);
        out = Buffers.reuse(out, W.dataType(), x.size(0), W.size(1));
        if (direct()) {
            Gemm.affine(x2d, W, b, out);          // the same sum without ND4J's per-op work (~0.3 ms here)
            return out;
        }
        Nd4j.gemm(x2d, W, out, false, false, 1.0, 0.0);
        return out.addiRowVector(b);
    }

    /** Whether the GEMMs can go straight to the library: CPU memory, plain C-ordered arrays. */
    private boolean direct() {
        return Backend.onCpu() && x2d.dataType() == W.dataType() && Shapes.isDense(x2d) && Shapes.isDense(W) && Shapes.isDense(b);
    }

    @Override
    public INDArray backward(INDArray dout) {
        Layer.requireForward(x2d, this);
        dW = Buffers.reuse(dW, W.dataType(), W.shape());
        db = dout.sum(Buffers.reuse(db, b.dataType(), b.shape()), 0);
        dx = Buffers.reuse(dx, W.dataType(), x2d.shape());
        if (direct() && Shapes.isDense(dout) && dout.dataType() == W.dataType()) {
            int n = (int) x2d.size(0);
            int d = (int) W.size(0);
            int m = (int) W.size(1);
            Gemm.gemm(true, false, d, m, n, x2d, 0, d, dout, 0, m, 0.0, dW, 0, m);    // dW = xᵀ · dout
            Gemm.gemm(false, true, n, d, m, dout, 0, m, W, 0, m, 0.0, dx, 0, d);      // dx = dout · Wᵀ
        } else {
            Nd4j.gemm(x2d, dout, dW, true, false, 1.0, 0.0);
            Nd4j.gemm(dout, W, dx, false, true, 1.0, 0.0);
        }
        return dx.reshape('c', xShape);
    }

    @Override
    public long[] outputShape(long[] in) {
        return new long[] {in[0], W.size(1)};
    }

    @Override
    public String describe() {
        return "Affine(" + W.size(0) + " -> " + W.size(1) + ")";
    }
}
