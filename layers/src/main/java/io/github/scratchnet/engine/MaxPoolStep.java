package io.github.scratchnet.engine;

import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.ConvGeometry;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.cpu.MaxPool;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Pooling;
import io.github.scratchnet.layers.Sequential;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A max Pooling on the CPU runtime's kernel ({@link MaxPool}): straight on the (N, C, H, W) arrays, no im2row matrix. */
final class MaxPoolStep extends Step {
    private final Pooling pooling;

    // set by forward, read by backward
    private ConvGeometry geometry;
    private long[] xShape;
    private int[] argMax;
    // arrays refilled at every step
    private INDArray out;
    private INDArray dx;

    MaxPoolStep(Sequential net, Pooling pooling, int first) {
        super(net, List.of(pooling), first);
        this.pooling = pooling;
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        ConvGeometry g = geometry = pooling.geometry(x.shape());
        xShape = x.shape();
        out = Buffers.reuse(out, x.dataType(), x.size(0), g.c, g.oh, g.ow);
        if (argMax == null || argMax.length != out.length()) {
            argMax = new int[Math.toIntExact(out.length())];
        }
        MaxPool.forward(Shapes.dense(x), g, out, argMax);
        return out;
    }

    @Override
    public INDArray backward(INDArray dout, boolean inputGradient) {
        Layer.requireForward(xShape, pooling);
        dx = Buffers.reuse(dx, dout.dataType(), xShape);
        MaxPool.backward(Shapes.dense(dout), argMax, geometry, dx);
        return dx;
    }

    @Override
    public Map<String, INDArray> grads() {
        return Map.of();
    }
}
