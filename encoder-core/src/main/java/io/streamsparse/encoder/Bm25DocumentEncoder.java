package io.streamsparse.encoder;

import io.streamsparse.core.vector.SparseVector;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The lexical (BM25) document vector of hybrid retrieval: the document side of BM25 as a sparse vector over the
 * model tokenizer's WordPiece ids, so that the engine searches it like a learned vector. Each distinct non-special
 * token id {@code t} of the text gets BM25's saturated term frequency
 * <pre>  w(t) = tf(t) * (k1 + 1) / (tf(t) + k1 * (1 - b + b * dl / avgdl))</pre>
 * where {@code tf(t)} is its number of occurrences and {@code dl} the number of non-special tokens. The query side
 * is {@link InferenceFreeQueryEncoder} (distinct query token ids weighted by BM25's IDF from the live document
 * frequencies of the lexical vectors), so {@code query · document} is BM25 exactly, up to the index's u8 weights.
 *
 * <p>Why these choices (measured on the Debian val split, docs/EVALUATION.md "Hybrid"): WordPiece ids over the
 * model's own tokenizer give BM25 MRR@10 0.651 against Lucene's 0.640 (StandardAnalyzer) and 0.668
 * (EnglishAnalyzer), with no second vocabulary, no hashing and no analyser to keep in step with the encoder.
 * {@code avgdl} is a configured constant ({@link Bm25Parameters}) rather than the live mean: a document's vector
 * then depends on its text alone, so the index keeps batch equivalence (P1) and replays stay idempotent; with
 * {@code b = 0.4} the length norm is a mild correction and a constant off by 30 % moves MRR@10 by &lt; 0.003.
 * Texts are truncated to the config's {@code maxLength} tokens like the model's input. Thread-safe.
 */
public final class Bm25DocumentEncoder implements SparseEncoder {

    private final HfTokenizer tokenizer;
    private final Bm25Parameters parameters;
    private final LongAdder truncated = new LongAdder();
    private final LongAdder encoded = new LongAdder();
    private volatile boolean closed;

    private Bm25DocumentEncoder(HfTokenizer tokenizer, Bm25Parameters parameters) {
        this.tokenizer = tokenizer;
        this.parameters = parameters;
    }

    /** Opens the tokenizer of {@code config} (only {@code tokenizerPath} and {@code maxLength} matter). */
    public static Bm25DocumentEncoder open(EncoderConfig config, Bm25Parameters parameters) {
        if (config == null || parameters == null) {
            throw new IllegalArgumentException("config and BM25 parameters must not be null");
        }
        return new Bm25DocumentEncoder(HfTokenizer.load(ModelResources.readTokenizer(config), config.maxLength()),
                parameters);
    }

    @Override
    public List<SparseVector> encode(List<String> texts) {
        List<SparseVector> out = SparseEncoder.encodeEach(texts, closed, this::encodeOne);
        encoded.add(out.size());
        return out;
    }

    private SparseVector encodeOne(String text) {
        HfTokenizer.TermCounts bag = tokenizer.countTerms(text);
        if (bag.truncated()) {
            truncated.increment();
        }
        float[] weights = new float[bag.size()];
        for (int i = 0; i < bag.size(); i++) {
            weights[i] = parameters.saturatedFrequency(bag.counts()[i], bag.length());
        }
        return SparseVector.ofSorted(Arrays.copyOf(bag.terms(), bag.size()), weights);
    }

    @Override
    public long truncatedTexts() {
        return truncated.sum();
    }

    @Override
    public long encodedTexts() {
        return encoded.sum();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            tokenizer.close();
        }
    }
}
