package io.github.scratchnet.layers;

import io.github.scratchnet.core.ConvGeometry;
import io.github.scratchnet.core.Im2Row;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.WeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Convolution (cross-correlation) through im2row, book section 7.4.3.
 * x (N, C, H, W), W (FN, C, FH, FW), b (FN,), out (N, FN, OH, OW) with
 * {@code OH = (H + 2*pad - FH) / stride + 1}. One bias per filter.
 */
public final class Convolution extends WeightedLayer {
    private final int stride;
    private final int pad;
    /** W viewed as (FN, C*FH*FW): the same memory. */
    private final INDArray colW;

    // set by forward, read by backward
    private ConvGeometry geometry;
    private INDArray col;
    private long n;
    /** backward's scratch (N*OH*OW, C*FH*FW), kept between steps. */
    private INDArray dcol;

    /** {@code filters} filters of {@code size x size} over {@code channels} channels, drawn by {@code init}; zero bias. */
    public Convolution(Init init, WeightInit kind, long channels, long filters, int size, int stride, int pad) {
        this(init.weights(kind, channels * size * size, filters, channels, size, size), init.zeros(filters), stride, pad);
    }

    /** A layer holding these very arrays: W (FN, C, FH, FW), b (FN,). */
    public Convolution(INDArray W, INDArray b, int stride, int pad) {
        super(W, b);
        if (W.rank() != 4 || b.rank() != 1 || b.size(0) != W.size(0)) {
            throw new IllegalArgumentException("Convolution expects W (FN, C, FH, FW) and b (FN,), found W "
                    + Shapes.str(W.shape()) + " and b " + Shapes.str(b.shape()));
        }
        if (stride < 1 || pad < 0) {
            throw new IllegalArgumentException("Convolution needs stride >= 1 and pad >= 0, got stride " + stride
                    + ", pad " + pad);
        }
        this.stride = stride;
        this.pad = pad;
        this.colW = W.reshape('c', W.size(0), W.length() / W.size(0));
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        if (x.rank() != 4 || x.size(1) != W.size(1)) {
            throw new IllegalArgumentException("Convolution expects (N, " + W.size(1) + ", H, W) input, found "
                    + Shapes.str(x.shape()));
        }
        geometry = geometry(x.shape());
        n = x.size(0);
        col = Im2Row.im2row(x, geometry, col); // the previous step's buffer, refilled
        INDArray out = Nd4j.gemm(col, colW, false, true).addiRowVector(b);          // (N*OH*OW, FN)
        return out.reshape('c', n, geometry.oh, geometry.ow, W.size(0)).permute(0, 3, 1, 2).dup('c');
    }

    @Override
    public INDArray backward(INDArray dout) {
        Layer.requireForward(col, this);
        INDArray d2 = dout.permute(0, 2, 3, 1).dup('c').reshape('c', col.size(0), W.size(0)); // (N*OH*OW, FN)
        db = d2.sum(0);
        dW = Nd4j.gemm(d2, col, true, false).reshape('c', W.shape());
        dcol = Im2Row.reuse(dcol, col.dataType(), col.shape());
        Nd4j.gemm(d2, colW, dcol, false, false, 1.0, 0.0);
        return Im2Row.row2im(dcol, n, geometry);
    }

    private ConvGeometry geometry(long[] xShape) {
        ConvGeometry g = geometry;
        if (g != null && g.h == xShape[2] && g.w == xShape[3]) {
            return g;
        }
        return new ConvGeometry(xShape[1], xShape[2], xShape[3], (int) W.size(2), (int) W.size(3), stride, pad);
    }

    @Override
    public long[] outputShape(long[] in) {
        ConvGeometry g = geometry(in);
        return new long[] {in[0], W.size(0), g.oh, g.ow};
    }

    @Override
    public String describe() {
        return "Convolution(" + W.size(0) + ", " + W.size(2) + "x" + W.size(3) + ", stride " + stride + ", pad " + pad + ")";
    }
}
