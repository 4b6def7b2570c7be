package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.vector.SparseVector;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class InferenceFreeQueryEncoderTest {

    // bert-base-uncased ids
    private static final int HELLO = 7592;
    private static final int WORLD = 2088;
    private static final int THE = 1996;
    private static final int SPARSE = 20288;

    /** A mutable corpus: N and df per term, as the query service would sum them over live shards. */
    static final class Corpus implements DocumentFrequencies {
        volatile long n;
        final Map<Integer, Integer> df = new ConcurrentHashMap<>();

        @Override
        public long documentCount() {
            return n;
        }

        @Override
        public int documentFrequency(int termId) {
            return df.getOrDefault(termId, 0);
        }
    }

    private static EncoderConfig config(int maxLength, int maxTerms, float minWeight) {
        return new EncoderConfig(EncoderConfig.DEFAULT_LOCATION, TinyModels.TOKENIZER, maxLength, maxTerms, minWeight,
                0, 1, 32, false);
    }

    private static double bm25Idf(long n, long df) {
        return Math.log(1 + (n - df + 0.5) / (df + 0.5));
    }

    @Test
    void idfFormulaAndClamping() {
        assertEquals(bm25Idf(1000, 10), InferenceFreeQueryEncoder.idf(1000, 10), 1e-6);
        assertEquals(Math.log(2), InferenceFreeQueryEncoder.idf(0, 0), 1e-6);
        assertEquals(InferenceFreeQueryEncoder.idf(100, 100), InferenceFreeQueryEncoder.idf(100, 250));
        for (long n = 0; n < 50; n++) {
            for (long df = 0; df <= n + 3; df++) {
                assertTrue(InferenceFreeQueryEncoder.idf(n, df) > 0f, n + " " + df);
                if (df > 0 && df <= n) {
                    assertTrue(InferenceFreeQueryEncoder.idf(n, df) < InferenceFreeQueryEncoder.idf(n, df - 1));
                }
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InferenceFreeQueryEncoder.idf(-3, 0));
        assertTrue(e.getMessage().contains("-3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> InferenceFreeQueryEncoder.idf(3, -7));
        assertTrue(e.getMessage().contains("-7"), e.getMessage());
    }

    @Test
    void weightsDistinctTokensByIdfWithoutSpecials() {
        Corpus c = new Corpus();
        c.n = 1000;
        c.df.put(HELLO, 10);
        c.df.put(WORLD, 500);
        try (InferenceFreeQueryEncoder enc = InferenceFreeQueryEncoder.open(config(64, 64, 0f), c, false)) {
            assertEquals(30522, enc.vocabularySize());
            SparseVector v = enc.encode("Hello world [SEP] hello [MASK]");
            assertArrayEquals(new int[] {WORLD, HELLO}, v.termIds());
            assertEquals(InferenceFreeQueryEncoder.idf(1000, 500), v.weightOf(WORLD));
            assertEquals(InferenceFreeQueryEncoder.idf(1000, 10), v.weightOf(HELLO));
        }
        try (InferenceFreeQueryEncoder enc = InferenceFreeQueryEncoder.open(config(64, 64, 0f), c, true)) {
            SparseVector v = enc.encode("Hello world hello HELLO");
            assertEquals(3 * InferenceFreeQueryEncoder.idf(1000, 10), v.weightOf(HELLO), 1e-6f);
            assertEquals(InferenceFreeQueryEncoder.idf(1000, 500), v.weightOf(WORLD));
        }
    }

    @Test
    void followsTheCorpusAsItChanges() {
        Corpus c = new Corpus();
        try (InferenceFreeQueryEncoder enc = InferenceFreeQueryEncoder.open(config(64, 64, 0f), c, false)) {
            SparseVector empty = enc.encode("hello world");
            assertEquals((float) Math.log(2), empty.weightOf(HELLO), 1e-6f);
            c.n = 10;
            c.df.put(HELLO, 9);
            c.df.put(WORLD, 1);
            SparseVector later = enc.encode("hello world");
            assertTrue(later.weightOf(WORLD) > later.weightOf(HELLO));
            c.df.put(HELLO, 40); // a frequency above N (shard sums raced) is clamped, not an error
            assertEquals(InferenceFreeQueryEncoder.idf(10, 10), enc.encode("hello").weightOf(HELLO));
        }
    }

    @Test
    void capThresholdAndTruncation() {
        Corpus c = new Corpus();
        c.n = 1000;
        c.df.put(THE, 990);
        c.df.put(HELLO, 3);
        c.df.put(WORLD, 50);
        c.df.put(SPARSE, 200);
        try (InferenceFreeQueryEncoder enc = InferenceFreeQueryEncoder.open(config(8, 2, 0.05f), c, false)) {
            // "the" has idf ~0.01 < 0.05; of the others only the two rarest survive the cap of 2
            SparseVector v = enc.encode("the hello world sparse");
            assertArrayEquals(new int[] {WORLD, HELLO}, v.termIds());
            assertEquals(0, enc.truncatedTexts());
            List<SparseVector> two = enc.encode(List.of("one two three four five six seven eight", "hello"));
            assertEquals(2, two.size());
            assertEquals(1, enc.truncatedTexts());
            assertEquals(3, enc.encodedTexts());
        }
    }

    @Test
    void badInputs() {
        Corpus c = new Corpus();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InferenceFreeQueryEncoder.open(config(8, 2, 0f), null, false));
        assertTrue(e.getMessage().contains("DocumentFrequencies"), e.getMessage());
        DocumentFrequencies negative = new DocumentFrequencies() {
            @Override
            public long documentCount() {
                return -1;
            }

            @Override
            public int documentFrequency(int termId) {
                return 0;
            }
        };
        try (InferenceFreeQueryEncoder enc = InferenceFreeQueryEncoder.open(config(8, 2, 0f), negative, false)) {
            e = assertThrows(IllegalArgumentException.class, () -> enc.encode("hello"));
            assertTrue(e.getMessage().contains("-1"), e.getMessage());
        }
        InferenceFreeQueryEncoder enc = InferenceFreeQueryEncoder.open(config(8, 2, 0f), c, false);
        assertThrows(IllegalArgumentException.class, () -> enc.encode((String) null));
        assertEquals(List.of(), enc.encode(List.of()));
        enc.close();
        assertThrows(IllegalStateException.class, () -> enc.encode("hello"));
    }
}
