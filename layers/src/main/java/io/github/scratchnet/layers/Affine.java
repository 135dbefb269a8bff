package io.github.scratchnet.layers;

import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.WeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fully connected layer, book section 5.6.2: {@code out = x·W + b}; backward
 * {@code dx = dout·Wᵀ}, {@code dW = xᵀ·dout}, {@code db = Σ dout}. x is (N, d1, d2, ...) and is
 * flattened in C order to (N, D), D = d1*d2*...; W (D, M), b (M,), out (N, M). dx has x's shape.
 */
public final class Affine extends WeightedLayer {
    // set by forward, read by backward
    private INDArray x2d;
    private long[] xShape;
    // arrays refilled at every step
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
        long[] outShape = outputShape(x.shape());
        xShape = x.shape();
        x2d = x.reshape('c', outShape[0], W.size(0));
        out = Buffers.reuse(out, W.dataType(), outShape);
        Nd4j.gemm(x2d, W, out, false, false, 1.0, 0.0);                      // x · W
        return out.addiRowVector(b);
    }

    @Override
    public INDArray backward(INDArray dout) {
        Layer.requireForward(x2d, this);
        dW = Buffers.reuse(dW, W.dataType(), W.shape());
        Nd4j.gemm(x2d, dout, dW, true, false, 1.0, 0.0);                      // xᵀ · dout
        db = dout.sum(Buffers.reuse(db, b.dataType(), b.shape()), 0);
        dx = Buffers.reuse(dx, W.dataType(), x2d.shape());
        Nd4j.gemm(dout, W, dx, false, true, 1.0, 0.0);                        // dout · Wᵀ
        return dx.reshape('c', xShape);
    }

    @Override
    public long[] outputShape(long[] in) {
        Shapes.requireFeatures("Affine", in, W.size(0));
        return new long[] {in[0], W.size(1)};
    }

    @Override
    public String describe() {
        return "Affine(" + W.size(0) + " -> " + W.size(1) + ")";
    }
}
