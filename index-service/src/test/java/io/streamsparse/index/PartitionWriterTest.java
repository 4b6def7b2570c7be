package io.streamsparse.index;

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
        IndexConfig config = IndexConfig.defaults().withReblockMode(IndexConfig.ReblockMode.BACKGROUND);
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
    void snapshotIsDueByUpdatesOrAge() {
        PartitionWriter w = writer(0);
        SyntheticCorpus c = new SyntheticCorpus(5);
        assertFalse(w.snapshotDue(1_000_000, 2, 60_000), "nothing changed");
        w.apply(0, "a", SparseVectorCodec.encode(c.document(0)));
        assertFalse(w.snapshotDue(10_000, 2, 60_000));
        assertTrue(w.snapshotDue(70_000, 2, 60_000), "by age");
        w.apply(1, "b", SparseVectorCodec.encode(c.document(1)));
        assertTrue(w.snapshotDue(10_000, 2, 60_000), "by updates");
        assertEquals(2, w.takeImage().learned().docCount());
        assertFalse(w.changedSinceSnapshot());
        assertFalse(w.snapshotDue(70_000, 2, 60_000));
        w.close();
    }
}
