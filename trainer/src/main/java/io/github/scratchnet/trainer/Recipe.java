package io.github.scratchnet.trainer;

import io.github.scratchnet.optimizers.OptimizerKind;

/**
 * Named sets of training settings: the network and its {@link TrainConfig}. The command line
 * starts from one and changes what its options name.
 */
public enum Recipe {
    /** The book's: DeepConvNet with Adam at lr 0.001, batch 100, 20 epochs, nothing else ({@link TrainConfig#DEFAULT}). */
    BOOK(NetworkSpec.Preset.DEEPCONVNET, TrainConfig.DEFAULT),
    /**
     * The strongest single network scratchnet trains within an hour on two cores (the README has
     * its figures): the vgg preset, 40 epochs of Adam at lr 0.001 with one epoch of warm-up and
     * then a cosine decay, images shifted by up to 2 pixels, rotated by up to 10 degrees and scaled
     * by up to 10%, and 5,000 training images held out to pick the best epoch by.
     */
    BEST(NetworkSpec.Preset.VGG, new TrainConfig(40, 100, OptimizerKind.ADAM, Double.NaN,
            TrainConfig.ScheduleKind.COSINE, 1, 0, 0, TrainConfig.Sampling.SHUFFLE,
            Augmentation.parse("shift=2,rotate=10,scale=0.1"), 5000, 10_000, 0, 0));

    public final NetworkSpec.Preset network;
    public final TrainConfig config;

    Recipe(NetworkSpec.Preset network, TrainConfig config) {
        this.network = network;
        this.config = config;
    }
}
