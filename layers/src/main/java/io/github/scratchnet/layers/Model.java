package io.github.scratchnet.layers;

import io.github.scratchnet.core.Buffers;
import java.util.Map;
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
        long n = x.size(0);
        int[] classes = new int[Math.toIntExact(n)];
        INDArray batch = null;
        for (long from = 0; from < n; from += batchSize) {
            long to = Math.min(n, from + batchSize);
            // one dense buffer refilled per batch, rather than a fresh copy of each view in the first layer
            INDArray view = x.get(NDArrayIndex.interval(from, to));
            batch = Buffers.reuse(batch, view.dataType(), view.shape()).assign(view);
            long[] best = Nd4j.argMax(predict(batch, false), 1).toLongVector();
            for (int i = 0; i < best.length; i++) {
                classes[(int) from + i] = (int) best[i];
            }
        }
        return classes;
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
