package io.github.scratchnet.layers;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.WeightInit;

/**
 * The book's DeepConvNet (chapter 8, ch08/deep_convnet.py) for (1, 28, 28) input:
 * <pre>
 * conv 16 3x3 pad 1 - relu - conv 16 3x3 pad 1 - relu - pool 2x2
 * conv 32 3x3 pad 1 - relu - conv 32 3x3 pad 2 - relu - pool 2x2
 * conv 64 3x3 pad 1 - relu - conv 64 3x3 pad 1 - relu - pool 2x2
 * affine 50 - relu - dropout 0.5 - affine 10 - dropout 0.5 - softmax
 * </pre>
 * He initialisation, zero biases; keys W1..W8, b1..b8, as in the book's params file.
 */
public final class DeepConvNet {
    public static final int HIDDEN = 50;
    public static final double DROPOUT = 0.5;

    private DeepConvNet() {
    }

    public static Sequential create(DType dtype, long seed, Dropout.Mode dropout) {
        Init init = new Init(dtype, seed);
        Sequential net = new Sequential(init, 1, 28, 28);
        int[][] convs = {{16, 1}, {16, 1}, {32, 1}, {32, 2}, {64, 1}, {64, 1}}; // filters, pad
        for (int i = 0; i < convs.length; i++) {
            net.add(new Convolution(init, WeightInit.HE, net.outputShape()[0], convs[i][0], 3, 1, convs[i][1]));
            net.add(new Relu());
            if (i % 2 == 1) {
                net.add(new Pooling(Pooling.Kind.MAX, 2, 2));
            }
        }
        net.add(new Affine(init, WeightInit.HE, net.outputSize(), HIDDEN))
                .add(new Relu())
                .add(new Dropout(DROPOUT, dropout, init.rng()))
                .add(new Affine(init, WeightInit.HE, HIDDEN, 10))
                .add(new Dropout(DROPOUT, dropout, init.rng()));
        return net;
    }
}
