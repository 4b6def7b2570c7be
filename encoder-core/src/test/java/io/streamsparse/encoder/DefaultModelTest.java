package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamsparse.core.vector.SparseVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trained default model bundled under {@value ModelResources#DEFAULT_DIRECTORY}: skipped until it is committed.
 * Checks the behaviour any useful SPLADE document model has, not exact numbers.
 */
class DefaultModelTest {

    private static final String DOC = "nginx is a small, powerful, scalable web and proxy server. It supports "
            + "reverse proxy with caching, load balancing, virtual hosts and encrypted connections.";
    private static final String OTHER = "Tux Racer is a downhill racing game: guide the penguin down a snowy "
            + "mountain, collect herring and avoid the trees.";
    private static final String[] DISTINCTIVE = {"nginx", "proxy", "server", "web", "caching", "balancing"};

    @BeforeEach
    void requireModel() {
        assumeTrue(ModelResources.defaultModelAvailable(),
                "default model not bundled yet (" + ModelResources.DEFAULT_MODEL_RESOURCE + ")");
    }

    private static int firstPiece(HfTokenizer tokenizer, String word) {
        long[] ids = tokenizer.encode(word).ids();
        return (int) ids[1]; // after [CLS]
    }

    @Test
    void aDocumentsOwnDistinctiveWordsWeighMost() {
        EncoderConfig config = EncoderConfig.documentDefaults().withThreads(2, 1);
        try (OnnxSparseEncoder docs = Encoders.documentEncoder(config);
                HfTokenizer tokenizer = HfTokenizer.load(ModelResources.readTokenizer(config), 16)) {
            assertEquals(tokenizer.vocabularySize(), docs.vocabularySize());
            SparseVector v = docs.encode(DOC);
            assertTrue(v.nnz() > 10 && v.nnz() <= config.maxTerms(), "nnz " + v.nnz());
            float[] sorted = v.weights().clone();
            Arrays.sort(sorted);
            float top30 = sorted[Math.max(0, sorted.length - 30)];
            List<String> inTop = new ArrayList<>();
            for (String w : DISTINCTIVE) {
                if (v.weightOf(firstPiece(tokenizer, w)) >= top30) {
                    inTop.add(w);
                }
            }
            assertTrue(inTop.size() >= 4, "distinctive words among the 30 heaviest terms: " + inTop + " of "
                    + Arrays.toString(DISTINCTIVE) + "; " + v);
            float the = v.weightOf(firstPiece(tokenizer, "the"));
            assertTrue(the < v.weightOf(firstPiece(tokenizer, "proxy")), "'the' " + the + " outweighs 'proxy'");
        }
    }

    @Test
    void queriesMatchTheirDocumentBetterThanAnother() {
        EncoderConfig docConfig = EncoderConfig.documentDefaults().withThreads(2, 1);
        EncoderConfig queryConfig = EncoderConfig.queryDefaults().withThreads(2, 1);
        try (OnnxSparseEncoder docs = Encoders.documentEncoder(docConfig);
                SparseEncoder queries = Encoders.queryEncoder(QueryEncoding.MODEL, queryConfig, null, false)) {
            List<SparseVector> d = docs.encode(List.of(DOC, OTHER));
            SparseVector q1 = queries.encode("high performance web server and reverse proxy");
            SparseVector q2 = queries.encode("penguin racing game");
            assertTrue(q1.dot(d.get(0)) > q1.dot(d.get(1)), q1.dot(d.get(0)) + " vs " + q1.dot(d.get(1)));
            assertTrue(q2.dot(d.get(1)) > q2.dot(d.get(0)), q2.dot(d.get(1)) + " vs " + q2.dot(d.get(0)));
            assertTrue(q1.nnz() <= queryConfig.maxTerms());
        }
    }
}
