package io.streamsparse.core.snapshot;

import java.nio.charset.StandardCharsets;

/**
 * A little-endian cursor over one version-4 chunk held in memory ({@code bytes[pos .. end)}), for a decoder thread.
 * Every read is checked against the chunk's end, so corrupt lengths throw {@link IllegalArgumentException} instead of
 * reading past the chunk or allocating more than the chunk's bytes could hold.
 */
final class ChunkIn {
    private final byte[] bytes;
    private final int end;
    private final String what;
    private int pos;

    ChunkIn(byte[] bytes, String what) {
        this.bytes = bytes;
        this.end = bytes.length;
        this.what = what;
    }

    int remaining() {
        return end - pos;
    }

    /** Throws unless at least {@code n} bytes are left: a count that promises more items than bytes is corrupt. */
    void need(long n) {
        if (n > end - pos || n < 0) {
            throw new IllegalArgumentException(what + " chunk truncated: " + n + " bytes needed at byte " + pos
                    + " of " + end);
        }
    }

    /** Throws unless every byte of the chunk was consumed. */
    void expectEnd() {
        if (pos != end) {
            throw new IllegalArgumentException(what + " chunk has " + (end - pos) + " bytes after its content");
        }
    }

    int varint() {
        long decoded = Varints.decode(bytes, pos, end);
        if (decoded < 0) {
            throw new IllegalArgumentException((decoded == Varints.TRUNCATED ? "truncated" : "malformed")
                    + " varint at byte " + pos + " of a " + what + " chunk");
        }
        pos = Varints.next(decoded);
        return Varints.value(decoded);
    }

    int u8() {
        need(1);
        return bytes[pos++] & 0xff;
    }

    float f32() {
        need(4);
        byte[] b = bytes;
        int p = pos;
        pos = p + 4;
        return Float.intBitsToFloat(
                (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24);
    }

    void bytes(byte[] dst, int off, int len) {
        need(len);
        System.arraycopy(bytes, pos, dst, off, len);
        pos += len;
    }

    /** A {@code byteLength:varint utf8Bytes} string, made straight from the chunk's bytes. */
    String string() {
        int len = varint();
        need(len);
        String s = new String(bytes, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }
}
