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
    /** Tiles of an output plane: rows, columns; a row holds one more tile (its last unused), so that each step runs over a whole plane. */
    private final int tileRows;
    private final int tileCols;
    private final int width;
    /** Tiles of a plane as laid out: tileRows x width. */
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
        this.width = tileCols + 1;
        this.tiles = tileRows * width;
        this.u = Nd4j.create(type, 16, fn, g.c);
    }

    public ConvGeometry geometry() {
        return g;
    }

    /** Multiplications of one sample's convolution: 16 per tile, filter and channel (the unused tile of each row counts). */
    public long multiplications() {
        return 16L * tiles * fn * g.c;
    }

    /** Scratch of one worker for a group of {@code samples}: heap transforms, and the GEMMs' operands. */
    private final class Worker {
        final int columns;
        final double[] input = new double[g.sampleSize()];
        /**
         * One input plane split by the parity of its (padded) rows and columns: [even row, even
         * column], [even, odd], [odd, even], [odd, odd], each (tileRows + 1) x width and one more;
         * the padding's places stay zero.
         */
        final double[][] parts = new double[4][(tileRows + 1) * width + 1];
        final double[] v;
        final double[] m;
        /** One output plane's four tile corners, tile by tile: (4, tiles). */
        final double[] corners = new double[4 * tiles];
        final double[] output = new double[fn * g.oh * g.ow];
        final float[] narrow;
        final INDArray vArray;
        final INDArray mArray;

        Worker(int samples) {
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
            for (int c = 0; c < g.c; c++) {
                split(wk.input, c * g.h * g.w, wk.parts);
                transformInput(wk.parts, wk.v, c * cols + (s - from) * tiles, g.c * cols);
            }
        }
        storeAt(wk.v, wk.vArray, 0, 16 * g.c * cols, wk.narrow);
        for (int xi = 0; xi < 16; xi++) {
            Gemm.gemm(false, false, fn, used, g.c, u, (long) xi * fn * g.c, g.c, wk.vArray, (long) xi * g.c * cols, cols,
                    0.0, wk.mArray, (long) xi * fn * cols, cols);
        }
        load(wk.mArray, 0, wk.m, 16 * fn * cols, wk.narrow);
        int plane = g.oh * g.ow;
        for (int s = from; s < to; s++) {
            for (int f = 0; f < fn; f++) {
                transformOutput(wk.m, f * cols + (s - from) * tiles, fn * cols, bias[f], wk.corners);
                place(wk.corners, relu, wk.output, f * plane);
            }
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

    /** The plane of {@code in} from {@code at} into its four parity parts (padded coordinates: the image starts at (pad, pad)). */
    private void split(double[] in, int at, double[][] parts) {
        for (int y = 0; y < g.h; y++) {
            int py = y + g.pad;
            int row = (py >> 1) * width;
            int rowAt = at + y * g.w;
            for (int x = 0; x < g.w; x++) {
                int px = x + g.pad;
                parts[((py & 1) << 1) | (px & 1)][row + (px >> 1)] = in[rowAt + x];
            }
        }
    }

    /**
     * V[ξ][column + t] (rows of V {@code step} apart) = (Bᵀ · d · B)[ξ] for each tile t of one
     * plane, d its 4x4 patch; Bᵀ = [[1,0,-1,0], [0,1,1,0], [0,-1,1,0], [0,1,0,-1]]. Tile t = (ty,
     * tx) at ty·width + tx reads rows 2ty..2ty+3 and columns 2tx..2tx+3 of the padded plane: in
     * the parity parts, places t, t + 1, t + width and t + width + 1. One pass over the plane's
     * tiles, the same arithmetic for each, so the loop runs in vector registers.
     */
    private void transformInput(double[][] parts, double[] v, int column, int step) {
        double[] ee = parts[0], eo = parts[1], oe = parts[2], oo = parts[3];
        int w = width;
        for (int t = 0; t < tiles; t++) {
            double a0 = ee[t], a1 = eo[t], a2 = ee[t + 1], a3 = eo[t + 1];                 // patch row 0
            double b0 = oe[t], b1 = oo[t], b2 = oe[t + 1], b3 = oo[t + 1];                 // row 1
            double c0 = ee[t + w], c1 = eo[t + w], c2 = ee[t + w + 1], c3 = eo[t + w + 1]; // row 2
            double d0 = oe[t + w], d1 = oo[t + w], d2 = oe[t + w + 1], d3 = oo[t + w + 1]; // row 3
            double p0 = a0 - c0, p1 = a1 - c1, p2 = a2 - c2, p3 = a3 - c3;                 // Bᵀ · d
            double q0 = b0 + c0, q1 = b1 + c1, q2 = b2 + c2, q3 = b3 + c3;
            double r0 = c0 - b0, r1 = c1 - b1, r2 = c2 - b2, r3 = c3 - b3;
            double s0 = b0 - d0, s1 = b1 - d1, s2 = b2 - d2, s3 = b3 - d3;
            int o = column + t;                                                            // (Bᵀ · d) · B
            timesB(v, o, step, p0, p1, p2, p3);
            timesB(v, o + 4 * step, step, q0, q1, q2, q3);
            timesB(v, o + 8 * step, step, r0, r1, r2, r3);
            timesB(v, o + 12 * step, step, s0, s1, s2, s3);
        }
    }

    /** One row x of Bᵀ · d times B, into v at o, o + step, o + 2·step and o + 3·step. */
    private static void timesB(double[] v, int o, int step, double x0, double x1, double x2, double x3) {
        v[o] = x0 - x2;
        v[o + step] = x1 + x2;
        v[o + 2 * step] = x2 - x1;
        v[o + 3 * step] = x1 - x3;
    }

    /**
     * The four corners of each output tile of one plane, from M[ξ][column + t] (rows {@code step}
     * apart): Y = Aᵀ · M · A + bias, Aᵀ = [[1,1,1,0], [0,1,-1,-1]]; corners (4, tiles): top left,
     * top right, bottom left, bottom right.
     */
    private void transformOutput(double[] m, int column, int step, double bias, double[] corners) {
        int n = tiles;
        for (int t = 0; t < n; t++) {
            int o = column + t;
            double m0 = m[o], m1 = m[o + step], m2 = m[o + 2 * step], m3 = m[o + 3 * step];
            double m4 = m[o + 4 * step], m5 = m[o + 5 * step], m6 = m[o + 6 * step], m7 = m[o + 7 * step];
            double m8 = m[o + 8 * step], m9 = m[o + 9 * step], m10 = m[o + 10 * step], m11 = m[o + 11 * step];
            double m12 = m[o + 12 * step], m13 = m[o + 13 * step], m14 = m[o + 14 * step], m15 = m[o + 15 * step];
            double a0 = m0 + m4 + m8, a1 = m1 + m5 + m9, a2 = m2 + m6 + m10, a3 = m3 + m7 + m11;      // Aᵀ · M
            double b0 = m4 - m8 - m12, b1 = m5 - m9 - m13, b2 = m6 - m10 - m14, b3 = m7 - m11 - m15;
            corners[t] = a0 + a1 + a2 + bias;                                                     // · A
            corners[n + t] = a1 - a2 - a3 + bias;
            corners[2 * n + t] = b0 + b1 + b2 + bias;
            corners[3 * n + t] = b1 - b2 - b3 + bias;
        }
    }

    /** The tiles' corners into the (OH, OW) plane at out[at], the parts inside the plane; then max(0, ·) where relu. */
    private void place(double[] corners, boolean relu, double[] out, int at) {
        for (int ty = 0; ty < tileRows; ty++) {
            for (int r = 0; r < 2 && 2 * ty + r < g.oh; r++) {
                int row = at + (2 * ty + r) * g.ow;
                int from = 2 * r * tiles + ty * width;
                for (int x = 0; x < g.ow; x++) {
                    double y = corners[from + (x & 1) * tiles + (x >> 1)];
                    out[row + x] = relu && y < 0 ? 0.0 : y;
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
