package io.github.scratchnet.core;

/**
 * How the standard deviation of a layer's initial weights follows from its fan-in (the number of
 * inputs each output sees: {@code in} for an Affine, {@code C*FH*FW} for a Convolution).
 * Book sections 6.2.2-6.2.3: He for ReLU, Xavier for sigmoid, or a fixed value such as 0.01.
 */
public final class WeightInit {
    /** He: sqrt(2 / fanIn). */
    public static final WeightInit HE = new WeightInit("he", 0);
    /** Xavier: sqrt(1 / fanIn). */
    public static final WeightInit XAVIER = new WeightInit("xavier", 0);

    private final String name;
    private final double fixedStd;

    private WeightInit(String name, double fixedStd) {
        this.name = name;
        this.fixedStd = fixedStd;
    }

    /** A fixed standard deviation, whatever the fan-in. */
    public static WeightInit std(double std) {
        if (!(std > 0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("weight init std must be a positive number, got " + std);
        }
        return new WeightInit("std " + std, std);
    }

    /** The standard deviation for a layer whose outputs each see {@code fanIn} inputs. */
    public double std(long fanIn) {
        if (this == HE) {
            return Math.sqrt(2.0 / fanIn);
        }
        if (this == XAVIER) {
            return Math.sqrt(1.0 / fanIn);
        }
        return fixedStd;
    }

    @Override
    public String toString() {
        return name;
    }
}
