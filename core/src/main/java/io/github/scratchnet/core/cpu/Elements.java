package io.github.scratchnet.core.cpu;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Elements of a dense FLOAT or DOUBLE array copied to and from a Java double[], at an element
 * offset: for kernels that compute in double on the heap between GEMMs on the arrays' memory (the
 * series networks' gates). One memory copy, and for FLOAT one widening or narrowing loop, where
 * {@code DataBuffer.getDoublesAt} and {@code setData} go element by element through checked
 * accessors.
 */
public final class Elements {
    private Elements() {
    }

    /** Elements {@code from .. from+count-1} of {@code a} in C order. */
    public static double[] read(INDArray a, long from, int count) {
        long address = RawMemory.span(a, from, count);
        double[] v = new double[count];
        if (a.dataType() == DataType.DOUBLE) {
            RawMemory.copyToHeap(address, v, count);
        } else {
            float[] f = new float[count];
            RawMemory.copyToHeap(address, requireFloat(a, f), count);
            for (int i = 0; i < count; i++) {
                v[i] = f[i];
            }
        }
        return v;
    }

    /** Every element of {@code a} in C order. */
    public static double[] read(INDArray a) {
        return read(a, 0, Math.toIntExact(a.length()));
    }

    /** {@code v} into elements {@code at .. at+v.length-1} of {@code a}, rounded to float for FLOAT. */
    public static void write(double[] v, INDArray a, long at) {
        long address = RawMemory.span(a, at, v.length);
        if (a.dataType() == DataType.DOUBLE) {
            RawMemory.copyFromHeap(v, 0, address, v.length);
        } else {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            RawMemory.copyFromHeap(requireFloat(a, f), 0, address, v.length);
        }
    }

    private static float[] requireFloat(INDArray a, float[] f) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("Elements copies FLOAT and DOUBLE arrays, found " + a.dataType());
        }
        return f;
    }
}
