package io.github.scratchnet.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.ConvGeometry;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The test-mode pooling of a ReLU's output against the training one, which also records the argmax. */
class MaxPoolTest {
    @Test
    void afterAReluTheIntegerComparisonGivesTheSameMaximaAndKeepsNaN() {
        ConvGeometry g = new ConvGeometry(3, 6, 10, 2, 2, 2, 0);
        Random random = new Random(7);
        float[] plane = new float[3 * 60];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = Math.max(0f, (float) random.nextGaussian());      // a ReLU's output: many zeros, the rest positive
        }
        plane[11] = Float.POSITIVE_INFINITY;
        float[] expected = new float[3 * 15];
        float[] found = new float[3 * 15];
        int[] argMax = new int[3 * 15];
        for (int c = 0; c < 3; c++) {
            MaxPool.pool2x2(plane, c * 60, g, expected, c * 15, argMax, c * 15, c * 60);
            MaxPool.pool2x2AfterRelu(plane, c * 60, g, found, c * 15);
        }
        assertArrayEquals(expected, found);
        plane[22] = Float.intBitsToFloat(0xffc00000);                     // the NaN x86 makes, its sign bit set
        MaxPool.pool2x2AfterRelu(plane, 0, g, found, 0);
        assertTrue(Float.isNaN(found[6]), "the window holding the NaN: " + found[6]);
    }
}
