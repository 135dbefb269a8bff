package io.github.scratchnet.core;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The floating-point types scratchnet computes in. FLOAT32 is the default for training and
 * inference; FLOAT64 is for gradient checks and for reproducing the book's NumPy results exactly.
 * FLOAT16 and BFLOAT16 are for inference experiments (book section 8.3.4): a network in them
 * holds its params and every activation in 16 bits, and runs its layers as written on ND4J's
 * 16-bit operations.
 */
public enum DType {
    FLOAT32(DataType.FLOAT),
    FLOAT64(DataType.DOUBLE),
    FLOAT16(DataType.HALF),
    BFLOAT16(DataType.BFLOAT16);

    static {
        Backend.configure();   // before anything here can load ND4J (see Backend)
    }

    private final DataType nd4j;

    DType(DataType nd4j) {
        this.nd4j = nd4j;
    }

    /** Whether training, and the CPU runtime's kernels, take this type: float32 and float64. */
    public boolean trainable() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The ND4J data type behind this one. */
    public DataType nd4j() {
        return nd4j;
    }
}
