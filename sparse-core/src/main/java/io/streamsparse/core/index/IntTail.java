package io.streamsparse.core.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An append-only int sequence with one writer and lock-free readers. The writer stores the element, then publishes
 * the new count with a release store; a reader acquires the count, then the array, and reads only below the count.
 * When the array grows the copy is published (release) before any count that needs it, so every element below an
 * acquired count is visible in whatever array the reader then acquires.
 *
 * <p>Not final: {@link PostingList} extends it so that a list and its tail are one object (one cache miss fewer per
 * appended posting on the write path).
 */
class IntTail {
    private static final VarHandle ARRAY;
    private static final VarHandle COUNT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ARRAY = l.findVarHandle(IntTail.class, "array", int[].class);
            COUNT = l.findVarHandle(IntTail.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Initial capacities above this start here and grow: a tail rarely fills a huge reservation at once. */
    static final int MAX_INITIAL_CAPACITY = 4096;

    @SuppressWarnings("unused") // accessed through ARRAY
    private int[] array;
    @SuppressWarnings("unused") // accessed through COUNT
    private int count;

    IntTail() {
        this(4);
    }

    /** An empty tail with room for {@code capacity} elements before it first grows. */
    IntTail(int capacity) {
        this.array = new int[Math.max(1, Math.min(capacity, MAX_INITIAL_CAPACITY))];
    }

    IntTail(int[] initial, int n) {
        this.array = initial;
        this.count = n;
    }

    /** Writer only. */
    void append(int value) {
        int n = count;
        int[] a = array;
        if (n == a.length) {
            a = ArrayGrowth.grow(a, n + 1);
            ARRAY.setRelease(this, a);
        }
        a[n] = value;
        COUNT.setRelease(this, n + 1);
    }

    /**
     * Writer only: appends {@code src[from .. from + n)} with one release store of the count, so a reader sees none
     * or all of them (a batch of staged postings, see {@link ShardWriter}). Grows by doubling: a tail that outgrows
     * its initial capacity belongs to a list the re-blocking has not reached, and keeps growing until it does (at a
     * million documents growing by half was ~6 % of the writer, mostly copies).
     */
    void appendAll(int[] src, int from, int n) {
        int c = count;
        int[] a = array;
        if (c + n > a.length) {
            a = ArrayGrowth.grow(a, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(c + n, 2L * a.length)));
            ARRAY.setRelease(this, a);
        }
        System.arraycopy(src, from, a, c, n);
        COUNT.setRelease(this, c + n);
    }

    /** Reader: the published count; read it before {@link #array()}. */
    int count() {
        return (int) COUNT.getAcquire(this);
    }

    /** Reader: an array holding at least the first {@link #count()} elements read before it. */
    int[] array() {
        return (int[]) ARRAY.getAcquire(this);
    }

    /** Writer: count without a fence. */
    int writerCount() {
        return count;
    }

    /** Writer: array without a fence. */
    int[] writerArray() {
        return array;
    }
}
