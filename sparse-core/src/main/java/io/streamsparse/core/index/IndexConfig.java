package io.streamsparse.core.index;

/**
 * Build and maintenance knobs of a shard ({@link ShardWriter}). Everything the physical layout depends on is here, so a batch
 * build and a compacted streamed index with equal configs and equal content are byte-identical.
 *
 * @param vocabularySize      term ids must be {@code < vocabularySize} (30522 for BERT WordPiece)
 * @param blockSize           target average number of documents per block of an inverted list ({@code >= 1})
 * @param pruneLambda         static pruning: an inverted list keeps its {@code pruneLambda} heaviest postings;
 *                            0 disables pruning. The forward index keeps every posting either way
 * @param summaryAlpha        a block summary keeps its heaviest coordinates until they hold this fraction of the
 *                            summary's total mass, in (0, 1]; 1 keeps all (summaries are then full upper bounds)
 * @param summaryMaxTerms     ... and at most this many coordinates besides the list's own term ({@code >= 1}); bounds
 *                            summary memory and scoring cost where blocks are not coherent
 * @param quantization        storage of forward-index weights
 * @param reblockTailFraction a list is re-blocked when its unblocked tail exceeds this fraction of its blocked part
 * @param reblockMinTail      ... and the tail holds at least this many postings
 * @param reblockDeadFraction a list is re-blocked when this fraction of its postings belongs to deleted documents
 * @param reblockMode         when drifted lists are re-blocked: at the end of the operation that drifted them, or
 *                            only when the writer calls {@link ShardWriter#maintain} (or {@link ShardWriter#compact()}),
 *                            or on a background thread
 * @param clusteringTerms     the heaviest terms of a document used to assign it to a block, in [1, 63] (they are
 *                            taken from the document's 64-entry score sketch)
 * @param seed                seed of the content hashes that pick block centroids
 */
