package io.github.scratchnet.engine;

import static io.github.scratchnet.core.TestData.assertClose;
import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.layers.SeriesModel;
import io.github.scratchnet.layers.SeriesNet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The fast series path against the layers as written, from the same parameters, across updates and truncations. */
class FastSeriesTest {

    /** Three chunks (3, 4 and 2 steps), each followed by an update of both networks and a cut; then predictions. */
    private static void sameAsTheLayers(SeriesNet.Cell kind, DType dtype, long in, long out, double tolerance) {
        Sequential bookNet = SeriesNet.create(kind, dtype, 11, in, 6, out);
        Sequential fastNet = SeriesNet.create(kind, dtype, 11, in, 6, out);
        SeriesModel book = Engine.BOOK.series(bookNet);
        SeriesModel fast = Engine.FAST.series(fastNet);
        assertTrue(fast instanceof FastSeries, "the fast engine's own series path");
        int seed = 0;
        for (int chunk : new int[] {3, 4, 2}) {
            for (int k = 0; k < chunk; k++, seed++) {
                INDArray x = randn(300 + seed, 5, in).castTo(dtype.nd4j());
                INDArray t = randn(400 + seed, 5, out).castTo(dtype.nd4j());
                double lb = book.step(x, t);
                double lf = fast.step(x, t);
                assertEquals(lb, lf, tolerance * Math.abs(lb), kind + " loss at step " + seed);
            }
            Map<String, INDArray> gb = book.backward();
            Map<String, INDArray> gf = fast.backward();
            assertEquals(gb.keySet(), gf.keySet());
            for (String key : gb.keySet()) {
                assertClose(gb.get(key), gf.get(key), tolerance, kind + " " + dtype + " d" + key + " after step " + seed);
                bookNet.params().get(key).subi(gb.get(key).mul(0.1));
                fastNet.params().get(key).subi(gf.get(key).mul(0.1));
            }
            book.truncate();
            fast.truncate();
        }
        for (int k = 0; k < 3; k++) {
            INDArray x = randn(500 + k, 5, in).castTo(dtype.nd4j());
            assertClose(book.predict(x), fast.predict(x), tolerance, kind + " predict " + k);
        }
        book.resetState();
        fast.resetState();
        INDArray x = randn(600, 2, in).castTo(dtype.nd4j());
        assertClose(book.predict(x), fast.predict(x), tolerance, kind + " predict after a reset, another batch size");
        assertThrows(IllegalArgumentException.class, () -> fast.predict(randn(1, 3, in).castTo(dtype.nd4j())));
        assertThrows(IllegalArgumentException.class, () -> fast.step(x, randn(2, 2, out + 1)));
    }

    @Test
    void rnnAndLstmInFloat64EqualTheLayers() {
        for (SeriesNet.Cell kind : SeriesNet.Cell.values()) {
            sameAsTheLayers(kind, DType.FLOAT64, 1, 1, 1e-10);
            sameAsTheLayers(kind, DType.FLOAT64, 3, 2, 1e-10);
        }
    }

    @Test
    void rnnAndLstmInFloat32AgreeWithTheLayers() {
        for (SeriesNet.Cell kind : SeriesNet.Cell.values()) {
            sameAsTheLayers(kind, DType.FLOAT32, 1, 1, 1e-4);
        }
        assertEquals(DataType.FLOAT, SeriesNet.create(SeriesNet.Cell.LSTM, DType.FLOAT32, 1, 1, 4, 1).dtype().nd4j());
    }
}
