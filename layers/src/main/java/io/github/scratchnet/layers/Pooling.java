package io.github.scratchnet.layers;

import io.github.scratchnet.core.Backend;
import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.ConvGeometry;
import io.github.scratchnet.core.Im2Row;
import io.github.scratchnet.core.MaxPool;
import io.github.scratchnet.core.SampleConv;
import io.github.scratchnet.core.Shapes;
import java.nio.LongBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.indexaccum.custom.ArgMax;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Mean;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max or average pooling through im2row, book section 7.4.4. x (N, C, H, W), out (N, C, OH, OW)
 * with {@code OH = (H + 2*pad - PH) / stride + 1} (floor). As in the book, padding is zeros and
 * takes part in the window (a max can be 0 from the padding; an average divides by PH*PW).
 * Max pooling sends the gradient to the first maximum of each window. On the CPU, max pooling
 * runs {@link MaxPool} (straight on the (N, C, H, W) buffers, several times faster); the im2row
 * form stays as the reference, and PoolingTest proves the two equal.
 */
public final class Pooling implements Layer {

    public enum Kind {
        MAX, AVERAGE
    }

    private final Kind kind;
    /** Max pooling through {@link MaxPool}: true on the CPU backend; false keeps the im2row form. */
    private boolean direct = Backend.onCpu();
    private int[] argMaxIndex;
    private final int ph;
    private final int pw;
    private final int stride;
    private final int pad;

    // set by forward, read by backward
    private ConvGeometry geometry;
    private long[] xShape;
    private INDArray argMax;
    // buffers kept between steps
    private INDArray windows;
    private INDArray pooled;
    private INDArray out;
    private INDArray d;
    private INDArray dcol;
    private INDArray dx;
    private int[] target;
    /** The convolution (ReLU between) that computes this pooling in its own pass, or null; see {@link #after}. */
    private Convolution after;
    /** Whether the last forward was computed by that convolution; backward then passes dout on to it. */
    private boolean fused;
    private INDArray deferred;

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

    /**
     * Called by Sequential when this pooling follows {@code conv} and a ReLU: in float32 on the
     * CPU the convolution then pools each sample in its own pass (forward: the maxima and their
     * argMax; backward: the unpooled, masked gradient), and this layer's forward returns what it
     * wrote, after checking that its input is that convolution's output; backward hands dout on
     * unchanged (the ReLU passes it through) for the convolution to unpool. Otherwise it computes as before.
     */
    void after(Convolution conv) {
        this.after = conv;
        conv.poolFollows(this);
    }

    /**
     * The output and argMax buffers for a convolution output of {@code convOut} shape, for the
     * convolution to fill; null where this pooling cannot be fused (not a 2x2, stride 2,
     * unpadded max pooling through MaxPool).
     */
    SampleConv.Pool2x2 fusedPooling(long[] convOut) {
        if (kind != Kind.MAX || !direct) {
            return null;
        }
        ConvGeometry g = geometry(convOut);
        if (!MaxPool.is2x2(g)) {
            return null;
        }
        out = Buffers.reuse(out, DataType.FLOAT, convOut[0], convOut[1], g.oh, g.ow);
        if (argMaxIndex == null || argMaxIndex.length != out.length()) {
            argMaxIndex = new int[Math.toIntExact(out.length())];
        }
        return new SampleConv.Pool2x2(g, out, argMaxIndex);
    }

