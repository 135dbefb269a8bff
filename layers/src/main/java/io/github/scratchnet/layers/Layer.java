package io.github.scratchnet.layers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One step of a network with a hand-written forward and backward (book chapter 5). forward
 * caches what backward needs; backward takes dL/dout and returns dL/dx, writing the gradients
 * of the layer's own parameters on the way. Every layer receives the train flag; layers that
 * behave the same in both modes ignore it.
 *
 * <p>The arrays forward and backward return, and the gradients, belong to the layer and are
 * refilled by its next forward or backward (layers reuse their arrays, see {@code Buffers});
 * {@code dup()} what must outlive that.
 */
public interface Layer {

    /** x -> out. {@code train} selects training behaviour (dropout masks, batch statistics). */
    INDArray forward(INDArray x, boolean train);

    /** dL/dout -> dL/dx, for the input of the last forward. Never modifies {@code dout}. */
    INDArray backward(INDArray dout);

    /**
     * The output shape for an input shape (both with the batch dimension first); an
     * IllegalArgumentException naming the layer where the input does not fit.
     */
    long[] outputShape(long[] inputShape);

    /** Trainable parameters by local name ("W", "b", "gamma", "beta"), in a fixed order. */
    default Map<String, INDArray> params() {
        return Map.of();
    }

    /** Gradients written by the last backward, with the same keys as {@link #params()}. */
    default Map<String, INDArray> grads() {
        return Map.of();
    }

    /** Non-trainable state that is saved with the params but never touched by optimizers. */
    default Map<String, INDArray> state() {
        return Map.of();
    }

    /**
     * The layers inside this one, for a layer made of layers ({@link Residual}); empty for the
     * rest. A network names their parameters as if they stood in it in this order, and reads their
     * gradients from them.
     */
    default List<Layer> parts() {
        return List.of();
    }

    /** A short description for summaries, such as {@code Convolution(16, 3x3, stride 1, pad 1)}. */
    default String describe() {
        return getClass().getSimpleName();
    }

    /** An ordered, read-only map from alternating keys and arrays. */
    static Map<String, INDArray> named(Object... keysAndArrays) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndArrays.length; i += 2) {
            m.put((String) keysAndArrays[i], (INDArray) keysAndArrays[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    /** The IllegalStateException for a backward (or a gradient read) before any forward. */
    static <T> T requireForward(T cached, Object layer) {
        if (cached == null) {
            throw new IllegalStateException(layer.getClass().getSimpleName() + ".backward called before forward");
        }
        return cached;
    }
}
