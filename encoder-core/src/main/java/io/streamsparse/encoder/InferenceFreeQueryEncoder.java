package io.streamsparse.encoder;

import io.streamsparse.core.vector.SparseVector;
import java.util.Arrays;
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
        List<SparseVector> out = SparseEncoder.encodeEach(texts, closed, this::encodeOne);
        encoded.add(out.size());
        return out;
    }

    private SparseVector encodeOne(String text) {
        HfTokenizer.TermCounts bag = tokenizer.countTerms(text);
        if (bag.truncated()) {
            truncated.increment();
        }
        long n = frequencies.documentCount();
        float[] weights = new float[bag.size()];
        for (int i = 0; i < bag.size(); i++) {
            float w = idf(n, frequencies.documentFrequency(bag.terms()[i]));
            weights[i] = weightByCount ? w * bag.counts()[i] : w;
        }
        return SparseVector.ofSorted(Arrays.copyOf(bag.terms(), bag.size()), weights).prune(maxTerms, minWeight);
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
