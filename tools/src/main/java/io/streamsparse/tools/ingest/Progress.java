package io.streamsparse.tools.ingest;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a bulk ingest on stderr: a bar redrawn in place (carriage return + erase to end of line) when stderr
 * is a terminal, otherwise one plain line every {@link #PLAIN_INTERVAL_NANOS} so that logs stay readable.
 *
 * <p>The fraction done is bytes read / input size when the size is known (a file), and unknown for stdin; the
 * rate is acknowledged records per second since the start. Messages printed between redraws go through
 * {@link #message(String)}, which erases the bar first so the two never share a line. The rendering methods are
 * pure functions of their arguments.
 */
final class Progress {

    /** How progress is shown. */
    enum Mode {
        /** A bar redrawn in place: for a terminal. */
        BAR,
        /** A plain line now and then: for logs and pipes. */
        PLAIN,
        /** Nothing but messages. */
        NONE
    }

    /** Time between two redraws of the bar. */
    static final long BAR_INTERVAL_NANOS = 200_000_000L;
    /** Time between two plain progress lines. */
    static final long PLAIN_INTERVAL_NANOS = 10_000_000_000L;
    /** Width of the bar in cells. */
    static final int BAR_WIDTH = 30;

    private final PrintStream err;
    private final Mode mode;
    private final long totalBytes;
    private final long startNanos;
    private long lastDrawNanos;
    private boolean barShown;

    /**
     * @param totalBytes input size in bytes, or a negative number when unknown (stdin)
     */
    Progress(PrintStream err, Mode mode, long totalBytes, long startNanos) {
        this.err = err;
        this.mode = mode;
        this.totalBytes = totalBytes;
        this.startNanos = startNanos;
        this.lastDrawNanos = startNanos;
    }

    /** The start of the run: rates are counted from here. */
    long startNanos() {
        return startNanos;
    }

    /** Redraws if the interval of the mode has passed since the last drawing. */
    void update(long nowNanos, long bytesRead, long sent, long rejected) {
        long interval = mode == Mode.BAR ? BAR_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS;
        if (mode == Mode.NONE || nowNanos - lastDrawNanos < interval) {
            return;
        }
        draw(nowNanos, bytesRead, sent, rejected);
    }

    /** Prints a message on its own line, erasing and later redrawing the bar around it. */
    void message(String text) {
        if (barShown) {
            err.print("\r\u001b[K");
            barShown = false;
            lastDrawNanos = 0; // redraw at the next update
        }
        err.println(text);
    }

    /** Draws the final state and ends the bar's line. */
    void finish(long nowNanos, long bytesRead, long sent, long rejected) {
        if (mode == Mode.BAR) {
            draw(nowNanos, bytesRead, sent, rejected);
            err.println();
            barShown = false;
        }
        err.flush();
    }

    private void draw(long nowNanos, long bytesRead, long sent, long rejected) {
        lastDrawNanos = nowNanos;
        double seconds = (nowNanos - startNanos) / 1e9;
        if (mode == Mode.BAR) {
            err.print("\r" + barLine(totalBytes, bytesRead, sent, rejected, seconds) + "\u001b[K");
            err.flush();
            barShown = true;
        } else {
            err.println(plainLine(totalBytes, bytesRead, sent, rejected, seconds));
        }
    }

    /** {@code [#####.....]  45%  12,345 sent  3 rejected  1,234 docs/s  12.3/27.1 MB}; no bar when size unknown. */
    static String barLine(long totalBytes, long bytesRead, long sent, long rejected, double seconds) {
        StringBuilder b = new StringBuilder(100);
        if (totalBytes > 0) {
            double fraction = Math.min(1.0, (double) bytesRead / totalBytes);
            b.append(bar(fraction, BAR_WIDTH)).append(String.format(Locale.ROOT, " %3d%%  ", (int) (fraction * 100)));
        }
        b.append(String.format(Locale.ROOT, "%,d sent  %,d rejected  %,.0f docs/s  %s", sent, rejected,
                rate(sent, seconds), megabytes(bytesRead, totalBytes)));
        return b.toString();
    }

    /** {@code progress: sent=12345 rejected=3 read=12.3/27.1 MB (45%) seconds=10.0 rate=1234.5/s}. */
    static String plainLine(long totalBytes, long bytesRead, long sent, long rejected, double seconds) {
        String percent = totalBytes > 0
                ? String.format(Locale.ROOT, " (%d%%)", (int) (Math.min(1.0, (double) bytesRead / totalBytes) * 100))
                : "";
        return String.format(Locale.ROOT, "progress: sent=%d rejected=%d read=%s%s seconds=%.1f rate=%.1f/s",
                sent, rejected, megabytes(bytesRead, totalBytes).replace(" read", ""), percent, seconds,
                rate(sent, seconds));
    }

    /** {@code [######........]} with {@code round(fraction × width)} filled cells; fraction clamped to [0, 1]. */
    static String bar(double fraction, int width) {
        double f = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
        int filled = (int) Math.round(f * width);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    /** Records per second; 0 before any time has passed. */
    static double rate(long records, double seconds) {
        return seconds > 0 ? records / seconds : 0;
    }

    private static String megabytes(long bytesRead, long totalBytes) {
        return totalBytes > 0
                ? String.format(Locale.ROOT, "%.1f/%.1f MB", bytesRead / 1e6, totalBytes / 1e6)
                : String.format(Locale.ROOT, "%.1f MB read", bytesRead / 1e6);
    }
}
