package io.github.scratchnet.layers;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.WeightInit;
import java.util.List;

/**
 * A small residual network for (1, 28, 28) input, in the layout He et al. (2016) give for small
 * images: a 3x3 convolution to 16 channels, then three stages of two basic blocks with 16, 32 and
 * 64 channels (the first block of the second and third stage halves the size with stride 2 and
 * projects its shortcut with a 1x1 convolution of stride 2), global average pooling and an affine
 * layer to the 10 classes. A basic block is
 * {@code relu(bn(conv(relu(bn(conv(x))))) + shortcut(x))}, 3x3 convolutions with padding 1 and
 * batch norm per channel. Sizes: 28x28 (16) -> 14x14 (32) -> 7x7 (64) -> 64 -> 10. He
 * initialisation; keys W1.., b1.., gamma1.., beta1.., running_mean1.., running_var1...
 */
public final class ResNet {
    public static final int[] CHANNELS = {16, 32, 64};
    public static final int BLOCKS = 2;
    public static final double MOMENTUM = 0.9;

    private ResNet() {
    }

    public static Sequential create(DType dtype, long seed) {
        Init init = new Init(dtype, seed);
        Sequential net = new Sequential(init, 1, 28, 28)
                .add(new Convolution(init, WeightInit.HE, 1, CHANNELS[0], 3, 1, 1))
                .add(batchNorm(init, CHANNELS[0]))
                .add(new Relu());
        for (int stage = 0; stage < CHANNELS.length; stage++) {
            for (int b = 0; b < BLOCKS; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                net.add(block(init, net.outputShape()[0], CHANNELS[stage], stride)).add(new Relu());
            }
        }
        long[] out = net.outputShape();
        net.add(new Pooling(Pooling.Kind.AVERAGE, (int) out[1], (int) out[2], 1, 0));      // global average
        return net.add(new Affine(init, WeightInit.HE, net.outputSize(), 10));
    }

    /** conv - bn - relu - conv - bn, plus the identity, or a 1x1 projection where the size or the channels change. */
    public static Residual block(Init init, long in, int out, int stride) {
        List<Layer> branch = List.of(
                new Convolution(init, WeightInit.HE, in, out, 3, stride, 1), batchNorm(init, out), new Relu(),
                new Convolution(init, WeightInit.HE, out, out, 3, 1, 1), batchNorm(init, out));
        Layer shortcut = stride == 1 && in == out ? null : new Convolution(init, WeightInit.HE, in, out, 1, stride, 0);
        return new Residual(branch, shortcut);
    }

    private static BatchNormalization batchNorm(Init init, long channels) {
        return new BatchNormalization(init, channels, MOMENTUM, BatchNormalization.Mode.PER_CHANNEL);
    }
}
