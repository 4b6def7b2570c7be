package io.streamsparse.core.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

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

    @SuppressWarnings("unused") // accessed through ARRAY
    private int[] array;
    @SuppressWarnings("unused") // accessed through COUNT
    private int count;

    IntTail() {
        this.array = new int[4];
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
            a = Arrays.copyOf(a, Math.max(8, n + (n >>> 1)));
            ARRAY.setRelease(this, a);
        }
        a[n] = value;
        COUNT.setRelease(this, n + 1);
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
