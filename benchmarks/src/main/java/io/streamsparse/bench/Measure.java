package io.streamsparse.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Measurement helpers of the harness: percentiles, recall, heap after GC, per-thread allocation, GC counters. No
 * timing decisions live here; callers time with {@link System#nanoTime()}.
 */
final class Measure {

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Measure() {
    }

    /** The {@code q}-quantile (nearest rank) of {@code values[0..n)}, which it sorts in place. */
    static long percentile(long[] values, int n, double q) {
        if (n == 0) {
            return 0;
        }
        Arrays.sort(values, 0, n);
        int rank = (int) Math.ceil(q * n);
        return values[Math.min(n - 1, Math.max(0, rank - 1))];
    }

    /**
     * Mean over queries of |found ∩ truth| / |truth| (queries whose truth is empty are skipped; 1 when all are).
     * {@code found[i]} and {@code truth[i]} are the top-k document ids of query i.
     */
    static double recall(String[][] found, String[][] truth, int from, int to) {
        double sum = 0;
        int counted = 0;
        for (int i = from; i < to; i++) {
            if (truth[i].length == 0) {
                continue;
            }
            Set<String> t = new HashSet<>(Arrays.asList(truth[i]));
            int hit = 0;
            for (String id : found[i]) {
                if (t.contains(id)) {
                    hit++;
                }
            }
            sum += (double) hit / truth[i].length;
            counted++;
        }
        return counted == 0 ? 1.0 : sum / counted;
    }

    /** Heap in use after a few full collections: what is reachable now, plus allocator slack. */
    static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            Runtime rt = Runtime.getRuntime();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    /**
     * CPU time of the calling thread in nanoseconds (-1 where unsupported). Where other processes compete for the
     * cores, wall time includes waiting for a core and CPU time does not; the report gives both.
     */
    static long threadCpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    /** Bytes allocated so far by the calling thread (-1 where the JVM cannot tell). */
    static long allocatedBytes() {
        try {
            return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }

    /** {collections, milliseconds} over all collectors so far. */
    static long[] gcCounters() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
