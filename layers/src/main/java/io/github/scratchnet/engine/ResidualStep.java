package io.github.scratchnet.engine;

import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Residual;
import io.github.scratchnet.layers.Sequential;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A residual block whose branch and shortcut are themselves planned: fast steps where the engine has kernels for them. */
final class ResidualStep extends Step {
    private final Residual block;
    private final List<Step> branch;
    /** The shortcut's steps; empty for the identity. */
    private final List<Step> shortcut;

    // arrays refilled at every step
    private INDArray out;
    private INDArray dx;

    ResidualStep(Sequential net, Residual block, int first, boolean fuse) {
        super(net, List.of(block), first);
        this.block = block;
        this.branch = Plan.fastSteps(net, block.branch(), first, fuse);
        this.shortcut = block.shortcut() == null ? List.of() : Plan.fastSteps(net, List.of(block.shortcut()), first, fuse);
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        INDArray y = forward(branch, x, train);
        INDArray s = forward(shortcut, x, train);
        out = Buffers.reuse(out, y.dataType(), y.shape()).assign(y);
        return out.addi(s);
    }

    private static INDArray forward(List<Step> steps, INDArray x, boolean train) {
        for (Step s : steps) {
            x = s.forward(x, train);
        }
        return x;
    }

    @Override
    public INDArray backward(INDArray dout, boolean inputGradient) {
        Layer.requireForward(out, block);
        INDArray d = backward(branch, dout, inputGradient);
        INDArray ds = backward(shortcut, dout, inputGradient);
        if (!inputGradient) {
            return null;
        }
        dx = Buffers.reuse(dx, d.dataType(), d.shape()).assign(d);
        return dx.addi(ds);
    }

    /** Back through the steps; the first one skips dx where the block's input needs none. */
    private static INDArray backward(List<Step> steps, INDArray dout, boolean inputGradient) {
        for (int i = steps.size() - 1; i >= 0; i--) {
            dout = steps.get(i).backward(dout, i > 0 || inputGradient);
        }
        return dout;
    }

    @Override
    public Map<String, INDArray> grads() {
        Map<String, INDArray> grads = new LinkedHashMap<>();
        branch.forEach(s -> grads.putAll(s.grads()));
        shortcut.forEach(s -> grads.putAll(s.grads()));
        return grads;
    }
}
