package io.github.scratchnet.trainer;

import io.github.scratchnet.optimizers.Optimizer;
import io.github.scratchnet.optimizers.OptimizerKind;
import io.github.scratchnet.optimizers.Schedule;
import java.util.Locale;
import java.util.Properties;

/**
 * How to train. Defaults (one place): DeepConvNet's book recipe of Adam at lr 0.001, batch 100,
 * 20 epochs, shuffling without replacement, accuracy each epoch on the whole test set and the
 * first 10,000 training images.
 *
 * @param lr            NaN for the optimizer's default
 * @param evalSamples   images of each set evaluated per epoch (the book's evaluate_sample_num_per_epoch); 0 for all
 * @param trainSize     use only the first N training images; 0 for all
 * @param testSize      use only the first N test images; 0 for all
 */
public record TrainConfig(int epochs, int batchSize, OptimizerKind optimizer, double lr, ScheduleKind schedule,
                          double weightDecay, Sampling sampling, int evalSamples, int trainSize, int testSize) {

    public static final TrainConfig DEFAULT = new TrainConfig(20, 100, OptimizerKind.ADAM, Double.NaN,
            ScheduleKind.CONSTANT, 0, Sampling.SHUFFLE, 10_000, 0, 0);

    /** How each epoch draws its batches. */
    public enum Sampling {
        /** A fresh permutation each epoch: every image once per epoch. */
        SHUFFLE,
        /** The book's Trainer: each batch drawn at random with replacement. */
        BOOK
    }

    /** Learning-rate schedules by name; step decay halves the rate every 5 epochs. */
    public enum ScheduleKind {
        CONSTANT(new Schedule.Constant()), STEP(new Schedule.StepDecay(5, 0.5)), COSINE(new Schedule.Cosine());

        public final Schedule schedule;

        ScheduleKind(Schedule schedule) {
            this.schedule = schedule;
        }
    }

    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be a positive whole number, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be a positive whole number, got " + batchSize);
        }
        if (!Double.isNaN(lr) && !(lr > 0 && lr < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("--lr must be a positive number, got " + lr);
        }
        if (!(weightDecay >= 0 && weightDecay < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("--weight-decay must be a number >= 0, got " + weightDecay);
        }
        if (evalSamples < 0 || trainSize < 0 || testSize < 0) {
            throw new IllegalArgumentException("--eval-samples, --train-size and --test-size must be >= 0");
        }
    }

    public Optimizer newOptimizer() {
        return optimizer.create(lr).withWeightDecay(weightDecay);
    }

    public double baseLearningRate() {
        return Double.isNaN(lr) ? optimizer.defaultLearningRate() : lr;
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, batchSize, optimizer, lr, schedule, weightDecay, sampling, evalSamples, trainSize, testSize);
    }

    public void store(Properties p) {
        p.setProperty("epochs", Integer.toString(epochs));
        p.setProperty("batch_size", Integer.toString(batchSize));
        p.setProperty("optimizer", optimizer.name().toLowerCase(Locale.ROOT));
        p.setProperty("lr", Double.toString(lr));
        p.setProperty("schedule", schedule.name().toLowerCase(Locale.ROOT));
        p.setProperty("weight_decay", Double.toString(weightDecay));
        p.setProperty("sampling", sampling.name().toLowerCase(Locale.ROOT));
        p.setProperty("eval_samples", Integer.toString(evalSamples));
        p.setProperty("train_size", Integer.toString(trainSize));
        p.setProperty("test_size", Integer.toString(testSize));
    }

    public static TrainConfig load(Properties p) {
        return new TrainConfig(Integer.parseInt(NetworkSpec.get(p, "epochs")),
                Integer.parseInt(NetworkSpec.get(p, "batch_size")),
                OptimizerKind.valueOf(NetworkSpec.get(p, "optimizer").toUpperCase(Locale.ROOT)),
                Double.parseDouble(NetworkSpec.get(p, "lr")),
                ScheduleKind.valueOf(NetworkSpec.get(p, "schedule").toUpperCase(Locale.ROOT)),
                Double.parseDouble(NetworkSpec.get(p, "weight_decay")),
                Sampling.valueOf(NetworkSpec.get(p, "sampling").toUpperCase(Locale.ROOT)),
                Integer.parseInt(NetworkSpec.get(p, "eval_samples")),
                Integer.parseInt(NetworkSpec.get(p, "train_size")),
                Integer.parseInt(NetworkSpec.get(p, "test_size")));
    }
}
