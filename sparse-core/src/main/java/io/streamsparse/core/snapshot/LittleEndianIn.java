package io.streamsparse.core.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Buffered little-endian reader keeping a running CRC-32 of every byte consumed. */
final class LittleEndianIn {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private final CRC32 crc = new CRC32();
    private long consumed;
    private int crcPos;

    LittleEndianIn(InputStream in) {
        this.in = in;
    }

    /** True when the underlying stream has no more bytes. */
    boolean atEnd() throws IOException {
        return pos == limit && !fill();
    }

    private boolean fill() throws IOException {
        crc.update(buf, crcPos, limit - crcPos);
        crcPos = 0;
        pos = 0;
        limit = 0;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        limit = n;
        return true;
    }

    int u8() throws IOException {
        if (pos == limit && !fill()) {
            throw new IllegalArgumentException("snapshot truncated after " + consumed + " bytes");
        }
        consumed++;
        return buf[pos++] & 0xff;
    }

    int i32() throws IOException {
        if (limit - pos >= 4) { // fast path: the whole value is in the buffer
            byte[] b = buf;
            int p = pos;
            pos = p + 4;
            consumed += 4;
            return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
        }
        return u8() | u8() << 8 | u8() << 16 | u8() << 24;
    }

    long i64() throws IOException {
        return (i32() & 0xffffffffL) | (long) i32() << 32;
    }

    float f32() throws IOException {
        return Float.intBitsToFloat(i32());
    }

    int varint() throws IOException {
        if (limit - pos >= 5) { // fast path: a varint is at most 5 bytes, all in the buffer (restore reads ~10^8)
            long decoded = Varints.decode(buf, pos, limit);
            if (decoded == Varints.MALFORMED) {
                throw new IllegalArgumentException("malformed varint at byte " + consumed);
            }
            consumed += Varints.next(decoded) - pos;
            pos = Varints.next(decoded);
            return Varints.value(decoded);
        }
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = u8();
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (result < 0) {
                    throw new IllegalArgumentException("varint overflows int at byte " + consumed);
                }
                return result;
            }
        }
        throw new IllegalArgumentException("varint longer than 5 bytes at byte " + consumed);
    }

    void bytes(byte[] dst, int off, int len) throws IOException {
        while (len > 0) {
            if (pos == limit && !fill()) {
                throw new IllegalArgumentException("snapshot truncated after " + consumed + " bytes");
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            off += n;
            len -= n;
            consumed += n;
        }
    }

    String string(int maxBytes) throws IOException {
        int len = varint();
        if (len > maxBytes) {
            throw new IllegalArgumentException("string of " + len + " bytes exceeds the limit " + maxBytes);
        }
        byte[] b = new byte[len];
        bytes(b, 0, len);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** CRC of every byte consumed so far. */
    int crcSoFar() {
        crc.update(buf, crcPos, pos - crcPos);
        crcPos = pos;
        return (int) crc.getValue();
    }

    long consumed() {
        return consumed;
    }
}
