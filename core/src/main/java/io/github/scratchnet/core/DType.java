package io.github.scratchnet.core;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The floating-point types scratchnet computes in. FLOAT32 is the default for training and
 * inference; FLOAT64 is for gradient checks and for reproducing the book's NumPy results exactly.
 */
public enum DType {
    FLOAT32(DataType.FLOAT),
    FLOAT64(DataType.DOUBLE);

    static {
        Backend.configure();   // before anything here can load ND4J (see Backend)
    }

    private final DataType nd4j;

    DType(DataType nd4j) {
        this.nd4j = nd4j;
    }

    /** The ND4J data type behind this one. */
    public DataType nd4j() {
        return nd4j;
    }
}
