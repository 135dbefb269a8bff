package io.github.scratchnet.layers;

import io.github.scratchnet.core.ConvGeometry;
import io.github.scratchnet.core.Im2Row;
import io.github.scratchnet.core.Shapes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max or average pooling through im2row, book section 7.4.4. x (N, C, H, W), out (N, C, OH, OW)
 * with {@code OH = (H + 2*pad - PH) / stride + 1} (floor). As in the book, padding is zeros and
 * takes part in the window (a max can be 0 from the padding; an average divides by PH*PW).
 * Max pooling sends the gradient to the first maximum of each window.
 */
public final class Pooling implements Layer {

    public enum Kind {
        MAX, AVERAGE
    }

    private final Kind kind;
    private final int ph;
    private final int pw;
    private final int stride;
    private final int pad;

    // set by forward, read by backward
    private ConvGeometry geometry;
    private long[] xShape;
    private INDArray argMax;

    /** A {@code size x size} window moved by {@code stride}, no padding: the book's Pooling. */
    public Pooling(Kind kind, int size, int stride) {
        this(kind, size, size, stride, 0);
    }

    public Pooling(Kind kind, int ph, int pw, int stride, int pad) {
        if (ph < 1 || pw < 1 || stride < 1 || pad < 0) {
            throw new IllegalArgumentException("Pooling needs a positive window and stride and pad >= 0, got " + ph + "x"
                    + pw + ", stride " + stride + ", pad " + pad);
        }
        this.kind = kind;
        this.ph = ph;
        this.pw = pw;
        this.stride = stride;
        this.pad = pad;
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        Shapes.requireRank("Pooling", x.shape(), 4, "(N, C, H, W)");
        xShape = x.shape();
        geometry = new ConvGeometry(xShape[1], xShape[2], xShape[3], ph, pw, stride, pad);
        INDArray windows = Im2Row.im2row(x, geometry).reshape('c', -1, (long) ph * pw); // (N*OH*OW*C, PH*PW)
        INDArray out;
        if (kind == Kind.MAX) {
            argMax = Nd4j.argMax(windows, 1);
            out = windows.max(1);
        } else {
            out = windows.mean(1);
        }
        return out.reshape('c', xShape[0], geometry.oh, geometry.ow, xShape[1]).permute(0, 3, 1, 2).dup('c');
    }

    @Override
    public INDArray backward(INDArray dout) {
        Layer.requireForward(xShape, this);
        ConvGeometry g = geometry;
        int pp = ph * pw;
        INDArray d = dout.permute(0, 2, 3, 1).dup('c'); // (N, OH, OW, C): one entry per window
        int windows = Math.toIntExact(d.length());
        if (kind == Kind.MAX) {
            // Each window's gradient goes to the input element it took its max from.
            long[] arg = argMax.toLongVector();
            int[] table = g.table();
            int perSample = g.rowsPerSample() * g.c;
            int[] target = new int[windows];
            for (int r = 0; r < windows; r++) {
                int within = r % perSample;
                int j = table[within * pp + (int) arg[r]];
                target[r] = j < 0 ? -1 : (r / perSample) * g.sampleSize() + j;
            }
            INDArray dx = Nd4j.zeros(dout.dataType(), xShape);
            Im2Row.scatterAdd(d, target, 1, 0, dx);
            return dx;
        }
        // Average: each window element gets dout / (PH*PW).
        INDArray dcol = Nd4j.zeros(dout.dataType(), windows, pp).addiColumnVector(d.reshape(windows, 1)).divi(pp);
        return Im2Row.row2im(dcol.reshape('c', xShape[0] * g.rowsPerSample(), g.rowLength()), xShape[0], g);
    }

    @Override
    public long[] outputShape(long[] in) {
        ConvGeometry g = new ConvGeometry(in[1], in[2], in[3], ph, pw, stride, pad);
        return new long[] {in[0], in[1], g.oh, g.ow};
    }

    @Override
    public String describe() {
        return "Pooling(" + kind.name().toLowerCase(java.util.Locale.ROOT) + ", " + ph + "x" + pw + ", stride " + stride
                + (pad > 0 ? ", pad " + pad : "") + ")";
    }
}
