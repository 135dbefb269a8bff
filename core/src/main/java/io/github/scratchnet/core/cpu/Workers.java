package io.github.scratchnet.core.cpu;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How the CPU kernels spread work over threads: the caller is worker 0, the rest are daemon
 * threads of this class's own pool. Items are claimed one at a time from a shared counter, so a
 * worker that starts late (a parked thread is slow to wake) or runs slow (a neighbour on its
 * core) takes fewer, and the caller, once the items are gone, spins briefly for the last ones
 * instead of parking. Which worker runs an item depends on timing:
 * callers keep each item's result independent of that (scratch per worker, sums per fixed item).
 * The count is all cores by default; {@link #setThreads} (the CLI's {@code --threads}) changes it.
 */
public final class Workers {
    private static volatile int threads = Runtime.getRuntime().availableProcessors();
    private static ExecutorService pool;
    private static final AtomicInteger NAMES = new AtomicInteger();
    /** Set on a thread while it runs items: a kernel called from inside one runs serially. */
    private static final ThreadLocal<Boolean> IN_SHARE = ThreadLocal.withInitial(() -> false);
    /** How long the caller spins for a started worker's last item before it parks. */
    private static final long SPIN_NANOS = 2_000_000;

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

    /** What a worker does with one item. */
    @FunctionalInterface
    public interface Item {
        void run(int worker, int item);
    }

    /** What one worker does with a share, items {@code from .. to-1}. */
    @FunctionalInterface
    public interface Share {
        void run(int worker, int from, int to);
    }

    /**
     * Runs {@code body} for items 0..n-1 on up to {@code count()} threads, each item once. The
     * worker index (0 = the caller) names the thread running the item, for per-thread scratch;
     * no two threads share one. An item that fails does not stop the others; the first failure
     * is thrown once all are done.
     */
    public static void forEachItem(int n, Item body) {
        int t = IN_SHARE.get() ? 1 : Math.max(1, Math.min(count(), n));
        Run run = new Run(n, body, t);
        if (t == 1) {
            run.work(0);
            run.rethrow();
            return;
        }
        ExecutorService p = pool();
        Future<?>[] helpers = new Future<?>[t - 1];
        for (int w = 1; w < t; w++) {
            int worker = w;
            helpers[w - 1] = p.submit(() -> run.work(worker));
        }
        run.work(0);
        boolean interrupted = false;
        for (int w = 1; w < t; w++) {
            if (run.claim(w)) {
                continue;                 // it had not started: the items are done, it will do nothing
            }
            Future<?> f = helpers[w - 1];
            long until = System.nanoTime() + SPIN_NANOS;
            while (!f.isDone() && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    run.fail(e.getCause());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;                 // the items use our buffers: wait for them all the same
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        run.rethrow();
    }

    /** One call of forEachItem: the item counter, which workers have started, the first failure. */
    private static final class Run {
        private final int n;
        private final Item body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicIntegerArray started;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Run(int n, Item body, int workers) {
            this.n = n;
            this.body = body;
            this.started = new AtomicIntegerArray(workers);
        }

        /** Takes worker w's place; false where it is taken (the worker started, or the caller closed it). */
        boolean claim(int w) {
            return started.compareAndSet(w, 0, 1);
        }

        void work(int worker) {
            if (worker > 0 && !claim(worker)) {
                return;
            }
            boolean outer = IN_SHARE.get();
            IN_SHARE.set(true);
            try {
                for (int i; (i = next.getAndIncrement()) < n; ) {
                    try {
                        body.run(worker, i);
                    } catch (RuntimeException | Error e) {
                        fail(e);
                    }
                }
            } finally {
                IN_SHARE.set(outer);
            }
        }

        void fail(Throwable e) {
            failure.compareAndSet(null, e);
        }

        void rethrow() {
            Throwable e = failure.get();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error r) {
                throw r;
            }
            if (e != null) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Boundaries of contiguous chunks covering 0..n-1: chunk c is {@code [b[c], b[c+1])}. The
     * sizes shrink (a sixth of what is left, at least 2), so the first chunks are long and the
     * last short enough to even out the workers' finish. They depend on n alone, not on the
     * threads or their timing: a sum kept per chunk comes out the same on any run.
     */
    public static int[] chunks(int n) {
        int[] bounds = new int[n + 1];
        int count = 0;
        for (int at = 0; at < n; ) {
            bounds[count++] = at;
            at += Math.min(n - at, Math.max(2, (n - at + 5) / 6));
        }
        bounds[count] = n;
        return java.util.Arrays.copyOf(bounds, count + 1);
    }

    /** Runs {@code share} over the {@link #chunks} of 0..n-1, in parallel; the worker index names the thread. */
    public static void forEachChunk(int n, Share share) {
        int[] b = chunks(n);
        forEachItem(b.length - 1, (w, c) -> share.run(w, b[c], b[c + 1]));
    }

    /** Runs {@code body} for items 0..n-1, in parallel, by chunks. */
    public static void forEach(int n, java.util.function.IntConsumer body) {
        forEachChunk(n, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                body.accept(i);
            }
        });
    }
}
