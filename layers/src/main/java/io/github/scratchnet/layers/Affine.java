package io.github.scratchnet.layers;

import io.github.scratchnet.core.Buffers;
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
        Nd4j.gemm(x2d, W, out, false, false, 1.0, 0.0);
        return out.addiRowVector(b);
    }

    @Override
    public INDArray backward(INDArray dout) {
        Layer.requireForward(x2d, this);
        dW = Buffers.reuse(dW, W.dataType(), W.shape());
        Nd4j.gemm(x2d, dout, dW, true, false, 1.0, 0.0);
        db = dout.sum(Buffers.reuse(db, b.dataType(), b.shape()), 0);
        dx = Buffers.reuse(dx, W.dataType(), x2d.shape());
        Nd4j.gemm(dout, W, dx, false, true, 1.0, 0.0);
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
