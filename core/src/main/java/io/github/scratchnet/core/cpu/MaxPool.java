package io.github.scratchnet.core.cpu;

import io.github.scratchnet.core.ConvGeometry;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max pooling straight on (N, C, H, W) buffers: each output element is the max of its window and
 * remembers the input element it came from, so backward is one scatter. Equal to the book's
 * im2row, max and argmax (first maximum in window order wins; a window's padding counts as 0,
 * and a maximum found there sends no gradient back), without the im2row matrix or any permute.
 * Planes (n, c) run in parallel. x, out, dout, dx: plain C-ordered FLOAT or DOUBLE arrays.
 */
public final class MaxPool {
    private MaxPool() {
    }

    /** out (N, C, OH, OW) = window maxima of x; argMax (N*C*OH*OW) = their flat indices in x, or -1 in the padding. */
    public static void forward(INDArray x, ConvGeometry g, INDArray out, int[] argMax) {
        int planes = Math.toIntExact(x.length() / ((long) g.h * g.w));
        int outPlane = g.oh * g.ow;
        int inPlane = g.h * g.w;
        if (x.dataType() == DataType.FLOAT && is2x2(g)) {
            // The book's 2x2, stride 2 pooling, unrolled and free of branches over a heap copy of
            // each plane: 5x faster than the general loop below (whose compares mispredict on
            // real data). Ties go to the first maximum in
            // window order, as everywhere; a NaN makes the maximum NaN (its gradient then goes to
            // the window's first pair).
            long in = RawMemory.span(x, 0, (long) planes * inPlane);
            long o = RawMemory.span(out, 0, (long) planes * outPlane);
            Workers.forEachChunk(planes, (worker, first, end) -> {
                float[] p = new float[inPlane];
                float[] maxima = new float[outPlane];
                for (int pl = first; pl < end; pl++) {
                    RawMemory.copyToHeap(in + (long) pl * inPlane * Float.BYTES, p, inPlane);
                    pool2x2(p, 0, g, maxima, 0, argMax, pl * outPlane, pl * inPlane);
                    RawMemory.copyFromHeap(maxima, o + (long) pl * outPlane * Float.BYTES, outPlane);
                }
            });
        } else if (x.dataType() == DataType.FLOAT) {
            FloatBuffer in = x.data().asNioFloat();
            FloatBuffer o = out.data().asNioFloat();
            Workers.forEach(planes, pl -> {
                for (int oy = 0, r = pl * outPlane; oy < g.oh; oy++) {
                    for (int ox = 0; ox < g.ow; ox++, r++) {
                        int best = window(g, pl * inPlane, oy, ox, (i) -> in.get(i));
                        argMax[r] = best;
                        o.put(r, best < 0 ? 0f : in.get(best));
                    }
                }
            });
        } else {
            DoubleBuffer in = x.data().asNioDouble();
            DoubleBuffer o = out.data().asNioDouble();
            Workers.forEach(planes, pl -> {
                for (int oy = 0, r = pl * outPlane; oy < g.oh; oy++) {
                    for (int ox = 0; ox < g.ow; ox++, r++) {
                        int best = window(g, pl * inPlane, oy, ox, in::get);
                        argMax[r] = best;
                        o.put(r, best < 0 ? 0.0 : in.get(best));
                    }
                }
            });
        }
    }

    /**
     * One plane of the 2x2, stride 2 pooling: the plane starts at p[at]; maxima[maxAt + r] and
     * argMax[argBase + r] (as an index in x: the plane's offset there is inBase) for each window r.
     * SampleConv calls it on a sample still in cache (see {@link SampleConv.Pool2x2}).
     */
    static void pool2x2(float[] p, int at, ConvGeometry g, float[] maxima, int maxAt, int[] argMax, int argBase, int inBase) {
        int w = g.w;
        int shift = inBase - at;
        for (int oy = 0, r = 0; oy < g.oh; oy++) {
            for (int ox = 0, c = at + 2 * oy * w; ox < g.ow; ox++, r++, c += 2) {
                float a = p[c];
                float b = p[c + 1];
                float d = p[c + w];
                float e = p[c + w + 1];
                int top = b > a ? c + 1 : c;
                int bottom = e > d ? c + w + 1 : c + w;
                float m1 = Math.max(a, b);
                float m2 = Math.max(d, e);
                argMax[argBase + r] = shift + (m2 > m1 ? bottom : top);
                maxima[maxAt + r] = Math.max(m1, m2);
            }
        }
    }

    /** Whether g is the pooling {@link #pool2x2} computes: a 2x2 window, stride 2, no padding. */
    public static boolean is2x2(ConvGeometry g) {
        return g.fh == 2 && g.fw == 2 && g.stride == 2 && g.pad == 0;
    }

    /** dx (N, C, H, W) = 0, plus each dout element added at its window's argMax. */
    public static void backward(INDArray dout, int[] argMax, ConvGeometry g, INDArray dx) {
        int planes = Math.toIntExact(dx.length() / ((long) g.h * g.w));
        int outPlane = g.oh * g.ow;
        // A plane's windows point into that plane only, so planes write disjoint parts of dx.
        if (dx.dataType() == DataType.FLOAT) {
            // each plane of dx built in a heap array (zeros, then the scatter) and copied out whole
            int inPlane = g.h * g.w;
            long d = RawMemory.span(dout, 0, (long) planes * outPlane);
            long o = RawMemory.span(dx, 0, (long) planes * inPlane);
            Workers.forEachChunk(planes, (worker, first, end) -> {
                float[] grads = new float[outPlane];
                float[] plane = new float[inPlane];
                for (int pl = first; pl < end; pl++) {
                    RawMemory.copyToHeap(d + (long) pl * outPlane * Float.BYTES, grads, outPlane);
                    java.util.Arrays.fill(plane, 0f);
                    int base = pl * inPlane;
                    for (int r = 0, a = pl * outPlane; r < outPlane; r++, a++) {
                        int j = argMax[a];
                        if (j >= 0) {
                            plane[j - base] += grads[r];
                        }
                    }
                    RawMemory.copyFromHeap(plane, o + (long) base * Float.BYTES, inPlane);
                }
            });
        } else {
            dx.assign(0);
            DoubleBuffer d = dout.data().asNioDouble();
            DoubleBuffer o = dx.data().asNioDouble();
            Workers.forEach(planes, pl -> {
                for (int r = pl * outPlane, end = r + outPlane; r < end; r++) {
                    int j = argMax[r];
                    if (j >= 0) {
                        o.put(j, o.get(j) + d.get(r));
                    }
                }
            });
        }
    }

    @FunctionalInterface
    private interface Reader {
        double get(int index);
    }

    /** The flat index of the first maximum of window (oy, ox) of the plane at {@code base}, or -1 if a padding 0 is the maximum. */
    private static int window(ConvGeometry g, int base, int oy, int ox, Reader in) {
        int best = -2;
        double max = 0;
        for (int ky = 0; ky < g.fh; ky++) {
            int y = oy * g.stride + ky - g.pad;
            for (int kx = 0; kx < g.fw; kx++) {
                int x = ox * g.stride + kx - g.pad;
                boolean inside = y >= 0 && y < g.h && x >= 0 && x < g.w;
                int index = inside ? base + y * g.w + x : -1;
                double v = inside ? in.get(index) : 0.0;
                if (best == -2 || v > max || (Double.isNaN(v) && !Double.isNaN(max))) {
                    best = index;
                    max = v;
                }
            }
        }
        return best;
    }
}
