package io.github.scratchnet.core.cpu;

import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.ConvGeometry;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The fast convolution: the same arithmetic as the book's im2row form, arranged so that nothing
 * but the multiplies touches much memory. Each sample is unfolded on its own, channel-major
 * ({@code colT (C*FH*FW, OH*OW)}, the transpose of the book's rows for that sample), into a scratch
 * matrix small enough to stay in the core's cache, and multiplied straight into its slab of the
 * (N, FN, OH, OW) output: {@code out[n] = [W2d | b] · [colT; 1]} (a row of ones below colT brings
 * the bias into the same GEMM). No im2row matrix of the whole batch, no permute of the output.
 * Backward does the same per sample: {@code [dW2dᵀ; dbᵀ] += [colT; 1] · dout[n]ᵀ}, and dx[n] as
 * the transposed convolution of dout[n] (see {@link #backward}), or for other geometries
 * {@code dcolT = W2dᵀ · dout[n]} folded back into dx[n]. Where a ReLU follows, forward applies it
 * and backward its mask, sample by sample while the data is in cache. Samples are spread over the
 * worker threads, each with its own scratch and its own dW accumulator (summed at the end), and
 * each GEMM runs on its worker's thread.
 * <p>
 * The unfold is a table of memory copies (see {@link #copies}); the padding entries are written
 * once, when the scratch is made. For stride 1 from {@link #STRIP_MIN_CHANNELS} input channels
 * the unfold is FW·C strips and the GEMM FH GEMMs, one per filter row (see {@link #strips}).
 * x, W2d, dout, out, dx: dense FLOAT or DOUBLE arrays. The engine's tests hold it equal to the
 * book's Convolution (float64, 1e-10).
 */
public final class SampleConv {
    private final ConvGeometry g;
    private final int fn;
    private final DataType type;
    /** Rows and columns of one sample's colT: K = C*FH*FW, P = OH*OW. */
    private final int k;
    private final int p;
    /** Triples (index in colT, index in the input sample, length) of the unfold; the input steps by the stride. */
    private final int[] runs;
    /**
     * For stride 1 the unfold is not runs but one copy per colT row: with source rows and colT
     * rows both S = max(W, OW) wide, colT row (c, ky, kx) is the source plane c shifted by
     * (ky-pad)*S + kx-pad. The entries per output row that this pulls from the neighbouring row
     * are padding, zeroed after the copy ({@code wrapped}). The source is the input itself where
     * S == W, else (padding that widens the image, OW > W) a per-worker copy of it with rows OW
     * wide and pad zero rows above and below ({@code fill} makes it, one copy per input row).
     * Where OW < W (little or no padding) colT has S - OW unused columns per output row: the
     * GEMM writes a wide output that is then compacted, and dW's colT is unfolded by runs.
     * That is one copy per colT row instead of one per output row. Strides above 1 copy the runs.
     */
    private final boolean shifted;
    /** S, and the columns of the shifted colT: OH * S (P unless wide). */
    private final int width;
    private final int pw;
    private final boolean wide;
    private final int[] copies;
    private final int[] wrapped;
    /**
     * Stride 1, forward: colT row (c, ky, kx) is row (c, kx) of a matrix of FW·C strips, each
     * (OH + FH - 1)·S long, read from column ky·S on (the rows for ky = 0, 1, ... of one (c, kx)
     * are the same source shifted by S). So the forward pass unfolds FW·C strips instead of
     * FH·FW·C rows, and multiplies in FH GEMMs, one per ky, each over the strips from ky·S with
     * the filters' (ky) slice: a third of the copying for a 3x3 window. Backward's dW keeps colT.
     * Used from {@link #STRIP_MIN_CHANNELS} input channels: with fewer, the GEMMs' short inner
     * dimension (FW·C) costs more than the copies saved (measured on DeepConvNet's first layer).
     */
    private final boolean striped;
    /** Whether backward's dW comes from the strips too: where striped and colT is not wide (OW = S). */
    private final boolean stripDW;
    static final int STRIP_MIN_CHANNELS = 8;
    private final int strips;
    private final int stripLength;
    private final int[] stripCopies;
    private final int[] stripWrapped;
    /** The filters by ky for the strips, (FH, FN, FW·C + 1): [ky][f][c·FW + kx] = W[f, c, ky, kx]; [0][f][FW·C] = b[f]. */
    private final INDArray stripFilters;
    /** Heap staging for {@link #prepareFilters}, made on first use. */
    private HeapArray filterIn;
    private HeapArray filterBias;
    private HeapArray filterOut;
    /** Copies (triples) from the input sample into a worker's padded plane, or null where the unfold reads the input itself. */
    private final int[] fill;
    /** Elements of the padded planes (C, H + 2*pad, OW), or 0. */
    private final int paddedSize;
    /** One per worker thread, grown if the worker count grows after construction. */
    private Worker[] workers;
    /** The filters with the bias as one more column, (FN, K+1): see Worker.colT. */
    private final INDArray filtersAndBias;
    /** The convolution giving dx, and its filters (see backward); made on first use. */
    private SampleConv transposed;
    private INDArray flipped;
    /**
     * dW of each chunk of samples ({@link Workers#chunks}), held transposed with db as its last
     * row, (K+1, FN); summed in chunk order at the end, so dW does not depend on which thread
     * ran which chunk. Heap arrays for that sum (made on first use): one chunk, the running sum,
     * and the sum transposed to (FN, K+1), each row dW2d's row and then db's element.
     */
    private INDArray[] chunkDW = new INDArray[0];
    private HeapArray chunkPart;
    private HeapArray chunkSum;
    private HeapArray chunkOut;

    /**
     * Scratch of one worker thread. colT has one more row, of ones, below the unfolded sample: so
     * the bias enters the forward GEMM as one more column of the filters, and db comes out of the
     * dW GEMM as one more row, instead of two more (small, slow) GEMMs per sample.
     */
    private final class Worker {
        /** The unfolded sample with a row of ones (none where the strips do all its work: stripDW). */
        final INDArray colT = stripDW ? null : withOnesRow(pw);
        /** The strips of one sample (see {@link #strips}), with a row of ones below them for the bias. */
        final INDArray stripRows = striped ? stripMatrix() : null;
        /** colT with exactly P columns, for dW: colT itself unless wide. */
        final INDArray exact = wide ? withOnesRow(p) : colT;
        /** The wide output of one sample, (FN, OH * S), where wide. */
        final INDArray outWide = wide ? Nd4j.create(type, fn, pw) : null;
        /** The input sample, rows OW wide, with zero padding written once (see copies). */
        final INDArray padded = paddedSize > 0 ? Nd4j.zeros(type, paddedSize) : null;
        INDArray dcolT;
        /** For the fused ReLU, made on first use: one sample's output or gradient, its mask, and dout masked (FN, P). */
        HeapArray values;
        HeapArray mask;
        INDArray masked;
        /** For a fused pooling (FLOAT), made on first use: one sample's pooled output and its gradient. */
        float[] poolValues;
        float[] poolGrads;
        /** For a folded dx, made on first use: one sample's dcolT and dx. */
        HeapArray dcol;
        HeapArray dxSample;

        /** Makes the heap arrays of the fused pooling, once: {@code count} elements each. */
        void poolArrays(int count) {
            if (poolValues == null) {
                poolValues = new float[count];
                poolGrads = new float[count];
            }
        }

        /** Makes the heap arrays of the fused ReLU, once. */
        void heapArrays() {
            if (values == null) {
                values = HeapArray.of(type, fn * p);
                mask = HeapArray.of(type, fn * p);
                masked = Nd4j.create(type, 1, fn, g.oh, g.ow);
            }
        }

        /** Makes the heap arrays of the fold, once. */
        void foldArrays() {
            if (dcol == null) {
                dcol = HeapArray.of(type, k * p);
                dxSample = HeapArray.of(type, g.sampleSize());
            }
        }
    }

    /** A zeroed (FW·C + 1, strip length) matrix whose last row is ones. */
    private INDArray stripMatrix() {
        INDArray m = Nd4j.zeros(type, strips + 1, stripLength);
        m.getRow(strips).assign(1);
        return m;
    }

    /** A zeroed (K+1, columns) matrix whose last row is ones. */
    private INDArray withOnesRow(int columns) {
        INDArray m = Nd4j.zeros(type, k + 1, columns);
        m.getRow(k).assign(1);
        return m;
    }

    public SampleConv(ConvGeometry g, int filters, DataType type) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("the fast convolution works on FLOAT and DOUBLE, found " + type);
        }
        this.g = g;
        this.fn = filters;
        this.type = type;
        this.k = g.rowLength();
        this.p = g.rowsPerSample();
        this.runs = runs(g);
        this.shifted = g.stride == 1;
        this.width = Math.max(g.w, g.ow);
        this.pw = shifted ? g.oh * width : p;
        this.wide = shifted && width > g.ow;
        this.striped = shifted && g.c >= STRIP_MIN_CHANNELS;
        this.stripDW = striped && !wide;
        this.strips = g.fw * g.c;
        this.stripLength = (g.oh + g.fh - 1) * width;
        if (shifted) {
            boolean widened = g.ow > g.w;
            IntList copyList = new IntList();
            IntList wrappedList = new IntList();
            shiftedCopies(g, widened, copyList, wrappedList);
            this.copies = copyList.toArray();
            this.wrapped = wrappedList.toArray();
            IntList stripList = new IntList();
            IntList stripWrappedList = new IntList();
            if (striped) {
                stripCopies(g, widened, stripList, stripWrappedList);
            }
            this.stripCopies = stripList.toArray();
            this.stripWrapped = stripWrappedList.toArray();
            this.paddedSize = widened ? g.c * (g.h + 2 * g.pad) * g.ow : 0;
            if (widened) {
                IntList fillList = new IntList();
                for (int c = 0; c < g.c; c++) {
                    for (int iy = 0; iy < g.h; iy++) {
                        fillList.add((c * (g.h + 2 * g.pad) + iy + g.pad) * g.ow);
                        fillList.add((c * g.h + iy) * g.w);
                        fillList.add(g.w);
                    }
                }
                this.fill = fillList.toArray();
            } else {
                this.fill = null;
            }
        } else {
            this.copies = null;                   // strides above 1 copy the runs
            this.wrapped = null;
            this.stripCopies = null;
            this.stripWrapped = null;
            this.fill = null;
            this.paddedSize = 0;
        }
        this.filtersAndBias = Nd4j.create(type, fn, k + 1);
        this.stripFilters = striped ? Nd4j.zeros(type, g.fh, fn, strips + 1) : null;
        this.workers = new Worker[Workers.count()];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker();
        }
    }

    public ConvGeometry geometry() {
        return g;
    }

    /**
     * A 2x2, stride 2 max pooling ({@link MaxPool#is2x2}) fused after the ReLU, FLOAT only: g its
     * geometry (over the convolution's output planes), out (N, FN, OH/2, OW/2) its output and
     * argMax its flat indices into the convolution's output, as {@link MaxPool#forward} gives them.
     * With argMax null (inference: no backward follows), only the pooling's output is written; the
     * convolution's output array is left as the GEMMs wrote it, before the ReLU.
     */
    public record Pool2x2(ConvGeometry g, INDArray out, int[] argMax) {
        public Pool2x2 {
            if (!MaxPool.is2x2(g) || out.dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException("a fused pooling is 2x2, stride 2, unpadded and FLOAT; found " + g
                        + " " + out.dataType());
            }
        }
    }

    /**
     * out (N, FN, OH, OW) = conv(x (N, C, H, W), W2d (FN, C*FH*FW)) + b (FN,); then, where
     * {@code relu}, out = max(0, out) on each sample while it is still in the core's cache (NaN
     * stays NaN). Where {@code pool} is given too, the max pooling of each sample from the same
     * heap copy: its output and argMax are written here (only its output where argMax is null).
     */
    public void forward(INDArray x, INDArray w2d, INDArray b, INDArray out, boolean relu, Pool2x2 pool) {
        if (pool != null && (!relu || type != DataType.FLOAT)) {
            throw new IllegalArgumentException("a pooling fuses only after the ReLU, in FLOAT");
        }
        int n = (int) x.size(0);
        prepareFilters(w2d, b);
        forEachItem(n, (w, s) -> {
            forwardSample(x, s, workers[w], out, s, relu, pool == null || pool.argMax() != null);
            if (pool != null) {
                poolSample(workers[w], s, pool);
            }
        });
    }

    /**
     * The filters W2d (FN, K) and the bias b (FN,), or zeros where b is null, in the form
     * forwardSample multiplies by: by ky for the strips, else [W2d | b].
     */
    private void prepareFilters(INDArray w2d, INDArray b) {
        int row = strips + 1;
        if (filterIn == null) {
            filterIn = HeapArray.of(type, fn * k);
            filterBias = HeapArray.of(type, fn);
            filterOut = HeapArray.of(type, striped ? g.fh * fn * row : fn * (k + 1));
        }
        HeapArray in = filterIn;
        HeapArray bias = filterBias;
        in.load(RawMemory.span(w2d, 0, (long) fn * k), fn * k);
        if (b != null) {
            bias.load(RawMemory.span(b, 0, fn), fn);
        } else {
            bias.zero(fn);
        }
        HeapArray to = filterOut;
        if (!striped) {
            for (int f = 0; f < fn; f++) {
                for (int i = 0; i < k; i++) {
                    to.set(f * (k + 1) + i, in.get(f * k + i));
                }
                to.set(f * (k + 1) + k, bias.get(f));
            }
            to.store(RawMemory.span(filtersAndBias, 0, (long) fn * (k + 1)), fn * (k + 1));
            return;
        }
        for (int ky = 0; ky < g.fh; ky++) {
            for (int f = 0; f < fn; f++) {
                for (int c = 0; c < g.c; c++) {
                    for (int kx = 0; kx < g.fw; kx++) {
                        to.set((ky * fn + f) * row + c * g.fw + kx, in.get(f * k + (c * g.fh + ky) * g.fw + kx));
                    }
                }
            }
        }
        for (int f = 0; f < fn; f++) {
            to.set(f * row + strips, bias.get(f));
        }
        to.store(RawMemory.span(stripFilters, 0, (long) g.fh * fn * row), g.fh * fn * row);
    }

    /**
     * Sample os of out = the convolution of sample s of x plus the bias, from the filters
     * {@link #prepareFilters} made: the FH GEMMs over the strips where striped, else [W2d | b] ·
     * [colT; 1]. Then max(0, ·) where relu, kept in out where {@code keep} (else only in the
     * worker's heap copy).
     */
    private void forwardSample(INDArray x, int s, Worker wk, INDArray out, int os, boolean relu, boolean keep) {
        INDArray target = wide ? wk.outWide : out;
        long o = wide ? 0 : (long) os * fn * p;
        if (striped) {
            unfoldStrips(x, s, wk);
            int row = strips + 1;
            for (int ky = 0; ky < g.fh; ky++) {                       // the ones row (bias) with ky = 0 only
                Gemm.gemm(false, false, fn, pw, ky == 0 ? row : strips, stripFilters, (long) ky * fn * row, row,
                        wk.stripRows, (long) ky * width, stripLength, ky == 0 ? 0.0 : 1.0, target, o, pw);
            }
        } else {
            unfold(x, s, wk, false);
            Gemm.gemm(false, false, fn, pw, k + 1, filtersAndBias, 0, k + 1, wk.colT, 0, pw, 0.0, target, o, pw);
        }
        if (wide) {
            long size = out.data().getElementSize();
            long from = RawMemory.span(wk.outWide, 0, (long) fn * pw);
            long to = RawMemory.span(out, (long) os * fn * p, (long) fn * p);
            for (int row = 0; row < fn * g.oh; row++) {                 // (f, oy): the first OW of S columns
                RawMemory.copy(from + (long) row * width * size, to + (long) row * g.ow * size, g.ow * size);
            }
        }
        if (relu) {
            relu(out, (long) os * fn * p, wk, keep);
        }
    }

    /**
     * out[at .. at+FN*P) = max(0, out[...]) in the worker's heap copy (a loop the JIT vectorises),
     * stored back into out where {@code keep}.
     */
    private void relu(INDArray out, long at, Worker wk, boolean keep) {
        long address = RawMemory.span(out, at, (long) fn * p);
        heapPass(address, 0, keep ? address : 0, wk);
    }

    /**
     * The worker's masked = sample s of dout times sign(out) for an out that forward passed
     * through max(0, ·): the ReLU's gradient (see {@link HeapArray#maskBy}).
     */
    private INDArray mask(INDArray dout, INDArray out, int s, Worker wk) {
        int count = fn * p;
        wk.heapArrays();                          // masked is one of them
        heapPass(RawMemory.span(dout, (long) s * count, count), RawMemory.span(out, (long) s * count, count),
                RawMemory.span(wk.masked, 0, count), wk);
        return wk.masked;
    }

    /**
     * Sample s of the fused pooling, from the worker's heap copy of the sample's activated output
     * (which the ReLU pass just left there): maxima and argMax of each plane, as MaxPool computes them.
     */
    private void poolSample(Worker wk, int s, Pool2x2 pool) {
        int outPlane = pool.g().oh * pool.g().ow;
        int count = fn * outPlane;
        wk.poolArrays(count);
        for (int f = 0; f < fn; f++) {
            int plane = s * fn + f;
            if (pool.argMax() == null) {
                MaxPool.pool2x2AfterRelu(((HeapArray.Floats) wk.values).v, f * p, pool.g(), wk.poolValues, f * outPlane);
            } else {
                MaxPool.pool2x2(((HeapArray.Floats) wk.values).v, f * p, pool.g(), wk.poolValues, f * outPlane, pool.argMax(),
                        plane * outPlane, plane * p);
            }
        }
        RawMemory.copyFromHeap(wk.poolValues, 0, RawMemory.span(pool.out(), (long) s * count, count), count);
    }

    /**
     * The worker's masked = sample s of the gradient at the convolution's output, from the fused
     * pooling's gradient dpooled: each window's gradient at its argMax, times the ReLU's mask
     * there, min(1, max·2^149) as in {@link HeapArray#maskBy} (the max is the output at the argMax); 0
     * elsewhere. The same numbers as MaxPool.backward followed by mask, without writing either
     * full-size array. (Where forward produced a NaN the two differ, both being NaN-tainted.)
     */
    private INDArray unpoolMask(INDArray dpooled, Pool2x2 pool, int s, Worker wk) {
        int count = fn * p;
        int pooled = fn * pool.g().oh * pool.g().ow;
        wk.heapArrays();
        wk.poolArrays(pooled);
        float[] v = ((HeapArray.Floats) wk.values).v;
        float[] grads = wk.poolGrads;
        float[] maxima = wk.poolValues;
        java.util.Arrays.fill(v, 0f);
        RawMemory.copyToHeap(RawMemory.span(dpooled, (long) s * pooled, pooled), grads, pooled);
        RawMemory.copyToHeap(RawMemory.span(pool.out(), (long) s * pooled, pooled), maxima, pooled);
        int[] argMax = pool.argMax();
        int base = s * count;
        for (int r = 0, a = s * pooled; r < pooled; r++, a++) {
            v[argMax[a] - base] = grads[r] * Math.min(1f, maxima[r] * 0x1p100f * 0x1p49f);
        }
        RawMemory.copyFromHeap(v, 0, RawMemory.span(wk.masked, 0, count), count);
        return wk.masked;
    }

    /**
     * One sample's FN*P elements from {@code from} to {@code to} (0: left in the worker's heap array)
     * through the worker's heap array: max(0, ·) where {@code mask} is 0, else times sign(the
     * elements at {@code mask}) (see mask).
     */
    private void heapPass(long from, long mask, long to, Worker wk) {
        int count = fn * p;
        wk.heapArrays();
        wk.values.load(from, count);
        if (mask == 0) {
            wk.values.relu(count);
        } else {
            wk.mask.load(mask, count);
            wk.values.maskBy(wk.mask, count);
        }
        if (to != 0) {
            wk.values.store(to, count);
        }
    }

    /**
     * From dout (N, FN, OH, OW): dW2d (FN, C*FH*FW) and db (FN,) (overwritten), and dx (N, C, H, W)
     * (overwritten) unless it is null (the input needs no gradient). Where forward applied the
     * ReLU, {@code reluOut} is that forward's out and dout is first masked where it is 0, sample
     * by sample; where forward also applied the fused {@code pool}, dout is instead the pooling's
     * output gradient (N, FN, OH/2, OW/2), which each sample unpools and masks in cache.
     * <p>
     * For stride 1 and pad < FH, FW, dx is itself a convolution: of dout, padded by FH-1-pad, with
     * the filters flipped in both axes and their FN and C axes swapped. So it is computed like the
     * forward pass (unfold by copying, one GEMM per sample) instead of folding dcolT back with
     * scattered additions. Other geometries fold.
     */
    public void backward(INDArray x, INDArray w2d, INDArray dout, INDArray dW2d, INDArray db, INDArray dx, INDArray reluOut,
                         Pool2x2 pool) {
        int n = (int) x.size(0);
        int outSample = fn * p;
        boolean transposed = dx != null && transposed() != null;
        ensureWorkers();
        if (transposed) {
            flipFilters(w2d);
            this.transposed.ensureWorkers();
            this.transposed.prepareFilters(flipped, null);
        }
        for (Worker wk : workers) {
            if (dx != null && !transposed) {
                wk.dcolT = Buffers.reuse(wk.dcolT, type, k, p);
            }
        }
        int[] bounds = Workers.chunks(n);
        int chunks = bounds.length - 1;
        if (chunkDW.length < chunks) {
            chunkDW = java.util.Arrays.copyOf(chunkDW, chunks);
        }
        for (int c = 0; c < chunks; c++) {
            chunkDW[c] = Buffers.reuse(chunkDW[c], type, dwRows(), fn);
        }
        forEachItem(chunks, (w, c) -> {
            Worker wk = workers[w];
            for (int s = bounds[c]; s < bounds[c + 1]; s++) {
                INDArray grad = pool != null ? unpoolMask(dout, pool, s, wk) : reluOut != null ? mask(dout, reluOut, s, wk) : dout;
                int gs = pool != null || reluOut != null ? 0 : s;              // grad's sample
                long o = (long) gs * outSample;
                double beta = s == bounds[c] ? 0.0 : 1.0;                      // the chunk's first sample overwrites
                if (stripDW) {
                    // by ky: [dW_kyᵀ; dbᵀ] (FW·C (+1), FN) (+)= the strips from ky·S on · dout[n]ᵀ, db with ky = 0
                    unfoldStrips(x, s, wk);
                    int row = strips + 1;
                    for (int ky = 0; ky < g.fh; ky++) {
                        Gemm.gemm(false, true, ky == 0 ? row : strips, fn, p, wk.stripRows, (long) ky * width, stripLength,
                                grad, o, p, beta, chunkDW[c], (long) ky * row * fn, fn);
                    }
                } else {
                    // [dW2dᵀ; dbᵀ] (K+1, FN) (+)= colT · dout[n]ᵀ, the ones row giving db (the faster of the two orientations)
                    Gemm.gemm(false, true, k + 1, fn, p, unfold(x, s, wk, true), 0, p, grad, o, p, beta, chunkDW[c], 0, fn);
                }
                if (transposed) {
                    SampleConv t = this.transposed;
                    t.forwardSample(grad, gs, t.workers[w], dx, s, false, true);
                } else if (dx != null) {
                    Gemm.gemm(true, false, k, p, fn, w2d, 0, k, grad, o, p, 0.0, wk.dcolT, 0, p);
                    fold(wk, dx, s);
                }
            }
        });
        sumChunks(chunks, dW2d, db);
    }

    /** Rows of a chunk's dW: (K+1), or by ky FH·(FW·C + 1) where the strips give dW. */
    private int dwRows() {
        return stripDW ? g.fh * (strips + 1) : k + 1;
    }

    /**
     * dW2d (FN, K) and db (FN,) = the sum of the chunks' [dW2dᵀ; dbᵀ] (K+1, FN) (or their (FH,
     * FW·C + 1, FN) by ky), in chunk order, on the heap rather than through ND4J ops, whose per-op
     * cost is larger than the sum.
     */
    private void sumChunks(int chunks, INDArray dW2d, INDArray db) {
        int size = dwRows() * fn;
        if (chunkSum == null) {
            chunkPart = HeapArray.of(type, size);
            chunkSum = HeapArray.of(type, size);
            chunkOut = HeapArray.of(type, fn * k);
        }
        chunkSum.load(RawMemory.span(chunkDW[0], 0, size), size);
        for (int c = 1; c < chunks; c++) {
            chunkPart.load(RawMemory.span(chunkDW[c], 0, size), size);
            chunkSum.add(chunkPart, size);
        }
        if (stripDW) {
            int row = strips + 1;
            for (int ky = 0; ky < g.fh; ky++) {
                for (int c = 0; c < g.c; c++) {
                    for (int kx = 0; kx < g.fw; kx++) {
                        int from = (ky * row + c * g.fw + kx) * fn;
                        int to = (c * g.fh + ky) * g.fw + kx;
                        for (int f = 0; f < fn; f++) {
                            chunkOut.set(f * k + to, chunkSum.get(from + f));
                        }
                    }
                }
            }
            chunkOut.store(RawMemory.span(dW2d, 0, (long) fn * k), fn * k);
            chunkSum.store(strips * fn, RawMemory.span(db, 0, fn), fn);      // block ky = 0, its last row: db
            return;
        }
        chunkSum.transposeInto(chunkOut, k, fn);                 // its first K rows, transposed: dW2d
        chunkOut.store(RawMemory.span(dW2d, 0, (long) fn * k), fn * k);
        chunkSum.store(k * fn, RawMemory.span(db, 0, fn), fn);   // its last row: db
    }

    /** The convolution that computes dx from dout (see backward), or null where the geometry has none. */
    private SampleConv transposed() {
        if (transposed == null && g.stride == 1 && g.pad < g.fh && g.pad < g.fw) {
            ConvGeometry t = new ConvGeometry(fn, g.oh, g.ow, g.fh, g.fw, 1, g.fh - 1 - g.pad);
            if (t.pad == g.fw - 1 - g.pad && t.oh == g.h && t.ow == g.w) {
                transposed = new SampleConv(t, g.c, type);
                flipped = Nd4j.createUninitialized(type, g.c, (long) fn * g.fh * g.fw);
            }
        }
        return transposed;
    }

    /** flipped (C, FN*FH*FW) [c, (f*FH + ky)*FW + kx] = W [f, c, FH-1-ky, FW-1-kx]. */
    private void flipFilters(INDArray w2d) {
        long size = w2d.data().getElementSize();
        long in = RawMemory.span(w2d, 0, w2d.length());
        long out = RawMemory.span(flipped, 0, flipped.length());
        int area = g.fh * g.fw;
        for (int f = 0; f < fn; f++) {
            for (int c = 0; c < g.c; c++) {
                for (int i = 0; i < area; i++) {
                    long from = (long) (f * g.c + c) * area + area - 1 - i;
                    long to = (long) (c * fn + f) * area + i;
                    RawMemory.copy(in + from * size, out + to * size, size);
                }
            }
        }
    }

    /**
     * Runs body(worker index, item) for items 0..n-1 over the worker threads (see
     * {@link Workers#forEachItem}), each GEMM on its worker's thread alone.
     */
    private void forEachItem(int n, Workers.Item body) {
        ensureWorkers();
        Gemm.onWorkers(n, body);
    }

    /** Makes a Worker for each worker thread {@link Workers#count()} now allows. */
    private void ensureWorkers() {
        int count = Workers.count();
        if (workers.length < count) {
            Worker[] more = java.util.Arrays.copyOf(workers, count);
            for (int i = workers.length; i < count; i++) {
                more[i] = new Worker();
            }
            workers = more;
        }
    }

    /**
     * Sample s of x unfolded into the worker's colT, or (exact) into a colT of exactly P columns
     * for dW, which is colT itself unless wide. Padding entries were zeroed when it was made.
     */
    private INDArray unfold(INDArray x, int s, Worker wk, boolean exact) {
        long size = x.data().getElementSize();
        // the tables stay inside one sample, one padded plane and one colT: the spans are checked here
        long in = RawMemory.span(x, (long) s * g.sampleSize(), g.sampleSize());
        if (!shifted || exact && wide) {
            copyRuns(runs, g.stride, in, RawMemory.span(wk.exact, 0, (long) k * p), size);
            return wk.exact;
        }
        copyShifted(in, wk, RawMemory.span(wk.colT, 0, (long) k * pw), copies, wrapped, size);
        return wk.colT;
    }

    /** Sample s of x unfolded into the worker's strips (stride 1; see {@link #strips}). */
    private void unfoldStrips(INDArray x, int s, Worker wk) {
        long in = RawMemory.span(x, (long) s * g.sampleSize(), g.sampleSize());
        copyShifted(in, wk, RawMemory.span(wk.stripRows, 0, (long) strips * stripLength), stripCopies, stripWrapped,
                x.data().getElementSize());
    }

    /**
     * The stride-1 unfold of the sample at {@code in} to {@code out} by a table of copies from
     * the source plane (the sample, or the worker's padded copy of it), then its wrapped entries zeroed.
     */
    private void copyShifted(long in, Worker wk, long out, int[] table, int[] zeroed, long size) {
        if (fill != null) {
            long plane = RawMemory.span(wk.padded, 0, paddedSize);
            copyRuns(fill, 1, in, plane, size);
            in = plane;
        }
        copyRuns(table, 1, in, out, size);
        for (int i : zeroed) {
            RawMemory.clear(out + i * size, size);
        }
    }

    /** Copies each (to, from, length) triple of the table, the source advancing by {@code step} elements. */
    private static void copyRuns(int[] table, int step, long in, long out, long size) {
        for (int r = 0; r < table.length; r += 3) {
            long from = in + table[r + 1] * size;
            long to = out + table[r] * size;
            if (step == 1) {
                RawMemory.copy(from, to, table[r + 2] * size);
            } else {
                for (int i = 0; i < table[r + 2]; i++) {
                    RawMemory.copy(from + i * step * size, to + i * size, size);
                }
            }
        }
    }

    /** dx[s] = the worker's dcolT folded back: each colT entry added to the input element it came from. */
    private void fold(Worker wk, INDArray dx, int s) {
        int sample = g.sampleSize();
        wk.foldArrays();
        wk.dcol.load(RawMemory.span(wk.dcolT, 0, (long) k * p), k * p);
        wk.dxSample.zero(sample);
        wk.dxSample.addRuns(runs, g.stride, wk.dcol);
        wk.dxSample.store(RawMemory.span(dx, (long) s * sample, sample), sample);
    }

    /**
     * The unfold as runs: for each colT row (c, ky, kx) and output row oy, the output columns ox
     * whose input pixel lies inside the image form one run (input index advancing by the stride).
     */
    public static int[] runs(ConvGeometry g) {
        IntList list = new IntList();
        int p = g.rowsPerSample();
        for (int c = 0; c < g.c; c++) {
            for (int ky = 0; ky < g.fh; ky++) {
                for (int kx = 0; kx < g.fw; kx++) {
                    int row = (c * g.fh + ky) * g.fw + kx;
                    // ox with 0 <= ox*stride + kx - pad < W
                    int ox0 = Math.max(0, ceilDiv(g.pad - kx, g.stride));
                    int ox1 = Math.min(g.ow, ceilDiv(g.w + g.pad - kx, g.stride));
                    for (int oy = 0; oy < g.oh; oy++) {
                        int iy = oy * g.stride + ky - g.pad;
                        if (iy < 0 || iy >= g.h || ox1 <= ox0) {
                            continue;
                        }
                        list.add(row * p + oy * g.ow + ox0);
                        list.add((c * g.h + iy) * g.w + ox0 * g.stride + kx - g.pad);
                        list.add(ox1 - ox0);
                    }
                }
            }
        }
        return list.toArray();
    }

    /**
     * The unfold for stride 1 and OW >= W (see {@link #copies}): one copy per colT row (c, ky, kx)
     * from the source plane, clipped to it, and the entries whose column falls outside the
     * plane's rows (pulled from a neighbouring row by the copy). The source is the input itself
     * (OW == W: rows W wide, the rows outside the image skipped), or the padded plane
     * (rows OW wide, H + 2*pad of them).
     */
    static void shiftedCopies(ConvGeometry g, boolean padded, IntList copies, IntList wrapped) {
        int width = Math.max(g.w, g.ow);                          // S: source rows and colT rows
        int p = g.oh * width;
        int top = padded ? g.pad : 0;                             // source row of input row 0
        int height = padded ? g.h + 2 * g.pad : g.h;
        int plane = height * width;
        for (int c = 0; c < g.c; c++) {
            for (int ky = 0; ky < g.fh; ky++) {
                for (int kx = 0; kx < g.fw; kx++) {
                    int row = (c * g.fh + ky) * g.fw + kx;
                    int dy = ky - g.pad + top;                    // source row - output row
                    int dx = kx - g.pad;                          // source column - output column
                    int oy0 = Math.max(0, -dy);
                    int oy1 = Math.min(g.oh, height - dy);
                    if (oy1 <= oy0) {
                        continue;
                    }
                    int shift = dy * width + dx;                  // source index - colT column
                    int j0 = Math.max(oy0 * width, -shift);
                    int j1 = Math.min(oy1 * width, plane - shift);
                    if (j1 <= j0) {
                        continue;
                    }
                    copies.add(row * p + j0);
                    copies.add(c * plane + j0 + shift);
                    copies.add(j1 - j0);
                    for (int oy = oy0; oy < oy1; oy++) {
                        for (int ox = 0; ox < g.ow; ox++) {
                            if (ox + dx < 0 || ox + dx >= width) {
                                wrapped.add(row * p + oy * width + ox);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The strips' unfold for stride 1 (see {@link #strips}), from the same source plane as
     * {@link #shiftedCopies}: strip (c, kx) column q holds the source element colT row (c, 0, kx)
     * would read at column q, so that row (c, ky, kx) reads it at q - ky·S. One copy per strip,
     * clipped to the source plane (the rest stays zero: padding), and the entries whose column
     * falls outside the plane's rows.
     */
    static void stripCopies(ConvGeometry g, boolean padded, IntList copies, IntList wrapped) {
        int width = Math.max(g.w, g.ow);
        int length = (g.oh + g.fh - 1) * width;
        int top = padded ? g.pad : 0;
        int height = padded ? g.h + 2 * g.pad : g.h;
        int plane = height * width;
        for (int c = 0; c < g.c; c++) {
            for (int kx = 0; kx < g.fw; kx++) {
                int row = c * g.fw + kx;
                int dx = kx - g.pad;
                int shift = (top - g.pad) * width + dx;               // source index - strip column
                int q0 = Math.max(0, -shift);
                int q1 = Math.min(length, plane - shift);
                if (q1 <= q0) {
                    continue;
                }
                copies.add(row * length + q0);
                copies.add(c * plane + q0 + shift);
                copies.add(q1 - q0);
                for (int q = q0; q < q1; q++) {
                    int col = q % width;
                    if (col < g.ow && (col + dx < 0 || col + dx >= width)) {
                        wrapped.add(row * length + q);
                    }
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    static final class IntList {
        private int[] a = new int[64];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
