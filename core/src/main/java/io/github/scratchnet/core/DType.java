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

    /** The scratchnet type of an ND4J data type, or an error naming the unsupported type. */
    public static DType of(DataType type) {
        for (DType t : values()) {
            if (t.nd4j == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported data type " + type + ": expected FLOAT or DOUBLE");
    }
}
