package io.streamsparse.tools.eval;

import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.encoder.SparseEncoder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Encodes many texts with one {@link SparseEncoder} on several threads, reusing and filling a {@link VectorCache}.
 *
 * <p>Texts whose key is cached are not encoded. The others are ordered by length (longest first, so the last
 * chunks are short and the threads finish together) and cut into chunks of {@code chunk} texts; each of
 * {@code threads} workers encodes a chunk in one {@code encode} call (the encoder length-sorts and batches inside
 * it) and appends the chunk to the cache before taking the next, so an interrupted run loses at most the chunks in
 * flight. The calling thread prints a progress line every {@code progressNanos}. Results land in {@code out} by
 * index; a text's vector does not depend on its chunk (the encoder's contract).
 */
final class ParallelEncoding {

    /** Default texts per {@code encode} call. */
    static final int DEFAULT_CHUNK = 64;
    /** Default interval between progress lines: 10 s. */
    static final long DEFAULT_PROGRESS_NANOS = 10_000_000_000L;

    /** What one run did. */
    record Stats(int total, int fromCache, int encoded, long truncated, double seconds) {
        double textsPerSecond() {
            return seconds > 0 ? encoded / seconds : Double.NaN;
        }
    }

    /** Opens the encoder; called only when some text is not cached, and the encoder is closed after the run. */
    interface EncoderOpener {
        SparseEncoder open();
    }

    /** Turns a freshly encoded text into its cache record value (codec bytes). */
    interface RecordValue {
        byte[] bytes(int index, SparseVector vector);
    }

    private ParallelEncoding() {
    }

    /**
     * Fills {@code out[i]} with the vector of {@code texts.get(i)}, from {@code cache} (may be null) when it holds
     * {@code keys.get(i)}, else by encoding with the encoder {@code opener} opens (only when something is
     * missing).
     */
    static Stats encode(EncoderOpener opener, List<String> keys, List<String> texts, VectorCache cache,
            RecordValue recordValue, SparseVector[] out, int threads, int chunk, PrintStream log, String what,
            long progressNanos) throws IOException, InterruptedException {
        if (keys.size() != texts.size() || out.length != texts.size()) {
            throw new IllegalArgumentException("keys, texts and out differ in size: " + keys.size() + ", "
                    + texts.size() + ", " + out.length);
        }
        if (threads < 1 || chunk < 1) {
            throw new IllegalArgumentException("threads and chunk must be >= 1, were " + threads + ", " + chunk);
        }
        int n = texts.size();
        int[] todo = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            SparseVector cached = cache == null ? null : cache.get(keys.get(i));
            if (cached != null) {
                out[i] = cached;
            } else {
                todo[m++] = i;
            }
        }
        int fromCache = n - m;
        if (m == 0) {
            return new Stats(n, fromCache, 0, 0, 0);
        }
        // longest first: pack (length desc, index asc) into longs and sort
        long[] packed = new long[m];
        for (int i = 0; i < m; i++) {
            packed[i] = ((long) (Integer.MAX_VALUE - texts.get(todo[i]).length()) << 32) | todo[i];
        }
        Arrays.sort(packed);
        log.printf(Locale.ROOT, "encoding %s: %d texts (%d cached) on %d threads%n", what, m, fromCache, threads);
        try (SparseEncoder encoder = opener.open()) {
            long encodeStart = System.nanoTime(); // the rate excludes opening (session creation, warm-up)
            long truncated = run(encoder, keys, texts, cache, recordValue, out, threads, chunk, log, what,
                    progressNanos, packed, m, encodeStart);
            return new Stats(n, fromCache, m, truncated, (System.nanoTime() - encodeStart) / 1e9);
        }
    }

    private static long run(SparseEncoder encoder, List<String> keys, List<String> texts, VectorCache cache,
            RecordValue recordValue, SparseVector[] out, int threads, int chunk, PrintStream log, String what,
            long progressNanos, long[] packed, int m, long start) throws IOException, InterruptedException {
        long truncatedBefore = encoder.truncatedTexts();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "encode-" + what);
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int from = 0; from < m; from += chunk) {
                int lo = from;
                int hi = Math.min(m, from + chunk);
                futures.add(pool.submit(() -> {
                    encodeChunk(encoder, keys, texts, cache, recordValue, out, packed, lo, hi);
                    done.addAndGet(hi - lo);
                    return null;
                }));
            }
            pool.shutdown();
            long lastLine = System.nanoTime();
            while (!pool.awaitTermination(200, TimeUnit.MILLISECONDS)) {
                failFast(futures);
                long now = System.nanoTime();
                if (now - lastLine >= progressNanos) {
                    lastLine = now;
                    log.println(progressLine(what, done.get(), m, (now - start) / 1e9));
                }
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("encoding " + what + " failed", cause);
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        log.println(progressLine(what, m, m, seconds));
        return encoder.truncatedTexts() - truncatedBefore;
    }

    private static void encodeChunk(SparseEncoder encoder, List<String> keys, List<String> texts, VectorCache cache,
            RecordValue recordValue, SparseVector[] out, long[] packed, int lo, int hi) {
        List<String> batch = new ArrayList<>(hi - lo);
        for (int j = lo; j < hi; j++) {
            batch.add(texts.get((int) packed[j]));
        }
        List<SparseVector> vectors = encoder.encode(batch);
        List<String> batchKeys = new ArrayList<>(hi - lo);
        List<byte[]> values = new ArrayList<>(hi - lo);
        for (int j = lo; j < hi; j++) {
            int i = (int) packed[j];
            SparseVector v = vectors.get(j - lo);
            out[i] = v;
            if (cache != null) {
                batchKeys.add(keys.get(i));
                values.add(recordValue.bytes(i, v));
            }
        }
        if (cache != null) {
            try {
                cache.append(batchKeys, values, vectors);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + cache.file(), e);
            }
        }
    }

    private static void failFast(List<Future<?>> futures) throws ExecutionException, InterruptedException {
        for (Future<?> f : futures) {
            if (f.isDone()) {
                try {
                    f.get(0, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    static String progressLine(String what, int done, int total, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 && done < total ? ", eta " + duration((total - done) / rate) : "";
        return String.format(Locale.ROOT, "encoding %s: %d/%d (%.1f%%) %.1f texts/s, %s elapsed%s", what, done,
                total, total == 0 ? 100.0 : 100.0 * done / total, rate, duration(seconds), eta);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s / 60) % 60) + "m";
    }
}
