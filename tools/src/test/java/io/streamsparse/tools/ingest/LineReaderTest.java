package io.streamsparse.tools.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static List<String> lines(InputStream in, int max) throws IOException {
        LineReader reader = new LineReader(in, max);
        List<String> out = new ArrayList<>();
        long length;
        while ((length = reader.next()) >= 0) {
            out.add(reader.truncated() ? "<" + length + ">"
                    : new String(reader.line(), 0, reader.length(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<String> lines(String text, int max) throws IOException {
        return lines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
    }

    @Test
    void splitsOnLineFeedOnly() throws IOException {
        assertEquals(List.of("a", "", "b\r", "c"), lines("a\n\nb\r\nc", 100));
        assertEquals(List.of("a", "b"), lines("a\nb\n", 100));
        assertEquals(List.of(), lines("", 100));
        assertEquals(List.of(""), lines("\n", 100));
    }

    @Test
    void dropsAByteOrderMarkAtTheStartOnly() throws IOException {
        assertEquals(List.of("a", "\uFEFFb"), lines("\uFEFFa\n\uFEFFb", 100));
        assertEquals(List.of(), lines("\uFEFF", 100));
        // a stream that hands out one byte per read
        byte[] bytes = "\uFEFFx\ny".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("x", "y"), lines(new OneByteAtATime(bytes), 100));
    }

    @Test
    void longLinesAreMeasuredButNotKept() throws IOException {
        assertEquals(List.of("abc", "<5>", "", "abcd"), lines("abc\nabcde\n\nabcd", 4));
        assertEquals(List.of("abcd", "<5>", "x"), lines("abcd\nabcde\nx", 4));
    }

    @Test
    void linesLongerThanTheReadChunkSurviveIntact() throws IOException {
        Random random = new Random(7);
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = random.nextInt(200_000);
            String line = "x".repeat(n) + i;
            expected.add(line);
            text.append(line).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        LineReader reader = new LineReader(new ByteArrayInputStream(bytes), 1 << 20);
        List<String> got = new ArrayList<>();
        while (reader.next() >= 0) {
            assertFalse(reader.truncated());
            got.add(new String(reader.line(), 0, reader.length(), StandardCharsets.UTF_8));
        }
        assertEquals(expected, got);
        assertEquals(bytes.length, reader.bytesRead());
    }

    @Test
    void countsBytesRead() throws IOException {
        LineReader reader = new LineReader(new ByteArrayInputStream("ab\ncd\n".getBytes(StandardCharsets.UTF_8)), 10);
        assertEquals(2, reader.next());
        assertTrue(reader.bytesRead() >= 3);
        assertEquals(2, reader.next());
        assertEquals(-1, reader.next());
        assertEquals(6, reader.bytesRead());
    }

    private static final class OneByteAtATime extends InputStream {
        private final byte[] bytes;
        private int pos;

        OneByteAtATime(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= bytes.length) {
                return -1;
            }
            b[off] = bytes[pos++];
            return 1;
        }
    }
}
