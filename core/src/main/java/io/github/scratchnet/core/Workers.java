package io.github.scratchnet.core;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * How the CPU kernels spread work: one contiguous share of the items per worker thread, the
 * caller being one of them (the rest come from the common ForkJoin pool, whose size the CLI's
 * {@code --threads} sets). Contiguous shares keep every result independent of thread timing:
 * a worker's partial sums always cover the same items.
 */
public final class Workers {
    private Workers() {
    }

    /** Worker threads a kernel uses: the common pool's parallelism plus the caller. */
    public static int count() {
        return ForkJoinPool.getCommonPoolParallelism() + 1;
    }

    /** What one worker does with its share, items {@code from .. to-1}. */
    @FunctionalInterface
    public interface Share {
        void run(int worker, int from, int to);
    }

    /** Runs {@code share} for items 0..n-1 split into {@code count()} contiguous shares, in parallel. */
    public static void forEachShare(int n, Share share) {
        int t = Math.max(1, Math.min(count(), n));
        if (t == 1) {
            share.run(0, 0, n);
            return;
        }
        IntStream.range(0, t).parallel().forEach(w -> share.run(w, w * n / t, (w + 1) * n / t));
    }

    /** Runs {@code body} for items 0..n-1, each worker taking a contiguous share. */
    public static void forEach(int n, java.util.function.IntConsumer body) {
        forEachShare(n, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                body.accept(i);
            }
        });
    }
}
