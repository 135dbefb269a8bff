package io.github.scratchnet.layers;

import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.Shapes;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalization, book section 6.3, with the book's semantics: the input (N, D) or
 * (N, C, H, W) is flattened to (N, D) and each of the D features is normalised on its own
 * (for 4-D input D = C*H*W, not per channel). Training uses the batch mean and biased variance
 * and updates the running statistics with {@code momentum}; test uses the running statistics.
 * gamma, beta, running_mean, running_var are (D,).
 */
public final class BatchNormalization implements Layer {
    /** The book writes 10e-7. */
    public static final double EPS = 1e-6;

    private final INDArray gamma;
    private final INDArray beta;
    private final INDArray runningMean;
    private final INDArray runningVar;
    private final double momentum;

    // set by forward, read by backward
    private long[] xShape;
    private INDArray xc;
    private INDArray xn;
    private INDArray std;

    // written by backward
    private INDArray dgamma;
    private INDArray dbeta;

    /** gamma ones, beta zeros, running statistics zeros, as the book starts. */
    public BatchNormalization(Init init, long features, double momentum) {
        this(init.ones(features), init.zeros(features), init.zeros(features), init.zeros(features), momentum);
    }

    public BatchNormalization(INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar, double momentum) {
        long d = gamma.length();
        for (INDArray a : new INDArray[] {gamma, beta, runningMean, runningVar}) {
            if (a.rank() != 1 || a.length() != d) {
                throw new IllegalArgumentException("BatchNormalization expects gamma, beta, running_mean, running_var all ("
                        + d + ",), found " + Shapes.str(a.shape()));
            }
        }
        this.gamma = gamma;
        this.beta = beta;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
        this.momentum = momentum;
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        long d = gamma.length();
        xShape = outputShape(x.shape());
        INDArray x2 = x.reshape('c', x.size(0), d);
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
            INDArray xcTest = x2.subRowVector(runningMean);
            out = xcTest.diviRowVector(Transforms.sqrt(runningVar.add(EPS), false)).muliRowVector(gamma);
        }
        return out.addiRowVector(beta).reshape('c', xShape);
    }

    @Override
    public INDArray backward(INDArray dout) {
        if (xc == null) {
            throw new IllegalStateException("BatchNormalization.backward needs a training-mode forward first");
        }
        long n = xc.size(0);
        INDArray d2 = dout.reshape('c', n, gamma.length());
        dbeta = d2.sum(0);
        dgamma = xn.mul(d2).sum(0);
        INDArray dxn = d2.mulRowVector(gamma);
        INDArray dxc = dxn.divRowVector(std);
        INDArray dstd = dxn.mul(xc).divRowVector(std.mul(std)).sum(0).negi();
        INDArray dvar = dstd.muli(0.5).divi(std);
        dxc.addi(xc.mulRowVector(dvar).muli(2.0 / n));
        INDArray dmu = dxc.sum(0);
        return dxc.subiRowVector(dmu.divi(n)).reshape('c', xShape);
    }

    @Override
    public long[] outputShape(long[] in) {
        Shapes.requireFeatures("BatchNormalization", in, gamma.length());
        return in;
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
        return "BatchNormalization(" + gamma.length() + ")";
    }
}
