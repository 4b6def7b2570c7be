package io.streamsparse.core.index;

import java.util.Arrays;

/**
 * The one place that sizes the engine's reusable primitive arrays. {@code scratch} returns an array of at least the
 * requested length whose contents do not matter (per-thread buffers reused call after call); {@code grow} keeps the
 * contents (append-only arrays). Both grow by at least half the current length, so n appends cost O(n) copying.
 * Growable lists that are built and then frozen use HPPC's {@code IntArrayList} and friends instead.
 */
final class ArrayGrowth {

    private ArrayGrowth() {
    }

    /** Next capacity for {@code current} elements needing {@code min}: ×1.5, at least {@code min} and 8. */
    static int capacity(int current, int min) {
        long cap = Math.max(Math.max(8, min), (long) current + (current >>> 1));
        if (min > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("array of " + min + " elements is too large");
        }
        return (int) Math.min(Integer.MAX_VALUE - 16, cap);
    }

    static int[] scratch(int[] a, int min) {
        return a.length >= min ? a : new int[capacity(a.length, min)];
    }

    static long[] scratch(long[] a, int min) {
        return a.length >= min ? a : new long[capacity(a.length, min)];
    }

    static float[] scratch(float[] a, int min) {
        return a.length >= min ? a : new float[capacity(a.length, min)];
    }

    static int[] grow(int[] a, int min) {
        return a.length >= min ? a : Arrays.copyOf(a, capacity(a.length, min));
    }

    static long[] grow(long[] a, int min) {
        return a.length >= min ? a : Arrays.copyOf(a, capacity(a.length, min));
    }

    static float[] grow(float[] a, int min) {
        return a.length >= min ? a : Arrays.copyOf(a, capacity(a.length, min));
    }

    static byte[] grow(byte[] a, int min) {
        return a.length >= min ? a : Arrays.copyOf(a, capacity(a.length, min));
    }

    static <T> T[] grow(T[] a, int min) {
        return a.length >= min ? a : Arrays.copyOf(a, capacity(a.length, min));
    }
}
