package io.streamsparse.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.synthetic.SyntheticCorpus;
import io.streamsparse.core.vector.SparseVectorCodec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The partition writer's bookkeeping, without Spring or Kafka: apply, replays, catch-up, snapshot policy. */
class PartitionWriterTest {

    @TempDir
    Path dir;

    private PartitionWriter writer(long catchUpTarget) {
        return writer(catchUpTarget, IndexConfig.ReblockMode.BACKGROUND);
    }

    private PartitionWriter writer(long catchUpTarget, IndexConfig.ReblockMode mode) {
        IndexConfig config = IndexConfig.defaults().withReblockMode(mode);
        return new PartitionWriter(3, HybridShard.empty(config), new SnapshotStore(dir, 3, 2),
                new SnapshotStore(dir.resolve(Shards.LEXICAL_DIR), 3, 2), 0L, catchUpTarget);
    }

    @Test
    void appliesInOffsetOrderAndIgnoresReplays() {
        PartitionWriter w = writer(0);
        SyntheticCorpus c = new SyntheticCorpus(3);
        assertEquals(0, w.nextOffset());
        assertEquals(PartitionWriter.Applied.UPSERT, w.apply(0, "a", SparseVectorCodec.encode(c.document(0))));
        assertEquals(PartitionWriter.Applied.UPSERT, w.apply(1, "b", SparseVectorCodec.encode(c.document(1))));
        assertEquals(PartitionWriter.Applied.DELETE, w.apply(2, "a", null));
        assertEquals(PartitionWriter.Applied.ALREADY_APPLIED, w.apply(1, "b", SparseVectorCodec.encode(c.document(1))));
        assertEquals(3, w.nextOffset());
        assertEquals(1, w.reader().liveDocuments());
        assertEquals(2, w.reader().appliedOffset());
        assertThrows(IllegalArgumentException.class, () -> w.apply(5, "x", new byte[] {1, 2, 3}));
        assertEquals(3, w.nextOffset(), "a rejected record changes nothing");
        w.close();
    }

    /** Re-upserts leave dead slots behind; past the bound the writer compacts them away, content unchanged. */
    @Test
    void compactsAnIndexWhoseSlotsAreMostlyDead() {
        PartitionWriter w = writer(0);
        SyntheticCorpus c = new SyntheticCorpus(6);
        long offset = 0;
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 200; i++) {
                w.apply(offset++, "d" + i, SparseVectorCodec.encode(c.document(round * 200 + i)));
            }
        }
        assertEquals(1000, w.reader().stats().slots());
        byte[] digest = w.reader().contentDigest();
        assertFalse(w.compactIfMostlyDead(PartitionWriter.DEAD_PER_LIVE, PartitionWriter.MIN_DEAD_SLOTS),
                "800 dead slots are below the service's minimum");
        assertFalse(w.compactIfMostlyDead(4, 100), "4 dead per live document is not more than 4");
        assertTrue(w.compactIfMostlyDead(3, 100));
        assertEquals(200, w.reader().stats().slots());
        assertEquals(200, w.reader().liveDocuments());
        assertArrayEquals(digest, w.reader().contentDigest());
        w.close();
    }

    @Test
    void catchesUpAtTheEndOffsetSeenAtStart() {
        PartitionWriter w = writer(2);
        SyntheticCorpus c = new SyntheticCorpus(4);
        w.apply(0, "a", SparseVectorCodec.encode(c.document(0)));
        assertFalse(w.afterBatch(1, 1, false, 1_000, 1_000_000));
        assertFalse(w.isCaughtUp());
        assertEquals(1, w.lag);
        w.apply(1, "b", SparseVectorCodec.encode(c.document(1)));
        assertTrue(w.afterBatch(2, 0, false, 1_000, 1_000_000), "caught up just now");
        assertTrue(w.isCaughtUp());
        assertFalse(w.afterBatch(2, 0, true, 0, 1_000_000), "only once");
        w.close();
    }

    @Test
    void reblocksOnlyWhenNoRecordWaits() {
        PartitionWriter w = writer(0, IndexConfig.ReblockMode.DEFERRED);
        SyntheticCorpus c = new SyntheticCorpus(6);
        int offset = 0;
        while (w.pendingReblocks() == 0) {
            w.apply(offset, c.docId(offset), SparseVectorCodec.encode(c.document(offset)));
            offset++;
        }
        assertTrue(w.afterBatch(offset, 0, true, 0, 1_000_000), "caught up, idle: everything re-blocked");
        assertEquals(0, w.pendingReblocks());
        int first = offset;
        while (w.pendingReblocks() == 0) {
            w.apply(offset, c.docId(offset - first), SparseVectorCodec.encode(c.document(offset)));
            offset++;
        }
        int pending = w.pendingReblocks();
        assertFalse(w.afterBatch(offset, 500, false, 1_000_000_000L, 1_000_000_000L));
        assertEquals(pending, w.pendingReblocks(), "records wait: no list re-blocked, however long the batch took");
        w.afterBatch(offset, 0, false, 1_000_000_000L, 1_000_000_000L);
        assertTrue(w.pendingReblocks() < pending, "nothing waits: re-blocking within the budget");
        w.close();
    }

    @Test
    void snapshotIsDueByUpdatesOrAge() {
        PartitionWriter w = writer(0);
        SyntheticCorpus c = new SyntheticCorpus(5);
        assertFalse(w.snapshotDue(1_000_000, 2, 60_000), "nothing changed");
        w.apply(0, "a", SparseVectorCodec.encode(c.document(0)));
        assertFalse(w.snapshotDue(10_000, 2, 60_000));
        assertTrue(w.snapshotDue(70_000, 2, 60_000), "by age");
        w.apply(1, "b", SparseVectorCodec.encode(c.document(1)));
        assertTrue(w.snapshotDue(10_000, 2, 60_000), "by updates");
        assertEquals(2, w.captureSnapshot().build().learned().docCount());
        assertFalse(w.changedSinceSnapshot());
        assertFalse(w.snapshotDue(70_000, 2, 60_000));
        w.close();
    }
}
