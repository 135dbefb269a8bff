package io.github.scratchnet.layers;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.WeightInit;

/**
 * The book's SimpleConvNet (chapter 7, ch07/simple_convnet.py) for (1, 28, 28) input:
 * conv 30 5x5 - relu - pool 2x2 - affine 100 - relu - affine 10 - softmax, weights drawn with a
 * fixed standard deviation of 0.01; keys W1..W3, b1..b3.
 */
public final class SimpleConvNet {
    private SimpleConvNet() {
    }

    public static Sequential create(DType dtype, long seed) {
        Init init = new Init(dtype, seed);
        WeightInit std = WeightInit.std(0.01);
        Sequential net = new Sequential(init, 1, 28, 28)
                .add(new Convolution(init, std, 1, 30, 5, 1, 0))
                .add(new Relu())
                .add(new Pooling(Pooling.Kind.MAX, 2, 2));
        return net.add(new Affine(init, std, net.outputSize(), 100))
                .add(new Relu())
                .add(new Affine(init, std, 100, 10));
    }
}
