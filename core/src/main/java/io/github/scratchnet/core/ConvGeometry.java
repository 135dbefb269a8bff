package io.github.scratchnet.core;

/**
 * The geometry of sliding a FH x FW window over a (C, H, W) input with a stride and zero padding,
 * as Convolution and Pooling do (book section 7.4). Knows the output size
 * {@code OH = (H + 2*pad - FH) / stride + 1} (floor, like the book) and the im2row index table.
 */
public final class ConvGeometry {
    public final int c, h, w, fh, fw, stride, pad, oh, ow;

    /** Built on first use, then shared: row (oy*OW+ox), column (c*FH+ky)*FW+kx -> offset in one sample, or -1 in the padding. */
    private int[] table;

    public ConvGeometry(long c, long h, long w, int fh, int fw, int stride, int pad) {
        if (c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("input (C, H, W) must be positive, got (" + c + ", " + h + ", " + w + ")");
        }
        if (fh < 1 || fw < 1 || stride < 1 || pad < 0) {
            throw new IllegalArgumentException("window " + fh + "x" + fw + ", stride " + stride + ", pad " + pad
                    + ": window and stride must be positive and pad at least 0");
        }
        if (h + 2L * pad < fh || w + 2L * pad < fw) {
            throw new IllegalArgumentException("a " + fh + "x" + fw + " window does not fit a " + h + "x" + w
                    + " input with pad " + pad);
        }
        this.c = Math.toIntExact(c);
        this.h = Math.toIntExact(h);
        this.w = Math.toIntExact(w);
        this.fh = fh;
        this.fw = fw;
        this.stride = stride;
        this.pad = pad;
        this.oh = (this.h + 2 * pad - fh) / stride + 1;
        this.ow = (this.w + 2 * pad - fw) / stride + 1;
    }

    /** Elements of one input sample, C*H*W. */
    public int sampleSize() {
        return c * h * w;
    }

    /** Columns of the im2row matrix, C*FH*FW (also the fan-in of a convolution). */
    public int rowLength() {
        return c * fh * fw;
    }

    /** Rows of the im2row matrix per sample, OH*OW. */
    public int rowsPerSample() {
        return oh * ow;
    }

    /**
     * The im2row index table of one sample: entry {@code (oy*OW+ox)*C*FH*FW + (c*FH+ky)*FW+kx} is the
     * offset of {@code x[c, oy*stride+ky-pad, ox*stride+kx-pad]} within the sample, or -1 where the
     * window lies in the zero padding.
     */
    public int[] table() {
        if (table == null) {
            int[] t = new int[rowsPerSample() * rowLength()];
            int k = 0;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int ky = 0; ky < fh; ky++) {
                            int y = oy * stride + ky - pad;
                            for (int kx = 0; kx < fw; kx++) {
                                int x = ox * stride + kx - pad;
                                t[k++] = (y < 0 || y >= h || x < 0 || x >= w) ? -1 : (ch * h + y) * w + x;
                            }
                        }
                    }
                }
            }
            table = t;
        }
        return table;
    }

    @Override
    public String toString() {
        return "(" + c + "," + h + "," + w + ") window " + fh + "x" + fw + " stride " + stride + " pad " + pad
                + " -> " + oh + "x" + ow;
    }
}
