package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.vector.SparseVector;
import java.util.List;
import org.junit.jupiter.api.Test;

class Bm25DocumentEncoderTest {

    // bert-base-uncased ids
    private static final int HELLO = 7592;
    private static final int WORLD = 2088;

    private static EncoderConfig config(int maxLength) {
        return new EncoderConfig(EncoderConfig.DEFAULT_LOCATION, TinyModels.TOKENIZER, maxLength, 256, 0f, 0, 1, 32,
                false);
    }

    /** BM25's document side written out independently of the class under test. */
    private static double reference(int tf, int dl, double k1, double b, double avgdl) {
        return tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl));
    }

    @Test
    void saturatedFrequencyIsBm25sDocumentSide() {
        Bm25Parameters p = new Bm25Parameters(1.2f, 0.75f, 50f);
        for (int dl = 1; dl < 300; dl += 7) {
            for (int tf = 1; tf <= dl; tf += 3) {
                assertEquals(reference(tf, dl, 1.2, 0.75, 50), p.saturatedFrequency(tf, dl), 1e-5, tf + "/" + dl);
                assertTrue(p.saturatedFrequency(tf, dl) < 2.2f + 1e-6);
                if (tf > 1) {
                    assertTrue(p.saturatedFrequency(tf, dl) > p.saturatedFrequency(tf - 1, dl), "grows with tf");
                }
            }
        }
        // b = 0: no length normalisation; k1 = 0: presence only
        assertEquals(new Bm25Parameters(0.9f, 0f, 10f).saturatedFrequency(2, 5),
                new Bm25Parameters(0.9f, 0f, 10f).saturatedFrequency(2, 500));
        assertEquals(1f, new Bm25Parameters(0f, 0.4f, 10f).saturatedFrequency(7, 70), 1e-6);
    }

    @Test
    void rejectsBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> new Bm25Parameters(-1f, 0.4f, 80f));
        assertThrows(IllegalArgumentException.class, () -> new Bm25Parameters(0.9f, 1.5f, 80f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Bm25Parameters(0.9f, 0.4f, 0f));
        assertTrue(e.getMessage().contains("avgdl"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bm25Parameters.DEFAULTS.saturatedFrequency(0, 3));
        assertThrows(IllegalArgumentException.class, () -> Bm25Parameters.DEFAULTS.saturatedFrequency(4, 3));
    }

    @Test
    void countsDistinctNonSpecialTokens() {
        Bm25Parameters p = new Bm25Parameters(0.9f, 0.4f, 4f);
        try (Bm25DocumentEncoder enc = Bm25DocumentEncoder.open(config(64), p)) {
            SparseVector v = enc.encode("Hello world [SEP] hello [MASK]");
            assertArrayEquals(new int[] {WORLD, HELLO}, v.termIds());
            // three non-special tokens: hello x2, world x1
            assertEquals(reference(2, 3, 0.9, 0.4, 4), v.weightOf(HELLO), 1e-6);
            assertEquals(reference(1, 3, 0.9, 0.4, 4), v.weightOf(WORLD), 1e-6);
            assertEquals(0, enc.encode("").nnz());
            assertEquals(2, enc.encodedTexts());
        }
    }

    @Test
    void aTextsVectorDoesNotDependOnItsBatch() {
        try (Bm25DocumentEncoder enc = Bm25DocumentEncoder.open(config(64), Bm25Parameters.DEFAULTS)) {
            List<String> texts = List.of("sparse retrieval with kafka", "hello", "a b c d e f g hello hello");
            List<SparseVector> batch = enc.encode(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(enc.encode(texts.get(i)), batch.get(i));
            }
        }
    }

    @Test
    void truncatesLikeTheModelInput() {
        try (Bm25DocumentEncoder enc = Bm25DocumentEncoder.open(config(8), Bm25Parameters.DEFAULTS)) {
            SparseVector v = enc.encode("hello ".repeat(50));
            // [CLS] + 6 x hello + [SEP] fit in 8 tokens
            assertEquals(Bm25Parameters.DEFAULTS.saturatedFrequency(6, 6), v.weightOf(HELLO), 1e-6);
            assertEquals(1, enc.truncatedTexts());
        }
    }
}
