package io.github.scratchnet.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Direct loop implementations kept as algorithmic references: convolution as the 7-loop
 * definition, pooling window by window. Slow on purpose; only for small test inputs.
 */
final class Naive {
    private Naive() {
    }

    /** Zero-padded value x[n, c, y, x], 0 outside. */
    private static double at(INDArray x, int n, int c, int y, int xx) {
        return (y < 0 || y >= x.size(2) || xx < 0 || xx >= x.size(3)) ? 0 : x.getDouble(n, c, y, xx);
    }

    private static int outSize(long in, long f, int stride, int pad) {
        return (int) ((in + 2L * pad - f) / stride + 1);
    }

    /** out[n,f,oy,ox] = b[f] + sum_{c,ky,kx} W[f,c,ky,kx] * xpad[n,c,oy*s+ky,ox*s+kx]. */
    static INDArray conv(INDArray x, INDArray w, INDArray b, int s, int p) {
        int n = (int) x.size(0), c = (int) x.size(1), fn = (int) w.size(0), fh = (int) w.size(2), fw = (int) w.size(3);
        int oh = outSize(x.size(2), fh, s, p), ow = outSize(x.size(3), fw, s, p);
        INDArray out = Nd4j.zeros(x.dataType(), n, fn, oh, ow);
        for (int i = 0; i < n; i++)
            for (int f = 0; f < fn; f++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double sum = b.getDouble(f);
                        for (int ch = 0; ch < c; ch++)
                            for (int ky = 0; ky < fh; ky++)
                                for (int kx = 0; kx < fw; kx++)
                                    sum += w.getDouble(f, ch, ky, kx) * at(x, i, ch, oy * s + ky - p, ox * s + kx - p);
                        out.putScalar(new long[] {i, f, oy, ox}, sum);
                    }
        return out;
    }

    /** The gradients of {@link #conv}: {dx, dW, db}, by the same loops run backwards. */
    static INDArray[] convBackward(INDArray x, INDArray w, INDArray dout, int s, int p) {
        int n = (int) x.size(0), c = (int) x.size(1), fn = (int) w.size(0), fh = (int) w.size(2), fw = (int) w.size(3);
        int oh = (int) dout.size(2), ow = (int) dout.size(3);
        INDArray dx = Nd4j.zeros(x.dataType(), x.shape());
        INDArray dw = Nd4j.zeros(x.dataType(), w.shape());
        INDArray db = Nd4j.zeros(x.dataType(), fn);
        for (int i = 0; i < n; i++)
            for (int f = 0; f < fn; f++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double d = dout.getDouble(i, f, oy, ox);
                        db.putScalar(f, db.getDouble(f) + d);
                        for (int ch = 0; ch < c; ch++)
                            for (int ky = 0; ky < fh; ky++)
                                for (int kx = 0; kx < fw; kx++) {
                                    int y = oy * s + ky - p, xx = ox * s + kx - p;
                                    long[] wi = {f, ch, ky, kx};
                                    dw.putScalar(wi, dw.getDouble(wi) + d * at(x, i, ch, y, xx));
                                    if (y >= 0 && y < x.size(2) && xx >= 0 && xx < x.size(3)) {
                                        long[] xi = {i, ch, y, xx};
                                        dx.putScalar(xi, dx.getDouble(xi) + d * w.getDouble(wi));
                                    }
                                }
                    }
        return new INDArray[] {dx, dw, db};
    }

    /**
     * Pooling forward and backward at once: {out, dx}. Padding counts as zeros (the book's
     * im2col semantics); max sends the gradient to the first maximum in row-major window order.
     */
    static INDArray[] pool(INDArray x, INDArray dout, Pooling.Kind kind, int ph, int pw, int s, int p) {
        int n = (int) x.size(0), c = (int) x.size(1);
        int oh = outSize(x.size(2), ph, s, p), ow = outSize(x.size(3), pw, s, p);
        INDArray out = Nd4j.zeros(x.dataType(), n, c, oh, ow);
        INDArray dx = Nd4j.zeros(x.dataType(), x.shape());
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double best = Double.NEGATIVE_INFINITY, sum = 0;
                        int by = 0, bx = 0;
                        for (int ky = 0; ky < ph; ky++)
                            for (int kx = 0; kx < pw; kx++) {
                                double v = at(x, i, ch, oy * s + ky - p, ox * s + kx - p);
                                sum += v;
                                if (v > best) {
                                    best = v;
                                    by = oy * s + ky - p;
                                    bx = ox * s + kx - p;
                                }
                            }
                        double d = dout == null ? 0 : dout.getDouble(i, ch, oy, ox);
                        if (kind == Pooling.Kind.MAX) {
                            out.putScalar(new long[] {i, ch, oy, ox}, best);
                            if (by >= 0 && by < x.size(2) && bx >= 0 && bx < x.size(3)) {
                                long[] xi = {i, ch, by, bx};
                                dx.putScalar(xi, dx.getDouble(xi) + d);
                            }
                        } else {
                            out.putScalar(new long[] {i, ch, oy, ox}, sum / (ph * pw));
                            for (int ky = 0; ky < ph; ky++)
                                for (int kx = 0; kx < pw; kx++) {
                                    int y = oy * s + ky - p, xx = ox * s + kx - p;
                                    if (y >= 0 && y < x.size(2) && xx >= 0 && xx < x.size(3)) {
                                        long[] xi = {i, ch, y, xx};
                                        dx.putScalar(xi, dx.getDouble(xi) + d / (ph * pw));
                                    }
                                }
                        }
                    }
        return new INDArray[] {out, dx};
    }
}