public record IndexConfig(int vocabularySize, int blockSize, int pruneLambda, float summaryAlpha,
                          int summaryMaxTerms, Quantization quantization, float reblockTailFraction, int reblockMinTail,
                          float reblockDeadFraction, ReblockMode reblockMode, int clusteringTerms, long seed) {

    /** When drifted lists are re-blocked. */
    public enum ReblockMode {
        /** At the end of each operation, on the writer thread: lists never stay drifted. */
        INLINE,
        /**
         * Only in {@link ShardWriter#maintain} and {@link ShardWriter#compact()}: upserts cost O(nnz) flat, tails
         * grow until the writer spends idle time on maintenance (bulk loads: stream, then compact).
         */
        DEFERRED,
        /**
         * On a background thread ({@link Reblocker}): the writer hands drifted lists over and publishes the merged
         * lists it gets back, carrying over postings appended meanwhile (docs/ARCHITECTURE.md, "Threading and
         * publication"). Upserts cost O(nnz) plus the hand-over; the layout then depends on timing until
         * {@link ShardWriter#compact()}, the content never does.
         */
        BACKGROUND
    }

    public static final int DEFAULT_VOCABULARY_SIZE = 30522;
    /** Term ids are packed with an 8-bit code into one int for clustering features. */
    public static final int MAX_VOCABULARY_SIZE = 1 << 23;

    private static final IndexConfig DEFAULTS = new IndexConfig(DEFAULT_VOCABULARY_SIZE, 16, 1000, 0.5f,
            64, Quantization.U8, 0.1f, 32, 0.2f, ReblockMode.INLINE, 12, 0x5EED_5EED_5EEDL);

    public IndexConfig {
        if (vocabularySize < 1 || vocabularySize > MAX_VOCABULARY_SIZE) {
            throw new IllegalArgumentException("vocabularySize must be in [1, " + MAX_VOCABULARY_SIZE + "], was "
                    + vocabularySize);
        }
        if (blockSize < 1 || blockSize > 1 << 16) {
            throw new IllegalArgumentException("blockSize must be in [1, 65536], was " + blockSize);
        }
        if (pruneLambda < 0) {
            throw new IllegalArgumentException("pruneLambda must be >= 0 (0 = no pruning), was " + pruneLambda);
        }
        if (!(summaryAlpha > 0f && summaryAlpha <= 1f)) {
            throw new IllegalArgumentException("summaryAlpha must be in (0, 1], was " + summaryAlpha);
        }
        if (summaryMaxTerms < 1) {
            throw new IllegalArgumentException("summaryMaxTerms must be >= 1, was " + summaryMaxTerms);
        }
        if (quantization == null) {
            throw new IllegalArgumentException("quantization must not be null");
        }
        if (!(reblockTailFraction > 0f) || Float.isInfinite(reblockTailFraction)) {
            throw new IllegalArgumentException("reblockTailFraction must be finite and > 0, was "
                    + reblockTailFraction);
        }
        if (reblockMinTail < 0) {
            throw new IllegalArgumentException("reblockMinTail must be >= 0, was " + reblockMinTail);
        }
        if (!(reblockDeadFraction > 0f && reblockDeadFraction <= 1f)) {
            throw new IllegalArgumentException("reblockDeadFraction must be in (0, 1], was " + reblockDeadFraction);
        }
        if (reblockMode == null) {
            throw new IllegalArgumentException("reblockMode must not be null");
        }
        if (clusteringTerms < 1 || clusteringTerms >= ForwardIndex.SKETCH_TERMS) {
            throw new IllegalArgumentException("clusteringTerms must be in [1, " + (ForwardIndex.SKETCH_TERMS - 1)
                    + "] (features come from the score sketch), was " + clusteringTerms);
        }
    }

    public static IndexConfig defaults() {
        return DEFAULTS;
    }

    public IndexConfig withVocabularySize(int v) {
        return new IndexConfig(v, blockSize, pruneLambda, summaryAlpha, summaryMaxTerms,
                quantization, reblockTailFraction, reblockMinTail,
                reblockDeadFraction, reblockMode, clusteringTerms, seed);
    }

    public IndexConfig withBlockSize(int v) {
        return new IndexConfig(vocabularySize, v, pruneLambda, summaryAlpha, summaryMaxTerms,
                quantization, reblockTailFraction, reblockMinTail,
                reblockDeadFraction, reblockMode, clusteringTerms, seed);
    }

    public IndexConfig withPruneLambda(int v) {
        return new IndexConfig(vocabularySize, blockSize, v, summaryAlpha, summaryMaxTerms,
                quantization, reblockTailFraction, reblockMinTail,
                reblockDeadFraction, reblockMode, clusteringTerms, seed);
    }

    public IndexConfig withSummaryAlpha(float v) {
        return new IndexConfig(vocabularySize, blockSize, pruneLambda, v, summaryMaxTerms,
                quantization, reblockTailFraction, reblockMinTail,
                reblockDeadFraction, reblockMode, clusteringTerms, seed);
    }

    public IndexConfig withSummaryMaxTerms(int v) {
        return new IndexConfig(vocabularySize, blockSize, pruneLambda, summaryAlpha, v,
                quantization, reblockTailFraction, reblockMinTail,
                reblockDeadFraction, reblockMode, clusteringTerms, seed);
    }

    public IndexConfig withQuantization(Quantization v) {
        return new IndexConfig(vocabularySize, blockSize, pruneLambda, summaryAlpha, summaryMaxTerms,
                v, reblockTailFraction, reblockMinTail,
                reblockDeadFraction, reblockMode, clusteringTerms, seed);
    }

    public IndexConfig withClusteringTerms(int v) {
        return new IndexConfig(vocabularySize, blockSize, pruneLambda, summaryAlpha, summaryMaxTerms,
                quantization, reblockTailFraction, reblockMinTail, reblockDeadFraction, reblockMode, v, seed);
    }

    public IndexConfig withSeed(long v) {
        return new IndexConfig(vocabularySize, blockSize, pruneLambda, summaryAlpha, summaryMaxTerms,
                quantization, reblockTailFraction, reblockMinTail, reblockDeadFraction, reblockMode, clusteringTerms,
                v);
    }

    public IndexConfig withReblockMode(ReblockMode v) {
        return new IndexConfig(vocabularySize, blockSize, pruneLambda, summaryAlpha, summaryMaxTerms,
                quantization, reblockTailFraction, reblockMinTail, reblockDeadFraction, v, clusteringTerms, seed);
    }

    public IndexConfig withReblock(float tailFraction, int minTail, float deadFraction) {
        return new IndexConfig(vocabularySize, blockSize, pruneLambda, summaryAlpha, summaryMaxTerms,
                quantization, tailFraction, minTail, deadFraction, reblockMode, clusteringTerms, seed);
    }
}
