package io.github.scratchnet.trainer;

import io.github.scratchnet.core.Backend;
import io.github.scratchnet.core.Rng;
import io.github.scratchnet.core.io.FileFormatException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Images (N, 1, H, W) as float32 scaled to [0, 1] and their labels (N,), from a pair of IDX files
 * (MNIST, Fashion-MNIST, or any set in that format).
 */
public record Dataset(INDArray images, int[] labels) {
    static {
        Backend.configure();   // before anything here can load ND4J (see Backend)
    }

    public long size() {
        return labels.length;
    }

    /** The labels as an (N,) array, as the loss takes them. */
    public INDArray labelArray() {
        return Nd4j.createFromArray(labels);
    }

    /** The first {@code n} samples (all when n is 0 or at least the size), copied. */
    public Dataset head(int n) {
        if (n <= 0 || n >= labels.length) {
            return this;
        }
        return new Dataset(images.get(NDArrayIndex.interval(0, n)).dup('c'), java.util.Arrays.copyOf(labels, n));
    }

    /** The samples at {@code indices}, in that order, copied. */
    public Dataset subset(int[] indices) {
        long[] shape = images.shape().clone();
        shape[0] = indices.length;
        INDArray x = Nd4j.createUninitialized(DataType.FLOAT, shape);
        int per = (int) (images.length() / labels.length);
        FloatBuffer in = images.data().asNioFloat();
        FloatBuffer out = x.data().asNioFloat();
        int[] t = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out.put(i * per, in, indices[i] * per, per);
            t[i] = labels[indices[i]];
        }
        return new Dataset(x, t);
    }

    /**
     * {validation, rest}: {@code n} samples drawn by a generator of its own (the same ones for every
     * run, whatever its seed), and the others in their order.
     */
    public Dataset[] split(int n) {
        if (n <= 0 || n >= labels.length) {
            throw new IllegalArgumentException("--validation must be between 1 and " + (labels.length - 1)
                    + " (the training images), got " + n);
        }
        int[] order = new int[labels.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        new Rng(VALIDATION_SEED).shuffle(order);
        int[] held = java.util.Arrays.copyOf(order, n);
        int[] rest = java.util.Arrays.copyOfRange(order, n, order.length);
        java.util.Arrays.sort(held);
        java.util.Arrays.sort(rest);
        return new Dataset[] {subset(held), subset(rest)};
    }

    /** The generator seed of {@link #split}. */
    static final long VALIDATION_SEED = 0x76616C6964L;

    /** Reads an image file and a label file; their counts must agree. */
    public static Dataset read(Path imagesFile, Path labelsFile) throws IOException {
        Idx.Data img = Idx.read(imagesFile, 3);
        Idx.Data lab = Idx.read(labelsFile, 1);
        if (img.count() != lab.count()) {
            throw new FileFormatException(imagesFile.toString(), img.count() + " images but " + lab.count()
                    + " labels in " + labelsFile);
        }
        int n = img.dims()[0];
        int h = img.dims()[1];
        int w = img.dims()[2];
        // Scaled into the off-heap array a slice at a time: a whole float[] copy would grow the Java
        // heap by 188 MB for MNIST, and the JVM keeps a heap it has grown.
        INDArray images = Nd4j.createUninitialized(DataType.FLOAT, n, 1, h, w);
        java.nio.FloatBuffer out = images.data().asNioFloat();
        byte[] values = img.values();
        float[] slice = new float[1 << 16];
        for (int from = 0; from < values.length; from += slice.length) {
            int len = Math.min(slice.length, values.length - from);
            for (int i = 0; i < len; i++) {
                slice[i] = (values[from + i] & 0xff) / 255f;
            }
            out.put(from, slice, 0, len);
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = lab.values()[i] & 0xff;
        }
        return new Dataset(images, labels);
    }

    /**
     * The test set ({@code t10k-*}) or training set ({@code train-*}) of an MNIST-style folder,
     * taking {@code NAME-idx3-ubyte} or {@code NAME-idx3-ubyte.gz}.
     */
    public static Dataset readSplit(Path dir, boolean train) throws IOException {
        String prefix = train ? "train" : "t10k";
        return read(find(dir, prefix + "-images-idx3-ubyte"), find(dir, prefix + "-labels-idx1-ubyte"));
    }

    /** The file {@code name} or {@code name.gz} in {@code dir}; else {@code dir/name} (whose read then names it as missing). */
    public static Path find(Path dir, String name) {
        Path raw = dir.resolve(name);
        Path gz = dir.resolve(name + ".gz");
        return !Files.exists(raw) && Files.exists(gz) ? gz : raw;
    }
}
