package io.github.scratchnet.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.TestData;
import io.github.scratchnet.core.io.Pickles;
import io.github.scratchnet.engine.Engine;
import io.github.scratchnet.layers.DeepConvNet;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The book's pretrained params classify 9,935 of the 10,000 MNIST test images, as in the book, on both engines. */
class BookParamsAccuracyTest {

    private static int[] predictions(Engine engine, DType dtype, Path params, Dataset test) throws IOException {
        Sequential net = DeepConvNet.create(dtype, 0, Dropout.Mode.BOOK);
        net.load(Pickles.readArrays(params), params.toString());
        return engine.plan(net).classify(test.images(), 100);
    }

    @Test
    void classifies9935Of10000OnBothEnginesInFloat64AndFloat32WithIdenticalPredictions() throws IOException {
        Path params = TestData.reference("deep_convnet_params.pkl");
        Dataset test = Mnist.testSet();
        assertEquals(10_000, test.size());
        int[] book64 = predictions(Engine.BOOK, DType.FLOAT64, params, test);
        int[] fast64 = predictions(Engine.FAST, DType.FLOAT64, params, test);
        int[] fast32 = predictions(Engine.FAST, DType.FLOAT32, params, test);
        assertEquals(9935, correct(book64, test.labels()), "book engine, float64");
        assertEquals(9935, correct(fast64, test.labels()), "fast engine, float64");
        assertEquals(9935, correct(fast32, test.labels()), "fast engine, float32");
        assertArrayEquals(book64, fast64, "the engines' float64 predictions");
        assertArrayEquals(fast64, fast32, "float32 and float64 predictions");
    }

    private static int correct(int[] predicted, int[] labels) {
        int c = 0;
        for (int i = 0; i < labels.length; i++) {
            c += predicted[i] == labels[i] ? 1 : 0;
        }
        return c;
    }
}
