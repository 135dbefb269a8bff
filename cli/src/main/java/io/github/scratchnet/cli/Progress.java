package io.github.scratchnet.cli;

import io.github.scratchnet.trainer.History;
import io.github.scratchnet.trainer.TrainConfig;
import io.github.scratchnet.trainer.Trainer;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Training progress: a bar with loss, images/s and ETA on a terminal; plain log lines otherwise. */
final class Progress {
    private Progress() {
    }

    static Trainer.Listener forTerminal(boolean terminal) {
        return terminal ? new Bar() : new Lines();
    }

    private static void start(Trainer t) {
        TrainConfig c = t.config();
        System.out.printf(Locale.ROOT, "training %s on %d images%s (%s, %s schedule%s, batch %d, %s, %s, augment %s%s, %s engine),"
                + " %d epochs%s%n", t.spec().preset().name().toLowerCase(Locale.ROOT), t.trainSet().size(),
                t.validationSet() == null ? "" : ", " + t.validationSet().size() + " held out for validation", t.optimizer(),
                c.schedule().name().toLowerCase(Locale.ROOT), c.warmupEpochs() > 0 ? " after " + c.warmupEpochs() + " warm-up" : "",
                c.batchSize(), t.spec().dtype().name().toLowerCase(Locale.ROOT),
                "dropout " + t.spec().dropout().name().toLowerCase(Locale.ROOT), c.augmentation(),
                c.labelSmoothing() > 0 ? ", label smoothing " + c.labelSmoothing() : "",
                t.engine().name().toLowerCase(Locale.ROOT), c.epochs(),
                t.epochsDone() > 0 ? ", resuming after epoch " + t.epochsDone() : "");
    }

    private static String epochLine(History.Epoch e, Trainer t) {
        String val = Double.isNaN(e.validationAccuracy()) ? "" : String.format(Locale.ROOT, ", validation acc %.4f",
                e.validationAccuracy());
        return String.format(Locale.ROOT, "epoch %d/%d: loss %.4f, train acc %.4f%s, test acc %.4f, lr %.3g, %.0f s", e.epoch(),
                t.config().epochs(), e.meanLoss(), e.trainAccuracy(), val, e.testAccuracy(), e.learningRate(), e.seconds());
    }

    /** One bar per epoch. */
    private static final class Bar implements Trainer.Listener {
        private ProgressBar bar;
        private double smoothed = Double.NaN;

        @Override
        public void onStart(Trainer trainer) {
            start(trainer);
        }

        @Override
        public void onIteration(int epoch, long step, long steps, double loss, double imagesPerSecond) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("epoch " + (epoch + 1)).setInitialMax(steps)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build();
            }
            smoothed = Double.isNaN(smoothed) ? loss : 0.95 * smoothed + 0.05 * loss;
            bar.stepTo(step);
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f, %.0f img/s", smoothed, imagesPerSecond));
        }

        @Override
        public void onEpoch(History.Epoch e, Trainer trainer) {
            if (bar != null) {
                bar.close();
                bar = null;
            }
            System.out.println(epochLine(e, trainer));
        }
    }

    /** A line every tenth of an epoch and one per epoch. */
    private static final class Lines implements Trainer.Listener {
        private long startNanos;

        @Override
        public void onStart(Trainer trainer) {
            start(trainer);
        }

        @Override
        public void onIteration(int epoch, long step, long steps, double loss, double imagesPerSecond) {
            if (step == 1) {
                startNanos = System.nanoTime();
            }
            long every = Math.max(1, steps / 10);
            if (step % every == 0 && step < steps) {
                double elapsed = (System.nanoTime() - startNanos) / 1e9;
                double eta = elapsed / step * (steps - step);
                System.out.printf(Locale.ROOT, "epoch %d: step %d/%d, loss %.4f, %.0f img/s, epoch ETA %.0f s%n",
                        epoch + 1, step, steps, loss, imagesPerSecond, eta);
            }
        }

        @Override
        public void onEpoch(History.Epoch e, Trainer trainer) {
            System.out.println(epochLine(e, trainer));
        }
    }
}
