package io.streamsparse.core.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SparseVectorCodecTest {

    static SparseVector randomVector(Random rnd, int maxNnz, int vocab) {
        int n = rnd.nextInt(maxNnz + 1);
        int[] ids = rnd.ints(0, vocab).distinct().limit(n).toArray();
        float[] ws = new float[ids.length];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = rnd.nextInt(10) == 0 ? 0f : rnd.nextFloat() * 5f;
        }
        return SparseVector.of(ids, ws);
    }

    @Test
    void vectorRoundTripOverRandomShapes() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 2_000; trial++) {
            // include vocabularies far above BERT's to exercise multi-byte varints
            SparseVector v = randomVector(rnd, trial < 1_000 ? 300 : 5, trial % 2 == 0 ? 30522 : Integer.MAX_VALUE);
            assertEquals(v, SparseVectorCodec.decode(SparseVectorCodec.encode(v)));
        }
    }

    @Test
    void emptyVectorRoundTrips() {
        byte[] bytes = SparseVectorCodec.encode(SparseVector.EMPTY);
        assertArrayEquals(new byte[] {'V', 1, 0}, bytes);
        assertEquals(SparseVector.EMPTY, SparseVectorCodec.decode(bytes));
    }

    @Test
    void documentRoundTripAndDeterministicBytes() {
        Random rnd = new Random(7);
        SparseVector v = randomVector(rnd, 200, 30522);
        EncodedDocument a = new EncodedDocument("Tïtle ✓", "snippet", Map.of("b", "2", "a", "1"), v);
        EncodedDocument b = new EncodedDocument("Tïtle ✓", "snippet", Map.of("a", "1", "b", "2"), v);
        byte[] bytes = SparseVectorCodec.encode(a);
        assertArrayEquals(bytes, SparseVectorCodec.encode(b));
        EncodedDocument decoded = SparseVectorCodec.decodeDocument(bytes);
        assertEquals(a, decoded);
        assertEquals(java.util.List.of("a", "b"), java.util.List.copyOf(decoded.fields().keySet()));
    }

    @Test
    void everyTruncationIsRejectedNotMisread() {
        EncodedDocument doc = new EncodedDocument("t", "s", Map.of("k", "v"),
                SparseVector.of(new int[] {5, 300, 70000}, new float[] {1f, 2f, 3f}));
        byte[] bytes = SparseVectorCodec.encode(doc);
        for (int len = 0; len < bytes.length; len++) {
            byte[] cut = Arrays.copyOf(bytes, len);
            assertThrows(IllegalArgumentException.class, () -> SparseVectorCodec.decodeDocument(cut), "length " + len);
        }
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparseVectorCodec.decodeDocument(longer))
                .getMessage().contains("trailing"));
    }

    @Test
    void randomGarbageNeverEscapesAsAnotherException() {
        Random rnd = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[rnd.nextInt(40)];
            rnd.nextBytes(junk);
            if (junk.length > 1 && rnd.nextBoolean()) {
                junk[0] = rnd.nextBoolean() ? SparseVectorCodec.VECTOR_MAGIC : SparseVectorCodec.DOCUMENT_MAGIC;
                junk[1] = SparseVectorCodec.VERSION_1;
            }
            try {
                SparseVectorCodec.decodeDocument(junk);
            } catch (IllegalArgumentException expected) {
                // rejected with a reason: fine
            }
            try {
                SparseVectorCodec.decode(junk);
            } catch (IllegalArgumentException expected) {
                // rejected with a reason: fine
            }
        }
    }

    @Test
    void badHeaderAndVersionNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SparseVectorCodec.decode(new byte[] {'X', 1, 0})).getMessage().contains("magic"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SparseVectorCodec.decode(new byte[] {'V', 9, 0})).getMessage().contains("version 9"));
    }

    @Test
    void duplicateIdInBytesRejected() {
        // nnz=2, deltas 3 then 0 (duplicate), two weights
        byte[] bytes = {'V', 1, 2, 3, 0, 0, 0, (byte) 0x80, 0x3f, 0, 0, (byte) 0x80, 0x3f};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparseVectorCodec.decode(bytes))
                .getMessage().contains("duplicate term id 3"));
    }
}
