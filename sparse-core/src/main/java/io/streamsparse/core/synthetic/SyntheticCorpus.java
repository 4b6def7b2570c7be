package io.streamsparse.core.synthetic;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded generator of SPLADE-like sparse data: documents and queries over a BERT-sized vocabulary with
 * Zipf-skewed term popularity and topic structure (documents of a topic share heavy terms), so that clustering the
 * documents of an inverted list into blocks pays off as it does on real learned-sparse data.
 *
 * <p>Model: term popularity follows Zipf({@code zipfExponent}) over a seeded permutation of the vocabulary. Each of
 * {@code topics} topics owns {@code topicTerms} terms drawn from that popularity, with its own Zipf order inside the
 * topic. A document has a main topic and, with probability one half, a second one; it draws about
 * {@code docNnzMean} distinct terms, {@code topicShare} of them from its topics and the rest from the global
 * popularity. A topic's leading terms are included more often and weigh more (log-normal, median about 2 at the head
 * of the topic falling to about 0.7 at its end); background terms weigh about 0.15, the SPLADE shape of a few
 * heavy key terms over a long light expansion (range 0.01..4). Queries draw about {@code queryNnzMean} terms the
 * same way, concentrated harder on their topic's leading terms.
 *
 * <p>Random access and stream-friendly: document {@code i} and query {@code j} are pure functions of
 * (seed, i) / (seed, j), so a million documents can be generated in any order, in parallel, without holding them.
 * Instances are immutable and thread-safe.
 */
public final class SyntheticCorpus {

    /**
     * Shape of the data.
     *
     * @param vocabularySize term ids are {@code < vocabularySize}
     * @param topics         number of topics
     * @param topicTerms     terms per topic
     * @param docNnzMean     average distinct terms per document
     * @param queryNnzMean   average distinct terms per query
     * @param zipfExponent   skew of global term popularity (about 1 for text)
     * @param topicShare     fraction of a document's terms drawn from its topics
     */
    public record Params(int vocabularySize, int topics, int topicTerms, int docNnzMean, int queryNnzMean,
                         double zipfExponent, double topicShare) {
        public Params {
            if (vocabularySize < 16) {
                throw new IllegalArgumentException("vocabularySize must be >= 16, was " + vocabularySize);
            }
            if (topics < 1 || topicTerms < 1 || topicTerms > vocabularySize) {
                throw new IllegalArgumentException("need topics >= 1 and 1 <= topicTerms <= vocabularySize, was "
                        + topics + ", " + topicTerms);
            }
            if (docNnzMean < 1 || docNnzMean > vocabularySize / 4 || queryNnzMean < 1
                    || queryNnzMean > vocabularySize / 4) {
                throw new IllegalArgumentException("nnz means must be in [1, vocabularySize / 4], were "
                        + docNnzMean + ", " + queryNnzMean);
            }
            if (!(zipfExponent > 0) || !(topicShare >= 0 && topicShare <= 1)) {
                throw new IllegalArgumentException("need zipfExponent > 0 and topicShare in [0, 1], were "
                        + zipfExponent + ", " + topicShare);
            }
        }

        /** SPLADE-on-BERT-like defaults: the engine's default vocabulary (30522), docs ≈ 120 terms, queries ≈ 45. */
        public static Params defaults() {
            return new Params(IndexConfig.DEFAULT_VOCABULARY_SIZE, 2000, 300, 120, 45, 1.0, 0.6);
        }

        /** The same corpus shape over another vocabulary (a model whose vocabulary is not BERT's). */
        public Params withVocabularySize(int v) {
            return new Params(v, topics, topicTerms, docNnzMean, queryNnzMean, zipfExponent, topicShare);
        }
    }

    private static final String[] LANGS = {"en", "en", "en", "en", "de", "de", "fr", "es", "ja", "pt"};

    private final long seed;
    private final Params params;
    /** Global popularity: cumulative probabilities over ranks, and rank -> term id. */
    private final double[] aliasProb;
    private final int[] aliasOther;
    private final int[] termOfRank;
    /** Topic t owns topicTerm[t * topicTerms + i], sampled by topicCdf (shared Zipf shape inside a topic). */
    private final int[] topicTerm;
    private final double[] docInv;
    private final double[] queryInv;
    private static final double DOC_DECAY = 0.5;
    private static final double QUERY_DECAY = 0.8;

