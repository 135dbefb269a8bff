package io.github.scratchnet.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The raw-memory kernels refuse what they cannot touch safely, before touching anything. */
class RawMemoryTest {
    @Test
    void spansOutsideTheArrayOrOfViewsAreRefused() {
        INDArray x = Nd4j.create(DataType.FLOAT, 4, 5);
        assertThrows(IndexOutOfBoundsException.class, () -> RawMemory.span(x, 0, 21));
        assertThrows(IndexOutOfBoundsException.class, () -> RawMemory.span(x, 19, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> RawMemory.span(x, -1, 1));
        INDArray column = x.get(NDArrayIndex.all(), NDArrayIndex.point(1));
        assertThrows(IndexOutOfBoundsException.class, () -> RawMemory.span(column, 0, 1));
    }

    @Test
    void copiesBetweenArraysByElementOffsets() {
        INDArray a = Nd4j.createFromArray(1f, 2f, 3f, 4f, 5f);
        INDArray b = Nd4j.create(DataType.FLOAT, 5);
        RawMemory.copy(RawMemory.span(a, 1, 3), RawMemory.span(b, 2, 3), 3L * Float.BYTES);
        assertArrayEquals(new float[] {0, 0, 2, 3, 4}, b.toFloatVector());
    }

    @Test
    void gemmRefusesViews() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 4, 4);
        INDArray view = a.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all());
        INDArray c = Nd4j.create(DataType.FLOAT, 2, 4);
        assertThrows(IllegalArgumentException.class, () -> Gemm.gemm(false, false, 2, 4, 4, view, 0, 4, a, 0, 4, 0.0, c, 0, 4));
    }
}
