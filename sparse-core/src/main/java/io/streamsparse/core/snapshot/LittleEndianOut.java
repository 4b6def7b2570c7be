package io.streamsparse.core.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Buffered little-endian writer that keeps a running CRC-32 of everything written. */
final class LittleEndianOut {
    private final OutputStream out;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private final CRC32 crc = new CRC32();

    LittleEndianOut(OutputStream out) {
        this.out = out;
    }

    private void room(int n) throws IOException {
        if (pos + n > buf.length) {
            flushBuffer();
        }
    }

    private void flushBuffer() throws IOException {
        crc.update(buf, 0, pos);
        out.write(buf, 0, pos);
        pos = 0;
    }

    void u8(int v) throws IOException {
        room(1);
        buf[pos++] = (byte) v;
    }

    void i32(int v) throws IOException {
        room(4);
        buf[pos++] = (byte) v;
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 24);
    }

    void i64(long v) throws IOException {
        i32((int) v);
        i32((int) (v >>> 32));
    }

    void f32(float v) throws IOException {
        i32(Float.floatToRawIntBits(v));
    }

    void varint(int v) throws IOException {
        room(5);
        pos = Varints.encode(buf, pos, v);
    }

    void bytes(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (pos == buf.length) {
                flushBuffer();
            }
            int n = Math.min(len, buf.length - pos);
            System.arraycopy(b, off, buf, pos, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    void string(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(b.length);
        bytes(b, 0, b.length);
    }

    /** Writes the CRC of everything so far (itself excluded) and flushes. */
    /** Writes out everything buffered (no CRC: for a section whose bytes go into another stream). */
    void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    void finishWithCrc() throws IOException {
        flushBuffer();
        int c = (int) crc.getValue();
        i32(c);
        out.write(buf, 0, pos);
        pos = 0;
        out.flush();
    }
}
