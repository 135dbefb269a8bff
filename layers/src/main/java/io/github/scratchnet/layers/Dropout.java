package io.github.scratchnet.layers;

import io.github.scratchnet.core.Rng;
import io.github.scratchnet.core.Shapes;
import java.util.Locale;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dropout, book section 6.4.3: while training, each element is kept where a uniform draw exceeds
 * {@code ratio} and zeroed elsewhere. Any shape. Two modes (see {@link Mode}).
 */
public final class Dropout implements Layer {

    /** How the kept activations are scaled. */
    public enum Mode {
        /** Training: {@code x * mask / (1 - ratio)}; test: identity. The modern default. */
        INVERTED,
        /** The book's: training {@code x * mask}; test {@code x * (1 - ratio)}. Needed to reproduce the book's params. */
        BOOK
    }

    private final double ratio;
    private final Mode mode;
    /** Draws the 0/1 keep-mask for a shape; null: the default, drawn from the network's generator. */
    private Function<long[], INDArray> masks;
    private final Rng rng;

    // set by forward, read by backward: what dout is multiplied by (the scaled mask, or a constant)
    private INDArray scale;
    private double testScale = Double.NaN;

    public Dropout(double ratio, Mode mode, Rng rng) {
        if (!(ratio >= 0 && ratio < 1)) {
            throw new IllegalArgumentException("dropout ratio must be in [0, 1), got " + ratio);
        }
        this.ratio = ratio;
        this.mode = mode;
        this.rng = rng;
    }

    /** Replaces the mask source, for example with the exact masks the book's code drew. */
    public void setMaskSource(Function<long[], INDArray> masks) {
        this.masks = masks;
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        if (train) {
            INDArray mask = (masks != null ? masks.apply(x.shape()) : drawMask(x.shape())).castTo(x.dataType());
            scale = mode == Mode.INVERTED ? mask.div(1 - ratio) : mask;
            testScale = Double.NaN;
            return x.mul(scale);
        }
        scale = null;
        testScale = mode == Mode.BOOK ? 1 - ratio : 1;
        return testScale == 1 ? x.dup() : x.mul(testScale);
    }

    /** The book's {@code rand(*shape) > ratio}: 1 where a uniform draw from the network's generator exceeds the ratio. */
    private INDArray drawMask(long[] shape) {
        double[] keep = new double[Math.toIntExact(Shapes.length(shape))];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = rng.nextDouble() > ratio ? 1 : 0;
        }
        return Nd4j.create(keep, shape, 'c');
    }

    @Override
    public INDArray backward(INDArray dout) {
        if (scale != null) {
            return dout.mul(scale);
        }
        return dout.mul(Layer.requireForward(Double.isNaN(testScale) ? null : testScale, this));
    }

    @Override
    public long[] outputShape(long[] in) {
        return in;
    }

    public double ratio() {
        return ratio;
    }

    public Mode mode() {
        return mode;
    }

    @Override
    public String describe() {
        return "Dropout(" + ratio + ", " + mode.name().toLowerCase(Locale.ROOT) + ")";
    }
}
