package io.github.scratchnet.trainer;

import io.github.scratchnet.core.Rng;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Model;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.layers.SoftmaxWithLoss;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The book's gradient check (ch05/gradient_check.py) for a whole network: the gradient of the
 * loss by backpropagation against central differences {@code (L(p + eps) - L(p - eps)) / 2eps},
 * key by key, on up to {@code samples} entries of each parameter. The network must compute in
 * float64. Its dropout layers keep one mask for the whole check, and the loss is taken without the
 * book's 1e-7 inside the log (backward is the exact gradient of the loss without it), so both
 * sides differentiate the same function.
 */
public final class GradientCheck {
    public static final double EPS = 1e-5;

    /** One key's figures: entries compared, their mean absolute difference, and ||a - b|| / (||a|| + ||b||). */
    public record Result(String key, long[] shape, int checked, double meanAbsDiff, double relativeError) {
    }

    private GradientCheck() {
    }

    /** Checks {@code model}'s gradient on images x (N, ...) and labels t (N,); one result per parameter key. */
    public static List<Result> run(Model model, INDArray x, INDArray t, int samples, long seed) {
        Sequential net = model.network();
        if (net.dtype().nd4j() != DataType.DOUBLE) {
            throw new IllegalArgumentException("a gradient check computes in float64, the network is " + net.dtype());
        }
        fixDropoutMasks(net.layers(), new Rng(seed));
        net.lossLayer(new SoftmaxWithLoss(0, net.lossLayer().smoothing()));
        model.loss(x, t, true);
        Map<String, INDArray> analytic = new HashMap<>();
        model.gradient().forEach((k, g) -> analytic.put(k, g.dup()));
        Rng pick = new Rng(seed);
        List<Result> results = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : net.params().asMap().entrySet()) {
            INDArray p = e.getValue().reshape(e.getValue().length());          // a view: the arrays are dense
            INDArray g = analytic.get(e.getKey()).reshape(p.length());
            int n = (int) Math.min(samples, p.length());
            double diff = 0;
            double sq = 0;
            double normA = 0;
            double normB = 0;
            for (int s = 0; s < n; s++) {
                long i = n == p.length() ? s : pick.nextInt((int) p.length());
                double v = p.getDouble(i);
                p.putScalar(i, v + EPS);
                double plus = model.loss(x, t, true);
                p.putScalar(i, v - EPS);
                double minus = model.loss(x, t, true);
                p.putScalar(i, v);
                double numeric = (plus - minus) / (2 * EPS);
                double back = g.getDouble(i);
                diff += Math.abs(numeric - back);
                sq += (numeric - back) * (numeric - back);
                normA += numeric * numeric;
                normB += back * back;
            }
            double scale = Math.sqrt(normA) + Math.sqrt(normB);
            // below 1e-7 both sides are rounding noise (the differences' own is ~1e-10): the gradient of a
            // bias that a batch norm follows is 0, and a relative error of two zeros means nothing
            results.add(new Result(e.getKey(), e.getValue().shape(), n, diff / n, scale < 1e-7 ? 0 : Math.sqrt(sq) / scale));
        }
        return results;
    }

    /** Each dropout layer (inside blocks too) draws its mask once and keeps it. */
    private static void fixDropoutMasks(List<Layer> layers, Rng rng) {
        for (Layer l : layers) {
            fixDropoutMasks(l.parts(), rng);
            if (l instanceof Dropout d) {
                INDArray[] mask = new INDArray[1];
                d.setMaskSource(shape -> {
                    if (mask[0] == null) {
                        double[] keep = new double[(int) io.github.scratchnet.core.Shapes.length(shape)];
                        for (int i = 0; i < keep.length; i++) {
                            keep[i] = rng.nextDouble() > d.ratio() ? 1 : 0;
                        }
                        mask[0] = Nd4j.create(keep, shape, 'c');
                    }
                    return mask[0];
                });
            }
        }
    }
}
