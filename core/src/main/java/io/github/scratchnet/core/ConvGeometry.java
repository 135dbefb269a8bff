package io.github.scratchnet.core;

/**
 * The geometry of sliding a FH x FW window over a (C, H, W) input with a stride and zero padding,
 * as Convolution and Pooling do (book section 7.4). Knows the output size
 * {@code OH = (H + 2*pad - FH) / stride + 1} (floor, like the book) and the sizes of the im2row matrix.
 */
public final class ConvGeometry {
    public final int c, h, w, fh, fw, stride, pad, oh, ow;

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

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvGeometry g && c == g.c && h == g.h && w == g.w && fh == g.fh && fw == g.fw
                && stride == g.stride && pad == g.pad;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(c, h, w, fh, fw, stride, pad);
    }

    @Override
    public String toString() {
        return "(" + c + "," + h + "," + w + ") window " + fh + "x" + fw + " stride " + stride + " pad " + pad
                + " -> " + oh + "x" + ow;
    }
}
