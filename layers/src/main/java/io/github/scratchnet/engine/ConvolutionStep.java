package io.github.scratchnet.engine;

import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.ConvGeometry;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.cpu.MaxPool;
import io.github.scratchnet.core.cpu.SampleConv;
import io.github.scratchnet.core.cpu.Winograd;
import io.github.scratchnet.layers.Convolution;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Pooling;
import io.github.scratchnet.layers.Sequential;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Convolution on the CPU runtime's per-sample kernel ({@link SampleConv}). Where {@code relu},
 * the ReLU after it is applied in the same pass, and its mask in backward; where {@code pool}
 * too, the 2x2 max pooling after the ReLU (float32): forward then returns the pooling's output
 * and backward takes the pooling's gradient; in test mode the pass keeps neither the ReLU's output
 * nor the pooling's argmax, which only backward reads. dW and db are the step's own arrays, under the
 * convolution's keys.
 * <p>
 * A 3x3, stride-1 convolution over {@link #WINOGRAD_MIN_CHANNELS} or more channels computes its
 * forward pass by Winograd's F(2x2, 3x3) ({@link Winograd}: 16 multiplications per 2x2 tile
 * instead of 36), the ReLU in the same pass and a fused pooling after it by {@link MaxPool};
 * backward stays the per-sample kernel's. Off until its speed is measured: {@code -Dscratchnet.winograd=true} turns it on.
 */
final class ConvolutionStep extends Step {
    private final Convolution conv;
    private final boolean relu;
    /** The fused pooling, or null. */
    private final Pooling pooling;
    private SampleConv kernel;
    private Winograd winograd;

    /** Below this many input channels the transforms cost more than the multiplications they save. */
    static final int WINOGRAD_MIN_CHANNELS = 8;
    static final boolean WINOGRAD = "true".equals(System.getProperty("scratchnet.winograd"));

    /** Whether this step computes a convolution of geometry g by Winograd (see the class comment). */
    static boolean usesWinograd(ConvGeometry g) {
        return WINOGRAD && g.c >= WINOGRAD_MIN_CHANNELS && Winograd.applies(g);
    }

    // set by forward, read by backward
    private INDArray x;
    private INDArray w2d;
    private INDArray out;
    private SampleConv.Pool2x2 pooled;
    // arrays refilled at every step
    private INDArray poolOut;
    private int[] argMax;
    private INDArray dW;
    private INDArray db;
    private INDArray dx;

    /** {@code layers}: the Convolution, then where given the Relu after it, then the max Pooling after that. */
    ConvolutionStep(Sequential net, List<Layer> layers, int first) {
        super(net, layers, first);
        this.conv = (Convolution) layers.get(0);
        this.relu = layers.size() > 1;
        this.pooling = layers.size() > 2 ? (Pooling) layers.get(2) : null;
    }

    /** Whether the kernel can compute this pooling in its pass: max, 2x2, stride 2, no padding. */
    static boolean canPool(Pooling p) {
        return p.kind() == Pooling.Kind.MAX && java.util.Arrays.equals(p.window(), new int[] {2, 2, 2, 0});
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        ConvGeometry g = conv.geometry(x.shape());
        INDArray w = conv.params().get("W");
        DataType type = w.dataType();
        int fn = (int) w.size(0);
        if (kernel == null || !kernel.geometry().equals(g)) {
            kernel = new SampleConv(g, fn, type);
        }
        this.x = Shapes.dense(x);
        w2d = Shapes.dense(w).reshape('c', fn, g.rowLength());
        out = Buffers.reuse(out, type, x.size(0), fn, g.oh, g.ow);
        pooled = null;
        if (pooling != null) {
            ConvGeometry pg = pooling.geometry(out.shape());
            poolOut = Buffers.reuse(poolOut, type, x.size(0), fn, pg.oh, pg.ow);
            if (argMax == null || argMax.length != poolOut.length()) {
                argMax = new int[Math.toIntExact(poolOut.length())];
            }
            pooled = new SampleConv.Pool2x2(pg, poolOut, train ? argMax : null);   // in test mode no backward follows
        }
        if (usesWinograd(g)) {
            if (winograd == null || !winograd.geometry().equals(g)) {
                winograd = new Winograd(g, fn, type);
            }
            winograd.forward(this.x, w2d, conv.params().get("b"), out, relu);
            if (pooled != null) {
                MaxPool.forward(out, pooled.g(), poolOut, argMax);
            }
        } else {
            kernel.forward(this.x, w2d, conv.params().get("b"), out, relu, pooled);
        }
        return pooled != null ? poolOut : out;
    }

    @Override
    public INDArray backward(INDArray dout, boolean inputGradient) {
        Layer.requireForward(x, conv);
        if (pooled != null && pooled.argMax() == null) {
            throw new IllegalStateException(describe() + ": backward needs a forward in training mode (test mode keeps no argmax)");
        }
        DataType type = w2d.dataType();
        dW = Buffers.reuse(dW, type, conv.params().get("W").shape());
        db = Buffers.reuse(db, type, w2d.size(0));
        dx = inputGradient ? Buffers.reuse(dx, type, x.shape()) : null;
        kernel.backward(x, w2d, Shapes.dense(dout), dW.reshape('c', w2d.shape()), db, dx, relu ? out : null, pooled);
        return dx;
    }

    @Override
    public Map<String, INDArray> grads() {
        return network().keyed(conv, Layer.named("W", Layer.requireForward(dW, conv), "b", db));
    }
}
