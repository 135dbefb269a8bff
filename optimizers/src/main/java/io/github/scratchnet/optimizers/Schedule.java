package io.github.scratchnet.optimizers;

/**
 * How the learning rate changes over training, from the base rate, the epoch (0-based) and the
 * progress {@code iteration / totalIterations}.
 */
public sealed interface Schedule {

    double rate(double base, int epoch, long iteration, long totalIterations);

    /** The base rate throughout. */
    record Constant() implements Schedule {
        @Override
        public double rate(double base, int epoch, long iteration, long totalIterations) {
            return base;
        }
    }

    /** The base rate times {@code factor} after every {@code everyEpochs} epochs. */
    record StepDecay(int everyEpochs, double factor) implements Schedule {
        public StepDecay {
            if (everyEpochs < 1 || !(factor > 0)) {
                throw new IllegalArgumentException("step decay needs every >= 1 epoch and a positive factor, got "
                        + everyEpochs + " and " + factor);
            }
        }

        @Override
        public double rate(double base, int epoch, long iteration, long totalIterations) {
            return base * Math.pow(factor, epoch / everyEpochs);
        }
    }

    /** Cosine from the base rate down to 0 over all iterations. */
    record Cosine() implements Schedule {
        @Override
        public double rate(double base, int epoch, long iteration, long totalIterations) {
            double progress = totalIterations <= 0 ? 0 : Math.min(1.0, (double) iteration / totalIterations);
            return base * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
    }
}
