package io.github.scratchnet.core;

import static io.github.scratchnet.core.TestData.assertClose;
import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class Im2RowTest {

    @Test
    void im2rowAndRow2imEqualTheBooksValues() {
        Map<String, INDArray> ref = TestData.referenceNpz("im2col_small.npz");
        INDArray x = ref.get("x");
        ConvGeometry s1 = new ConvGeometry(3, 5, 5, 3, 3, 1, 1);
        ConvGeometry s2 = new ConvGeometry(3, 5, 5, 3, 3, 2, 0);
        assertClose(ref.get("im2col_f3_s1_p1"), Im2Row.im2row(x, s1), 0, "im2col stride 1 pad 1");
        assertClose(ref.get("im2col_f3_s2_p0"), Im2Row.im2row(x, s2), 0, "im2col stride 2 pad 0");
        // The book's col2im is applied to the im2col matrix itself in the reference.
        assertClose(ref.get("col2im_f3_s1_p1"), Im2Row.row2im(ref.get("im2col_f3_s1_p1"), 2, s1), 1e-15, "col2im s1 p1");
        assertClose(ref.get("col2im_f3_s2_p0"), Im2Row.row2im(ref.get("im2col_f3_s2_p0"), 2, s2), 1e-15, "col2im s2 p0");
    }

    @Test
    void im2rowMatchesTheDefinitionEntryByEntry() {
        INDArray x = randn(1, 2, 3, 7, 6);
        ConvGeometry g = new ConvGeometry(3, 7, 6, 3, 2, 2, 2);
        INDArray col = Im2Row.im2row(x, g);
        assertEquals(2L * g.oh * g.ow, col.size(0));
        for (int n = 0; n < 2; n++) {
            for (int oy = 0; oy < g.oh; oy++) {
                for (int ox = 0; ox < g.ow; ox++) {
                    for (int c = 0; c < 3; c++) {
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 2; kx++) {
                                int y = oy * 2 + ky - 2;
                                int xx = ox * 2 + kx - 2;
                                double want = (y < 0 || y >= 7 || xx < 0 || xx >= 6) ? 0 : x.getDouble(n, c, y, xx);
                                double got = col.getDouble((n * g.oh + oy) * g.ow + ox, (c * 3 + ky) * 2 + kx);
                                assertEquals(want, got, 0.0);
                            }
                        }
                    }
                }
            }
        }
    }

    /** row2im is the adjoint of im2row: <row2im(y), x> = <y, im2row(x)>. */
    @Test
    void row2imIsTheAdjointOfIm2row() {
        int[][] cases = {{3, 5, 5, 3, 3, 1, 1}, {2, 9, 7, 3, 3, 2, 2}, {1, 6, 8, 2, 4, 3, 0}, {4, 4, 4, 5, 5, 1, 2}};
        for (int[] k : cases) {
            ConvGeometry g = new ConvGeometry(k[0], k[1], k[2], k[3], k[4], k[5], k[6]);
            INDArray x = randn(k[1], 3, k[0], k[1], k[2]);
            INDArray y = randn(k[2], 3L * g.rowsPerSample(), g.rowLength());
            double lhs = Im2Row.row2im(y, 3, g).mul(x).sumNumber().doubleValue();
            double rhs = y.mul(Im2Row.im2row(x, g)).sumNumber().doubleValue();
            assertEquals(rhs, lhs, 1e-10 * Math.max(1, Math.abs(rhs)), g.toString());
        }
    }

    @Test
    void float32MatchesFloat64() {
        INDArray x = randn(5, 2, 3, 6, 6);
        ConvGeometry g = new ConvGeometry(3, 6, 6, 3, 3, 1, 1);
        assertClose(Im2Row.im2row(x, g), Im2Row.im2row(x.castTo(DataType.FLOAT), g), 1e-6, "im2row float32");
        INDArray col = Im2Row.im2row(x, g);
        assertClose(Im2Row.row2im(col, 2, g), Im2Row.row2im(col.castTo(DataType.FLOAT), 2, g), 1e-5, "row2im float32");
    }

    @Test
    void viewsAreReadAsTheirValues() {
        INDArray big = randn(6, 4, 3, 5, 5);
        INDArray view = big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3));
        ConvGeometry g = new ConvGeometry(3, 5, 5, 3, 3, 1, 1);
        assertClose(Im2Row.im2row(view.dup('c'), g), Im2Row.im2row(view, g), 0, "im2row of a view");
    }

    @Test
    void wrongShapesAndGeometriesAreRefused() {
        ConvGeometry g = new ConvGeometry(3, 5, 5, 3, 3, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Im2Row.im2row(randn(1, 2, 4, 5, 5), g));
        assertEquals("expected input of shape (N, 3, 5, 5), found (2, 4, 5, 5)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConvGeometry(1, 2, 2, 5, 5, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ConvGeometry(1, 8, 8, 3, 3, 0, 0));
    }
}
