package io.github.scratchnet.core;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * im2row and row2im: the book's im2col and col2im (section 7.4.3, common/util.py), written with
 * ND4J operations only, so they run on any backend. im2row unfolds x (N, C, H, W) into
 * col (N*OH*OW, C*FH*FW): row {@code (n*OH + oy)*OW + ox} is the window under output (oy, ox) of
 * sample n, and column {@code (c*FH + ky)*FW + kx} of it is {@code xpad[n, c, oy*stride + ky,
 * ox*stride + kx]}, where xpad is x with {@code pad} zeros around each plane. row2im adds every
 * entry of such a matrix back where it came from, so overlapping windows sum: it is the adjoint
 * of im2row, which is what backward needs.
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
        INDArray img = g.pad == 0 ? x : Nd4j.pad(x, new int[][] {{0, 0}, {0, 0}, {g.pad, g.pad}, {g.pad, g.pad}});
        INDArray col = Buffers.reuse(reuse, x.dataType(), n * g.rowsPerSample(), g.rowLength());
        INDArray windows = col.reshape('c', n, g.oh, g.ow, g.c, g.fh, g.fw);     // the same memory
        for (int ky = 0; ky < g.fh; ky++) {
            for (int kx = 0; kx < g.fw; kx++) {
                // element (ky, kx) of every window is one strided slice of the image, (N, C, OH, OW)
                windows.get(all(), all(), all(), all(), point(ky), point(kx)).assign(slice(img, g, ky, kx).permute(0, 2, 3, 1));
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
        INDArray img = Nd4j.zeros(col.dataType(), n, g.c, g.h + 2L * g.pad, g.w + 2L * g.pad);
        INDArray windows = Shapes.dense(col).reshape('c', n, g.oh, g.ow, g.c, g.fh, g.fw);
        for (int ky = 0; ky < g.fh; ky++) {
            for (int kx = 0; kx < g.fw; kx++) {
                slice(img, g, ky, kx).addi(windows.get(all(), all(), all(), all(), point(ky), point(kx)).permute(0, 3, 1, 2));
            }
        }
        INDArray inside = img.get(all(), all(), interval(g.pad, g.pad + g.h), interval(g.pad, g.pad + g.w));
        return Buffers.reuse(reuse, col.dataType(), n, g.c, g.h, g.w).assign(inside);
    }

    /** xpad[:, :, ky : ky + stride*OH : stride, kx : kx + stride*OW : stride], a view (N, C, OH, OW). */
    private static INDArray slice(INDArray img, ConvGeometry g, int ky, int kx) {
        return img.get(all(), all(), interval(ky, g.stride, ky + (long) g.stride * (g.oh - 1) + 1),
                interval(kx, g.stride, kx + (long) g.stride * (g.ow - 1) + 1));
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
