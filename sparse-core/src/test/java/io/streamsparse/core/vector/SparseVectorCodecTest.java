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
    void documentWithLexicalVectorIsVersion2AndRoundTrips() {
        Random rnd = new Random(9);
        for (int trial = 0; trial < 200; trial++) {
            SparseVector learned = randomVector(rnd, 100, 30522);
            SparseVector lexical = SparseVector.of(new int[] {1 + rnd.nextInt(50), 100 + rnd.nextInt(30000)},
                    new float[] {0.5f + rnd.nextFloat(), 0.5f + rnd.nextFloat()});
            EncodedDocument doc = new EncodedDocument("t", "s", Map.of("k", "v"), learned, lexical);
            byte[] bytes = SparseVectorCodec.encode(doc);
            assertEquals(SparseVectorCodec.VERSION_2, bytes[1]);
            EncodedDocument decoded = SparseVectorCodec.decodeDocument(bytes);
            assertEquals(doc, decoded);
            assertEquals(lexical, decoded.lexical());
            for (int len = 0; len < bytes.length; len++) {
                byte[] cut = Arrays.copyOf(bytes, len);
                assertThrows(IllegalArgumentException.class, () -> SparseVectorCodec.decodeDocument(cut));
            }
        }
    }

    @Test
    void version1RecordsStillDecodeWithoutALexicalVector() {
        // a version-1 document as producers wrote it before version 2 existed: title "t", snippet "", no fields,
        // vector {3: 1.0}
        byte[] v1 = {'D', 1, 1, 't', 0, 0, 1, 3, 0, 0, (byte) 0x80, 0x3f};
        EncodedDocument doc = SparseVectorCodec.decodeDocument(v1);
        assertEquals(SparseVector.of(new int[] {3}, new float[] {1f}), doc.vector());
        assertEquals(SparseVector.EMPTY, doc.lexical());
        assertTrue(!doc.hasLexical());
        // and a document without a lexical vector is still written as exactly those bytes
        assertArrayEquals(v1, SparseVectorCodec.encode(doc));
    }

    @Test
    void version2RulesAreEnforced() {
        EncodedDocument plain = new EncodedDocument("t", "", Map.of(), SparseVector.of(new int[] {3}, new float[] {1f}));
        byte[] v1 = SparseVectorCodec.encode(plain);
        // version 2 must carry a non-empty lexical vector
        byte[] emptyLexical = Arrays.copyOf(v1, v1.length + 1);
        emptyLexical[1] = SparseVectorCodec.VERSION_2;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparseVectorCodec.decodeDocument(emptyLexical));
        assertTrue(e.getMessage().contains("empty lexical"), e.getMessage());
        // a version-1 record with a lexical body appended is trailing garbage, not a lexical vector
        byte[] withLexical = SparseVectorCodec.encode(plain.withLexical(SparseVector.of(new int[] {4},
                new float[] {2f})));
        withLexical[1] = SparseVectorCodec.VERSION_1;
        assertThrows(IllegalArgumentException.class, () -> SparseVectorCodec.decodeDocument(withLexical));
        // bare vectors have no version 2
        byte[] bare = SparseVectorCodec.encode(SparseVector.EMPTY);
        bare[1] = SparseVectorCodec.VERSION_2;
        assertThrows(IllegalArgumentException.class, () -> SparseVectorCodec.decode(bare));
        assertThrows(IllegalArgumentException.class, () -> plain.withLexical(null));
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
