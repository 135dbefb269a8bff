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

    /**
     * A linear warm-up: the rate climbs from base/warmup to the base rate over the first
     * {@code warmup} iterations, then {@code after} runs over the iterations that remain, as if
     * training started there.
     */
    record Warmup(long warmup, Schedule after) implements Schedule {
        public Warmup {
            if (warmup < 1 || after == null) {
                throw new IllegalArgumentException("a warm-up needs at least 1 iteration and a schedule after it, got " + warmup);
            }
        }

        @Override
        public double rate(double base, int epoch, long iteration, long totalIterations) {
            if (iteration < warmup) {
                return base * (iteration + 1) / warmup;
            }
            return after.rate(base, epoch, iteration - warmup, totalIterations - warmup);
        }
    }

    /**
     * One cycle (Smith and Topin 2018, as PyTorch's OneCycleLR anneals it): over the first
     * {@code rise} of the iterations the rate climbs from base/{@code div} to the base rate along a
     * half cosine, then falls along another to base/({@code div}·{@code finalDiv}).
     */
    record OneCycle(double rise, double div, double finalDiv) implements Schedule {
        /** PyTorch's defaults: 30% rising, from base/25 to base/250,000. */
        public OneCycle() {
            this(0.3, 25, 1e4);
        }

        public OneCycle {
            if (!(rise > 0 && rise < 1) || !(div >= 1) || !(finalDiv >= 1)) {
                throw new IllegalArgumentException("one cycle needs 0 < rise < 1 and factors >= 1, got " + rise + ", " + div
                        + ", " + finalDiv);
            }
        }

        @Override
        public double rate(double base, int epoch, long iteration, long totalIterations) {
            double start = base / div;
            double end = start / finalDiv;
            double peak = rise * totalIterations;
            if (iteration < peak) {
                return anneal(start, base, iteration / peak);
            }
            return anneal(base, end, Math.min(1.0, (iteration - peak) / Math.max(1.0, totalIterations - peak)));
        }

        /** From {@code from} to {@code to} along a half cosine, {@code t} in [0, 1]. */
        private static double anneal(double from, double to, double t) {
            return to + (from - to) / 2 * (1 + Math.cos(Math.PI * t));
        }
    }
}
