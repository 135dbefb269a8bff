package io.github.scratchnet.layers;

import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.ConvGeometry;
import io.github.scratchnet.core.Im2Row;
import io.github.scratchnet.core.Shapes;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max or average pooling through im2row, book section 7.4.4. im2row puts each window of each
 * channel in a row of PH*PW elements; max pooling takes the maximum of each row and remembers
 * which element it was (argMax), average pooling takes the mean. Backward sends each gradient
 * back where its output came from: all of it to the first maximum of the window, or an equal
 * share to every element, then row2im adds the windows back into dx.
 * <p>
 * x (N, C, H, W), out (N, C, OH, OW) with {@code OH = (H + 2*pad - PH) / stride + 1} (floor). As
 * in the book, padding is zeros and takes part in the windows (a maximum can be a padding 0; an
 * average divides by PH*PW).
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
    private long n;
    private INDArray argMax;
    // arrays refilled at every step
    private INDArray col;
    private INDArray out;
    private INDArray dcol;
    private INDArray dx;

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
        ConvGeometry g = geometry = geometry(x.shape());
        n = x.size(0);
        col = Im2Row.im2row(x, g, col);
        INDArray rows = col.reshape('c', col.length() / ((long) ph * pw), (long) ph * pw);   // one window per row
        INDArray pooled;
        if (kind == Kind.MAX) {
            argMax = Nd4j.argMax(rows, 1);
            pooled = rows.max(1);
        } else {
            pooled = rows.mean(1);
        }
        out = Buffers.reuse(out, x.dataType(), n, g.c, g.oh, g.ow);
        return out.assign(pooled.reshape('c', n, g.oh, g.ow, g.c).permute(0, 3, 1, 2));
    }

    @Override
    public INDArray backward(INDArray dout) {
        Layer.requireForward(col, this);
        ConvGeometry g = geometry;
        int size = ph * pw;
        // one gradient per window, in the order of col's rows: (N, OH, OW, C) flattened
        INDArray d = dout.permute(0, 2, 3, 1).dup('c').reshape('c', col.length() / size, 1);
        dcol = Buffers.reuse(dcol, dout.dataType(), d.size(0), size);
        if (kind == Kind.MAX) {
            Nd4j.exec(new OneHot(argMax, dcol, size));                          // 1 at each window's argMax
            dcol.muliColumnVector(d);
        } else {
            dcol.assign(0).addiColumnVector(d).divi(size);
        }
        dx = Im2Row.row2im(dcol.reshape('c', col.shape()), n, g, dx);
        return dx;
    }

    /** The geometry of these windows over an input of {@code inputShape} (N, C, H, W); an error where it does not fit. */
    public ConvGeometry geometry(long[] inputShape) {
        Shapes.requireRank("Pooling", inputShape, 4, "(N, C, H, W)");
        return new ConvGeometry(inputShape[1], inputShape[2], inputShape[3], ph, pw, stride, pad);
    }

    public Kind kind() {
        return kind;
    }

    /** The window's height and width, the stride and the padding: {PH, PW, stride, pad}. */
    public int[] window() {
        return new int[] {ph, pw, stride, pad};
    }

    @Override
    public long[] outputShape(long[] in) {
        ConvGeometry g = geometry(in);
        return new long[] {in[0], in[1], g.oh, g.ow};
    }

    @Override
    public String describe() {
        return "Pooling(" + kind.name().toLowerCase(Locale.ROOT) + ", " + ph + "x" + pw + ", stride " + stride
                + (pad > 0 ? ", pad " + pad : "") + ")";
    }
}
