package io.github.scratchnet.optimizers;

import io.github.scratchnet.core.Params;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Updates parameters in place from their gradients (book section 6.1, common/optimizer.py). The
 * state (velocities, squared-gradient sums, the step count) is created lazily per parameter key,
 * as in the book, and can be saved and restored so that a resumed run continues exactly.
 *
 * <p>Weight decay, when set, acts on the weights {@code W1, W2, ...} (not biases or batch-norm
 * parameters). By default it is the book's L2 penalty {@code 0.5 * lambda * sum(W^2)}, as
 * MultiLayerNetExtend adds it: {@code lambda * W} joins each weight's gradient before the update.
 * Decoupled ({@link #decoupledWeightDecay()}, Loshchilov and Hutter's AdamW), each weight instead
 * shrinks by {@code lr * lambda * W} before the update, apart from the gradient and its statistics.
 */
public abstract class Optimizer {
    protected double lr;
    private double weightDecay;
    private boolean decoupled;
    /** Per-key state arrays, by "name/key" such as "m/W1". */
    protected final Map<String, INDArray> state = new LinkedHashMap<>();
    /** Steps taken. */
    protected long steps;

    protected Optimizer(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        }
        this.lr = lr;
    }

    /** One step: every trainable parameter moves against its gradient, in place. */
    public final void update(Params params, Map<String, INDArray> grads) {
        steps++;
        for (String key : params.keys()) {
            INDArray g = grads.get(key);
            if (g == null) {
                throw new IllegalArgumentException("no gradient for parameter '" + key + "'");
            }
            INDArray p = params.get(key);
            if (weightDecay > 0 && isWeight(key)) {
                if (decoupled) {
                    p.muli(1 - lr * weightDecay);
                } else {
                    g = g.add(p.mul(weightDecay));
                }
            }
            step(key, p, g);
        }
    }

    /** Updates one parameter in place. */
    protected abstract void step(String key, INDArray p, INDArray g);

    /** The state array {@code name} of parameter {@code key}, created as zeros like {@code p} on first use. */
    protected INDArray slot(String name, String key, INDArray p) {
        return state.computeIfAbsent(name + "/" + key, k -> p.like().assign(0));
    }

    /** The L2 penalty this optimizer's weight decay adds to the loss: 0.5 * lambda * sum of W^2 (0 where decoupled). */
    public double penalty(Params params) {
        if (weightDecay == 0 || decoupled) {
            return 0;
        }
        double sum = 0;
        for (String key : params.keys()) {
            if (isWeight(key)) {
                INDArray w = params.get(key);
                sum += w.mul(w).sumNumber().doubleValue();
            }
        }
        return 0.5 * weightDecay * sum;
    }

    static boolean isWeight(String key) {
        return key.length() > 1 && key.charAt(0) == 'W' && Character.isDigit(key.charAt(1));
    }

    public double learningRate() {
        return lr;
    }

    /** Sets the rate for the next steps (schedules do this). */
    public void setLearningRate(double lr) {
        this.lr = lr;
    }

    public Optimizer withWeightDecay(double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + lambda);
        }
        this.weightDecay = lambda;
        return this;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** Makes the weight decay decoupled from the gradient (see the class comment); returns this optimizer. */
    public Optimizer decoupledWeightDecay() {
        this.decoupled = true;
        return this;
    }

    public long steps() {
        return steps;
    }

    /** Copies of the state arrays by "name/key", for checkpoints. */
    public Map<String, INDArray> saveState() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    /** Restores what {@link #saveState()} gave, and the step count. */
    public void loadState(Map<String, INDArray> saved, long steps) {
        state.clear();
        saved.forEach((k, v) -> state.put(k, v.dup()));
        this.steps = steps;
    }

    /** A short description such as {@code adam(lr=0.001)}. */
    @Override
    public String toString() {
        return getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + (decoupled ? "w" : "") + "(lr=" + lr
                + (weightDecay > 0 ? ", weight_decay=" + weightDecay : "") + ")";
    }
}
