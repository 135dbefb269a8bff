package io.github.scratchnet.trainer;

import io.github.scratchnet.core.Rng;

/**
 * DeZero's SinCurve dataset (dezero/datasets.py): 1,000 points {@code x_k = 2πk/999} of
 * {@code sin(x) + noise}, the noise uniform in ±0.05 and drawn from the seed; each value's target
 * is the next one, so 999 (input, target) pairs. The test curve is the clean cosine DeZero's
 * steps 59 and 60 predict and plot: 1,000 points over 0..4π.
 *
 * @param inputs  the series, one value per step
 * @param targets the value after each input
 */
public record SinCurve(double[] inputs, double[] targets) {
    public static final int POINTS = 1000;
    public static final double NOISE = 0.05;

    public SinCurve {
        if (inputs.length != targets.length || inputs.length == 0) {
            throw new IllegalArgumentException("a series needs as many targets as inputs, and at least one; found "
                    + inputs.length + " inputs and " + targets.length + " targets");
        }
    }

    /** The noisy sine, its noise drawn from {@code seed}. */
    public static SinCurve train(long seed) {
        Rng rng = new Rng(seed);
        double[] y = new double[POINTS];
        for (int k = 0; k < POINTS; k++) {
            y[k] = Math.sin(2 * Math.PI * k / (POINTS - 1)) + (2 * rng.nextDouble() - 1) * NOISE;
        }
        return pairs(y);
    }

    /** {@code cos(4πk/999)} for k = 0..999, each value's target the next. */
    public static SinCurve testCurve() {
        double[] y = new double[POINTS];
        for (int k = 0; k < POINTS; k++) {
            y[k] = Math.cos(4 * Math.PI * k / (POINTS - 1));
        }
        return pairs(y);
    }

    private static SinCurve pairs(double[] y) {
        double[] in = new double[y.length - 1];
        double[] out = new double[y.length - 1];
        System.arraycopy(y, 0, in, 0, in.length);
        System.arraycopy(y, 1, out, 0, out.length);
        return new SinCurve(in, out);
    }

    public int length() {
        return inputs.length;
    }
}
