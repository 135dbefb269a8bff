package io.github.scratchnet.core;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Creates the initial parameter arrays of layers: one data type and one seeded generator for a
 * whole network, so the same seed gives the same network (and the same dropout masks) on any
 * backend.
 */
public final class Init {
    private final DType dtype;
    private final Rng rng;

    public Init(DType dtype, long seed) {
        this.dtype = dtype;
        this.rng = new Rng(seed);
    }

    public DType dtype() {
        return dtype;
    }

    /** The generator behind the weights; a network's dropout masks continue to draw from it. */
    public Rng rng() {
        return rng;
    }

    /** Normal weights with the standard deviation {@code kind} gives for {@code fanIn}. */
    public INDArray weights(WeightInit kind, long fanIn, long... shape) {
        double std = kind.std(fanIn);
        double[] values = new double[Math.toIntExact(Shapes.length(shape))];
        for (int i = 0; i < values.length; i++) {
            values[i] = std * rng.nextGaussian();
        }
        return Nd4j.create(values, shape, 'c').castTo(dtype.nd4j());
    }

    public INDArray zeros(long... shape) {
        return Nd4j.zeros(dtype.nd4j(), shape);
    }

    public INDArray ones(long... shape) {
        return Nd4j.ones(dtype.nd4j(), shape);
    }
}
