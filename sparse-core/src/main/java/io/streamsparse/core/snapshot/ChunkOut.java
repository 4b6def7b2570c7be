package io.streamsparse.core.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable little-endian byte buffer holding one version-4 chunk while it is encoded (its length goes before its
 * bytes). Reused from chunk to chunk.
 */
final class ChunkOut {
    private byte[] buf = new byte[1 << 16];
    private int pos;

    void reset() {
        pos = 0;
    }

    int size() {
        return pos;
    }

    private void room(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(pos + n, buf.length * 2));
        }
    }

    void varint(int v) {
        room(5);
        pos = Varints.encode(buf, pos, v);
    }

    void f32(float v) {
        room(4);
        int bits = Float.floatToRawIntBits(v);
        buf[pos++] = (byte) bits;
        buf[pos++] = (byte) (bits >>> 8);
        buf[pos++] = (byte) (bits >>> 16);
        buf[pos++] = (byte) (bits >>> 24);
    }

    void bytes(byte[] src, int off, int len) {
        room(len);
        System.arraycopy(src, off, buf, pos, len);
        pos += len;
    }

    void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(b.length);
        bytes(b, 0, b.length);
    }

    /** Strictly ascending non-negative ints {@code a[from .. to)} as deltas, the first from -1. */
    void ascending(int[] a, int from, int to) {
        int prev = -1;
        for (int i = from; i < to; i++) {
            varint(a[i] - prev);
            prev = a[i];
        }
    }

    void writeTo(LittleEndianOut out) throws IOException {
        out.bytes(buf, 0, pos);
    }
}
