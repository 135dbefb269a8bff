package io.github.scratchnet.core;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * im2row and row2im in the book's layout (its im2col/col2im, section 7.4.3), plus the two
 * memory kernels they are made of. x (N,C,H,W) becomes col (N*OH*OW, C*FH*FW): row
 * {@code (n*OH+oy)*OW+ox}, column {@code (c*FH+ky)*FW+kx}; row2im adds overlapping entries back.
 * The kernels run over the raw buffers through NIO views, which measured several times faster
 * than element access through ND4J (see ND4J-NOTES.md).
 */
public final class Im2Row {
    private Im2Row() {
    }

    /** x (N,C,H,W) -> col (N*OH*OW, C*FH*FW). */
    public static INDArray im2row(INDArray x, ConvGeometry g) {
        return im2row(x, g, null);
    }

    /**
     * x (N,C,H,W) -> col (N*OH*OW, C*FH*FW), written into {@code reuse} when it has that shape and
     * type (fresh memory is slow: see ND4J-NOTES.md), else into a new array.
     */
    public static INDArray im2row(INDArray x, ConvGeometry g, INDArray reuse) {
        long n = checkInput(x, g);
        INDArray col = Buffers.reuse(reuse, x.dataType(), n * g.rowsPerSample(), g.rowLength());
        gather(x, g.table(), Math.toIntExact(n), g.sampleSize(), col);
        return col;
    }

    /** col (N*OH*OW, C*FH*FW) -> dx (N,C,H,W), summing the entries that overlap. */
    public static INDArray row2im(INDArray col, long n, ConvGeometry g) {
        return row2im(col, n, g, null);
    }

    /** As {@link #row2im(INDArray, long, ConvGeometry)}, written into {@code reuse} when it fits. */
    public static INDArray row2im(INDArray col, long n, ConvGeometry g, INDArray reuse) {
        if (col.rank() != 2 || col.size(0) != n * g.rowsPerSample() || col.size(1) != g.rowLength()) {
            throw new IllegalArgumentException("row2im for " + g + " and N=" + n + " expects col of shape "
                    + Shapes.str(n * g.rowsPerSample(), g.rowLength()) + ", found " + Shapes.str(col.shape()));
        }
        INDArray x = Buffers.reuse(reuse, col.dataType(), n, g.c, g.h, g.w).assign(0);
        scatterAdd(col, g.table(), Math.toIntExact(n), g.sampleSize(), x);
        return x;
    }

    /** Checks x is (N,C,H,W) with the geometry's C, H, W; returns N. */
    public static long checkInput(INDArray x, ConvGeometry g) {
        if (x.rank() != 4 || x.size(1) != g.c || x.size(2) != g.h || x.size(3) != g.w) {
            throw new IllegalArgumentException("expected input of shape (N, " + g.c + ", " + g.h + ", " + g.w
                    + "), found " + Shapes.str(x.shape()));
        }
        return x.size(0);
    }

    /**
     * For each of {@code samples} blocks: {@code dst[s*T + i] = src[s*srcStride + table[i]]}, or 0
     * where {@code table[i] < 0} (T = table.length). dst must be C-ordered and not a view.
     */
    public static void gather(INDArray src, int[] table, int samples, int srcStride, INDArray dst) {
        gather(src, table, 0, samples, srcStride, dst);
    }

    /** {@link #gather} of the samples {@code first .. first+samples-1} of src into dst's first blocks. */
    public static void gather(INDArray src, int[] table, int first, int samples, int srcStride, INDArray dst) {
        INDArray s = contiguous(src);
        requireWritable(dst, src.dataType(), (long) samples * table.length);
        if (s.length() < (long) (first + samples - 1) * srcStride + 1) {
            throw new IllegalArgumentException("gather: source has " + s.length() + " elements, too few for sample "
                    + (first + samples - 1));
        }
        int t = table.length;
        if (s.dataType() == DataType.FLOAT) {
            FloatBuffer in = s.data().asNioFloat();
            FloatBuffer out = dst.data().asNioFloat();
            Workers.forEach(samples, n -> {
                int base = (first + n) * srcStride;
                for (int i = 0, o = n * t; i < t; i++, o++) {
                    int j = table[i];
                    out.put(o, j < 0 ? 0f : in.get(base + j));
                }
            });
        } else {
            DoubleBuffer in = s.data().asNioDouble();
            DoubleBuffer out = dst.data().asNioDouble();
            Workers.forEach(samples, n -> {
                int base = (first + n) * srcStride;
                for (int i = 0, o = n * t; i < t; i++, o++) {
                    int j = table[i];
                    out.put(o, j < 0 ? 0.0 : in.get(base + j));
                }
            });
        }
    }

    /**
     * The adjoint of {@link #gather}: for each block, {@code dst[s*dstStride + table[i]] += src[s*T + i]}
     * where {@code table[i] >= 0}. dst must be C-ordered and not a view.
     */
    public static void scatterAdd(INDArray src, int[] table, int samples, int dstStride, INDArray dst) {
        scatterAdd(src, table, 0, samples, dstStride, dst);
    }

    /** {@link #scatterAdd} of src's first blocks into the samples {@code first .. first+samples-1} of dst. */
    public static void scatterAdd(INDArray src, int[] table, int first, int samples, int dstStride, INDArray dst) {
        INDArray s = contiguous(src);
        requireWritable(dst, src.dataType(), (long) (first + samples - 1) * dstStride + 1);
        if (s.length() < (long) samples * table.length) {
            throw new IllegalArgumentException("scatterAdd: source has " + s.length() + " elements, expected "
                    + (long) samples * table.length);
        }
        int t = table.length;
        // Samples write disjoint parts of dst (dstStride >= the table's reach), so they run in parallel.
        if (s.dataType() == DataType.FLOAT) {
            FloatBuffer in = s.data().asNioFloat();
            FloatBuffer out = dst.data().asNioFloat();
            Workers.forEach(samples, n -> {
                int base = (first + n) * dstStride;
                for (int i = 0, o = n * t; i < t; i++, o++) {
                    int j = table[i];
                    if (j >= 0) {
                        out.put(base + j, out.get(base + j) + in.get(o));
                    }
                }
            });
        } else {
            DoubleBuffer in = s.data().asNioDouble();
            DoubleBuffer out = dst.data().asNioDouble();
            Workers.forEach(samples, n -> {
                int base = (first + n) * dstStride;
                for (int i = 0, o = n * t; i < t; i++, o++) {
                    int j = table[i];
                    if (j >= 0) {
                        out.put(base + j, out.get(base + j) + in.get(o));
                    }
                }
            });
        }
    }

    /** x itself when its buffer is plain C order from offset 0, else a C-ordered copy. */
    public static INDArray contiguous(INDArray x) {
        if (x.isView() || x.ordering() != 'c' || x.offset() != 0 || x.data().length() != x.length()) {
            return x.dup('c');
        }
        return x;
    }

    private static void requireWritable(INDArray dst, DataType type, long minLength) {
        if (dst.dataType() != type) {
            throw new IllegalArgumentException("data types differ: " + type + " and " + dst.dataType());
        }
        if (dst.isView() || dst.ordering() != 'c' || dst.offset() != 0 || dst.length() < minLength) {
            throw new IllegalArgumentException("destination must be a C-ordered array of at least " + minLength
                    + " elements, found " + Shapes.str(dst.shape()) + " order " + dst.ordering());
        }
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("im2row works on FLOAT and DOUBLE arrays, found " + type);
        }
    }
}
