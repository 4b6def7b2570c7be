package io.streamsparse.core.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.Quantization;
import io.streamsparse.core.index.ShardIndex;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.synthetic.SyntheticCorpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SnapshotTest {

    static byte[] write(ShardIndex index) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotWriter.write(index, out);
        return out.toByteArray();
    }

    static ShardIndex read(byte[] bytes) throws IOException {
        return SnapshotReader.read(new ByteArrayInputStream(bytes));
    }

    private static ShardIndex sample(Quantization q) {
        SyntheticCorpus c = new SyntheticCorpus(5);
        IndexConfig config = IndexConfig.defaults().withQuantization(q).withPruneLambda(50);
        ShardIndex index = new ShardIndex(config);
        for (int i = 0; i < 120; i++) {
            index.upsert(i, c.docId(i % 100), c.document(i));
        }
        index.delete(120, c.docId(7));
        return index;
    }

    @Test
    void roundTripKeepsEverything() throws IOException {
        for (Quantization q : Quantization.values()) {
            ShardIndex index = sample(q);
            byte[] bytes = write(index);
            ShardIndex back = read(bytes);
            assertEquals(index.config(), back.config());
            assertEquals(index.appliedOffset(), back.appliedOffset());
            assertEquals(index.liveDocuments(), back.liveDocuments());
            assertArrayEquals(index.contentDigest(), back.contentDigest());
            assertArrayEquals(bytes, write(back), "writing a read snapshot gives the same bytes");
            SyntheticCorpus c = new SyntheticCorpus(5);
            for (int j = 0; j < 5; j++) {
                SearchRequest r = SearchRequest.exact(c.query(j), 10);
                assertEquals(index.search(r).hits(), back.search(r).hits());
            }
        }
    }

    /** Version 1 (documents only) stays readable: the lists are rebuilt, which equals a compaction. */
    @Test
    void readsVersionOne() throws IOException {
        ShardIndex index = sample(Quantization.U8);
        ByteArrayOutputStream v1 = new ByteArrayOutputStream();
        SnapshotWriter.write(index.image(), v1, SnapshotFormat.VERSION_1);
        assertEquals(1, v1.toByteArray()[4]);
        ShardIndex back = read(v1.toByteArray());
        assertArrayEquals(index.contentDigest(), back.contentDigest());
        assertEquals(index.appliedOffset(), back.appliedOffset());
        index.compact();
        back.compact();
        assertArrayEquals(write(index), write(back), "v1 restore, compacted == compacted");
        assertTrue(v1.size() < write(index).length, "v1 carries no lists");
    }

    /**
     * Versions 2 (one sequential section) and 3 (row-wise chunks) stay readable and restore the same shard as the
     * current version: same content digest, and the same current-version bytes when written again.
     */
    @Test
    void readsVersionsTwoAndThree() throws IOException {
        for (int version : new int[] {SnapshotFormat.VERSION_2, SnapshotFormat.VERSION_3}) {
            for (Quantization q : Quantization.values()) {
                ShardIndex index = sample(q);
                ByteArrayOutputStream old = new ByteArrayOutputStream();
                SnapshotWriter.write(index.image(), old, version);
                assertEquals(version, old.toByteArray()[4]);
                ShardIndex back = read(old.toByteArray());
                assertArrayEquals(index.contentDigest(), back.contentDigest());
                assertArrayEquals(write(index), write(back), "v" + version + " restore == current restore");
            }
        }
    }

    /** Versions 3 and 4 cut into many chunks (decoded on several threads) read back as one chunk does. */
    @Test
    void manyChunksDecodeInOrder() throws IOException {
        for (int version : new int[] {SnapshotFormat.VERSION_3, SnapshotFormat.VERSION_4}) {
            for (Quantization q : Quantization.values()) {
                ShardIndex index = sample(q);
                ByteArrayOutputStream small = new ByteArrayOutputStream();
                SnapshotWriter.write(index.image(), small, version, 700);
                byte[] bytes = small.toByteArray();
                ShardIndex back = read(bytes);
                assertArrayEquals(index.contentDigest(), back.contentDigest());
                assertArrayEquals(write(index), write(back), "chunking changes nothing but the framing");
                for (int i = 5; i < bytes.length; i += Math.max(1, bytes.length / 60)) {
                    byte[] bad = bytes.clone();
                    bad[i] ^= 0x04;
                    assertThrows(IllegalArgumentException.class, () -> read(bad), "flipped bit at byte " + i);
                }
            }
        }
    }

    @Test
    void emptyIndexRoundTrips() throws IOException {
        ShardIndex empty = new ShardIndex(IndexConfig.defaults());
        ShardIndex back = read(write(empty));
        assertEquals(-1, back.appliedOffset());
        assertEquals(0, back.liveDocuments());
    }

    @Test
    void rejectsDamagedBytes() throws IOException {
        byte[] good = write(sample(Quantization.U8));
        assertBad(Arrays.copyOf(good, good.length - 1), "truncated");
        assertBad(Arrays.copyOf(good, 3), "truncated");
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertBad(magic, "magic");
        byte[] version = good.clone();
        version[4] = 99;
        assertBad(version, "version 99");
        // every single flipped bit in the body is caught (CRC), or rejected by a structural check
        for (int i = 5; i < good.length; i += Math.max(1, good.length / 80)) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            assertThrows(IllegalArgumentException.class, () -> read(bad), "flipped bit at byte " + i);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 4);
        assertEquals(read(good).liveDocuments(), read(longer).liveDocuments(), "reads just the snapshot");
    }

    private static void assertBad(byte[] bytes, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(bytes));
        assertTrue(e.getMessage().contains(expected) || expected.equals("truncated")
                && e.getMessage().contains("truncated"), e.getMessage());
    }
}
