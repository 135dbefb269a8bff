package io.github.scratchnet.core;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reusable arrays. Fresh off-heap memory is slow on these machines (ND4J-NOTES.md: about 2 ms
 * per MB touched, freed only when the Java GC runs), so layers keep their outputs and scratch
 * arrays from one step to the next and refill them.
 */
public final class Buffers {
    private Buffers() {
    }

    /** {@code candidate} if it is a plain C-ordered array of this type and shape, else a new uninitialised one. */
    public static INDArray reuse(INDArray candidate, DataType type, long... shape) {
        if (candidate != null && candidate.dataType() == type && Arrays.equals(candidate.shape(), shape)
                && !candidate.isView() && candidate.ordering() == 'c') {
            return candidate;
        }
        return Nd4j.createUninitialized(type, shape);
    }
}
