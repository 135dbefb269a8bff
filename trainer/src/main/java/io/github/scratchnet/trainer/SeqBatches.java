package io.github.scratchnet.trainer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DeZero's SeqDataLoader (step 60): a series read as {@code B} streams that start
 * {@code len / B} steps apart (integer division) and advance together, one step per batch, in
 * order; {@code ceil(len / B)} batches an epoch, row i of batch k holding sample
 * {@code (i·(len/B) + k) mod len}. With B = 1 it is the series in order, as step 59 reads it.
 */
final class SeqBatches {
    private final SinCurve series;
    private final int batchSize;
    private final DataType dtype;

    SeqBatches(SinCurve series, int batchSize, DataType dtype) {
        if (batchSize < 1 || batchSize > series.length()) {
            throw new IllegalArgumentException("--batch-size must be from 1 to the series' length " + series.length()
                    + ", got " + batchSize);
        }
        this.series = series;
        this.batchSize = batchSize;
        this.dtype = dtype;
    }

    /** Batches per epoch. */
    int iterations() {
        return (series.length() + batchSize - 1) / batchSize;
    }

    /** The sample index of row i in batch k. */
    int index(int i, int k) {
        return (int) (((long) i * (series.length() / batchSize) + k) % series.length());
    }

    /** Inputs and targets (B, 1) of batch k. */
    INDArray[] batch(int k) {
        double[] x = new double[batchSize];
        double[] t = new double[batchSize];
        for (int i = 0; i < batchSize; i++) {
            x[i] = series.inputs()[index(i, k)];
            t[i] = series.targets()[index(i, k)];
        }
        INDArray xs = Nd4j.createUninitialized(dtype, batchSize, 1);
        INDArray ts = Nd4j.createUninitialized(dtype, batchSize, 1);
        xs.data().setData(x);
        ts.data().setData(t);
        return new INDArray[] {xs, ts};
    }
}
