package io.github.scratchnet.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How the CPU kernels spread work: one contiguous share of the items per worker thread, the
 * caller being worker 0 and the rest daemon threads of this class's own pool. Contiguous shares
 * keep every result independent of thread timing: a worker's partial sums always cover the same
 * items. The count is all cores by default; {@link #setThreads} (the CLI's {@code --threads})
 * changes it.
 */
public final class Workers {
    private static volatile int threads = Runtime.getRuntime().availableProcessors();
    private static ExecutorService pool;
    private static final java.util.concurrent.atomic.AtomicInteger NAMES = new java.util.concurrent.atomic.AtomicInteger();
    /** Set on a thread while it runs a share: a kernel called from inside one runs serially. */
    private static final ThreadLocal<Boolean> IN_SHARE = ThreadLocal.withInitial(() -> false);

    private Workers() {
    }

    /** Worker threads a kernel uses, the caller included. */
    public static int count() {
        return threads;
    }

    /** Sets the number of worker threads (at least 1; 1 runs every kernel on the caller alone). */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + n);
        }
        if (n != threads && pool != null) {
            pool.shutdown();
            pool = null;
        }
        threads = n;
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(Math.max(1, threads - 1), r -> {
                Thread t = new Thread(r, "scratchnet-worker-" + NAMES.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /** What one worker does with its share, items {@code from .. to-1}. */
    @FunctionalInterface
    public interface Share {
        void run(int worker, int from, int to);
    }

    /** Runs {@code share} for items 0..n-1 split into {@code count()} contiguous shares, in parallel. */
    public static void forEachShare(int n, Share share) {
        int t = Math.max(1, Math.min(count(), n));
        if (t == 1 || IN_SHARE.get()) {
            for (int w = 0; w < t; w++) {
                share.run(w, w * n / t, (w + 1) * n / t);
            }
            return;
        }
        ExecutorService p = pool();
        Future<?>[] others = new Future<?>[t - 1];
        for (int w = 1; w < t; w++) {
            int worker = w;
            others[w - 1] = p.submit(() -> runShare(share, worker, worker * n / t, (worker + 1) * n / t));
        }
        Throwable failure = null;
        try {
            runShare(share, 0, 0, n / t);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        boolean interrupted = false;
        for (Future<?> f : others) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    failure = failure != null ? failure : e.getCause();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;                 // the shares use our buffers: wait for them all the same
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    private static void runShare(Share share, int worker, int from, int to) {
        IN_SHARE.set(true);
        try {
            share.run(worker, from, to);
        } finally {
            IN_SHARE.set(false);
        }
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
