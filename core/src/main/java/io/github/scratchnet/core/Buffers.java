package io.github.scratchnet.core;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Arrays kept from one step to the next and refilled: ND4J frees off-heap memory only when the
 * Java GC runs, and fresh memory costs more to touch than reused memory (docs/PERFORMANCE.md).
 */
public final class Buffers {
    private Buffers() {
    }

    /** {@code candidate} if it is a dense array ({@link Shapes#isDense}) of this type and shape, else a new uninitialised one. */
    public static INDArray reuse(INDArray candidate, DataType type, long... shape) {
        if (candidate != null && candidate.dataType() == type && Arrays.equals(candidate.shape(), shape)
                && Shapes.isDense(candidate)) {
            return candidate;
        }
        return Nd4j.createUninitialized(type, shape);
    }
}
