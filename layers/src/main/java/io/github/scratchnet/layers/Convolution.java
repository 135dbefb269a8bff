package io.github.scratchnet.layers;

import io.github.scratchnet.core.Backend;
import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.ConvGeometry;
import io.github.scratchnet.core.Im2Row;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.SampleConv;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Convolution (cross-correlation) through im2row, book section 7.4.3: the book's
 * {@code im2row(x) · W.reshape(FN, -1)ᵀ + b}. Two kernels compute it. {@link Kernel#IM2ROW} is
 * the book's form, kept as the reference: the batch in chunks of samples whose im2row matrices
 * fit in cache. {@link Kernel#PER_SAMPLE} (the default on the CPU) is {@link SampleConv}: one
 * sample at a time, channel-major, multiplied straight into the output, which is several times
 * faster; ConvolutionFastPathTest proves the two equal.
 * x (N, C, H, W), W (FN, C, FH, FW), b (FN,), out (N, FN, OH, OW) with
 * {@code OH = (H + 2*pad - FH) / stride + 1}. One bias per filter.
 */
public final class Convolution extends WeightedLayer {
    private final int stride;
    private final int pad;
    /** W viewed as (FN, C*FH*FW): the same memory. */
    private final INDArray colW;

    /** How the layer computes; both give the book's result. */
    public enum Kernel {
        /** The book's im2row matrix (in chunks of the batch) times W, then a permute to (N, FN, OH, OW). */
        IM2ROW,
        /** {@link SampleConv}: per sample, channel-major, no permute; CPU backends only. */
        PER_SAMPLE
    }

    private Kernel kernel = Backend.onCpu() ? Kernel.PER_SAMPLE : Kernel.IM2ROW;
    private SampleConv sampleConv;
    /** Whether a ReLU follows in a Sequential, which the PER_SAMPLE kernel then applies itself (see Relu). */
    private boolean reluFollows;
    /** Whether the last forward applied it. */
    private boolean reluApplied;
    /** The max pooling after the ReLU in a Sequential (see {@link #poolFollows}), or null. */
    private Pooling poolFollows;
    /** The pooling the last forward computed in its pass, or null. */
    private SampleConv.Pool2x2 pooled;

    /** Bytes of im2row matrix per chunk of samples; chosen by measurement (see chunkSamples). */
    static final long CHUNK_BYTES = Long.getLong("scratchnet.conv.chunkBytes", 4L << 20);

    // set by forward, read by backward
    private ConvGeometry geometry;
    private INDArray x;
    // buffers kept between steps: the output and dx, and per-chunk scratch
    private INDArray out;
    private INDArray dx;
    private INDArray colChunk;
    private INDArray out2dChunk;
    private INDArray d2Chunk;
    private INDArray dcolChunk;
    private INDArray dbChunk;

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
        this.x = Im2Row.contiguous(x);
        int n = (int) x.size(0);
        long fn = W.size(0);
        ConvGeometry g = geometry;
        out = Buffers.reuse(out, W.dataType(), n, fn, g.oh, g.ow);
        reluApplied = false;
        pooled = null;
        if (kernel == Kernel.PER_SAMPLE) {
            reluApplied = reluFollows;
            if (reluApplied && poolFollows != null && W.dataType() == DataType.FLOAT) {
                pooled = poolFollows.fusedPooling(out.shape());
            }
            sampleConv().forward(this.x, colW, b, out, reluApplied, pooled);
            return out;
        }
        int chunk = chunkSamples(g, n);
        for (int s0 = 0; s0 < n; s0 += chunk) {
            int s = Math.min(chunk, n - s0);
            INDArray col = im2rowChunk(s0, s);                                         // (s*OH*OW, C*FH*FW)
            INDArray out2d = rows(out2dChunk = Buffers.reuse(out2dChunk, W.dataType(), (long) chunk * g.rowsPerSample(), fn),
                    s * g.rowsPerSample());                                            // (s*OH*OW, FN)
            Nd4j.gemm(col, colW, out2d, false, true, 1.0, 0.0);
            out2d.addiRowVector(b);
            out.get(NDArrayIndex.interval(s0, s0 + s))
                    .assign(out2d.reshape('c', s, g.oh, g.ow, fn).permute(0, 3, 1, 2));
        }
        return out;
    }

    @Override
    public INDArray backward(INDArray dout) {
        return backward(dout, true);
    }

    @Override
    public INDArray backwardParamsOnly(INDArray dout) {
        return backward(dout, kernel == Kernel.IM2ROW);
    }

    private INDArray backward(INDArray dout, boolean inputGradient) {
        Layer.requireForward(x, this);
        ConvGeometry g = geometry;
        int n = (int) x.size(0);
        long fn = W.size(0);
        DataType type = W.dataType();
        dW = Buffers.reuse(dW, type, W.shape());
        INDArray dW2d = dW.reshape('c', fn, colW.size(1));
        if (kernel == Kernel.PER_SAMPLE) {
            db = Buffers.reuse(db, type, fn);
            INDArray target = inputGradient ? (dx = Buffers.reuse(dx, type, x.shape())) : null;
            boolean unpool = pooled != null && poolFollows.deferredGradient(dout);
            sampleConv().backward(x, colW, Im2Row.contiguous(dout), dW2d, db, target, reluApplied ? out : null,
                    unpool ? pooled : null);
            return target;
        }
        db = Buffers.reuse(db, type, fn).assign(0);
        dbChunk = Buffers.reuse(dbChunk, type, fn);
        dx = Buffers.reuse(dx, type, x.shape()).assign(0);
        int chunk = chunkSamples(g, n);
        for (int s0 = 0; s0 < n; s0 += chunk) {
            int s = Math.min(chunk, n - s0);
            int r = s * g.rowsPerSample();
            INDArray col = im2rowChunk(s0, s);       // recomputed: cheaper than keeping the whole im2row matrix
            INDArray d2 = rows(d2Chunk = Buffers.reuse(d2Chunk, type, (long) chunk * g.rowsPerSample(), fn), r);
            d2.reshape('c', s, g.oh, g.ow, fn).assign(dout.get(NDArrayIndex.interval(s0, s0 + s)).permute(0, 2, 3, 1));
            db.addi(d2.sum(dbChunk, 0));
            Nd4j.gemm(d2, col, dW2d, true, false, 1.0, s0 == 0 ? 0.0 : 1.0);
            INDArray dcol = rows(dcolChunk = Buffers.reuse(dcolChunk, type, colChunk.shape()), r);
            Nd4j.gemm(d2, colW, dcol, false, false, 1.0, 0.0);
            Im2Row.scatterAdd(dcol, g.table(), s0, s, g.sampleSize(), dx);
        }
        return dx;
    }

    /**
     * Tells the layer that a ReLU follows it (Sequential does this): the PER_SAMPLE kernel then
     * applies max(0, ·) to each sample's output while it is in cache, and masks dout the same way
     * in backward, so the ReLU layer passes through ({@link Relu#after}). Outside a Sequential,
     * or with the IM2ROW kernel, the output is the plain convolution.
     */
    void reluFollows(boolean follows) {
        this.reluFollows = follows;
    }

    /**
     * Tells the layer that a ReLU and then this max pooling follow it (Sequential does this): in
     * float32, the PER_SAMPLE kernel then also pools each activated sample while it is in cache,
     * and in backward takes the pooling's gradient and unpools and masks it sample by sample, so
     * the pooling layer passes through (see {@link Pooling#after}).
     */
    void poolFollows(Pooling pooling) {
        this.poolFollows = pooling;
    }

    /** Whether the last forward also pooled {@code output} (its own output) into the following pooling's output. */
    boolean pooledFrom(INDArray output) {
        return pooled != null && output == out;
    }

    /** Whether the last forward returned {@code output} with the ReLU already applied. */
    boolean reluAppliedTo(INDArray output) {
        return reluApplied && output == out;
    }

    /** Chooses the kernel (the default is PER_SAMPLE on the CPU backend, IM2ROW elsewhere); returns this layer. */
    public Convolution kernel(Kernel kernel) {
        this.kernel = kernel;
        return this;
    }

    public Kernel kernel() {
        return kernel;
    }

    private SampleConv sampleConv() {
        if (sampleConv == null || sampleConv.geometry() != geometry) {
            sampleConv = new SampleConv(geometry, (int) W.size(0), W.dataType());
        }
        return sampleConv;
    }

    /** im2row of samples s0 .. s0+s-1 into the chunk buffer; the rows in use. */
    private INDArray im2rowChunk(int s0, int s) {
        ConvGeometry g = geometry;
        int chunk = chunkSamples(g, (int) x.size(0));
        colChunk = Buffers.reuse(colChunk, W.dataType(), (long) chunk * g.rowsPerSample(), g.rowLength());
        Im2Row.gather(x, g.table(), s0, s, g.sampleSize(), colChunk);
        return rows(colChunk, s * g.rowsPerSample());
    }

    /** The first {@code r} rows of a buffer (the whole buffer when it has exactly r). */
    private static INDArray rows(INDArray buffer, long r) {
        return buffer.size(0) == r ? buffer : buffer.get(NDArrayIndex.interval(0, r), NDArrayIndex.all());
    }

    /**
     * Samples per chunk, so that a chunk's im2row matrix stays in cache between being written and
     * multiplied (writing and re-reading the whole batch's matrix cost more than the multiply).
     */
    private static int chunkSamples(ConvGeometry g, int n) {
        long perSample = (long) g.rowsPerSample() * g.rowLength() * Float.BYTES;
        return (int) Math.max(1, Math.min(n, CHUNK_BYTES / perSample));
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
