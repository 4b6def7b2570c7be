package io.streamsparse.core.snapshot;

/**
 * The snapshot's varint: a non-negative int in 7-bit groups, low group first, at most 5 bytes. One codec for the
 * in-memory chunks of version 4 ({@link ChunkIn}) and the buffered stream of versions 1-3 ({@link LittleEndianIn}).
 */
final class Varints {
    /** Returned for a varint longer than 5 bytes or one whose value overflows an int. */
    static final long MALFORMED = -1;
    /** Returned when {@code end} comes before the varint's last byte. */
    static final long TRUNCATED = -2;

    private Varints() {
    }

    /** Writes {@code v} (as unsigned) at {@code bytes[pos]}, which has room for 5 bytes; returns the position after. */
    static int encode(byte[] bytes, int pos, int v) {
        int p = pos;
        while ((v & ~0x7f) != 0) {
            bytes[p++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        bytes[p++] = (byte) v;
        return p;
    }

    /**
     * Decodes the varint at {@code bytes[pos]}, reading no byte at or past {@code end}.
     *
     * @return the position after it in the high 32 bits and the value in the low 32 (both non-negative), or
     *         {@link #MALFORMED} or {@link #TRUNCATED}; a packed long keeps the restore hot loop free of allocation
     */
    static long decode(byte[] bytes, int pos, int end) {
        int p = pos;
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (p == end) {
                return TRUNCATED;
            }
            int x = bytes[p++];
            result |= (x & 0x7f) << shift;
            if (x >= 0) {
                return result < 0 ? MALFORMED : (long) p << 32 | result;
            }
        }
        return MALFORMED;
    }

    static int value(long decoded) {
        return (int) decoded;
    }

    static int next(long decoded) {
        return (int) (decoded >>> 32);
    }
}
