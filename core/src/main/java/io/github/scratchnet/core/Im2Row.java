package io.github.scratchnet.core;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;

/**
 * im2row and row2im: the book's im2col and col2im (section 7.4.3, common/util.py), written with
 * ND4J operations only, so they run on any backend. im2row unfolds x (N, C, H, W) into
 * col (N*OH*OW, C*FH*FW): row {@code (n*OH + oy)*OW + ox} is the window under output (oy, ox) of
 * sample n, and column {@code (c*FH + ky)*FW + kx} of it is {@code xpad[n, c, oy*stride + ky,
 * ox*stride + kx]}, where xpad is x with {@code pad} zeros around each plane. row2im adds every
 * entry of such a matrix back where it came from, so overlapping windows sum: it is the adjoint
 * of im2row, which is what backward needs. Like the book's, both loop over the FH*FW positions
 * in a window; where the book pads the image and slices it, these slice x itself where the
 * window lies inside it and leave the padding's entries 0.
 */
public final class Im2Row {
    private Im2Row() {
    }

    /** x (N, C, H, W) -> col (N*OH*OW, C*FH*FW). */
    public static INDArray im2row(INDArray x, ConvGeometry g) {
        return im2row(x, g, null);
    }

    /** As {@link #im2row(INDArray, ConvGeometry)}, written into {@code reuse} where it has the shape and type. */
    public static INDArray im2row(INDArray x, ConvGeometry g, INDArray reuse) {
        long n = checkInput(x, g);
        INDArray col = Buffers.reuse(reuse, x.dataType(), n * g.rowsPerSample(), g.rowLength());
        if (g.pad > 0) {
            col.assign(0);                          // the windows' parts in the padding stay 0
        }
        INDArray windows = col.reshape('c', n, g.oh, g.ow, g.c, g.fh, g.fw);     // the same memory
        for (int ky = 0; ky < g.fh; ky++) {
            for (int kx = 0; kx < g.fw; kx++) {
                // element (ky, kx) of every window is one strided slice of x, (N, C, OH, OW), where it lies inside x
                Slice rows = Slice.of(ky, g.oh, g.h, g);
                Slice cols = Slice.of(kx, g.ow, g.w, g);
                if (rows != null && cols != null) {
                    windows.get(all(), rows.out, cols.out, all(), point(ky), point(kx))
                            .assign(x.get(all(), all(), rows.in, cols.in).permute(0, 2, 3, 1));
                }
            }
        }
        return col;
    }

    /** col (N*OH*OW, C*FH*FW) -> dx (N, C, H, W), summing the entries that overlap. */
    public static INDArray row2im(INDArray col, long n, ConvGeometry g) {
        return row2im(col, n, g, null);
    }

    /** As {@link #row2im(INDArray, long, ConvGeometry)}, written into {@code reuse} where it has the shape and type. */
    public static INDArray row2im(INDArray col, long n, ConvGeometry g, INDArray reuse) {
        if (col.rank() != 2 || col.size(0) != n * g.rowsPerSample() || col.size(1) != g.rowLength()) {
            throw new IllegalArgumentException("row2im for " + g + " and N=" + n + " expects col of shape "
                    + Shapes.str(n * g.rowsPerSample(), g.rowLength()) + ", found " + Shapes.str(col.shape()));
        }
        INDArray dx = Buffers.reuse(reuse, col.dataType(), n, g.c, g.h, g.w).assign(0);
        INDArray windows = Shapes.dense(col).reshape('c', n, g.oh, g.ow, g.c, g.fh, g.fw);
        for (int ky = 0; ky < g.fh; ky++) {
            for (int kx = 0; kx < g.fw; kx++) {
                Slice rows = Slice.of(ky, g.oh, g.h, g);
                Slice cols = Slice.of(kx, g.ow, g.w, g);
                if (rows != null && cols != null) {         // entries in the padding go nowhere
                    dx.get(all(), all(), rows.in, cols.in)
                            .addi(windows.get(all(), rows.out, cols.out, all(), point(ky), point(kx)).permute(0, 3, 1, 2));
                }
            }
        }
        return dx;
    }

    /**
     * Along one axis, for the window offset k: the outputs {@code out} whose input
     * {@code o*stride + k - pad} lies inside the image, and those inputs {@code in} (every
     * stride-th); null where there are none.
     */
    private record Slice(INDArrayIndex out, INDArrayIndex in) {
        static Slice of(int k, int outSize, int inSize, ConvGeometry g) {
            int first = Math.max(0, Math.floorDiv(g.pad - k + g.stride - 1, g.stride));
            int end = Math.min(outSize, Math.floorDiv(inSize - 1 + g.pad - k, g.stride) + 1);
            if (end <= first) {
                return null;
            }
            long from = (long) first * g.stride + k - g.pad;
            long last = from + (long) (end - first - 1) * g.stride;
            // (ND4J refuses a strided interval of one element)
            return new Slice(interval(first, end), last == from ? interval(from, from + 1) : interval(from, g.stride, last + 1));
        }
    }

    /** Checks x is (N, C, H, W) with the geometry's C, H, W; returns N. */
    public static long checkInput(INDArray x, ConvGeometry g) {
        if (x.rank() != 4 || x.size(1) != g.c || x.size(2) != g.h || x.size(3) != g.w) {
            throw new IllegalArgumentException("expected input of shape (N, " + g.c + ", " + g.h + ", " + g.w
                    + "), found " + Shapes.str(x.shape()));
        }
        return x.size(0);
    }
}
