package io.github.scratchnet.layers;

import io.github.scratchnet.core.Shapes;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Softmax followed by cross-entropy, book section 5.6.3. scores (N, K); labels either class
 * indices (N,) or one-hot (N, K). loss {@code = -sum(log(y[t] + 1e-7)) / N};
 * backward {@code = (y - onehot(t)) / N}. With label smoothing ε (Szegedy et al. 2016) the target
 * is {@code q = (1 - ε) onehot(t) + ε / K} instead: loss {@code = -sum(q * log(y + 1e-7)) / N},
 * backward {@code = (y - q) / N}. In float32, backward's entries below {@link #FLUSH} are 0.
 */
public final class SoftmaxWithLoss {
    /**
     * In float32, gradient entries smaller than this (2^-100) are set to 0. A confident network's
     * softmax gives such entries, and their products with the weights in backward fall into
     * float32's subnormal range, which these CPUs compute many times slower: a trained
     * DeepConvNet's step took 64-71 ms instead of 34-38 ms. No float32 optimizer step can feel them
     * (Adam's g² underflows, its epsilon is 1e-8; SGD's lr·g is lost against the weights).
     */
    public static final double FLUSH = 0x1p-100;

    /** The book's guard against log(0). */
    public static final double BOOK_DELTA = 1e-7;

    private final double delta;
    private final double smoothing;

    // set by forward, read by backward
    private INDArray y;
    private int[] t;

    /** The book's loss, with {@code log(y + 1e-7)}. */
    public SoftmaxWithLoss() {
        this(BOOK_DELTA);
    }

    /**
     * A loss with another guard inside the log. backward is always the exact gradient of the
     * cross-entropy, i.e. of this loss with delta 0 (the book's 1e-7 changes the loss by a relative
     * 1e-7/y, which a float64 gradient check sees).
     */
    public SoftmaxWithLoss(double delta) {
        this(delta, 0);
    }

    /** The book's guard and label smoothing {@code smoothing} in [0, 1). */
    public SoftmaxWithLoss(double delta, double smoothing) {
        if (!(smoothing >= 0 && smoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + smoothing);
        }
        this.delta = delta;
        this.smoothing = smoothing;
    }

    /** The mean loss of the batch. */
    public double forward(INDArray scores, INDArray labels) {
        Shapes.requireRank("SoftmaxWithLoss", scores.shape(), 2, "of scores (N, K)");
        t = classIndices(labels, scores.size(0), scores.size(1));
        y = softmax(scores);
        double sum = 0;
        for (int n = 0; n < t.length; n++) {
            sum += (1 - smoothing) * Math.log(y.getDouble(n, t[n]) + delta);
        }
        if (smoothing > 0) {
            sum += smoothing / scores.size(1) * Transforms.log(y.add(delta), false).sumNumber().doubleValue();
        }
        return -sum / t.length;
    }

    /** dL/dscores for the last forward. */
    public INDArray backward() {
        Layer.requireForward(y, this);
        INDArray dx = smoothing > 0 ? y.sub(smoothing / y.size(1)) : y.dup();
        for (int n = 0; n < t.length; n++) {
            dx.putScalar(n, t[n], dx.getDouble(n, t[n]) - (1 - smoothing));
        }
        dx.divi(t.length);
        if (dx.dataType() == DataType.FLOAT) {
            BooleanIndexing.replaceWhere(dx, 0.0, Conditions.absLessThan(FLUSH));
        }
        return dx;
    }

    public double smoothing() {
        return smoothing;
    }

    /** Row-wise softmax, shifted by the row max for stability. */
    public static INDArray softmax(INDArray scores) {
        INDArray e = Transforms.exp(scores.subColumnVector(scores.max(1)), false);
        return e.diviColumnVector(e.sum(1));
    }

    /**
     * Class indices from labels (N,) or one-hot (N, K), checking count and range. Integer or
     * floating labels are both accepted.
     */
    public static int[] classIndices(INDArray labels, long n, long k) {
        INDArray idx;
        if (labels.rank() == 2 && labels.size(1) == k && k > 1) {
            idx = Nd4j.argMax(labels, 1);
        } else if (labels.rank() == 1 || (labels.rank() == 2 && labels.size(1) == 1)) {
            idx = labels;
        } else {
            throw new IllegalArgumentException("labels must be class indices (N,) or one-hot (N, " + k + "), found "
                    + Shapes.str(labels.shape()));
        }
        if (idx.length() != n) {
            throw new IllegalArgumentException(n + " score rows but " + idx.length() + " labels");
        }
        double[] v = idx.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').data().asDouble();
        int[] t = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0 && v[i] < k) || v[i] != Math.floor(v[i])) {
                throw new IllegalArgumentException("label " + v[i] + " at index " + i + " is not a class in [0, " + k + ")");
            }
            t[i] = (int) v[i];
        }
        return t;
    }
}
