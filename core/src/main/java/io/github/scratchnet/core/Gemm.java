package io.github.scratchnet.core;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Row-major GEMM straight on the buffers of plain C-ordered arrays, at element offsets:
 * {@code C[m x n] = op(A) op(B) + beta C}. One call is one BLAS call, without the per-op work of
 * {@code Nd4j.gemm} (shape checks, view handling), so the convolution kernels can multiply one
 * sample at a time from several threads. This BLAS instance runs each call on the calling thread:
 * the kernels parallelise over samples themselves.
 */
public final class Gemm {
    static {
        Loader.load(openblas_nolapack.class);
        openblas_nolapack.blas_set_num_threads(1);
    }

    private Gemm() {
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
        if (type == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, 1f,
                    floats(a, aOffset), lda, floats(b, bOffset), ldb, (float) beta, floats(c, cOffset), ldc);
        } else if (type == DataType.DOUBLE) {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, 1.0,
                    doubles(a, aOffset), lda, doubles(b, bOffset), ldb, beta, doubles(c, cOffset), ldc);
        } else {
            throw new IllegalArgumentException("Gemm works on FLOAT and DOUBLE arrays, found " + type);
        }
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
}
