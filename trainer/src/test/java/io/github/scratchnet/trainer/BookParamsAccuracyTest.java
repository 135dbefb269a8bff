package io.github.scratchnet.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.TestData;
import io.github.scratchnet.core.io.Pickles;
import io.github.scratchnet.layers.DeepConvNet;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The book's pretrained params classify 9,935 of the 10,000 MNIST test images, as in the book. */
class BookParamsAccuracyTest {

    private static int[] predictions(DType dtype, Path params, Dataset test) throws IOException {
        Sequential net = DeepConvNet.create(dtype, 0, Dropout.Mode.BOOK);
        net.load(Pickles.readArrays(params), params.toString());
        return net.classify(test.images(), 100);
    }

    @Test
    void classifies9935Of10000InFloat64AndFloat32WithIdenticalPredictions() throws IOException {
        Path params = TestData.reference("deep_convnet_params.pkl");
        Dataset test = Mnist.testSet();
        assertEquals(10_000, test.size());
        int[] p64 = predictions(DType.FLOAT64, params, test);
        int[] p32 = predictions(DType.FLOAT32, params, test);
        assertEquals(9935, correct(p64, test.labels()), "float64");
        assertEquals(9935, correct(p32, test.labels()), "float32");
        assertArrayEquals(p64, p32, "float32 and float64 predictions");
    }

    private static int correct(int[] predicted, int[] labels) {
        int c = 0;
        for (int i = 0; i < labels.length; i++) {
            c += predicted[i] == labels[i] ? 1 : 0;
        }
        return c;
    }
}
