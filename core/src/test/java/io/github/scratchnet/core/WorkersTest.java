package io.github.scratchnet.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The shares cover every item once, in as many shares as set, and failures reach the caller. */
class WorkersTest {
    @Test
    void sharesCoverEveryItemOnceOnTheSetNumberOfThreads() {
        int before = Workers.count();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                Workers.setThreads(threads);
                for (int n : new int[] {1, 2, 7, 100}) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(n);
                    Set<String> names = ConcurrentHashMap.newKeySet();
                    Set<Integer> workers = ConcurrentHashMap.newKeySet();
                    Workers.forEachShare(n, (w, from, to) -> {
                        workers.add(w);
                        names.add(Thread.currentThread().getName());
                        for (int i = from; i < to; i++) {
                            seen.incrementAndGet(i);
                        }
                    });
                    int[] ones = new int[n];
                    java.util.Arrays.fill(ones, 1);
                    int[] got = new int[n];
                    for (int i = 0; i < n; i++) {
                        got[i] = seen.get(i);
                    }
                    assertArrayEquals(ones, got, threads + " threads, " + n + " items");
                    assertEquals(Math.min(threads, n), workers.size());
                    assertEquals(threads == 1 || n == 1, names.size() == 1, "more than one share runs off the caller's thread");
                }
            }
        } finally {
            Workers.setThreads(before);
        }
    }

    @Test
    void aFailingShareFailsTheCallAfterTheOthersFinish() {
        int before = Workers.count();
        try {
            Workers.setThreads(3);
            IllegalStateException boom = new IllegalStateException("boom");
            AtomicIntegerArray done = new AtomicIntegerArray(3);
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Workers.forEachShare(3, (w, from, to) -> {
                if (w == 2) {
                    throw boom;
                }
                done.set(w, 1);
            }));
            assertSame(boom, thrown);
            assertEquals(1, done.get(0));
            assertEquals(1, done.get(1));
        } finally {
            Workers.setThreads(before);
        }
    }

    @Test
    void aKernelCalledInsideAShareRunsOnThatThread() {
        int before = Workers.count();
        try {
            Workers.setThreads(2);
            Set<String> inner = ConcurrentHashMap.newKeySet();
            Workers.forEachShare(2, (w, from, to) -> {
                String me = Thread.currentThread().getName() + "#" + Thread.currentThread().getId();
                Workers.forEachShare(4, (w2, f2, t2) -> inner.add(me + "=" + Thread.currentThread().getName() + "#" + Thread.currentThread().getId()));
            });
            for (String pair : inner) {
                String[] two = pair.split("=");
                assertEquals(two[0], two[1]);
            }
            assertEquals(2, inner.size());
        } finally {
            Workers.setThreads(before);
        }
    }
}
