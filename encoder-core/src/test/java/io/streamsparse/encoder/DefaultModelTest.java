package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamsparse.core.vector.SparseVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trained default model bundled under {@value ModelResources#DEFAULT_DIRECTORY}; skipped while it is absent.
 * Checks what any useful SPLADE document model does, not exact numbers: most of a document's own distinctive words
 * are among its heaviest terms (not all: the shipped model drops "proxy" from the nginx description), stop words
 * weigh less than each of those, and a query scores its own document well above an unrelated one.
 */
class DefaultModelTest {

    private static final String NGINX = "nginx is a small, powerful, scalable web and proxy server. It supports "
            + "reverse proxy with caching, load balancing, virtual hosts and encrypted connections.";
    private static final String[] NGINX_WORDS = {"nginx", "proxy", "server", "web", "caching", "balancing"};
    private static final String TUXRACER = "Tux Racer is a downhill racing game: guide the penguin down a snowy "
            + "mountain, collect herring and avoid the trees.";
    private static final String[] TUXRACER_WORDS = {"penguin", "racing", "downhill", "snowy", "herring", "racer"};
    private static final String[] STOP_WORDS = {"the", "a"};
    private static final int TOP = 60;

    private static final EncoderConfig DOCS = EncoderConfig.documentDefaults().withThreads(2, 1).withWarmup(false);
    private static final EncoderConfig QUERIES = EncoderConfig.queryDefaults().withThreads(2, 1).withWarmup(false);
    private static OnnxSparseEncoder docs;
    private static SparseEncoder queries;
    private static HfTokenizer tokenizer;

    @BeforeEach
    void requireModel() {
        assumeTrue(ModelResources.defaultModelAvailable(),
                "default model not bundled yet (" + ModelResources.DEFAULT_MODEL_RESOURCE + ")");
        if (docs == null) {
            docs = Encoders.documentEncoder(DOCS);
            queries = Encoders.queryEncoder(QueryEncoding.MODEL, QUERIES, null, false);
            tokenizer = HfTokenizer.load(ModelResources.readTokenizer(DOCS), 16);
        }
    }

    @AfterAll
    static void close() {
        if (docs != null) {
            docs.close();
            queries.close();
            tokenizer.close();
        }
    }

    /** A word's weight in {@code v}: the max over its word pieces. */
    private static float weightOfWord(SparseVector v, String word) {
        long[] ids = tokenizer.encode(word).ids();
        float best = 0f;
        for (long id : ids) {
            if (!tokenizer.isSpecial(id)) {
                best = Math.max(best, v.weightOf((int) id));
            }
        }
        return best;
    }

    @Test
    void aDocumentsOwnDistinctiveWordsWeighMost() {
        assertEquals(tokenizer.vocabularySize(), docs.vocabularySize());
        // one at a time: with a dynamically quantized model a vector depends a little on its batch neighbours
        List<SparseVector> vectors = List.of(docs.encode(NGINX), docs.encode(TUXRACER));
        String[][] words = {NGINX_WORDS, TUXRACER_WORDS};
        for (int d = 0; d < 2; d++) {
            SparseVector v = vectors.get(d);
            assertTrue(v.nnz() > 10 && v.nnz() <= DOCS.maxTerms(), "nnz " + v.nnz());
            float[] sorted = v.weights().clone();
            Arrays.sort(sorted);
            float topCut = sorted[Math.max(0, sorted.length - TOP)];
            List<String> inTop = new ArrayList<>();
            float lightest = Float.MAX_VALUE;
            for (String w : words[d]) {
                float weight = weightOfWord(v, w);
                if (weight >= topCut) {
                    inTop.add(w);
                    lightest = Math.min(lightest, weight);
                }
            }
            assertTrue(inTop.size() >= 4, "distinctive words among the " + TOP + " heaviest terms: " + inTop
                    + " of " + Arrays.toString(words[d]));
            for (String stop : STOP_WORDS) {
                float weight = weightOfWord(v, stop);
                assertTrue(weight < lightest, "'" + stop + "' weighs " + weight + ", a top distinctive word " + lightest);
            }
        }
    }

    @Test
    void queriesMatchTheirDocumentBetterThanAnother() {
        List<SparseVector> d = List.of(docs.encode(NGINX), docs.encode(TUXRACER));
        SparseVector q1 = queries.encode("high performance web server and reverse proxy");
        SparseVector q2 = queries.encode("penguin racing game");
        assertTrue(q1.dot(d.get(0)) > 2 * q1.dot(d.get(1)), q1.dot(d.get(0)) + " vs " + q1.dot(d.get(1)));
        assertTrue(q2.dot(d.get(1)) > 2 * q2.dot(d.get(0)), q2.dot(d.get(1)) + " vs " + q2.dot(d.get(0)));
        assertTrue(q1.nnz() <= QUERIES.maxTerms());
    }

    @Test
    void batchedVectorsStayCloseToSingleOnes() {
        // exact equality does not hold for a dynamically quantized (int8) model: ONNX Runtime's
        // DynamicQuantizeLinear takes one activation scale over the whole batch tensor, neighbours and padding
        // included. A wrong attention mask or a padding leak would move the vectors far more than this allows.
        List<SparseVector> batch = docs.encode(List.of(NGINX, TUXRACER, "penguin"));
        List<SparseVector> single = List.of(docs.encode(NGINX), docs.encode(TUXRACER), docs.encode("penguin"));
        for (int i = 0; i < 3; i++) {
            SparseVector b = batch.get(i);
            SparseVector s = single.get(i);
            int common = 0;
            float maxDiff = 0f;
            for (int k = 0; k < s.nnz(); k++) {
                float w = b.weightOf(s.termId(k));
                if (w > 0f) {
                    common++;
                    maxDiff = Math.max(maxDiff, Math.abs(w - s.weight(k)));
                }
            }
            assertTrue(common >= 0.75 * s.nnz(), "text " + i + ": " + common + " of " + s.nnz() + " terms shared");
            assertTrue(maxDiff < 0.3f, "text " + i + ": weights differ by up to " + maxDiff);
        }
    }
}
