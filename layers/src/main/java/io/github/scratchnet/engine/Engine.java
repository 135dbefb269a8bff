package io.github.scratchnet.engine;

import io.github.scratchnet.core.Backend;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.layers.SeriesModel;
import io.github.scratchnet.layers.SeriesNet;

/**
 * Which code computes a network. Both run the network's own parameter arrays and give the same
 * losses, outputs and gradients under the same keys (EnginesTest holds them equal).
 */
public enum Engine {
    /** The layers as written, forward and backward one after the other, on ND4J operations: any backend. */
    BOOK,
    /**
     * A plan of the CPU runtime's kernels (core.cpu), fused where the layers allow (convolution,
     * ReLU and 2x2 max pooling in one pass), built from the network's layers; a layer it has no
     * kernel for runs as written. ND4J's CPU backend only.
     */
    FAST;

    /** FAST on ND4J's CPU backend, BOOK on any other. */
    public static Engine standard() {
        return Backend.onCpu() ? FAST : BOOK;
    }

    /** The execution plan of {@code net} under this engine. */
    public Plan plan(Sequential net) {
        if (this == BOOK) {
            return Plan.book(net);
        }
        if (!Backend.onCpu()) {
            throw new IllegalArgumentException("the fast engine runs on ND4J's CPU backend only, and this one is "
                    + Backend.name() + ": use the book engine");
        }
        return Plan.fast(net, true);
    }

    /**
     * The series computation of {@code net} (a Recurrent layer then an Affine, as SeriesNet
     * describes) under this engine: the layers as written, or the CPU runtime's (float32 and
     * float64 on ND4J's CPU backend; 16-bit networks run as written).
     */
    public SeriesModel series(Sequential net) {
        if (this == BOOK || !net.dtype().trainable()) {
            return new SeriesNet(net);
        }
        if (!Backend.onCpu()) {
            throw new IllegalArgumentException("the fast engine runs on ND4J's CPU backend only, and this one is "
                    + Backend.name() + ": use the book engine");
        }
        return new FastSeries(net);
    }
}
