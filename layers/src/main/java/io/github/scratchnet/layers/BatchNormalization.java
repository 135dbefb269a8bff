package io.github.scratchnet.layers;

import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.Shapes;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalization, book section 6.3: the input is seen as rows of D features and each feature
 * is normalised over the rows. Training uses the batch mean and biased variance and updates the
 * running statistics with {@code momentum}; test uses the running statistics. gamma, beta,
 * running_mean, running_var are (D,). Two {@link Mode}s say what a feature is.
 */
public final class BatchNormalization implements Layer {
    public static final double EPS = 1e-6;                  // the book writes 10e-7

    /** What is normalised on its own. */
    public enum Mode {
        /** The book's: x (N, ...) flattened to (N, D), each of the D = C*H*W features on its own; N rows. */
        PER_FEATURE,
        /** DeZero's and every framework's for x (N, C, H, W): one feature per channel, D = C, over N*H*W rows. */
        PER_CHANNEL
    }

    private final INDArray gamma;
    private final INDArray beta;
    private final INDArray runningMean;
    private final INDArray runningVar;
    private final double momentum;
    private final Mode mode;

    // set by forward, read by backward
    private long[] xShape;
    private INDArray xc;
    private INDArray xn;
    private INDArray std;

    // written by backward
    private INDArray dgamma;
    private INDArray dbeta;
    /** gamma ones, beta zeros, running statistics zeros, as the book starts; D = {@code features} (C per channel). */
    public BatchNormalization(Init init, long features, double momentum, Mode mode) {
        this(init.ones(features), init.zeros(features), init.zeros(features), init.zeros(features), momentum, mode);
    }

    public BatchNormalization(INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar, double momentum,
                              Mode mode) {
        Shapes.requireVectors("BatchNormalization's gamma, beta, running_mean and running_var", gamma.length(), gamma, beta,
                runningMean, runningVar);
        this.gamma = gamma;
        this.beta = beta;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
        this.momentum = momentum;
        this.mode = mode;
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        xShape = outputShape(x.shape());
        INDArray x2 = rows(x);
        INDArray out;
        if (train) {
            INDArray mu = x2.mean(0);
            xc = x2.subRowVector(mu);
            INDArray var = xc.mul(xc).mean(0);
            std = Transforms.sqrt(var.add(EPS), false);
            xn = xc.divRowVector(std);
            runningMean.muli(momentum).addi(mu.mul(1 - momentum));
            runningVar.muli(momentum).addi(var.muli(1 - momentum));
            out = xn.mulRowVector(gamma);
        } else {
            xc = null;
            out = x2.subRowVector(runningMean).diviRowVector(Transforms.sqrt(runningVar.add(EPS), false)).muliRowVector(gamma);
        }
        return unrows(out.addiRowVector(beta));
    }

    @Override
    public INDArray backward(INDArray dout) {
        if (xc == null) {
            throw new IllegalStateException("BatchNormalization.backward needs a training-mode forward first");
        }
        long n = xc.size(0);
        INDArray d2 = rows(dout);
        dbeta = d2.sum(0);
        dgamma = xn.mul(d2).sum(0);
        INDArray dxn = d2.mulRowVector(gamma);
        INDArray dxc = dxn.divRowVector(std);
        INDArray dstd = dxn.mul(xc).divRowVector(std.mul(std)).sum(0).negi();
        INDArray dvar = dstd.muli(0.5).divi(std);
        dxc.addi(xc.mulRowVector(dvar).muli(2.0 / n));
        INDArray dmu = dxc.sum(0);
        return unrows(dxc.subiRowVector(dmu.divi(n)));
    }

    /** x as rows of D features: (N, D) per feature; (N*H*W, C), channels last, per channel. */
    private INDArray rows(INDArray x) {
        return mode == Mode.PER_FEATURE ? x.reshape('c', x.size(0), gamma.length())
                : x.permute(0, 2, 3, 1).dup('c').reshape('c', x.length() / gamma.length(), gamma.length());
    }

    private INDArray unrows(INDArray r) {
        return mode == Mode.PER_FEATURE ? r.reshape('c', xShape)
                : r.reshape('c', xShape[0], xShape[2], xShape[3], xShape[1]).permute(0, 3, 1, 2).dup('c');
    }

    @Override
    public long[] outputShape(long[] in) {
        if (mode == Mode.PER_FEATURE) {
            Shapes.requireFeatures("BatchNormalization", in, gamma.length());
        } else if (in.length != 4 || in[1] != gamma.length()) {
            throw new IllegalArgumentException("BatchNormalization per channel expects (N, " + gamma.length()
                    + ", H, W) input, found shape " + Shapes.str(in));
        }
        return in;
    }

    public Mode mode() {
        return mode;
    }

    public double momentum() {
        return momentum;
    }

    @Override
    public Map<String, INDArray> params() {
        return Layer.named("gamma", gamma, "beta", beta);
    }

    @Override
    public Map<String, INDArray> grads() {
        return Layer.named("gamma", Layer.requireForward(dgamma, this), "beta", dbeta);
    }

    @Override
    public Map<String, INDArray> state() {
        return Layer.named("running_mean", runningMean, "running_var", runningVar);
    }

    @Override
    public String describe() {
        return "BatchNormalization(" + gamma.length() + ", " + mode.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
    }
}
