package io.streamsparse.core.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class VarintsTest {

    @Test
    void roundTripsEveryLengthAndTheExtremes() {
        int[] values = {0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455, 268_435_456,
                Integer.MAX_VALUE};
        int[] lengths = {1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
        byte[] buf = new byte[5 * values.length];
        int end = 0;
        for (int i = 0; i < values.length; i++) {
            int next = Varints.encode(buf, end, values[i]);
            assertEquals(lengths[i], next - end, "length of " + values[i]);
            end = next;
        }
        int pos = 0;
        for (int value : values) {
            long decoded = Varints.decode(buf, pos, end);
            assertEquals(value, Varints.value(decoded));
            pos = Varints.next(decoded);
        }
        assertEquals(end, pos);
    }

    @Test
    void randomValuesRoundTrip() {
        Random rnd = new Random(7);
        byte[] buf = new byte[5];
        for (int i = 0; i < 100_000; i++) {
            int v = (rnd.nextInt() >>> 1) >>> rnd.nextInt(31); // non-negative, every length
            int end = Varints.encode(buf, 0, v);
            long decoded = Varints.decode(buf, 0, end);
            assertEquals(v, Varints.value(decoded));
            assertEquals(end, Varints.next(decoded));
        }
    }

    @Test
    void rejectsOverlongOverflowingAndTruncatedInput() {
        byte[] sixBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
        assertEquals(Varints.MALFORMED, Varints.decode(sixBytes, 0, sixBytes.length));
        byte[] overflow = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}; // 2^32 - 1: negative as int
        assertEquals(Varints.MALFORMED, Varints.decode(overflow, 0, overflow.length));
        byte[] cut = {(byte) 0x80, (byte) 0x80};
        assertEquals(Varints.TRUNCATED, Varints.decode(cut, 0, cut.length));
        assertEquals(Varints.TRUNCATED, Varints.decode(new byte[] {0x05}, 1, 1));
    }
}
