package io.github.scratchnet.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Augmentation's spec and distortions, and the batches it goes into. */
class AugmentationTest {

    /** A 7x9 image of distinct values. */
    private static float[] image() {
        float[] src = new float[63];
        for (int i = 0; i < src.length; i++) {
            src[i] = (i * 37 % 63) / 63f;
        }
        return src;
    }

    @Test
    void aSpecReadsBackAsItIsWrittenAndBadOnesAreNamed() {
        Augmentation a = Augmentation.parse("shift=2,rotate=12,scale=0.1,elastic=34:4");
        assertEquals(new Augmentation(2, 12, 0.1, 34, 4), a);
        assertEquals(a, Augmentation.parse(a.toString()));
        assertEquals("shift=2,rotate=0,scale=0,elastic=off", Augmentation.parse("shift=2").toString());
        assertTrue(Augmentation.parse("off").isNone() && Augmentation.parse("elastic=off").isNone());
        assertEquals("--augment: unknown 'flip', expected shift, rotate, scale or elastic, as in"
                + " shift=2,rotate=12,scale=0.1,elastic=34:4", assertThrows(IllegalArgumentException.class,
                        () -> Augmentation.parse("flip=1")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("shift=two"));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("elastic=34"));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("scale=1.5"));
    }

    /** With only a shift, each pixel is read from (x - tx, y - ty), by bilinear interpolation, 0 outside. */
    @Test
    void aShiftMovesTheImageByItsDraws() {
        float[] src = image();
        float[] dst = new float[63];
        new Augmentation(2, 0, 0, 0, 0).apply(src, dst, 7, 9, new Rng(5));
        Rng same = new Rng(5);
        same.nextDouble();                                  // the angle's draw
        same.nextDouble();                                  // the scale's
        double tx = 2 * (2 * same.nextDouble() - 1);
        double ty = 2 * (2 * same.nextDouble() - 1);
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 9; x++) {
                double sx = x - tx;
                double sy = y - ty;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                double want = (1 - fy) * ((1 - fx) * at(src, x0, y0) + fx * at(src, x0 + 1, y0))
                        + fy * ((1 - fx) * at(src, x0, y0 + 1) + fx * at(src, x0 + 1, y0 + 1));
                assertEquals(want, dst[y * 9 + x], 1e-6, "pixel " + x + "," + y);
            }
        }
    }

    private static double at(float[] src, int x, int y) {
        return x < 0 || y < 0 || x >= 9 || y >= 7 ? 0 : src[y * 9 + x];
    }

    /** A rotation (with scaling) turns about the centre: the centre pixel keeps its value, and a round blob keeps its shape. */
    @Test
    void aRotationTurnsAboutTheCentre() {
        int h = 15;
        int w = 15;
        float[] blob = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                blob[y * w + x] = (float) Math.exp(-((x - 7) * (x - 7) + (y - 7) * (y - 7)) / 8.0);
            }
        }
        Augmentation turn = new Augmentation(0, 90, 0, 0, 0);
        float[] dst = new float[h * w];
        for (long seed = 0; seed < 5; seed++) {
            turn.apply(blob, dst, h, w, new Rng(seed));
            assertEquals(1.0, dst[7 * w + 7], 1e-6, "the centre");
            for (int i = 0; i < dst.length; i++) {
                assertEquals(blob[i], dst[i], 0.05, "pixel " + i + " of the turned blob (bilinear interpolation smooths it a little)");
            }
        }
    }

    @Test
    void theSameDrawsGiveTheSameImageAndOthersAnother() {
        Augmentation a = Augmentation.parse("shift=1,rotate=10,scale=0.1,elastic=8:3");
        float[] one = new float[63];
        float[] two = new float[63];
        float[] three = new float[63];
        a.apply(image(), one, 7, 9, new Rng(3));
        a.apply(image(), two, 7, 9, new Rng(3));
        a.apply(image(), three, 7, 9, new Rng(4));
        assertArrayEquals(one, two);
        assertFalse(Arrays.equals(one, three));
    }

    /**
     * A batch does not depend on when or where it is made: the batches of one epoch equal those
     * made again by another Batches, and each image's distortion is its own (the first image of
     * step 1 equals itself made as the only image of a batch of one).
     */
    @Test
    void batchesAreTheSameWhicheverThreadMakesThemAndWhenever() throws Exception {
        INDArray images = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 12, 1, 7, 9);
        Dataset data = new Dataset(images, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1});
        Augmentation a = Augmentation.parse("shift=2,rotate=15,scale=0.1");
        int[] order = {3, 1, 4, 11, 5, 9, 2, 6, 7, 0, 8, 10};
        float[][] first = new float[3][];
        try (Batches b = new Batches(data, 4, a, 7)) {
            b.start(2, order, 3);
            for (int s = 0; s < 3; s++) {
                Batches.Batch batch = b.take(s);
                first[s] = batch.x().dup().data().asFloat();
                assertArrayEquals(Arrays.stream(order, s * 4, s * 4 + 4).map(i -> data.labels()[i]).toArray(),
                        batch.labels().toIntVector(), "labels of step " + s);
            }
        }
        try (Batches b = new Batches(data, 4, a, 7)) {
            b.start(2, order, 3);
            for (int s = 0; s < 3; s++) {
                assertArrayEquals(first[s], b.take(s).x().data().asFloat(), "step " + s);
            }
            b.start(3, order, 3);
            assertFalse(Arrays.equals(first[0], b.take(0).x().data().asFloat()), "another epoch, other draws");
        }
    }

    @Test
    void theValidationSplitIsTheSameEveryTimeAndApartFromTheRest() {
        int[] labels = new int[50];
        INDArray images = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, 50, 1, 2, 2);
        for (int i = 0; i < 50; i++) {
            labels[i] = i % 10;
            images.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(i);
        }
        Dataset data = new Dataset(images, labels);
        Dataset[] a = data.split(12);
        Dataset[] b = data.split(12);
        assertEquals(12, a[0].size());
        assertEquals(38, a[1].size());
        assertArrayEquals(a[0].images().data().asFloat(), b[0].images().data().asFloat(), "the same images every time");
        java.util.Set<Float> held = new java.util.HashSet<>();
        for (float v : a[0].images().data().asFloat()) {
            held.add(v);
        }
        for (float v : a[1].images().data().asFloat()) {
            assertFalse(held.contains(v), "image " + v + " is in both");
        }
        assertEquals(50, held.size() + a[1].size());
        assertThrows(IllegalArgumentException.class, () -> data.split(50));
    }
}
