package io.github.scratchnet.trainer;

import io.github.scratchnet.engine.Engine;
import io.github.scratchnet.engine.Plan;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.layers.SoftmaxWithLoss;
import io.github.scratchnet.optimizers.Schedule;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains a network on a dataset the way the book's Trainer does (common/trainer.py): mini-batches,
 * an optimizer step per batch, accuracy after each epoch, the network computed by an
 * {@link Engine}'s plan. Everything random comes from the seed (weights, dropout masks, batch
 * order), and a checkpoint after each epoch holds all of it, so a resumed run (on the same
 * engine) ends with exactly the params of an uninterrupted one.
 */
public final class Trainer extends TrainingRun {

    /** Progress callbacks. */
    public interface Listener {
        default void onStart(Trainer trainer) {
        }

        /** After each step: epoch (0-based), step within the epoch (1-based), its loss, images/s so far this epoch. */
        default void onIteration(int epoch, long step, long stepsPerEpoch, double loss, double imagesPerSecond) {
        }

        default void onEpoch(History.Epoch epoch, Trainer trainer) {
        }
    }

    final Plan plan;
    final Dataset train;
    final Dataset test;
    /** The images held out of training to choose the best epoch by, or null. */
    final Dataset validation;
    /** The parts scored after each epoch, taken once. */
    private final Dataset trainEval;
    private final Dataset testEval;

    /** A trainer on the standard engine for this backend ({@link Engine#standard()}). */
    public Trainer(NetworkSpec spec, TrainConfig config, Dataset train, Dataset test) {
        this(spec, config, train, test, Engine.standard());
    }

    public Trainer(NetworkSpec spec, TrainConfig config, Dataset train, Dataset test, Engine engine) {
        super(spec, config, engine, config.newOptimizer());
        if (spec.preset().series()) {
            throw new IllegalArgumentException(spec.preset().name().toLowerCase(java.util.Locale.ROOT)
                    + " is a series network: SeriesTrainer trains it");
        }
        this.plan = engine.plan(net);
        Dataset all = train.head(config.trainSize());
        Dataset[] split = config.validation() > 0 ? all.split(config.validation()) : new Dataset[] {null, all};
        this.validation = split[0];
        this.train = split[1];
        this.test = test.head(config.testSize());
        net.lossLayer(new SoftmaxWithLoss(SoftmaxWithLoss.BOOK_DELTA, config.labelSmoothing()));
        this.trainEval = this.train.head(config.evalSamples());
        this.testEval = this.test.head(config.evalSamples());
    }

    /** Iterations per epoch, as the book counts them: max(train size / batch size, 1). */
    public long stepsPerEpoch() {
        return Math.max(train.size() / config.batchSize(), 1);
    }

    /**
     * Trains the remaining epochs, writing {@code checkpoint} (if not null) after each, and
     * {@code best} (if not null) after each epoch whose validation accuracy beats every earlier one.
     */
    public History run(Path checkpoint, Path best, Listener listener) throws IOException {
        listener.onStart(this);
        int b = config.batchSize();
        int n = (int) train.size();
        long steps = stepsPerEpoch();
        long total = steps * config.epochs();
        Schedule schedule = config.fullSchedule(steps);
        double bestSoFar = history.best() == null ? -1 : history.best().validationAccuracy();
        try (Batches batches = new Batches(train, b, config.augmentation(), spec.seed())) {
            for (int epoch = epochsDone; epoch < config.epochs(); epoch++) {
                long start = System.nanoTime();
                batches.start(epoch, epochOrder(n, steps * b), steps);
                double lossSum = 0;
                for (long s = 0; s < steps; s++) {
                    optimizer.setLearningRate(schedule.rate(config.baseLearningRate(), epoch, epoch * steps + s, total));
                    Batches.Batch batch = batches.take(s);
                    double loss = plan.loss(batch.x(), batch.labels(), true) + optimizer.penalty(net.params());
                    if (!Double.isFinite(loss)) {
                        throw new ArithmeticException("the loss became " + loss + " at epoch " + (epoch + 1) + ", step "
                                + (s + 1) + ": lower the learning rate (--lr)");
                    }
                    optimizer.update(net.params(), plan.gradient());
                    history.addLoss(loss);
                    lossSum += loss;
                    listener.onIteration(epoch, s + 1, steps, loss, (s + 1) * b / ((System.nanoTime() - start) / 1e9));
                }
                History.Epoch e = new History.Epoch(epoch + 1, (epoch + 1) * steps, lossSum / steps, accuracy(trainEval),
                        validation == null ? Double.NaN : accuracy(validation), accuracy(testEval),
                        optimizer.learningRate(), (System.nanoTime() - start) / 1e9);
                history.addEpoch(e);
                epochsDone = epoch + 1;
                if (checkpoint != null) {
                    Checkpoint.save(checkpoint, this);
                }
                // 1e-9: the best so far may come back from a checkpoint's history, rounded to 8 decimals
                if (best != null && e.validationAccuracy() > bestSoFar + 1e-9) {
                    bestSoFar = e.validationAccuracy();
                    Checkpoint.save(best, this);
                }
                listener.onEpoch(e, this);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while training");
        }
        return history;
    }

    /** The sample order of one epoch: a permutation, or the book's draws with replacement. */
    private int[] epochOrder(int n, long needed) {
        if (config.sampling() == TrainConfig.Sampling.BOOK) {
            int[] order = new int[(int) needed];
            for (int i = 0; i < order.length; i++) {
                order[i] = dataRng.nextInt(n);
            }
            return order;
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        dataRng.shuffle(order);
        return order;
    }

    /** Test-mode accuracy of the network on a dataset. */
    public double accuracy(Dataset d) {
        return plan.accuracy(d.images(), d.labelArray(), 100);
    }

    public Dataset trainSet() {
        return train;
    }

    public Dataset testSet() {
        return test;
    }

    /** The validation split, or null. */
    public Dataset validationSet() {
        return validation;
    }
}
