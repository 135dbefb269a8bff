package io.github.scratchnet.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * Every item runs once; a worker index belongs to one thread; a slow worker takes fewer items;
 * failures reach the caller after the other items; chunks cover the items and depend on n alone.
 */
class WorkersTest {
    @Test
    void itemsRunOnceAndEachWorkerIndexIsOneThread() {
        int before = Workers.count();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                Workers.setThreads(threads);
                for (int n : new int[] {1, 2, 7, 100}) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(n);
                    Map<Integer, Set<String>> threadsOfWorker = new ConcurrentHashMap<>();
                    Workers.forEachItem(n, (w, i) -> {
                        threadsOfWorker.computeIfAbsent(w, x -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread().getName());
                        seen.incrementAndGet(i);
                    });
                    int[] ones = new int[n];
                    java.util.Arrays.fill(ones, 1);
                    int[] got = new int[n];
                    for (int i = 0; i < n; i++) {
                        got[i] = seen.get(i);
                    }
                    String what = threads + " threads, " + n + " items";
                    assertArrayEquals(ones, got, what);
                    for (Map.Entry<Integer, Set<String>> e : threadsOfWorker.entrySet()) {
                        assertTrue(e.getKey() >= 0 && e.getKey() < Math.min(threads, n), what + ": worker " + e.getKey());
                        assertEquals(1, e.getValue().size(), what + ": worker " + e.getKey() + " ran on " + e.getValue());
                    }
                    if (threads == 1) {
                        assertEquals(Set.of(Thread.currentThread().getName()), threadsOfWorker.get(0), what);
                    }
                }
            }
        } finally {
            Workers.setThreads(before);
        }
    }

    @Test
    void theCallerTakesTheItemsASlowWorkerCannot() {
        int before = Workers.count();
        try {
            Workers.setThreads(2);
            AtomicIntegerArray byWorker = new AtomicIntegerArray(2);
            Workers.forEachItem(40, (w, i) -> {
                byWorker.incrementAndGet(w);
                sleep(w == 0 ? 1 : 200);              // the helper's first item outlasts all the caller's
            });
            assertEquals(40, byWorker.get(0) + byWorker.get(1));
            assertTrue(byWorker.get(1) <= 1, "the slow worker ran " + byWorker.get(1) + " items");
        } finally {
            Workers.setThreads(before);
        }
    }

    @Test
    void aFailingItemFailsTheCallAfterTheOthersRan() {
        int before = Workers.count();
        try {
            Workers.setThreads(3);
            IllegalStateException boom = new IllegalStateException("boom");
            AtomicIntegerArray done = new AtomicIntegerArray(30);
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Workers.forEachItem(30, (w, i) -> {
                if (i == 7) {
                    throw boom;
                }
                done.set(i, 1);
            }));
            assertSame(boom, thrown);
            for (int i = 0; i < 30; i++) {
                assertEquals(i == 7 ? 0 : 1, done.get(i), "item " + i);
            }
        } finally {
            Workers.setThreads(before);
        }
    }

    @Test
    void aKernelCalledInsideAnItemRunsOnThatThread() {
        int before = Workers.count();
        try {
            Workers.setThreads(2);
            Set<String> inner = ConcurrentHashMap.newKeySet();
            Workers.forEachItem(2, (w, i) -> {
                String me = Thread.currentThread().getName() + "#" + Thread.currentThread().getId();
                Workers.forEachItem(4, (w2, i2) -> inner.add(me + "=" + Thread.currentThread().getName() + "#" + Thread.currentThread().getId()));
                Workers.forEachItem(4, (w2, i2) -> inner.add(me + "=" + Thread.currentThread().getName() + "#" + Thread.currentThread().getId()));
            });
            for (String pair : inner) {
                String[] two = pair.split("=");
                assertEquals(two[0], two[1]);
            }
        } finally {
            Workers.setThreads(before);
        }
    }

    @Test
    void chunksCoverTheItemsLongestFirst() {
        for (int n : new int[] {1, 2, 3, 7, 100, 1600}) {
            int[] b = Workers.chunks(n);
            assertEquals(0, b[0]);
            assertEquals(n, b[b.length - 1]);
            for (int c = 1; c < b.length; c++) {
                int size = b[c] - b[c - 1];
                assertTrue(size >= 1 && (size >= 2 || c == b.length - 1), n + " items: chunk " + c + " has " + size);
                assertTrue(c == 1 || size <= b[c - 1] - b[c - 2], n + " items: chunk " + c + " is longer than the one before");
            }
        }
        assertTrue(Workers.chunks(100).length - 1 <= 25, "too many chunks for 100 samples");
        assertTrue(Workers.chunks(100).length - 1 >= 8, "too few chunks for 100 samples to even out two workers");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
