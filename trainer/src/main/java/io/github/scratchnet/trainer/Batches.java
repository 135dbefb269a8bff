package io.github.scratchnet.trainer;

import io.github.scratchnet.core.Rng;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The mini-batches of one epoch, each made on a thread of its own while the step before it
 * computes: the images picked in the epoch's order and, where an {@link Augmentation} is given,
 * distorted. Every image's distortion is drawn from a generator seeded by the run's seed, the
 * epoch and the image's place in the epoch, so a batch is the same whichever thread makes it and
 * whenever, and a resumed run draws what an uninterrupted one would. Two buffers take turns: the
 * step computes on one while the next batch is written into the other.
 */
public final class Batches implements AutoCloseable {
    /** One batch: images (n, C, H, W) float32 and labels (n,). */
    public record Batch(INDArray x, INDArray labels) {
    }

    private final Dataset data;
    private final int batchSize;
    private final Augmentation augmentation;
    private final long seed;
    private final ExecutorService maker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "scratchnet-batches");
        t.setDaemon(true);
        return t;
    });
    private final INDArray[] buffers = new INDArray[2];
    private int epoch;
    private int[] order;
    private long steps;
    private Future<Batch> next;

    public Batches(Dataset data, int batchSize, Augmentation augmentation, long seed) {
        this.data = data;
        this.batchSize = batchSize;
        this.augmentation = augmentation;
        this.seed = seed;
    }

    /** Starts an epoch of {@code steps} batches taking the images in {@code order}, cyclically. */
    public void start(int epoch, int[] order, long steps) {
        this.epoch = epoch;
        this.order = order;
        this.steps = steps;
        next = maker.submit(() -> make(0));
    }

    /** Batch {@code step} of the epoch (steps are taken in order); the next one starts being made. */
    public Batch take(long step) throws InterruptedException {
        Batch b;
        try {
            b = next.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        next = step + 1 < steps ? maker.submit(() -> make(step + 1)) : null;
        return b;
    }

    private Batch make(long step) {
        int from = (int) ((step * batchSize) % order.length);
        int count = Math.min(batchSize, order.length - from);
        long[] shape = data.images().shape();
        int i = (int) (step % 2);
        if (buffers[i] == null || buffers[i].size(0) != count) {
            buffers[i] = Nd4j.createUninitialized(DataType.FLOAT, count, shape[1], shape[2], shape[3]);
        }
        int h = (int) shape[2];
        int w = (int) shape[3];
        int per = (int) (shape[1] * h * w);
        FloatBuffer in = data.images().data().asNioFloat();
        FloatBuffer out = buffers[i].data().asNioFloat();
        float[] image = new float[per];
        float[] distorted = new float[per];
        int[] labels = new int[count];
        for (int k = 0; k < count; k++) {
            int sample = order[from + k];
            labels[k] = data.labels()[sample];
            if (augmentation.isNone()) {
                out.put(k * per, in, sample * per, per);
                continue;
            }
            in.get(sample * per, image);
            Rng rng = new Rng(seed + epoch * 0x9E3779B97F4A7C15L + (from + k) * 0xD1B54A32D192ED03L);
            for (int c = 0; c < per; c += h * w) {                 // each channel with the same draws
                augmentation.apply(Arrays.copyOfRange(image, c, c + h * w), distorted, h, w, new Rng(rng.state()));
                out.put(k * per + c, distorted, 0, h * w);
            }
        }
        return new Batch(buffers[i], Nd4j.createFromArray(labels));
    }

    @Override
    public void close() {
        maker.shutdownNow();
    }
}
