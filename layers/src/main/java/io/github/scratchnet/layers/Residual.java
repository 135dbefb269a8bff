package io.github.scratchnet.layers;

import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A residual block (He et al. 2016; the skip connections the book's chapter 8 describes):
 * {@code out = F(x) + S(x)}, where F, the branch, is a chain of layers and S, the shortcut, is
 * the identity or, where F changes the shape, a projection (typically a 1x1 Convolution with F's
 * stride). backward: the gradient goes down both paths, and dx is their sum. The branch and the
 * shortcut are this layer's {@link #parts()}: a network names their parameters as its own.
 * x and out are any shapes F and S agree on, such as (N, C, H, W) and (N, C', H', W').
 */
public final class Residual implements Layer {
    private final List<Layer> branch;
    /** The projection, or null for the identity. */
    private final Layer shortcut;

    // arrays refilled at every step
    private INDArray out;
    private INDArray dx;

    /** x + F(x): the identity shortcut. */
    public Residual(List<Layer> branch) {
        this(branch, null);
    }

    /** F(x) + S(x); {@code shortcut} null for the identity. */
    public Residual(List<Layer> branch, Layer shortcut) {
        if (branch.isEmpty()) {
            throw new IllegalArgumentException("a residual block needs at least one layer in its branch");
        }
        this.branch = List.copyOf(branch);
        this.shortcut = shortcut;
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        INDArray y = x;
        for (Layer l : branch) {
            y = l.forward(y, train);
        }
        INDArray s = shortcut == null ? x : shortcut.forward(x, train);
        out = Buffers.reuse(out, y.dataType(), y.shape()).assign(y);
        return out.addi(s);
    }

    @Override
    public INDArray backward(INDArray dout) {
        Layer.requireForward(out, this);
        INDArray d = dout;
        for (int i = branch.size() - 1; i >= 0; i--) {
            d = branch.get(i).backward(d);
        }
        INDArray ds = shortcut == null ? dout : shortcut.backward(dout);
        dx = Buffers.reuse(dx, d.dataType(), d.shape()).assign(d);
        return dx.addi(ds);
    }

    @Override
    public long[] outputShape(long[] in) {
        long[] y = in;
        for (Layer l : branch) {
            y = l.outputShape(y);
        }
        long[] s = shortcut == null ? in : shortcut.outputShape(in);
        if (!Arrays.equals(y, s)) {
            throw new IllegalArgumentException("Residual: the branch gives " + Shapes.str(y) + " and the shortcut "
                    + Shapes.str(s) + " for input " + Shapes.str(in) + ": give it a projection that matches the branch");
        }
        return y;
    }

    public List<Layer> branch() {
        return branch;
    }

    /** The projection, or null for the identity. */
    public Layer shortcut() {
        return shortcut;
    }

    @Override
    public List<Layer> parts() {
        List<Layer> parts = new ArrayList<>(branch);
        if (shortcut != null) {
            parts.add(shortcut);
        }
        return Collections.unmodifiableList(parts);
    }

    @Override
    public String describe() {
        return "Residual(" + branch.size() + " layers + " + (shortcut == null ? "x" : "projection") + ")";
    }
}
