package io.github.scratchnet.core;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Small helpers for shapes, so that every error message prints them the same way. */
public final class Shapes {
    private Shapes() {
    }

    public static long length(long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The shape of a batch of {@code n} samples of shape {@code sample}: (n, sample...). */
    public static long[] withBatch(long n, long... sample) {
        long[] s = new long[sample.length + 1];
        s[0] = n;
        System.arraycopy(sample, 0, s, 1, sample.length);
        return s;
    }

    /** Like numpy: {@code (4, 1, 28, 28)}. */
    public static String str(long... shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        return Arrays.toString(shape).replace('[', '(').replace(']', ')');
    }

    /** Throws an IllegalArgumentException naming {@code what} unless {@code x} has {@code rank} dimensions. */
    public static void requireRank(String what, long[] shape, int rank, String layout) {
        if (shape.length != rank) {
            throw new IllegalArgumentException(what + " expects a " + rank + "-D input " + layout
                    + ", found shape " + str(shape));
        }
    }

    /** Throws an IllegalArgumentException naming {@code what} unless a sample of {@code shape} (N, ...) has {@code features} elements. */
    public static void requireFeatures(String what, long[] shape, long features) {
        if (shape.length < 2 || length(Arrays.copyOfRange(shape, 1, shape.length)) != features) {
            throw new IllegalArgumentException(what + " expects " + features + " features per sample, found shape "
                    + str(shape));
        }
    }

    /** Throws an IllegalArgumentException naming {@code what} unless every array is a vector of {@code length} elements. */
    public static void requireVectors(String what, long length, INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.rank() != 1 || a.length() != length) {
                throw new IllegalArgumentException(what + " must all be (" + length + ",), found " + str(a.shape()));
            }
        }
    }

    /**
     * Whether x's elements lie in C order from the start of its buffer, with no gaps (strides of
     * size-1 axes do not matter): the one test of "a dense C-ordered array" that reshapes, reused
     * buffers and the CPU kernels (which read such an array as one flat run of memory) rely on.
     */
    public static boolean isDense(INDArray x) {
        if (x.offset() != 0) {
            return false;
        }
        long expected = 1;
        long[] shape = x.shape();
        long[] stride = x.stride();
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** x itself where it is dense ({@link #isDense}), else a dense copy. */
    public static INDArray dense(INDArray x) {
        return isDense(x) ? x : x.dup('c');
    }
}
