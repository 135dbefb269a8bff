package io.github.scratchnet.core.cpu;

import io.github.scratchnet.core.Shapes;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Row-major GEMM straight on the buffers of dense arrays, at element offsets:
 * {@code C[m x n] = op(A) op(B) + beta C}. One call is one library call, without the per-op work
 * of {@code Nd4j.gemm} (shape checks, view handling), so the convolution kernels can multiply one
 * sample at a time from several threads, each call running on its caller's thread.
 * <p>
 * FLOAT goes to oneDNN's {@code dnnl_sgemm} where that library loads, DOUBLE (and FLOAT where
 * oneDNN does not load) to OpenBLAS: on the kernels' small per-sample shapes OpenBLAS repacks the
 * large operand on every call and oneDNN's JIT kernels copy far less (docs/PERFORMANCE.md).
 */
public final class Gemm {
    static {
        Loader.load(openblas_nolapack.class);
        openblas_nolapack.blas_set_num_threads(1);
    }

    /** Whether FLOAT GEMMs go to oneDNN. */
    private static final boolean ONEDNN = OneDnn.load();

    private Gemm() {
    }

    /** The library FLOAT GEMMs go to: "oneDNN" or "OpenBLAS". */
    public static String floatLibrary() {
        return ONEDNN ? "oneDNN" : "OpenBLAS";
    }

    /**
     * Puts the BLAS back to one thread per call if something (ND4J's thread settings, a
     * benchmark) changed it: OpenBLAS supports calls from several threads at once only when it
     * runs single-threaded. The kernels call this before they fan out.
     */
    public static void singleThreaded() {
        if (openblas_nolapack.blas_get_num_threads() != 1) {
            openblas_nolapack.blas_set_num_threads(1);
        }
    }

    /**
     * Runs {@code work} with this thread's GEMMs on this thread alone. oneDNN runs a GEMM on as
     * many OpenMP threads as the calling thread's OpenMP setting allows, so a kernel whose
     * workers each call GEMMs sets that to one for the share's duration, then puts it back
     * (ND4J's own ops on the caller's thread keep theirs).
     */
    public static void onThisThread(Runnable work) {
        withThreads(1, work);
    }

    /**
     * Runs body(worker, item) for items 0..n-1 over the worker threads ({@link Workers#forEachItem}),
     * each GEMM it calls on its worker's thread alone and the BLAS single-threaded.
     */
    public static void onWorkers(int n, Workers.Item body) {
        singleThreaded();
        onThisThread(() -> Workers.forEachItem(n, (w, i) -> onThisThread(() -> body.run(w, i))));
    }

    /** Runs {@code work} with each FLOAT GEMM it calls on this thread spread over {@code threads} threads. */
    public static void withThreads(int threads, Runnable work) {
        int before = ONEDNN ? OneDnn.maxThreads() : threads;
        if (before != threads) {
            OneDnn.setThreads(threads);
        }
        try {
            work.run();
        } finally {
            if (before != threads) {
                OneDnn.setThreads(before);
            }
        }
    }

    /** {@code C = op(A) · op(B) + beta·C}, all of one type (FLOAT or DOUBLE); C is m x n. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            INDArray a, long aOffset, int lda, INDArray b, long bOffset, int ldb,
                            double beta, INDArray c, long cOffset, int ldc) {
        DataType type = c.dataType();
        if (a.dataType() != type || b.dataType() != type) {
            throw new IllegalArgumentException("Gemm: data types differ: " + a.dataType() + ", " + b.dataType() + ", " + type);
        }
        int ta = transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        if (type == DataType.FLOAT && ONEDNN) {
            int status = dnnl.dnnl_sgemm((byte) (transA ? 'T' : 'N'), (byte) (transB ? 'T' : 'N'), m, n, k, 1f,
                    floats(a, aOffset), lda, floats(b, bOffset), ldb, (float) beta, floats(c, cOffset), ldc);
            if (status != dnnl.dnnl_success) {
                throw new IllegalStateException("dnnl_sgemm failed with status " + status + " for m=" + m + " n=" + n + " k=" + k);
            }
        } else if (type == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, 1f,
                    floats(a, aOffset), lda, floats(b, bOffset), ldb, (float) beta, floats(c, cOffset), ldc);
        } else if (type == DataType.DOUBLE) {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, 1.0,
                    doubles(a, aOffset), lda, doubles(b, bOffset), ldb, beta, doubles(c, cOffset), ldc);
        } else {
            throw new IllegalArgumentException("Gemm works on FLOAT and DOUBLE arrays, found " + type);
        }
    }

    /**
     * out (N, M) = x (N, D) · W (D, M) + b (M,) on every row: the rows are filled with b by memory
     * copies, then one GEMM adds x · W. All plain C-ordered arrays of one type.
     */
    public static void affine(INDArray x, INDArray w, INDArray b, INDArray out) {
        int n = (int) out.size(0);
        int m = (int) out.size(1);
        int d = (int) w.size(0);
        long size = out.data().getElementSize();
        long row = RawMemory.span(b, 0, m);
        long to = RawMemory.span(out, 0, (long) n * m);
        for (int i = 0; i < n; i++) {
            RawMemory.copy(row, to + (long) i * m * size, m * size);
        }
        gemm(false, false, n, m, d, x, 0, d, w, 0, m, 1.0, out, 0, m);
    }

    private static FloatPointer floats(INDArray x, long offset) {
        return new FloatPointer(base(x)).position(offset);
    }

    private static DoublePointer doubles(INDArray x, long offset) {
        return new DoublePointer(base(x)).position(offset);
    }

    private static Pointer base(INDArray x) {
        if (!Shapes.isDense(x)) {
            throw new IllegalArgumentException("Gemm needs C-ordered arrays from the start of their buffer, found "
                    + Shapes.str(x.shape()) + " order " + x.ordering() + " offset " + x.offset());
        }
        return x.data().addressPointer();
    }

    /**
     * oneDNN and the OpenMP runtime it threads with. Loaded after ND4J (whose OpenMP runtime
     * oneDNN then shares, by its soname); if either is missing, FLOAT GEMMs stay on OpenBLAS.
     */
    private static final class OneDnn {
        private static com.sun.jna.Function setThreads;
        private static com.sun.jna.Function maxThreads;

        static boolean load() {
            if (Boolean.getBoolean("scratchnet.openblasOnly")) {
                return false;
            }
            try {
                Loader.load(dnnl.class);
                com.sun.jna.NativeLibrary omp = com.sun.jna.NativeLibrary.getInstance("libgomp.so.1");
                setThreads = omp.getFunction("omp_set_num_threads");
                maxThreads = omp.getFunction("omp_get_max_threads");
                maxThreads();
                return true;
            } catch (LinkageError | RuntimeException e) {
                return false;
            }
        }

        static int maxThreads() {
            return maxThreads.invokeInt(new Object[0]);
        }

        static void setThreads(int n) {
            setThreads.invoke(new Object[] {n});
        }
    }
}
