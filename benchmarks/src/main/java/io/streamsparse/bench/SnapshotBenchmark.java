package io.streamsparse.bench;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardImage;
import io.streamsparse.core.index.ShardIndex;
import io.streamsparse.core.snapshot.SnapshotReader;
import io.streamsparse.core.snapshot.SnapshotWriter;
import io.streamsparse.core.synthetic.SyntheticCorpus;
import io.streamsparse.core.vector.VectorsFile;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * How long a shard of N documents takes to snapshot and to come back from its snapshot: the restart path of the
 * index service (load the newest snapshot, then replay only what followed it). Synthetic SPLADE-like documents
 * (the same seeded generator as {@link IndexBenchmark}); the snapshot is written the way the service writes it
 * (buffered, then forced to disk) and read back through the CRC-checking reader, and the restored index must have
 * the same content digest as the original. {@code --vectors FILE} builds from the first {@code --docs} records of a
 * {@link VectorsFile} of real vectors instead (the default model's documents fill more terms than the generator's).
 *
 * <p>Run: {@code java -Xmx12g -cp benchmarks/target/benchmarks.jar io.streamsparse.bench.SnapshotBenchmark
 * --docs 1000000 [--dir /tmp] [--vectors FILE [--data NAME]]}. Ends with {@code RESULT snapshot docs=.. bytes=..
 * image_ms=.. write_ms=.. restore_ms=.. restore_runs=.. data=..} ({@code data=synthetic}, {@code --data} or the
 * vectors file's name up to its first dot).
 *
 * <p>For iterating on the restore path without the minutes of bulk loading: {@code --keep FILE} keeps the written
 * snapshot, and {@code --from FILE} starts from a kept snapshot (any format version) instead of building, then
 * snapshots and restores it as above in the current version (its image and write times are then those of a restored
 * index, not of a built one: quote the full run's).
 */
public final class SnapshotBenchmark {

    private SnapshotBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int docs = 1_000_000;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        int runs = 3;
        Path keep = null;
        Path from = null;
        Path vectors = null;
        String data = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--docs" -> docs = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--keep" -> keep = Path.of(args[++i]);
                case "--from" -> from = Path.of(args[++i]);
                case "--vectors" -> vectors = Path.of(args[++i]);
                case "--data" -> data = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (usage: --docs N --dir DIR --runs N --keep FILE --from FILE --vectors FILE --data NAME)");
            }
        }
        if (from != null && vectors != null) {
            throw new IllegalArgumentException("--from and --vectors exclude each other");
        }
        ShardIndex index = from != null ? restore(from) : vectors != null ? build(vectors, docs) : build(docs);
        if (data == null) {
            data = from != null ? "snapshot" : vectors != null ? BenchOptions.fileStem(vectors) : "synthetic";
        }
        docs = index.liveDocuments();

        long t1 = System.nanoTime();
        ShardImage image = index.image();
        long imageMs = (System.nanoTime() - t1) / 1_000_000;
        Path file = Files.createTempFile(dir, "snapshot-bench", ".snap");
        try {
            long t2 = System.nanoTime();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                SnapshotWriter.write(image, out);
                out.flush();
                channel.force(true);
            }
            long writeMs = (System.nanoTime() - t2) / 1_000_000;
            long bytes = Files.size(file);
            System.out.printf("image %d ms, write+fsync %d ms, %,d bytes (%.1f bytes/posting)%n", imageMs, writeMs,
                    bytes, bytes / (double) index.stats().forwardPostings());

            byte[] digest = index.contentDigest();
            image = null;
            index = null;
            // on a thread named "restore", so that a JFR recording splits restores from the build (JfrSummary)
            ExecutorService restoreThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "restore"));
            long[] restoreMs;
            int restoreRuns = runs;
            try {
                restoreMs = restoreThread.submit(() -> restores(file, restoreRuns, digest)).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("restore failed", e.getCause());
            } finally {
                restoreThread.shutdown();
            }
            Arrays.sort(restoreMs);
            System.out.printf("RESULT snapshot docs=%d bytes=%d image_ms=%d write_ms=%d restore_ms=%d restore_runs=%d "
                    + "data=%s%n", docs, bytes, imageMs, writeMs, restoreMs[runs / 2], runs, data);
        } finally {
            if (keep != null) {
                Files.move(file, keep, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Bulk load the way the index service does: deferred re-blocking, then one compact(). */
    private static ShardIndex build(int docs) {
        SyntheticCorpus corpus = new SyntheticCorpus(42);
        long t0 = System.nanoTime();
        ShardIndex index = new ShardIndex(IndexConfig.defaults().withReblockMode(IndexConfig.ReblockMode.DEFERRED));
        for (int i = 0; i < docs; i++) {
            index.upsert(i, corpus.docId(i), corpus.document(i));
        }
        index.compact();
        System.out.printf("built %,d docs in %.1f s (%,d postings)%n", docs, (System.nanoTime() - t0) / 1e9,
                index.stats().forwardPostings());
        return index;
    }

    /** The same bulk load over the first {@code docs} records of a vectors file, keyed by their record keys. */
    private static ShardIndex build(Path vectors, int docs) throws IOException {
        List<VectorsFile.Entry> entries = VectorsFile.read(vectors, docs);
        long t0 = System.nanoTime();
        ShardIndex index = new ShardIndex(IndexConfig.defaults().withReblockMode(IndexConfig.ReblockMode.DEFERRED));
        for (int i = 0; i < entries.size(); i++) {
            index.upsert(i, entries.get(i).key(), entries.get(i).document());
        }
        index.compact();
        System.out.printf("built %,d docs of %s in %.1f s (%,d postings)%n", entries.size(), vectors,
                (System.nanoTime() - t0) / 1e9, index.stats().forwardPostings());
        return index;
    }

    private static ShardIndex restore(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ShardIndex index = SnapshotReader.read(in);
            System.out.printf("restored %,d docs from %s (%,d postings)%n", index.liveDocuments(), file,
                    index.stats().forwardPostings());
            return index;
        }
    }

    /** Restores {@code file} {@code runs} times, checking each against {@code digest}; returns the times in ms. */
    private static long[] restores(Path file, int runs, byte[] digest) throws IOException {
        long[] restoreMs = new long[runs];
        for (int r = 0; r < runs; r++) {
            System.gc();
            long t3 = System.nanoTime();
            ShardImage read;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                read = SnapshotReader.readImage(in); // what SnapshotReader.read does, in two timed steps
            }
            long t4 = System.nanoTime();
            ShardIndex restored = ShardIndex.fromImage(read);
            long t5 = System.nanoTime();
            read = null;
            restoreMs[r] = (t5 - t3) / 1_000_000;
            if (!Arrays.equals(digest, restored.contentDigest())) {
                throw new IllegalStateException("restored index differs from the original");
            }
            System.out.printf("restore run %d: %d ms (read + CRC + decode %d ms, index from image %d ms; %,d live "
                    + "docs)%n", r + 1, restoreMs[r], (t4 - t3) / 1_000_000, (t5 - t4) / 1_000_000,
                    restored.liveDocuments());
        }
        return restoreMs;
    }
}
