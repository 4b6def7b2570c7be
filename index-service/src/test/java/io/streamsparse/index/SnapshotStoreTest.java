package io.streamsparse.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardIndex;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {

    @TempDir
    Path root;

    private static ShardIndex indexWith(int docs, long seed) {
        Random rnd = new Random(seed);
        ShardIndex index = new ShardIndex(IndexConfig.defaults());
        for (int i = 0; i < docs; i++) {
            int[] terms = rnd.ints(0, 30522).distinct().limit(1 + rnd.nextInt(40)).toArray();
            float[] weights = new float[terms.length];
            for (int j = 0; j < weights.length; j++) {
                weights[j] = 0.05f + rnd.nextFloat() * 3f;
            }
            index.upsert(i, "d" + (i % (docs / 2 + 1)), new EncodedDocument("t" + i, "s", Map.of("f", "v" + i % 3),
                    SparseVector.of(terms, weights)));
        }
        return index;
    }

    @Test
    void roundTripKeepsContentAndOffset() {
        SnapshotStore store = new SnapshotStore(root, 3, 2);
        ShardIndex index = indexWith(300, 1);
        Path file = store.save(index.image());
        assertThat(file.getFileName().toString()).isEqualTo("snapshot-00000000000000000299.snap");
        assertThat(SnapshotStore.offsetOf(file)).isEqualTo(299);
        SnapshotStore.Loaded loaded = store.loadNewest();
        assertThat(loaded.skippedCorrupt()).isZero();
        assertThat(loaded.index().appliedOffset()).isEqualTo(299);
        assertThat(loaded.index().contentDigest()).isEqualTo(index.contentDigest());
    }

    @Test
    void emptyDirectoryLoadsNothing() {
        SnapshotStore.Loaded loaded = new SnapshotStore(root, 0, 2).loadNewest();
        assertThat(loaded.index()).isNull();
        assertThat(loaded.skippedCorrupt()).isZero();
    }

    @Test
    void corruptOrTruncatedNewestFallsBackToAnOlderOne() throws Exception {
        SnapshotStore store = new SnapshotStore(root, 0, 5);
        ShardIndex older = indexWith(100, 2);
        store.save(older.image());
        Path truncated = store.save(indexWith(200, 3).image());
        Path flipped = store.save(indexWith(300, 4).image());
        try (RandomAccessFile f = new RandomAccessFile(flipped.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x10);
        }
        try (RandomAccessFile f = new RandomAccessFile(truncated.toFile(), "rw")) {
            f.setLength(f.length() - 7);
        }
        SnapshotStore.Loaded loaded = store.loadNewest();
        assertThat(loaded.skippedCorrupt()).isEqualTo(2);
        assertThat(loaded.index().appliedOffset()).isEqualTo(99);
        assertThat(loaded.index().contentDigest()).isEqualTo(older.contentDigest());
    }

    @Test
    void aCorruptSnapshotIsMovedAsideSoRetentionKeepsTheIntactFallback() throws Exception {
        SnapshotStore store = new SnapshotStore(root, 0, 2);
        ShardIndex older = indexWith(100, 6);
        Path intact = store.save(older.image());
        Path corrupt = store.save(indexWith(200, 7).image());
        Files.write(corrupt, new byte[] {'S', 'S', 'N', 'P', 1, 0, 0});
        assertThat(store.loadNewest().skippedCorrupt()).isEqualTo(1);
        assertThat(corrupt).doesNotExist();
        assertThat(corrupt.resolveSibling(corrupt.getFileName() + SnapshotStore.CORRUPT_SUFFIX)).exists();

        // the shard restored `older`, replayed, and snapshots again: retain 2 keeps that and the intact fallback
        store.save(indexWith(300, 8).image());
        assertThat(store.snapshotsNewestFirst()).containsExactly(
                store.directory().resolve("snapshot-00000000000000000299.snap"), intact);
        SnapshotStore.Loaded again = store.loadNewest();
        assertThat(again.skippedCorrupt()).isZero();
        assertThat(again.index().appliedOffset()).isEqualTo(299);
    }

    @Test
    void allCorruptMeansReplayFromTheStart() throws Exception {
        SnapshotStore store = new SnapshotStore(root, 0, 2);
        Path file = store.save(indexWith(50, 5).image());
        Files.write(file, new byte[] {'S', 'S', 'N', 'P', 1, 0, 0});
        SnapshotStore.Loaded loaded = store.loadNewest();
        assertThat(loaded.index()).isNull();
        assertThat(loaded.skippedCorrupt()).isEqualTo(1);
    }

    @Test
    void keepsTheNewestRetainedAndIgnoresLeftoverTempFiles() throws Exception {
        SnapshotStore store = new SnapshotStore(root, 1, 2);
        Files.createDirectories(store.directory());
        Files.write(store.directory().resolve("snapshot-00000000000000000999.snap.tmp"), new byte[] {1, 2, 3});
        for (int docs = 10; docs <= 40; docs += 10) {
            store.save(indexWith(docs, docs).image());
        }
        assertThat(store.snapshotsNewestFirst()).extracting(p -> SnapshotStore.offsetOf(p)).containsExactly(39L, 29L);
        try (var files = Files.list(store.directory())) {
            assertThat(files.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
        }
    }
}
