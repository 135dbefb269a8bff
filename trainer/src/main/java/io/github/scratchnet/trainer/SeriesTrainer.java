package io.github.scratchnet.trainer;

import io.github.scratchnet.engine.Engine;
import io.github.scratchnet.layers.SeriesModel;
import io.github.scratchnet.optimizers.Adam;
import io.github.scratchnet.optimizers.Optimizer;
import io.github.scratchnet.optimizers.OptimizerKind;
import io.github.scratchnet.optimizers.Schedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a series network (RNN, LSTM) the way DeZero's steps 59 and 60 do: each epoch resets the
 * state and reads the series through {@link SeqBatches}; every step adds its loss, and when the
 * step count reaches a multiple of the BPTT length L (or the series' length, DeZero's other
 * condition), backward goes through the steps since the last cut, the optimizer updates and the
 * history is cut ({@link SeriesModel#truncate()}). Steps after the last cut of an epoch count in its
 * loss (the loss summed over the epoch's steps, divided by their number) but update nothing. Adam
 * is DeZero's (eps 1e-8). Nothing random is drawn while training, so a resumed run, which starts
 * at an epoch's beginning with the state reset, ends with exactly an uninterrupted run's params.
 * The network is computed by the engine's series path ({@link Engine#series}): the layers as
 * written, or the CPU runtime's.
 */
public final class SeriesTrainer extends TrainingRun {
    public static final int DEFAULT_BPTT = 30;
    public static final long DEFAULT_HIDDEN = 100;
    /**
     * At most one checkpoint per 2 s before the last epoch: an epoch here takes 10-30 ms, and a
     * checkpoint (params, Adam's moments, every step's loss so far) costs more than that to write.
     */
    public static final long CHECKPOINT_EVERY_NANOS = 2_000_000_000L;

    private final SeriesModel model;
    private final SinCurve series;
    private final SeqBatches batches;
    private final int bpttLength;

    /** DeZero's settings: Adam lr 0.001, 100 epochs, batch 1 for the RNN (step 59) and 30 for the LSTM (step 60). */
    public static TrainConfig defaults(NetworkSpec.Preset preset) {
        return new TrainConfig(100, preset == NetworkSpec.Preset.RNN ? 1 : 30, OptimizerKind.ADAM, Double.NaN,
                TrainConfig.ScheduleKind.CONSTANT, 0, 0, 0, TrainConfig.Sampling.SHUFFLE, Augmentation.NONE, 0, 0, 0, 0);
    }

    /** A run on the noisy sine curve whose noise the spec's seed draws, on {@code engine}. */
    public SeriesTrainer(NetworkSpec spec, TrainConfig config, int bpttLength, Engine engine) {
        this(spec, config, bpttLength, SinCurve.train(spec.seed()), engine);
    }

    /** A run on the given series. */
    public SeriesTrainer(NetworkSpec spec, TrainConfig config, int bpttLength, SinCurve series, Engine engine) {
        super(spec, config, engine, optimizer(config));
        if (bpttLength < 1) {
            throw new IllegalArgumentException("--bptt must be a positive whole number, got " + bpttLength);
        }
        this.model = engine.series(net);
        this.series = series;
        this.batches = new SeqBatches(series, config.batchSize(), net.dtype().nd4j());
        this.bpttLength = bpttLength;
    }

    private static Optimizer optimizer(TrainConfig config) {
        Optimizer o = config.optimizer() == OptimizerKind.ADAM ? new Adam(config.baseLearningRate(), 0.9, 0.999, 1e-8)
                : config.newOptimizer();
        return o.withWeightDecay(config.weightDecay());
    }

    /**
     * Continues the sine-curve run of a checkpoint; {@code epochs}, when not null, is the new total,
     * and {@code engine}, when not null, replaces the run's (float32 results then differ in the last bits).
     */
    public static SeriesTrainer resume(Path file, Integer epochs, Engine engine) throws IOException {
        Checkpoint.Contents c = Checkpoint.read(file);
        if (!c.spec().preset().series()) {
            throw new IllegalArgumentException(file + " holds a " + c.spec().preset().name().toLowerCase(java.util.Locale.ROOT)
                    + " run, not a series network's");
        }
        SeriesTrainer t = new SeriesTrainer(c.spec(), Checkpoint.config(c, epochs),
                Integer.parseInt(c.meta().getProperty("bptt_length", Integer.toString(DEFAULT_BPTT))), engine != null ? engine : c.engine());
        Checkpoint.restore(c, t, file);
        return t;
    }

    @Override
    void storeSettings(Properties p) {
        p.setProperty("task", "sin-curve");
        p.setProperty("bptt_length", Integer.toString(bpttLength));
    }

    /**
     * Trains the remaining epochs, writing {@code checkpoint} (if not null) after the last and, before
     * it, after an epoch that ends {@link #CHECKPOINT_EVERY_NANOS} or more after the last save; each
     * finished epoch goes to {@code onEpoch}.
     */
    public History run(Path checkpoint, Consumer<History.Epoch> onEpoch) throws IOException {
        int steps = batches.iterations();
        long total = (long) steps * config.epochs();
        Schedule schedule = config.fullSchedule(steps);
        long saved = System.nanoTime();
        for (int epoch = epochsDone; epoch < config.epochs(); epoch++) {
            long start = System.nanoTime();
            model.resetState();
            double sum = 0;
            for (int k = 0; k < steps; k++) {
                INDArray[] b = batches.batch(k);
                double loss = model.step(b[0], b[1]);
                if (!Double.isFinite(loss)) {
                    throw new ArithmeticException("the loss became " + loss + " at epoch " + (epoch + 1) + ", step " + (k + 1)
                            + ": lower the learning rate (--lr)");
                }
                sum += loss;
                history.addLoss(loss);
                int count = k + 1;
                if (count % bpttLength == 0 || count == series.length()) {
                    optimizer.setLearningRate(schedule.rate(config.baseLearningRate(), epoch, (long) epoch * steps + k, total));
                    Map<String, INDArray> grads = model.backward();
                    optimizer.update(net.params(), grads);
                    model.truncate();
                }
            }
            History.Epoch e = new History.Epoch(epoch + 1, (long) (epoch + 1) * steps, sum / steps, Double.NaN, Double.NaN,
                    Double.NaN, optimizer.learningRate(), (System.nanoTime() - start) / 1e9);
            history.addEpoch(e);
            epochsDone = epoch + 1;
            boolean last = epochsDone == config.epochs();
            if (checkpoint != null && (last || System.nanoTime() - saved >= CHECKPOINT_EVERY_NANOS)) {
                Checkpoint.save(checkpoint, this);
                saved = System.nanoTime();
            }
            onEpoch.accept(e);
        }
        return history;
    }

    /**
     * The network's prediction of each next value of {@code curve}, fed one value at a time from a
     * reset state (DeZero's plot loop), with the mean squared error against the true next values.
     */
    public Prediction predict(SinCurve curve) {
        model.resetState();
        double[] p = new double[curve.length()];
        double se = 0;
        INDArray x = Nd4j.create(net.dtype().nd4j(), 1, 1);
        for (int k = 0; k < p.length; k++) {
            x.putScalar(0, curve.inputs()[k]);
            p[k] = model.predict(x).getDouble(0);
            se += (p[k] - curve.targets()[k]) * (p[k] - curve.targets()[k]);
        }
        model.resetState();
        return new Prediction(p, se / p.length);
    }

    /** Predictions, one per step, and their mean squared error. */
    public record Prediction(double[] values, double meanSquaredError) {
    }

    public SeriesModel model() {
        return model;
    }

    public int bpttLength() {
        return bpttLength;
    }

    public int stepsPerEpoch() {
        return batches.iterations();
    }
}
