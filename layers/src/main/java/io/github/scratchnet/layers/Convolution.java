package io.github.scratchnet.layers;

import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.ConvGeometry;
import io.github.scratchnet.core.Im2Row;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Convolution (cross-correlation), book section 7.4.3. im2row unfolds the input into one row per
 * output position, so the convolution is one matrix product with the filters as columns:
 * {@code out = im2row(x) · colWᵀ + b}, reshaped from (N*OH*OW, FN) to (N, FN, OH, OW).
 * Backward, with dout reshaped the same way: {@code db = Σ dout}, {@code dW = doutᵀ · col},
 * {@code dx = row2im(dout · colW)}.
 * <p>
 * x (N, C, H, W), W (FN, C, FH, FW), b (FN,), out (N, FN, OH, OW) with
 * {@code OH = (H + 2*pad - FH) / stride + 1}; col (N*OH*OW, C*FH*FW), colW (FN, C*FH*FW).
 */
public final class Convolution extends WeightedLayer {
    private final int stride;
    private final int pad;

    // set by forward, read by backward
    private ConvGeometry geometry;
    private INDArray col;
    private INDArray colW;
    // arrays refilled at every step
    private INDArray out2d;
    private INDArray out;
    private INDArray dout2d;
    private INDArray dcol;
    private INDArray dx;

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
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        geometry = geometry(x.shape());
        ConvGeometry g = geometry;
        long n = x.size(0);
        long fn = W.size(0);
        DataType type = W.dataType();
        col = Im2Row.im2row(x, g, col);
        colW = W.reshape('c', fn, g.rowLength());           // made at each forward, so it holds W's current values
        out2d = Buffers.reuse(out2d, type, col.size(0), fn);
        Nd4j.gemm(col, colW, out2d, false, true, 1.0, 0.0);                  // col · colWᵀ
        out2d.addiRowVector(b);
        out = Buffers.reuse(out, type, n, fn, g.oh, g.ow);
        return out.assign(out2d.reshape('c', n, g.oh, g.ow, fn).permute(0, 3, 1, 2));
    }

    @Override
    public INDArray backward(INDArray dout) {
        Layer.requireForward(col, this);
        ConvGeometry g = geometry;
        long n = col.size(0) / g.rowsPerSample();
        long fn = W.size(0);
        DataType type = W.dataType();
        dout2d = Buffers.reuse(dout2d, type, col.size(0), fn);
        dout2d.reshape('c', n, g.oh, g.ow, fn).assign(dout.permute(0, 2, 3, 1));
        db = dout2d.sum(Buffers.reuse(db, type, fn), 0);
        dW = Buffers.reuse(dW, type, W.shape());
        Nd4j.gemm(dout2d, col, dW.reshape('c', fn, colW.size(1)), true, false, 1.0, 0.0);   // doutᵀ · col
        dcol = Buffers.reuse(dcol, type, col.shape());
        Nd4j.gemm(dout2d, colW, dcol, false, false, 1.0, 0.0);                            // dout · colW
        dx = Im2Row.row2im(dcol, n, g, dx);
        return dx;
    }

    /** The geometry of these filters over an input of {@code inputShape} (N, C, H, W); an error where it does not fit. */
    public ConvGeometry geometry(long[] inputShape) {
        if (inputShape.length != 4 || inputShape[1] != W.size(1)) {
            throw new IllegalArgumentException("Convolution expects (N, " + W.size(1) + ", H, W) input, found "
                    + Shapes.str(inputShape));
        }
        return new ConvGeometry(inputShape[1], inputShape[2], inputShape[3], (int) W.size(2), (int) W.size(3), stride, pad);
    }

    public int stride() {
        return stride;
    }

    public int pad() {
        return pad;
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
