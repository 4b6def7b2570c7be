package io.streamsparse.tools.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void barFillsInProportion() {
        assertEquals("[..........]", Progress.bar(0, 10));
        assertEquals("[#####.....]", Progress.bar(0.5, 10));
        assertEquals("[##########]", Progress.bar(1, 10));
        assertEquals("[##########]", Progress.bar(7, 10));
        assertEquals("[..........]", Progress.bar(-1, 10));
        assertEquals("[..........]", Progress.bar(Double.NaN, 10));
    }

    @Test
    void linesShowCountsRateAndSize() {
        assertEquals("[###############...............]  50%  1,000 sent  2 rejected  100 docs/s  1.0/2.0 MB",
                Progress.barLine(2_000_000, 1_000_000, 1000, 2, 10));
        assertEquals("1,000 sent  0 rejected  100 docs/s  0.5 MB read", Progress.barLine(-1, 500_000, 1000, 0, 10));
        assertEquals("progress: sent=1000 rejected=2 read=1.0/2.0 MB (50%) seconds=10.0 rate=100.0/s",
                Progress.plainLine(2_000_000, 1_000_000, 1000, 2, 10));
        assertEquals("progress: sent=3 rejected=0 read=0.0 MB seconds=0.0 rate=0.0/s",
                Progress.plainLine(-1, 10, 3, 0, 0));
    }

    @Test
    void plainModePrintsOneLinePerIntervalAndNoEscapes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress p = new Progress(err, Progress.Mode.PLAIN, 100, 0);
        p.update(1, 10, 1, 0);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
        p.update(Progress.PLAIN_INTERVAL_NANOS, 50, 5, 0);
        p.update(Progress.PLAIN_INTERVAL_NANOS + 1, 60, 6, 0);
        p.message("line 3: rejected: x");
        p.finish(2 * Progress.PLAIN_INTERVAL_NANOS, 100, 10, 1);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, out.lines().count(), out);
        assertTrue(out.startsWith("progress: sent=5 "), out);
        assertFalse(out.contains("\r") || out.contains("\u001b"), out);
    }

    @Test
    void barModeErasesTheBarBeforeAMessage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress p = new Progress(err, Progress.Mode.BAR, 100, 0);
        p.update(Progress.BAR_INTERVAL_NANOS, 50, 5, 0);
        p.message("line 3: rejected: x");
        p.finish(Progress.BAR_INTERVAL_NANOS * 2, 100, 10, 1);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("\r\u001b[Kline 3: rejected: x\n"), out);
        assertTrue(out.endsWith("\u001b[K" + System.lineSeparator()), out);
    }
}
