package io.streamsparse.tools.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines on {@code '\n'} without decoding (the JSON parser validates UTF-8 itself), so a
 * line with invalid UTF-8 is rejected instead of being silently repaired by a {@code Reader}.
 *
 * <p>Invariants: {@link #line()} holds the current line's bytes in {@code [0, length)} without the {@code '\n'}
 * (a {@code '\r'} before it stays; JSON treats it as whitespace); a UTF-8 byte order mark at the very start of
 * the stream is dropped; the last line needs no terminating {@code '\n'}, and a final {@code '\n'} does not make
 * an extra empty line. A line longer than {@code maxLineBytes} is consumed to its end but not kept:
 * {@link #next()} returns its full length and {@link #truncated()} is true. {@link #bytesRead()} counts every byte
 * consumed from the stream, for progress reporting.
 */
final class LineReader {

    private static final int CHUNK = 1 << 16;

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] chunk = new byte[CHUNK];
    private int chunkPos;
    private int chunkEnd;
    private byte[] line = new byte[1024];
    private int keptLength;
    private boolean truncated;
    private long bytesRead;
    private boolean first = true;
    private boolean eof;

    LineReader(InputStream in, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive, got " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** Reads the next line; returns its length in bytes (possibly more than was kept), or -1 at end of input. */
    long next() throws IOException {
        long length = 0;
        int kept = 0;
        truncated = false;
        boolean any = false;
        while (true) {
            if (chunkPos == chunkEnd && !fill()) {
                if (!any) {
                    return -1;
                }
                return finish(length, kept);
            }
            if (first) {
                first = false;
                if (skipBom()) {
                    continue;
                }
            }
            any = true;
            // invariant: chunk[chunkPos, i) holds no '\n' and belongs to the current line
            int i = chunkPos;
            while (i < chunkEnd && chunk[i] != '\n') {
                i++;
            }
            int n = i - chunkPos;
            if (!truncated) {
                if (kept + (long) n > maxLineBytes) {
                    truncated = true;
                } else {
                    ensure(kept + n);
                    System.arraycopy(chunk, chunkPos, line, kept, n);
                    kept += n;
                }
            }
            length += n;
            chunkPos = i;
            if (i < chunkEnd) {
                chunkPos++; // the '\n'
                return finish(length, kept);
            }
        }
    }

    private long finish(long length, int kept) {
        this.keptLength = truncated ? 0 : kept;
        return length;
    }

    /** The current line's bytes, valid in {@code [0, length())} until the next call of {@link #next()}. */
    byte[] line() {
        return line;
    }

    /** Bytes of the current line that were kept (0 when {@link #truncated()}). */
    int length() {
        return keptLength;
    }

    /** Whether the current line was longer than {@code maxLineBytes} and therefore not kept. */
    boolean truncated() {
        return truncated;
    }

    /** Bytes consumed from the stream so far. */
    long bytesRead() {
        return bytesRead;
    }

    private boolean fill() throws IOException {
        int n = 0;
        while (!eof && n == 0) {
            n = in.read(chunk, 0, CHUNK);
            eof = n < 0;
        }
        if (eof) {
            return false;
        }
        chunkPos = 0;
        chunkEnd = n;
        bytesRead += n;
        return true;
    }

    /** Drops a UTF-8 BOM at the start of the stream; true if one was dropped and the chunk may be empty now. */
    private boolean skipBom() throws IOException {
        // the BOM may straddle reads only for tiny reads; gather up to 3 bytes
        while (chunkEnd - chunkPos < 3 && !eof) {
            int n = in.read(chunk, chunkEnd, CHUNK - chunkEnd);
            if (n < 0) {
                eof = true;
            } else {
                chunkEnd += n;
                bytesRead += n;
            }
        }
        if (chunkEnd - chunkPos >= 3 && (chunk[chunkPos] & 0xFF) == 0xEF && (chunk[chunkPos + 1] & 0xFF) == 0xBB
                && (chunk[chunkPos + 2] & 0xFF) == 0xBF) {
            chunkPos += 3;
            return true;
        }
        return false;
    }

    private void ensure(int capacity) {
        if (capacity > line.length) {
            line = Arrays.copyOf(line, Math.max(capacity, (int) Math.min(maxLineBytes, 2L * line.length)));
        }
    }
}