    /** Whether dout is the gradient the last backward handed on to the convolution for unpooling. */
    boolean deferredGradient(INDArray dout) {
        return deferred != null && dout == deferred;
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        Shapes.requireRank("Pooling", x.shape(), 4, "(N, C, H, W)");
        xShape = x.shape();
        ConvGeometry g = geometry(xShape);
        DataType type = x.dataType();
        deferred = null;
        fused = after != null && after.pooledFrom(x);
        if (fused) {
            argMax = null;
            return out;                   // the convolution wrote out and argMaxIndex (see after)
        }
        if (kind == Kind.MAX && direct) {
            INDArray in = Im2Row.contiguous(x);
            out = Buffers.reuse(out, type, xShape[0], xShape[1], g.oh, g.ow);
            if (argMaxIndex == null || argMaxIndex.length != out.length()) {
                argMaxIndex = new int[Math.toIntExact(out.length())];
            }
            MaxPool.forward(in, g, out, argMaxIndex);
            argMax = null;
            return out;
        }
        argMaxIndex = null;
        // (N*OH*OW, C*PH*PW) in memory is (N*OH*OW*C, PH*PW): one window per row.
        windows = Im2Row.im2row(x, g, windows);
        INDArray rows = windows.reshape('c', windows.length() / ((long) ph * pw), (long) ph * pw);
        pooled = Buffers.reuse(pooled, type, rows.size(0));
        if (kind == Kind.MAX) {
            argMax = Buffers.reuse(argMax, DataType.LONG, rows.size(0));
            Nd4j.exec(new ArgMax(new INDArray[] {rows}, new INDArray[] {argMax}, false, 1));
            Nd4j.getExecutioner().exec(new Max(rows, pooled, 1));
        } else {
            Nd4j.getExecutioner().exec(new Mean(rows, pooled, 1));
        }
        out = Buffers.reuse(out, type, xShape[0], xShape[1], g.oh, g.ow);
        out.assign(pooled.reshape('c', xShape[0], g.oh, g.ow, xShape[1]).permute(0, 3, 1, 2));
        return out;
    }

    @Override
    public INDArray backward(INDArray dout) {
        Layer.requireForward(xShape, this);
        if (fused) {
            deferred = dout;
            return dout;                  // the convolution unpools it (see after)
        }
        ConvGeometry g = geometry;
        int pp = ph * pw;
        DataType type = dout.dataType();
        if (argMaxIndex != null) {
            dx = Buffers.reuse(dx, type, xShape);
            MaxPool.backward(Im2Row.contiguous(dout), argMaxIndex, g, dx);
            return dx;
        }
        d = Buffers.reuse(d, type, xShape[0], g.oh, g.ow, xShape[1]); // one entry per window, (N, OH, OW, C)
        d.assign(dout.permute(0, 2, 3, 1));
        int count = Math.toIntExact(d.length());
        dx = Buffers.reuse(dx, type, xShape).assign(0);
        if (kind == Kind.MAX) {
            // Each window's gradient goes to the input element it took its max from.
            LongBuffer arg = argMax.data().asNioLong();
            int[] table = g.table();
            int perSample = g.rowsPerSample() * g.c;
            if (target == null || target.length != count) {
                target = new int[count];
            }
            for (int r = 0; r < count; r++) {
                int j = table[(r % perSample) * pp + (int) arg.get(r)];
                target[r] = j < 0 ? -1 : (r / perSample) * g.sampleSize() + j;
            }
            Im2Row.scatterAdd(d, target, 1, 0, dx);
            return dx;
        }
        // Average: each window element gets dout / (PH*PW).
        dcol = Buffers.reuse(dcol, type, count, pp).assign(0).addiColumnVector(d.reshape('c', count, 1)).divi(pp);
        return Im2Row.row2im(dcol.reshape('c', xShape[0] * g.rowsPerSample(), g.rowLength()), xShape[0], g, dx);
    }

    @Override
    public boolean fusedIntoPrevious() {
        return fused;
    }

    /** true: max pooling through {@link MaxPool} (the CPU default); false: the book's im2row form. Returns this layer. */
    public Pooling direct(boolean direct) {
        this.direct = direct;
        return this;
    }

    private ConvGeometry geometry(long[] in) {
        ConvGeometry g = geometry;
        if (g == null || g.c != in[1] || g.h != in[2] || g.w != in[3]) {
            g = new ConvGeometry(in[1], in[2], in[3], ph, pw, stride, pad);
            geometry = g;
        }
        return g;
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
