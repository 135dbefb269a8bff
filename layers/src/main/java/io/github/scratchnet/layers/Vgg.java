package io.github.scratchnet.layers;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.WeightInit;

/**
 * VGG (Simonyan and Zisserman 2014; DeZero's VGG16) sized for (1, 28, 28) input: blocks of 3x3
 * convolutions with padding 1, each followed by a ReLU, a 2x2 max pooling after each block and the
 * channels doubling from one block to the next, in VGG16's pattern of two, two, then three
 * convolutions; then the fully connected part with dropout:
 * <pre>
 * conv 16 - relu - conv 16 - relu - pool                     28x28 -> 14x14
 * conv 32 - relu - conv 32 - relu - pool                     -> 7x7
 * conv 64 - relu - conv 64 - relu - conv 64 - relu - pool    -> 3x3
 * affine 256 - relu - dropout 0.5 - affine 256 - relu - dropout 0.5 - affine 10 - softmax
 * </pre>
 * He initialisation, zero biases; keys W1..W10, b1..b10.
 */
public final class Vgg {
    public static final int HIDDEN = 256;
    public static final double DROPOUT = 0.5;

    private Vgg() {
    }

    public static Sequential create(DType dtype, long seed, Dropout.Mode dropout) {
        Init init = new Init(dtype, seed);
        Sequential net = new Sequential(init, 1, 28, 28);
        int[][] blocks = {{16, 2}, {32, 2}, {64, 3}};              // channels, convolutions
        for (int[] block : blocks) {
            for (int i = 0; i < block[1]; i++) {
                net.add(new Convolution(init, WeightInit.HE, net.outputShape()[0], block[0], 3, 1, 1)).add(new Relu());
            }
            net.add(new Pooling(Pooling.Kind.MAX, 2, 2));
        }
        for (int i = 0; i < 2; i++) {
            net.add(new Affine(init, WeightInit.HE, net.outputSize(), HIDDEN)).add(new Relu())
                    .add(new Dropout(DROPOUT, dropout, init.rng()));
        }
        return net.add(new Affine(init, WeightInit.HE, HIDDEN, 10));
    }
}
