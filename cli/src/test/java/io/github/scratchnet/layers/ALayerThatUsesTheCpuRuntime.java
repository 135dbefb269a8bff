package io.github.scratchnet.layers;

import io.github.scratchnet.core.cpu.Workers;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What the architecture rules forbid: a layer that reaches into the CPU runtime (ArchitectureTest holds that it is caught). */
public final class ALayerThatUsesTheCpuRuntime implements Layer {
    @Override
    public INDArray forward(INDArray x, boolean train) {
        Workers.forEachItem(1, (worker, item) -> { });
        return x;
    }

    @Override
    public INDArray backward(INDArray dout) {
        return dout;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return inputShape;
    }
}
