package io.github.scratchnet.trainer;

import io.github.scratchnet.core.Rng;
import io.github.scratchnet.engine.Engine;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.optimizers.Optimizer;
import java.util.Properties;

/**
 * What every training run holds and a {@link Checkpoint} saves and restores, whichever trainer
 * runs it ({@link Trainer} for images, {@link SeriesTrainer} for series): the network and its
 * spec, the settings, the engine, the optimizer and its state, the data generator, the history and
 * the epochs done.
 */
public abstract class TrainingRun {
    final NetworkSpec spec;
    final TrainConfig config;
    final Sequential net;
    final Engine engine;
    final Optimizer optimizer;
    /** Draws what the data needs: batch order, augmentation. */
    final Rng dataRng;
    History history = new History();
    int epochsDone;

    TrainingRun(NetworkSpec spec, TrainConfig config, Engine engine, Optimizer optimizer) {
        this.spec = spec;
        this.config = config;
        this.net = spec.build();
        this.engine = engine;
        this.optimizer = optimizer;
        this.dataRng = new Rng(spec.seed() ^ 0x5DEECE66DL);
    }

    /** Settings of this kind of run beyond the spec and the config, for the checkpoint's properties. */
    void storeSettings(Properties p) {
    }

    public Sequential net() {
        return net;
    }

    public Engine engine() {
        return engine;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public History history() {
        return history;
    }

    public NetworkSpec spec() {
        return spec;
    }

    public TrainConfig config() {
        return config;
    }

    public int epochsDone() {
        return epochsDone;
    }
}
