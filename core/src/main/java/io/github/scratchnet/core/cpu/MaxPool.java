package io.github.scratchnet.core.cpu;

import io.github.scratchnet.core.ConvGeometry;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max pooling straight on (N, C, H, W) buffers: each output element is the max of its window and
 * remembers the input element it came from, so backward is one scatter. Equal to the book's
 * im2row, max and argmax (first maximum in window order wins; a window's padding counts as 0,
 * and a maximum found there sends no gradient back), without the im2row matrix or any permute.
 * Planes (n, c) run in parallel, each through a heap copy. x, out, dout, dx: dense FLOAT or
 * DOUBLE arrays.
 */
public final class MaxPool {
    private MaxPool() {
    }

    /** out (N, C, OH, OW) = window maxima of x; argMax (N*C*OH*OW) = their flat indices in x, or -1 in the padding. */
    public static void forward(INDArray x, ConvGeometry g, INDArray out, int[] argMax) {
        int inPlane = g.h * g.w;
        int outPlane = g.oh * g.ow;
        int planes = Math.toIntExact(x.length() / inPlane);
        DataType type = x.dataType();
        long size = x.data().getElementSize();
        long in = RawMemory.span(x, 0, (long) planes * inPlane);
        long o = RawMemory.span(out, 0, (long) planes * outPlane);
        // The book's 2x2, stride 2 pooling in float32 has a loop of its own, unrolled and free of
        // branches (the general loop's compares mispredict on real data).
        boolean twoByTwo = type == DataType.FLOAT && is2x2(g);
        Workers.forEachChunk(planes, (worker, first, end) -> {
            HeapArray plane = HeapArray.of(type, inPlane);
            HeapArray maxima = HeapArray.of(type, outPlane);
            for (int pl = first; pl < end; pl++) {
                plane.load(in + (long) pl * inPlane * size, inPlane);
                if (twoByTwo) {
                    pool2x2(((HeapArray.Floats) plane).v, 0, g, ((HeapArray.Floats) maxima).v, 0, argMax, pl * outPlane,
                            pl * inPlane);
                } else {
                    for (int oy = 0, r = 0; oy < g.oh; oy++) {
                        for (int ox = 0; ox < g.ow; ox++, r++) {
                            int best = window(g, plane, oy, ox);
                            argMax[pl * outPlane + r] = best < 0 ? -1 : pl * inPlane + best;
                            maxima.set(r, best < 0 ? 0.0 : plane.get(best));
                        }
                    }
                }
                maxima.store(o + (long) pl * outPlane * size, outPlane);
            }
        });
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

    /**
     * The maxima alone, where no backward needs the argmax, of a plane a ReLU produced (each
     * element +0 or more, or NaN): compared as the integers of their bits, which order such floats
     * as their values (a NaN's sign cleared, so a NaN wins as it does in Math.max), in a loop
     * without the float compares' branches. The same maxima as {@link #pool2x2} above.
     */
    static void pool2x2AfterRelu(float[] p, int at, ConvGeometry g, float[] maxima, int maxAt) {
        int w = g.w;
        for (int oy = 0, r = maxAt; oy < g.oh; oy++) {
            for (int ox = 0, c = at + 2 * oy * w; ox < g.ow; ox++, r++, c += 2) {
                int top = Math.max(bits(p[c]), bits(p[c + 1]));
                int bottom = Math.max(bits(p[c + w]), bits(p[c + w + 1]));
                maxima[r] = Float.intBitsToFloat(Math.max(top, bottom));
            }
        }
    }

    /** v's bits with the sign cleared (Math.abs keeps a NaN's sign before JDK 18). */
    private static int bits(float v) {
        return Float.floatToRawIntBits(v) & 0x7fffffff;
    }

    /** Whether g is the pooling {@link #pool2x2} computes: a 2x2 window, stride 2, no padding. */
    public static boolean is2x2(ConvGeometry g) {
        return g.fh == 2 && g.fw == 2 && g.stride == 2 && g.pad == 0;
    }

    /** dx (N, C, H, W) = 0, plus each dout element added at its window's argMax. */
    public static void backward(INDArray dout, int[] argMax, ConvGeometry g, INDArray dx) {
        int inPlane = g.h * g.w;
        int outPlane = g.oh * g.ow;
        int planes = Math.toIntExact(dx.length() / inPlane);
        DataType type = dx.dataType();
        long size = dx.data().getElementSize();
        long d = RawMemory.span(dout, 0, (long) planes * outPlane);
        long o = RawMemory.span(dx, 0, (long) planes * inPlane);
        // A plane's windows point into that plane only, so planes write disjoint parts of dx.
        Workers.forEachChunk(planes, (worker, first, end) -> {
            HeapArray grads = HeapArray.of(type, outPlane);
            HeapArray plane = HeapArray.of(type, inPlane);
            for (int pl = first; pl < end; pl++) {
                grads.load(d + (long) pl * outPlane * size, outPlane);
                plane.zero(inPlane);
                plane.scatterAdd(argMax, pl * outPlane, pl * inPlane, grads, outPlane);
                plane.store(o + (long) pl * inPlane * size, inPlane);
            }
        });
    }

    /** The index in the plane of the first maximum of window (oy, ox), or -1 if a padding 0 is the maximum. */
    private static int window(ConvGeometry g, HeapArray plane, int oy, int ox) {
        int best = -2;
        double max = 0;
        for (int ky = 0; ky < g.fh; ky++) {
            int y = oy * g.stride + ky - g.pad;
            for (int kx = 0; kx < g.fw; kx++) {
                int x = ox * g.stride + kx - g.pad;
                boolean inside = y >= 0 && y < g.h && x >= 0 && x < g.w;
                int index = inside ? y * g.w + x : -1;
                double v = inside ? plane.get(index) : 0.0;
                if (best == -2 || v > max || (Double.isNaN(v) && !Double.isNaN(max))) {
                    best = index;
                    max = v;
                }
            }
        }
        return best;
    }
}
