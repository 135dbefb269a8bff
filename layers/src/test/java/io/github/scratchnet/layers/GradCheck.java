package io.github.scratchnet.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.TestData;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Numerical gradient checks in float64 by central differences. The scalar checked is
 * {@code L = sum(forward(x) * R)} for a fixed random R, so backward(R) must give dL/dx and the
 * layer's parameter gradients.
 */
final class GradCheck {
    static final double EPS = 1e-5;
    static final double BOUND = 1e-6;

    private GradCheck() {
    }

    /** Checks dL/dx and dL/dparam for every parameter of {@code layer}; returns the worst relative error. */
    static double check(Layer layer, INDArray x, boolean train) {
        if (x.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("gradient checks run in float64");
        }
        INDArray out = layer.forward(x, train);
        INDArray r = TestData.randn(99, out.shape());
        INDArray dx = layer.backward(r.dup());
        Map<String, INDArray> analytic = new LinkedHashMap<>();
        analytic.put("x", dx);
        layer.grads().forEach((k, g) -> analytic.put(k, g.dup()));
        Map<String, INDArray> targets = new LinkedHashMap<>();
        targets.put("x", x);
        targets.putAll(layer.params());
        double worst = 0;
        for (Map.Entry<String, INDArray> e : targets.entrySet()) {
            INDArray numeric = numerical(layer, x, r, train, e.getValue());
            double err = relativeError(numeric, analytic.get(e.getKey()));
            String what = layer.describe() + " d" + e.getKey();
            assertTrue(err < BOUND, () -> what + ": relative error " + err + " >= " + BOUND);
            worst = Math.max(worst, err);
        }
        return worst;
    }

    /** dL/dtarget by central differences, perturbing {@code target} (x or a parameter) in place. */
    static INDArray numerical(Layer layer, INDArray x, INDArray r, boolean train, INDArray target) {
        INDArray flat = target.reshape(target.length()); // a view: target is C-ordered
        INDArray grad = INDArray.class.cast(flat.dup()).assign(0);
        for (long i = 0; i < flat.length(); i++) {
            double v = flat.getDouble(i);
            flat.putScalar(i, v + EPS);
            double plus = layer.forward(x, train).mul(r).sumNumber().doubleValue();
            flat.putScalar(i, v - EPS);
            double minus = layer.forward(x, train).mul(r).sumNumber().doubleValue();
            flat.putScalar(i, v);
            grad.putScalar(i, (plus - minus) / (2 * EPS));
        }
        return grad.reshape(target.shape());
    }

    /**
     * Checks every parameter gradient of a whole network, loss included, against central
     * differences of its loss; returns the worst relative error. The loss is taken without the
     * book's 1e-7 inside the log, whose exact gradient backward is not (see SoftmaxWithLoss).
     */
    static double network(Sequential net, INDArray x, INDArray t) {
        net.lossLayer(new SoftmaxWithLoss(0));
        net.loss(x, t, true);
        Map<String, INDArray> grads = net.gradient();
        double worst = 0;
        for (Map.Entry<String, INDArray> e : net.params().asMap().entrySet()) {
            INDArray p = e.getValue().reshape(e.getValue().length());
            INDArray numeric = p.dup().assign(0);
            for (long i = 0; i < p.length(); i++) {
                double v = p.getDouble(i);
                p.putScalar(i, v + EPS);
                double plus = net.loss(x, t, true);
                p.putScalar(i, v - EPS);
                double minus = net.loss(x, t, true);
                p.putScalar(i, v);
                numeric.putScalar(i, (plus - minus) / (2 * EPS));
            }
            double err = relativeError(numeric, grads.get(e.getKey()));
            assertTrue(err < BOUND, e.getKey() + ": relative error " + err + " >= " + BOUND);
            worst = Math.max(worst, err);
        }
        return worst;
    }

    /**
     * ||a - b|| / (||a|| + ||b||); 0 when both are 0, or below 1e-10 (the gradient of a bias that a
     * batch norm follows is 0, and both sides are rounding noise).
     */
    static double relativeError(INDArray a, INDArray b) {
        double diff = a.sub(b.reshape(a.shape())).norm2Number().doubleValue();
        double scale = a.norm2Number().doubleValue() + b.norm2Number().doubleValue();
        return scale < 1e-10 ? 0 : diff / scale;
    }
}
