package io.streamsparse.encoder;

import io.streamsparse.core.vector.SparseVector;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Inference-free query encoding (as OpenSearch's inference-free sparse models do): the query is only tokenized,
 * and each distinct non-special token id {@code t} gets weight {@code idf(t)}, or {@code count(t) * idf(t)} when
 * weighting by count, with
 * <pre>  idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))</pre>
 * (BM25's IDF; always {@code > 0}) where {@code N} and {@code df} come from a {@link DocumentFrequencies} read at
 * every call, so weights follow the live corpus. {@code df} is clamped to {@code [0, N]} (sums over shards may race).
 * The result is pruned like model output: the {@code maxTerms} heaviest terms with weight {@code >= minWeight}.
 *
 * <p>Only {@code tokenizerPath}, {@code maxLength}, {@code maxTerms} and {@code minWeight} of the
 * {@link EncoderConfig} matter here. Thread-safe if the {@code DocumentFrequencies} is.
 */
public final class InferenceFreeQueryEncoder implements SparseEncoder {

    private final HfTokenizer tokenizer;
    private final DocumentFrequencies frequencies;
    private final int maxTerms;
    private final float minWeight;
    private final boolean weightByCount;
    private final LongAdder truncated = new LongAdder();
    private final LongAdder encoded = new LongAdder();
    private volatile boolean closed;

    private InferenceFreeQueryEncoder(HfTokenizer tokenizer, DocumentFrequencies frequencies, int maxTerms,
            float minWeight, boolean weightByCount) {
        this.tokenizer = tokenizer;
        this.frequencies = frequencies;
        this.maxTerms = maxTerms;
        this.minWeight = minWeight;
        this.weightByCount = weightByCount;
    }

    /**
     * Opens the tokenizer of {@code config}.
     *
     * @param weightByCount multiply a term's IDF by its number of occurrences in the query
     */
    public static InferenceFreeQueryEncoder open(EncoderConfig config, DocumentFrequencies frequencies,
            boolean weightByCount) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (frequencies == null) {
            throw new IllegalArgumentException("inference-free query encoding needs DocumentFrequencies, was null");
        }
        HfTokenizer tokenizer = HfTokenizer.load(ModelResources.readTokenizer(config), config.maxLength());
        return new InferenceFreeQueryEncoder(tokenizer, frequencies, config.maxTerms(), config.minWeight(),
                weightByCount);
    }

    /** BM25's IDF with {@code df} clamped to {@code [0, n]}; {@code > 0} for every {@code n >= 0}. */
    public static float idf(long n, long df) {
        if (n < 0) {
            throw new IllegalArgumentException("document count must be >= 0, was " + n);
        }
        if (df < 0) {
            throw new IllegalArgumentException("document frequency must be >= 0, was " + df);
        }
        long d = Math.min(df, n);
        return (float) Math.log1p((n - d + 0.5) / (d + 0.5));
    }

    @Override
    public List<SparseVector> encode(List<String> texts) {
        if (texts == null) {
            throw new IllegalArgumentException("texts must not be null");
        }
        for (int i = 0; i < texts.size(); i++) {
            SparseEncoder.requireText(texts.get(i), i);
        }
        if (closed) {
            throw new IllegalStateException("encoder is closed");
        }
        SparseVector[] out = new SparseVector[texts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = encodeOne(texts.get(i));
        }
        encoded.add(out.length);
        return Collections.unmodifiableList(Arrays.asList(out));
    }

    private SparseVector encodeOne(String text) {
        HfTokenizer.Tokens t = tokenizer.encode(text);
        if (t.truncated()) {
            truncated.increment();
        }
        long[] ids = t.ids().clone();
        Arrays.sort(ids);
        int[] terms = new int[ids.length];
        float[] weights = new float[ids.length];
        long n = frequencies.documentCount();
        int k = 0;
        // invariant: ids[0..i) are folded into terms/weights[0..k), one entry per distinct non-special id
        for (int i = 0; i < ids.length; ) {
            long id = ids[i];
            int j = i;
            while (j < ids.length && ids[j] == id) {
                j++;
            }
            if (!tokenizer.isSpecial(id)) {
                int term = Math.toIntExact(id);
                float w = idf(n, frequencies.documentFrequency(term));
                terms[k] = term;
                weights[k] = weightByCount ? w * (j - i) : w;
                k++;
            }
            i = j;
        }
        return SparseVector.ofSorted(Arrays.copyOf(terms, k), Arrays.copyOf(weights, k)).prune(maxTerms, minWeight);
    }

    @Override
    public long truncatedTexts() {
        return truncated.sum();
    }

    @Override
    public long encodedTexts() {
        return encoded.sum();
    }

    /** One more than the largest token id. */
    public int vocabularySize() {
        return tokenizer.vocabularySize();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            tokenizer.close();
        }
    }
}
