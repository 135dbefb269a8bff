package io.github.scratchnet.engine;

import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.cpu.ChannelNorm;
import io.github.scratchnet.layers.BatchNormalization;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Sequential;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A per-channel BatchNormalization on the CPU runtime's kernel ({@link ChannelNorm}), straight on
 * the (N, C, H, W) arrays; the running statistics move as the layer moves them.
 */
final class BatchNormStep extends Step {
    private final BatchNormalization bn;

    // set by forward, read by backward
    private INDArray xn;
    private double[] std;
    private boolean trained;
    // arrays refilled at every step
    private INDArray out;
    private INDArray dx;
    private INDArray dgamma;
    private INDArray dbeta;

    BatchNormStep(Sequential net, BatchNormalization bn, int first) {
        super(net, List.of(bn), first);
        this.bn = bn;
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        bn.outputShape(x.shape());
        INDArray in = Shapes.dense(x);
        DataType type = x.dataType();
        int c = (int) x.size(1);
        double[] gamma = bn.params().get("gamma").toDoubleVector();
        double[] beta = bn.params().get("beta").toDoubleVector();
        out = Buffers.reuse(out, type, x.shape());
        trained = train;
        if (!train) {
            double[] mean = bn.state().get("running_mean").toDoubleVector();
            double[] sd = bn.state().get("running_var").toDoubleVector();
            for (int i = 0; i < c; i++) {
                sd[i] = Math.sqrt(sd[i] + BatchNormalization.EPS);
            }
            ChannelNorm.infer(in, gamma, beta, mean, sd, out);
            return out;
        }
        xn = Buffers.reuse(xn, type, x.shape());
        double[] mean = new double[c];
        double[] var = new double[c];
        std = new double[c];
        ChannelNorm.forward(in, gamma, beta, BatchNormalization.EPS, out, xn, mean, var, std);
        double m = bn.momentum();
        bn.state().get("running_mean").muli(m).addi(Nd4j.createFromArray(mean).castTo(type).muli(1 - m));
        bn.state().get("running_var").muli(m).addi(Nd4j.createFromArray(var).castTo(type).muli(1 - m));
        return out;
    }

    @Override
    public INDArray backward(INDArray dout, boolean inputGradient) {
        if (!trained || xn == null) {
            throw new IllegalStateException("BatchNormalization.backward needs a training-mode forward first");
        }
        int c = (int) dout.size(1);
        double[] dg = new double[c];
        double[] db = new double[c];
        dx = Buffers.reuse(dx, dout.dataType(), dout.shape());
        ChannelNorm.backward(Shapes.dense(dout), xn, bn.params().get("gamma").toDoubleVector(), std, dx, dg, db);
        dgamma = Nd4j.createFromArray(dg).castTo(dout.dataType());
        dbeta = Nd4j.createFromArray(db).castTo(dout.dataType());
        return dx;
    }

    @Override
    public Map<String, INDArray> grads() {
        return network().keyed(bn, Layer.named("gamma", Layer.requireForward(dgamma, bn), "beta", dbeta));
    }
}
