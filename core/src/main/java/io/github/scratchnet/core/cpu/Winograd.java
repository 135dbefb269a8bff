package io.github.scratchnet.core.cpu;

import io.github.scratchnet.core.ConvGeometry;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 3x3, stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray 2016,
 * "Fast Algorithms for Convolutional Neural Networks"): each 2x2 tile of an output plane comes
 * from the 4x4 input patch under it in 16 multiplications per (filter, channel) instead of 36.
 * With {@code Bᵀ, G, Aᵀ} the algorithm's constant matrices, for each filter f and tile t:
 * <pre>
 *   U[f, c] = G · g[f, c] · Gᵀ            (4x4, once per call, from the 3x3 filter)
 *   V[c, t] = Bᵀ · d[c, t] · B            (4x4, from the 4x4 input patch of tile t)
 *   M[ξ] (FN, T) = U[ξ] (FN, C) · V[ξ] (C, T)   for each of the 16 positions ξ: 16 GEMMs
 *   Y[f, t] = Aᵀ · M[f, t] · A + b[f]     (2x2, the tile of the output)
 * </pre>
 * Samples go to the worker threads in groups whose tiles fill GEMMs of {@link #GROUP_TILES}
 * columns or more; each worker transforms on the heap (in double, whatever the arrays' type)
 * and multiplies with the library GEMM on its own thread. Output planes of odd size take the
 * part of their last tiles that falls inside; input patches read zeros outside the image (the
 * padding). Padding 0-2 and any size; x, W2d, b, out dense FLOAT or DOUBLE arrays. Tests hold it
 * to the book's Convolution in float64 (1e-10) and bound its float32 error.
 */
public final class Winograd {
    /** The least GEMM width (tiles) a group of samples makes, where the samples allow. */
    static final int GROUP_TILES = 512;

    private final ConvGeometry g;
    private final int fn;
    private final DataType type;
    /** Tiles of an output plane: rows, columns, all. */
    private final int tileRows;
    private final int tileCols;
    private final int tiles;
    /** The transformed filters, (16, FN, C): U[ξ][f][c]. */
    private final INDArray u;
    private Worker[] workers = new Worker[0];
    private int groupSamples;

    /** Whether F(2x2, 3x3) computes a convolution of this geometry: 3x3, stride 1. */
    public static boolean applies(ConvGeometry g) {
        return g.fh == 3 && g.fw == 3 && g.stride == 1;
    }

    public Winograd(ConvGeometry g, int filters, DataType type) {
        if (!applies(g)) {
            throw new IllegalArgumentException("Winograd F(2x2, 3x3) needs a 3x3 window, stride 1; found " + g);
        }
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("the fast convolution works on FLOAT and DOUBLE, found " + type);
        }
        this.g = g;
        this.fn = filters;
        this.type = type;
        this.tileRows = (g.oh + 1) / 2;
        this.tileCols = (g.ow + 1) / 2;
        this.tiles = tileRows * tileCols;
        this.u = Nd4j.create(type, 16, fn, g.c);
    }

    public ConvGeometry geometry() {
        return g;
    }

    /** Multiplications of one sample's convolution: 16 per tile, filter and channel. */
    public long multiplications() {
        return 16L * tiles * fn * g.c;
    }

    /** Scratch of one worker for a group of {@code samples}: heap transforms, and the GEMMs' operands. */
    private final class Worker {
        final int samples;
        final int columns;
        final double[] input = new double[g.sampleSize()];
        final double[] v;
        final double[] m;
        final double[] output = new double[fn * g.oh * g.ow];
        /** One tile's 4x4 patch, and its 2x4 half-transformed output. */
        final double[] patch = new double[16];
        final double[] half = new double[8];
        final float[] narrow;
        final INDArray vArray;
        final INDArray mArray;

        Worker(int samples) {
            this.samples = samples;
            this.columns = samples * tiles;
            this.v = new double[16 * g.c * columns];
            this.m = new double[16 * fn * columns];
            this.narrow = type == DataType.FLOAT ? new float[Math.max(v.length, Math.max(m.length, input.length))] : null;
            this.vArray = Nd4j.create(type, 16, g.c, columns);
            this.mArray = Nd4j.create(type, 16, fn, columns);
        }
    }

    /**
     * out (N, FN, OH, OW) = conv(x (N, C, H, W), W2d (FN, C*9)) + b (FN,); then max(0, ·) where
     * {@code relu} (NaN stays NaN).
     */
    public void forward(INDArray x, INDArray w2d, INDArray b, INDArray out, boolean relu) {
        int n = (int) x.size(0);
        transformFilters(w2d);
        double[] bias = new double[fn];
        load(b, 0, bias, fn, null);
        int per = Math.max(1, Math.min(n, (GROUP_TILES + tiles - 1) / tiles));
        ensureWorkers(per);
        int groups = (n + per - 1) / per;
        Gemm.onWorkers(groups, (w, i) -> group(x, i * per, Math.min(n, i * per + per), workers[w], bias, out, relu));
    }

    private void ensureWorkers(int samples) {
        int count = Workers.count();
        if (samples != groupSamples || workers.length < count) {
            workers = new Worker[count];
            for (int i = 0; i < count; i++) {
                workers[i] = new Worker(samples);
            }
            groupSamples = samples;
        }
    }

    /** Samples [from, to) of x into out, through the worker's scratch. */
    private void group(INDArray x, int from, int to, Worker wk, double[] bias, INDArray out, boolean relu) {
        int cols = wk.columns;
        int used = (to - from) * tiles;
        for (int s = from; s < to; s++) {
            load(x, (long) s * g.sampleSize(), wk.input, g.sampleSize(), wk.narrow);
            transformInput(wk.input, wk.v, cols, (s - from) * tiles, wk.patch);
        }
        storeAt(wk.v, wk.vArray, 0, 16 * g.c * cols, wk.narrow);
        for (int xi = 0; xi < 16; xi++) {
            Gemm.gemm(false, false, fn, used, g.c, u, (long) xi * fn * g.c, g.c, wk.vArray, (long) xi * g.c * cols, cols,
                    0.0, wk.mArray, (long) xi * fn * cols, cols);
        }
        load(wk.mArray, 0, wk.m, 16 * fn * cols, wk.narrow);
        int plane = g.oh * g.ow;
        for (int s = from; s < to; s++) {
            transformOutput(wk.m, cols, (s - from) * tiles, bias, relu, wk.output, wk.half);
            storeAt(wk.output, out, (long) s * fn * plane, fn * plane, wk.narrow);
        }
    }

    /** U[ξ][f][c] = (G · g[f, c] · Gᵀ)[ξ], G = [[1,0,0], [½,½,½], [½,-½,½], [0,0,1]]. */
    private void transformFilters(INDArray w2d) {
        int k = g.c * 9;
        double[] w = new double[fn * k];
        load(w2d, 0, w, fn * k, null);
        double[] uh = new double[16 * fn * g.c];
        double[] t = new double[12];
        for (int f = 0; f < fn; f++) {
            for (int c = 0; c < g.c; c++) {
                int at = (f * g.c + c) * 9;
                for (int col = 0; col < 3; col++) {               // t (4x3) = G · g
                    double g0 = w[at + col], g1 = w[at + 3 + col], g2 = w[at + 6 + col];
                    t[col] = g0;
                    t[3 + col] = 0.5 * (g0 + g1 + g2);
                    t[6 + col] = 0.5 * (g0 - g1 + g2);
                    t[9 + col] = g2;
                }
                for (int row = 0; row < 4; row++) {               // U (4x4) = t · Gᵀ
                    double t0 = t[row * 3], t1 = t[row * 3 + 1], t2 = t[row * 3 + 2];
                    int base = (row * 4) * fn * g.c + f * g.c + c;
                    int step = fn * g.c;
                    uh[base] = t0;
                    uh[base + step] = 0.5 * (t0 + t1 + t2);
                    uh[base + 2 * step] = 0.5 * (t0 - t1 + t2);
                    uh[base + 3 * step] = t2;
                }
            }
        }
        storeAt(uh, u, 0, uh.length, type == DataType.FLOAT ? new float[uh.length] : null);
    }

    /**
     * V[ξ][c][column + t] = (Bᵀ · d · B)[ξ] for each channel c and tile t of one sample, d its 4x4
     * input patch (zeros outside the image); Bᵀ = [[1,0,-1,0], [0,1,1,0], [0,-1,1,0], [0,1,0,-1]].
     */
    private void transformInput(double[] in, double[] v, int cols, int column, double[] d) {
        int step = g.c * cols;
        for (int c = 0; c < g.c; c++) {
            int planeAt = c * g.h * g.w;
            for (int ty = 0; ty < tileRows; ty++) {
                int y0 = 2 * ty - g.pad;
                for (int tx = 0; tx < tileCols; tx++) {
                    int x0 = 2 * tx - g.pad;
                    boolean inside = y0 >= 0 && x0 >= 0 && y0 + 4 <= g.h && x0 + 4 <= g.w;
                    for (int r = 0; r < 4; r++) {
                        int y = y0 + r;
                        int rowAt = planeAt + y * g.w + x0;
                        for (int q = 0; q < 4; q++) {
                            d[r * 4 + q] = inside || (y >= 0 && y < g.h && x0 + q >= 0 && x0 + q < g.w) ? in[rowAt + q] : 0.0;
                        }
                    }
                    for (int q = 0; q < 4; q++) {                 // Bᵀ · d, column by column
                        double d0 = d[q], d1 = d[4 + q], d2 = d[8 + q], d3 = d[12 + q];
                        d[q] = d0 - d2;
                        d[4 + q] = d1 + d2;
                        d[8 + q] = d2 - d1;
                        d[12 + q] = d1 - d3;
                    }
                    int at = c * cols + column + ty * tileCols + tx;
                    for (int r = 0; r < 4; r++) {                 // (Bᵀ · d) · B, row by row
                        double e0 = d[r * 4], e1 = d[r * 4 + 1], e2 = d[r * 4 + 2], e3 = d[r * 4 + 3];
                        int xi = at + r * 4 * step;
                        v[xi] = e0 - e2;
                        v[xi + step] = e1 + e2;
                        v[xi + 2 * step] = e2 - e1;
                        v[xi + 3 * step] = e1 - e3;
                    }
                }
            }
        }
    }

    /**
     * One sample's (FN, OH, OW) output from M[ξ][f][column + t]: Y = Aᵀ · M · A + b, Aᵀ =
     * [[1,1,1,0], [0,1,-1,-1]], the tile's part inside the plane; then max(0, ·) where relu.
     */
    private void transformOutput(double[] m, int cols, int column, double[] bias, boolean relu, double[] out, double[] a) {
        int step = fn * cols;
        for (int f = 0; f < fn; f++) {
            int planeAt = f * g.oh * g.ow;
            for (int ty = 0; ty < tileRows; ty++) {
                for (int tx = 0; tx < tileCols; tx++) {
                    int at = f * cols + column + ty * tileCols + tx;
                    for (int q = 0; q < 4; q++) {                 // Aᵀ · M, column by column
                        double m0 = m[at + q * step], m1 = m[at + (4 + q) * step];
                        double m2 = m[at + (8 + q) * step], m3 = m[at + (12 + q) * step];
                        a[q] = m0 + m1 + m2;
                        a[4 + q] = m1 - m2 - m3;
                    }
                    for (int r = 0; r < 2; r++) {                 // (Aᵀ · M) · A
                        int y = 2 * ty + r;
                        if (y >= g.oh) {
                            break;
                        }
                        double y0 = a[r * 4] + a[r * 4 + 1] + a[r * 4 + 2] + bias[f];
                        double y1 = a[r * 4 + 1] - a[r * 4 + 2] - a[r * 4 + 3] + bias[f];
                        int o = planeAt + y * g.ow + 2 * tx;
                        out[o] = relu && y0 < 0 ? 0.0 : y0;
                        if (2 * tx + 1 < g.ow) {
                            out[o + 1] = relu && y1 < 0 ? 0.0 : y1;
                        }
                    }
                }
            }
        }
    }

    /** to[0 .. count) = the array's elements from {@code at}, widened to double (FLOAT through narrow, if given). */
    private void load(INDArray from, long at, double[] to, int count, float[] narrow) {
        long address = RawMemory.span(from, at, count);
        if (type == DataType.DOUBLE) {
            RawMemory.copyToHeap(address, to, count);
        } else {
            float[] f = narrow != null ? narrow : new float[count];
            RawMemory.copyToHeap(address, f, count);
            for (int i = 0; i < count; i++) {
                to[i] = f[i];
            }
        }
    }

    /** to[at .. at+count) = from's first count elements, narrowed through {@code narrow} for FLOAT. */
    private void storeAt(double[] from, INDArray to, long at, int count, float[] narrow) {
        long address = RawMemory.span(to, at, count);
        if (type == DataType.DOUBLE) {
            RawMemory.copyFromHeap(from, 0, address, count);
        } else {
            for (int i = 0; i < count; i++) {
                narrow[i] = (float) from[i];
            }
            RawMemory.copyFromHeap(narrow, 0, address, count);
        }
    }
}
