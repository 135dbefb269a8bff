package io.github.scratchnet.layers;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What training and prediction ask of a series network (a {@link Recurrent} layer, then an
 * {@link Affine}, then the {@link MeanSquaredError}), whichever code computes it: a
 * {@link SeriesNet} computes it with the layers as written; the engine's fast series computes the
 * same on the CPU runtime over the same parameter arrays.
 */
public interface SeriesModel {

    /** One training step: x (N, in) through the layers, its loss against t (N, out) returned. */
    double step(INDArray x, INDArray t);

    /** The gradients of the summed loss of the steps since the last truncation, by the network's keys. */
    Map<String, INDArray> backward();

    /** Cuts the history (DeZero's unchain_backward); the state keeps its value. */
    void truncate();

    /** Forgets the state: the next step starts a series. */
    void resetState();

    /** One test-mode step: the outputs (N, out) for x (N, in), the state carried on, nothing remembered. */
    INDArray predict(INDArray x);

    /** The network whose layers and parameters are computed with. */
    Sequential network();
}