    public SyntheticCorpus(long seed) {
        this(seed, Params.defaults());
    }

    public SyntheticCorpus(long seed, Params params) {
        if (params == null) {
            throw new IllegalArgumentException("params must not be null");
        }
        this.seed = seed;
        this.params = params;
        int v = params.vocabularySize();
        SplittableRandom r = new SplittableRandom(seed);
        termOfRank = new int[v];
        for (int i = 0; i < v; i++) {
            termOfRank[i] = i;
        }
        for (int i = v - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = termOfRank[i];
            termOfRank[i] = termOfRank[j];
            termOfRank[j] = t;
        }
        double[] p = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            p[i] = 1.0 / Math.pow(i + 10.0, params.zipfExponent());
            sum += p[i];
        }
        aliasProb = new double[v];
        aliasOther = new int[v];
        buildAlias(p, sum, aliasProb, aliasOther);
        double[] cdf = new double[v];
        double acc = 0;
        for (int i = 0; i < v; i++) {
            acc += p[i] / sum;
            cdf[i] = acc;
        }
        int tt = params.topicTerms();
        docInv = inverse(tt, DOC_DECAY);
        queryInv = inverse(tt, QUERY_DECAY);
        topicTerm = new int[params.topics() * tt];
        for (int t = 0; t < params.topics(); t++) {
            // a topic's terms: distinct, drawn from the popularity past its very head (shared by every topic)
            int[] set = new int[Integer.highestOneBit(tt * 2) << 2];
            int mask = set.length - 1;
            for (int i = 0; i < tt; ) {
                int rank = Math.min(v - 1, sample(cdf, r.nextDouble()) + 30 + r.nextInt(300));
                if (add(set, mask, termOfRank[rank])) {
                    topicTerm[t * tt + i++] = termOfRank[rank];
                }
            }
        }
    }

    /** Vose's alias method over weights {@code p} summing to {@code sum}. */
    private static void buildAlias(double[] p, double sum, double[] prob, int[] other) {
        int n = p.length;
        double[] scaled = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = p[i] * n / sum;
            if (scaled[i] < 1.0) {
                small[ns++] = i;
            } else {
                large[nl++] = i;
            }
        }
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            prob[s] = scaled[s];
            other[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1.0;
            if (scaled[l] < 1.0) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        while (nl > 0) {
            prob[large[--nl]] = 1.0;
        }
        while (ns > 0) {
            prob[small[--ns]] = 1.0;
        }
    }

    private static int sample(double[] cdf, double u) {
        int i = Arrays.binarySearch(cdf, u);
        return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
    }

    public Params params() {
        return params;
    }

    /** Id of document {@code i}: {@code "d" + i}. */
    public String docId(long i) {
        return "d" + i;
    }

    /** The main topic of document {@code i}. */
    public int topicOf(long i) {
        return new SplittableRandom(mix(seed, 2 * i)).nextInt(params.topics());
    }

    /** Document {@code i} with title, a short snippet and fields {@code lang} (skewed) and {@code topic}. */
    public EncodedDocument document(long i) {
        SplittableRandom r = new SplittableRandom(mix(seed, 2 * i));
        int topic = r.nextInt(params.topics());
        SparseVector v = vector(r, topic, params.docNnzMean(), 2.0, DOC_DECAY);
        String lang = LANGS[(int) ((mix(seed ^ 0x1A, i) >>> 1) % LANGS.length)];
        return new EncodedDocument("Document " + i, "synthetic document " + i + " about topic " + topic,
                Map.of("lang", lang, "topic", "t" + topic), v);
    }

    /** Just the vector of document {@code i} (same as {@code document(i).vector()}). */
    public SparseVector documentVector(long i) {
        SplittableRandom r = new SplittableRandom(mix(seed, 2 * i));
        int topic = r.nextInt(params.topics());
        return vector(r, topic, params.docNnzMean(), 2.0, DOC_DECAY);
    }

    /** Query {@code j}: one or two topics, about {@code queryNnzMean} terms. */
    public SparseVector query(long j) {
        SplittableRandom r = new SplittableRandom(mix(seed, 2 * j + 1) ^ 0x5151);
        int topic = r.nextInt(params.topics());
        return vector(r, topic, params.queryNnzMean(), 1.8, QUERY_DECAY);
    }

    /**
     * Topic terms: term {@code i} of a topic (by importance) is included with probability
     * {@code min(1, c / (i + 1)^decay)}, with c set so the expected count is the topic share of nnz, and gets a
     * log-normal weight whose median falls from {@code headWeight} to a third of it along the topic's terms.
     * Background terms come from the global popularity (alias sampling) with small weights.
     */
    private SparseVector vector(SplittableRandom r, int topic, int nnzMean, double headWeight, double decay) {
        int second = r.nextInt(4) == 0 ? r.nextInt(params.topics()) : -1;
        int nnz = Math.max(1, (int) Math.round(nnzMean * (0.6 + 0.8 * r.nextDouble())));
        int v = params.vocabularySize();
        nnz = Math.min(nnz, v / 2);
        int tt = params.topicTerms();
        double wantTopic = Math.min(tt, params.topicShare() * nnz);
        double[] inv = decay == DOC_DECAY ? docInv : queryInv;
        double c = wantTopic / inv[tt];
        int[] ids = new int[nnz];
        float[] ws = new float[nnz];
        int[] set = new int[Integer.highestOneBit(nnz * 4) << 1];
        int mask = set.length - 1;
        int n = 0;
        double logHead = Math.log(headWeight);
        for (int i = 0; i < tt && n < nnz; i++) {
            if (r.nextDouble() < c * inv[i]) {
                int t = second >= 0 && r.nextInt(3) == 0 ? second : topic;
                int term = topicTerm[t * tt + i];
                if (add(set, mask, term)) {
                    double mu = logHead - 1.1 * i / tt;
                    ids[n] = term;
                    ws[n] = weight(mu + 0.35 * gaussian(r));
                    n++;
                }
            }
        }
        int attempts = 0;
        while (n < nnz && attempts++ < 4 * nnz) {
            int term = termOfRank[aliasSample(r)];
            if (add(set, mask, term)) {
                ids[n] = term;
                ws[n] = weight(-1.9 + 0.5 * gaussian(r));
                n++;
            }
        }
        return SparseVector.of(n == nnz ? ids : Arrays.copyOf(ids, n), n == nnz ? ws : Arrays.copyOf(ws, n));
    }

    private static float weight(double logW) {
        return (float) Math.min(4.0, Math.max(0.01, Math.exp(logW)));
    }

    /** {@code inv[i] = (i + 1)^-decay} for i below n, and {@code inv[n]} = their sum. */
    private static double[] inverse(int n, double decay) {
        double[] inv = new double[n + 1];
        for (int i = 0; i < n; i++) {
            inv[i] = 1.0 / Math.pow(i + 1, decay);
            inv[n] += inv[i];
        }
        return inv;
    }

    /** Approximately standard normal: Irwin-Hall sum of three uniforms, rescaled to variance 1 (cheap, bounded). */
    private static double gaussian(SplittableRandom r) {
        return (r.nextDouble() + r.nextDouble() + r.nextDouble() - 1.5) * 2.0;
    }

    /** Open-addressing set of term + 1 (0 = empty) insert; false when the term is already there. */
    private static boolean add(int[] set, int mask, int term) {
        int h = (term * 0x9E3779B1) >>> 7 & mask;
        while (set[h] != 0) {
            if (set[h] == term + 1) {
                return false;
            }
            h = (h + 1) & mask;
        }
        set[h] = term + 1;
        return true;
    }

    private int aliasSample(SplittableRandom r) {
        int i = r.nextInt(aliasProb.length);
        return r.nextDouble() < aliasProb[i] ? i : aliasOther[i];
    }

    private static long mix(long seed, long i) {
        long z = seed * 0x9E3779B97F4A7C15L + i * 0xD1B54A32D192ED03L + 0x2545F4914F6CDD1DL;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
