package io.github.scratchnet.layers;

import io.github.scratchnet.core.Buffers;
import java.util.Map;
import java.util.function.BiConsumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * What training and inference ask of a network, whichever code computes it: a {@link Sequential}
 * computes it with its layers as written; an execution plan of the engine computes the same with
 * other kernels over the same parameter arrays.
 */
public interface Model {

    /** The network whose layers and parameters are computed with. */
    Sequential network();

    /** Scores (N, K) for x (N, inputShape...); x is converted to the network's data type. */
    INDArray predict(INDArray x, boolean train);

    /** Forward through the layers and the loss; the mean loss of the batch. */
    double loss(INDArray x, INDArray labels, boolean train);

    /**
     * Backward from the loss of the last {@link #loss} call through every layer; the gradients by
     * parameter key, in the order of the network's params.
     */
    Map<String, INDArray> gradient();

    /** Predicted classes in test mode, computed {@code batchSize} samples at a time. */
    default int[] classify(INDArray x, int batchSize) {
        int[] classes = new int[Math.toIntExact(x.size(0))];
        inBatches(x, batchSize, (from, scores) -> {
            int[] batch = classesOf(scores);
            System.arraycopy(batch, 0, classes, Math.toIntExact(from), batch.length);
        });
        return classes;
    }

    /**
     * The index of each row's largest score (the first of equal ones; a NaN is passed over unless
     * the row holds nothing else), found on the heap: for a batch of 100 an argmax op costs more
     * than the loop.
     */
    static int[] classesOf(INDArray scores) {
        int rows = Math.toIntExact(scores.size(0));
        int k = Math.toIntExact(scores.size(1));
        double[] s = scores.dup('c').data().asDouble();
        int[] classes = new int[rows];
        for (int i = 0, at = 0; i < rows; i++, at += k) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                best = s[at + j] > s[at + best] || Double.isNaN(s[at + best]) ? j : best;
            }
            classes[i] = best;
        }
        return classes;
    }

    /** The softmax of the test-mode scores, (N, K) in float64, computed {@code batchSize} samples at a time. */
    default INDArray probabilities(INDArray x, int batchSize) {
        long[] out = network().outputShape();
        INDArray p = Nd4j.create(DataType.DOUBLE, x.size(0), out[out.length - 1]);
        inBatches(x, batchSize, (from, scores) -> p.get(NDArrayIndex.interval(from, from + scores.size(0)))
                .assign(SoftmaxWithLoss.softmax(scores.castTo(DataType.DOUBLE))));
        return p;
    }

    /** Test-mode scores of each run of {@code batchSize} samples, handed over with the index of the run's first. */
    private void inBatches(INDArray x, int batchSize, BiConsumer<Long, INDArray> scores) {
        long n = x.size(0);
        INDArray batch = null;
        for (long from = 0; from < n; from += batchSize) {
            long to = Math.min(n, from + batchSize);
            // one dense buffer refilled per batch, rather than a fresh copy of each view in the first layer
            INDArray view = x.get(NDArrayIndex.interval(from, to));
            batch = Buffers.reuse(batch, view.dataType(), view.shape()).assign(view);
            scores.accept(from, predict(batch, false));
        }
    }

    /** Fraction of samples whose predicted class equals the label (labels as for {@link SoftmaxWithLoss}). */
    default double accuracy(INDArray x, INDArray labels, int batchSize) {
        int[] predicted = classify(x, batchSize);
        long[] out = network().outputShape();
        int[] t = SoftmaxWithLoss.classIndices(labels, predicted.length, out[out.length - 1]);
        int correct = 0;
        for (int i = 0; i < t.length; i++) {
            correct += predicted[i] == t[i] ? 1 : 0;
        }
        return (double) correct / t.length;
    }
}
