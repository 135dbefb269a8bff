package io.github.scratchnet.layers;

import io.github.scratchnet.core.Shapes;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The mean squared error as DeZero defines it (step 42): {@code loss = Σ (y - t)² / N}, the sum
 * over every element and N the batch size (y.size(0)); backward {@code dy = 2 (y - t) / N}.
 * y and t (N, ...) of one shape; t is converted to y's data type.
 */
public final class MeanSquaredError {
    // set by forward, read by backward
    private INDArray diff;

    public double forward(INDArray y, INDArray t) {
        if (!Arrays.equals(y.shape(), t.shape())) {
            throw new IllegalArgumentException("MeanSquaredError expects targets of the outputs' shape "
                    + Shapes.str(y.shape()) + ", found " + Shapes.str(t.shape()));
        }
        diff = y.sub(t.castTo(y.dataType()));
        return diff.mul(diff).sumNumber().doubleValue() / y.size(0);
    }

    /** dL/dy for the last forward. */
    public INDArray backward() {
        Layer.requireForward(diff, this);
        return diff.mul(2.0 / diff.size(0));
    }
}
