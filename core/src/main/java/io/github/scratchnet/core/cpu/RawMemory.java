package io.github.scratchnet.core.cpu;

import io.github.scratchnet.core.Shapes;
import java.lang.reflect.Field;
import org.nd4j.linalg.api.ndarray.INDArray;
import sun.misc.Unsafe;

/**
 * Copies between the off-heap buffers of ND4J arrays, and between them and Java arrays, by
 * address: the convolution's unfold is many short copies per sample, and a checked NIO copy pays
 * its checks on every one. Unchecked memory access can crash the JVM instead of throwing, so
 * every caller checks the whole extent it will touch once (see {@link #span}) and stays inside it.
 */
final class RawMemory {
    private static final Unsafe UNSAFE = unsafe();

    private RawMemory() {
    }

    /**
     * The address of element {@code from} of a dense array, after checking that elements
     * {@code from .. from+count-1} exist.
     */
    static long span(INDArray x, long from, long count) {
        if (!Shapes.isDense(x) || from < 0 || count < 0 || from + count > x.length()) {
            throw new IndexOutOfBoundsException("elements " + from + ".." + (from + count) + " of a "
                    + (Shapes.isDense(x) ? "dense" : "non-dense") + " array of shape " + Shapes.str(x.shape()));
        }
        var p = x.data().addressPointer();
        return p.address() + (p.position() + from) * x.data().getElementSize();
    }

    static void copy(long from, long to, long bytes) {
        UNSAFE.copyMemory(from, to, bytes);
    }

    /** Copies {@code count} floats from the address into {@code to}, from its start. */
    static void copyToHeap(long from, float[] to, int count) {
        UNSAFE.copyMemory(null, from, to, Unsafe.ARRAY_FLOAT_BASE_OFFSET, (long) count * Float.BYTES);
    }

    /** Copies {@code count} floats of {@code from}, from index {@code at}, to the address. */
    static void copyFromHeap(float[] from, int at, long to, int count) {
        UNSAFE.copyMemory(from, Unsafe.ARRAY_FLOAT_BASE_OFFSET + (long) at * Float.BYTES, null, to, (long) count * Float.BYTES);
    }

    /** Copies {@code count} doubles from the address into {@code to}, from its start. */
    static void copyToHeap(long from, double[] to, int count) {
        UNSAFE.copyMemory(null, from, to, Unsafe.ARRAY_DOUBLE_BASE_OFFSET, (long) count * Double.BYTES);
    }

    /** Copies {@code count} doubles of {@code from}, from index {@code at}, to the address. */
    static void copyFromHeap(double[] from, int at, long to, int count) {
        UNSAFE.copyMemory(from, Unsafe.ARRAY_DOUBLE_BASE_OFFSET + (long) at * Double.BYTES, null, to, (long) count * Double.BYTES);
    }

    /** Sets one element of {@code size} bytes (4 or 8) to zero, which is 0.0 in float and double too. */
    static void clear(long at, long size) {
        if (size == 4) {
            UNSAFE.putInt(at, 0);
        } else {
            UNSAFE.putLong(at, 0L);
        }
    }

    private static Unsafe unsafe() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
