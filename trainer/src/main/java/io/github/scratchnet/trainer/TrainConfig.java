package io.github.scratchnet.trainer;

import io.github.scratchnet.optimizers.Optimizer;
import io.github.scratchnet.optimizers.OptimizerKind;
import io.github.scratchnet.optimizers.Schedule;
import java.util.Locale;
import java.util.Properties;

/**
 * How to train. Defaults (one place, {@link #DEFAULT}): DeepConvNet's book recipe of Adam at lr
 * 0.001, batch 100, 20 epochs, a constant rate, shuffling without replacement, no augmentation,
 * no validation split, accuracy each epoch on the whole test set and the first 10,000 training
 * images.
 *
 * @param lr             NaN for the optimizer's default
 * @param warmupEpochs   epochs of linear warm-up before the schedule (0 for none)
 * @param labelSmoothing the loss's label smoothing (0 for none)
 * @param validation     training images held out to choose the best epoch by (0 for none)
 * @param evalSamples    images of each set evaluated per epoch (the book's evaluate_sample_num_per_epoch); 0 for all
 * @param trainSize      use only the first N training images; 0 for all
 * @param testSize       use only the first N test images; 0 for all
 */
public record TrainConfig(int epochs, int batchSize, OptimizerKind optimizer, double lr, ScheduleKind schedule,
                          int warmupEpochs, double weightDecay, double labelSmoothing, Sampling sampling,
                          Augmentation augmentation, int validation, int evalSamples, int trainSize, int testSize) {

    public static final TrainConfig DEFAULT = new TrainConfig(20, 100, OptimizerKind.ADAM, Double.NaN,
            ScheduleKind.CONSTANT, 0, 0, 0, Sampling.SHUFFLE, Augmentation.NONE, 0, 10_000, 0, 0);

    /** How each epoch draws its batches. */
    public enum Sampling {
        /** A fresh permutation each epoch: every image once per epoch. */
        SHUFFLE,
        /** The book's Trainer: each batch drawn at random with replacement. */
        BOOK
    }

    /** Learning-rate schedules by name; step decay halves the rate every 5 epochs. */
    public enum ScheduleKind {
        CONSTANT(new Schedule.Constant()), STEP(new Schedule.StepDecay(5, 0.5)), COSINE(new Schedule.Cosine()),
        ONECYCLE(new Schedule.OneCycle());

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
        if (warmupEpochs < 0 || warmupEpochs >= epochs) {
            throw new IllegalArgumentException("--warmup-epochs must be >= 0 and fewer than --epochs, got " + warmupEpochs);
        }
        if (!(weightDecay >= 0 && weightDecay < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("--weight-decay must be a number >= 0, got " + weightDecay);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("--label-smoothing must be in [0, 1), got " + labelSmoothing);
        }
        if (validation < 0 || evalSamples < 0 || trainSize < 0 || testSize < 0) {
            throw new IllegalArgumentException("--validation, --eval-samples, --train-size and --test-size must be >= 0");
        }
    }

    public Optimizer newOptimizer() {
        return optimizer.create(lr).withWeightDecay(weightDecay);
    }

    public double baseLearningRate() {
        return Double.isNaN(lr) ? optimizer.defaultLearningRate() : lr;
    }

    /** The schedule over the whole run, its warm-up of {@code stepsPerEpoch * warmupEpochs} iterations first. */
    public Schedule fullSchedule(long stepsPerEpoch) {
        return warmupEpochs == 0 ? schedule.schedule : new Schedule.Warmup(warmupEpochs * stepsPerEpoch, schedule.schedule);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, batchSize, optimizer, lr, schedule, warmupEpochs, weightDecay, labelSmoothing, sampling,
                augmentation, validation, evalSamples, trainSize, testSize);
    }

    public void store(Properties p) {
        p.setProperty("epochs", Integer.toString(epochs));
        p.setProperty("batch_size", Integer.toString(batchSize));
        p.setProperty("optimizer", optimizer.name().toLowerCase(Locale.ROOT));
        p.setProperty("lr", Double.toString(lr));
        p.setProperty("schedule", schedule.name().toLowerCase(Locale.ROOT));
        p.setProperty("warmup_epochs", Integer.toString(warmupEpochs));
        p.setProperty("weight_decay", Double.toString(weightDecay));
        p.setProperty("label_smoothing", Double.toString(labelSmoothing));
        p.setProperty("sampling", sampling.name().toLowerCase(Locale.ROOT));
        p.setProperty("augment", augmentation.toString());
        p.setProperty("validation", Integer.toString(validation));
        p.setProperty("eval_samples", Integer.toString(evalSamples));
        p.setProperty("train_size", Integer.toString(trainSize));
        p.setProperty("test_size", Integer.toString(testSize));
    }

    /** Reads what {@link #store} wrote; settings that a checkpoint from before them lacks take their defaults. */
    public static TrainConfig load(Properties p) {
        return new TrainConfig(Integer.parseInt(NetworkSpec.get(p, "epochs")),
                Integer.parseInt(NetworkSpec.get(p, "batch_size")),
                OptimizerKind.valueOf(NetworkSpec.get(p, "optimizer").toUpperCase(Locale.ROOT)),
                Double.parseDouble(NetworkSpec.get(p, "lr")),
                ScheduleKind.valueOf(NetworkSpec.get(p, "schedule").toUpperCase(Locale.ROOT)),
                Integer.parseInt(p.getProperty("warmup_epochs", "0")),
                Double.parseDouble(NetworkSpec.get(p, "weight_decay")),
                Double.parseDouble(p.getProperty("label_smoothing", "0")),
                Sampling.valueOf(NetworkSpec.get(p, "sampling").toUpperCase(Locale.ROOT)),
                Augmentation.parse(p.getProperty("augment", "off")),
                Integer.parseInt(p.getProperty("validation", "0")),
                Integer.parseInt(NetworkSpec.get(p, "eval_samples")),
                Integer.parseInt(NetworkSpec.get(p, "train_size")),
                Integer.parseInt(NetworkSpec.get(p, "test_size")));
    }
}
