package io.streamsparse.index;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.search.SearchKnobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of one index-service instance: which partitions of the vectors topic it owns (partition p is
 * shard p) and the limits it enforces on search requests.
 *
 * @param topic          the {@code sparse-vectors} topic
 * @param partitions     the partitions (= shards) this instance owns; a replica owns the same list
 * @param snapshotDir    where shard snapshots live ({@code <dir>/shard-<p>/snapshot-<offset>.snap}, and the
 *                       lexical indexes' in {@code <dir>/lexical/shard-<p>/})
 * @param snapshotEveryUpdates  snapshot a shard after this many applied updates
 * @param snapshotInterval      ... or when it has changed and its newest snapshot is this old
 * @param snapshotRetain        snapshots kept per shard (older ones are deleted after a successful write)
 * @param snapshotOnShutdown    snapshot changed shards on a clean shutdown
 * @param reblock        where drifted inverted lists are re-blocked: {@code background} (default: a builder thread
 *                       per index merges them from a published view and the consumer thread only installs the
 *                       results, so applying records never waits for a merge) or {@code deferred} (on the consumer
 *                       thread between polls, within {@code maintainBudget})
 * @param reblockCpuShare background mode: the share of one core each index's builder thread may use, in (0, 1]
 *                       (a partition has two indexes, learned and lexical); the rest stays with the consumer, the
 *                       searches and, on a small node, the broker
 * @param maintainBudget deferred mode: most time the consumer thread spends re-blocking drifted inverted lists after
 *                       an applied batch, and never longer than half of applying that batch took; none while records
 *                       wait in the consumer (an upsert costs O(nnz) and re-blocking happens between polls, bounded
 *                       so that it never starves applying updates; when idle, and before a shard first reports
 *                       ready, everything pending is re-blocked)
 * @param maxK           largest k a search may ask for
 * @param maxQueryTerms  largest number of non-zeros in a query vector
 * @param maxBodyBytes   largest accepted request body (413 beyond, chunked or not)
 * @param maxConcurrentSearches shard searches run at once; more wait up to {@code admissionWait}, then get 503
 *                       with {@code Retry-After} (the query service then asks another replica)
 * @param admissionWait  how long a search beyond the bound waits for a running one to finish
 * @param engine         the engine's build knobs and the default search knobs (unset: sparse-core's defaults)
 */
@ConfigurationProperties("streamsparse.index")
public record IndexProperties(
        @DefaultValue("sparse-vectors") String topic,
        @DefaultValue("0") List<Integer> partitions,
        @DefaultValue("./snapshots") Path snapshotDir,
        @DefaultValue("200000") long snapshotEveryUpdates,
        @DefaultValue("5m") Duration snapshotInterval,
        @DefaultValue("2") int snapshotRetain,
        @DefaultValue("true") boolean snapshotOnShutdown,
        @DefaultValue("background") IndexConfig.ReblockMode reblock,
        @DefaultValue("0.25") double reblockCpuShare,
        @DefaultValue("50ms") Duration maintainBudget,
        @DefaultValue("1000") int maxK,
        @DefaultValue("1024") int maxQueryTerms,
        @DefaultValue("262144") int maxBodyBytes,
        @DefaultValue("32") int maxConcurrentSearches,
        @DefaultValue("200ms") Duration admissionWait,
        @DefaultValue Engine engine) {

    /**
     * Knobs of the engine (sparse-core's {@code IndexConfig} and {@code SearchKnobs}); each one left unset keeps the
     * engine's default. Build knobs that differ from a restored snapshot's make the service rebuild the shard's lists
     * from the snapshot's documents at start.
     *
     * @param vocabularySize  term ids are {@code < vocabularySize}: at least the encoder model's vocabulary (its
     *                        output width; 30522 for the bundled BERT-vocabulary model); vectors with a larger term
     *                        id go to the dead-letter topic. Stored in each snapshot's header: a snapshot written
     *                        under another vocabulary size is refused at start (delete it and replay the topic)
     * @param blockSize       documents per block of an inverted list
     * @param pruneLambda     postings kept per inverted list (0: no static pruning)
     * @param summaryAlpha    share of a block summary's mass kept, in (0, 1]
     * @param summaryMaxTerms at most this many summary terms per block
     * @param queryCut        default number of heaviest query terms whose lists are traversed
     * @param heapFactor      default block-skipping factor (lower visits more blocks)
     */
    public record Engine(Integer vocabularySize, Integer blockSize, Integer pruneLambda, Float summaryAlpha, Integer summaryMaxTerms,
                         Integer queryCut, Float heapFactor) {

        /** The engine's defaults with these build knobs (the re-blocking mode is the service's, {@link #indexConfig()}). */
        public IndexConfig indexConfig() {
            IndexConfig c = IndexConfig.defaults();
            if (vocabularySize != null) {
                c = c.withVocabularySize(vocabularySize);
            }
            if (blockSize != null) {
                c = c.withBlockSize(blockSize);
            }
            if (pruneLambda != null) {
                c = c.withPruneLambda(pruneLambda);
            }
            if (summaryAlpha != null) {
                c = c.withSummaryAlpha(summaryAlpha);
            }
            if (summaryMaxTerms != null) {
                c = c.withSummaryMaxTerms(summaryMaxTerms);
            }
            return c;
        }

        /** Search knobs of a request that sets none. */
        public SearchKnobs searchKnobs() {
            SearchKnobs k = SearchKnobs.defaults();
            if (queryCut != null) {
                k = k.withQueryCut(queryCut);
            }
            if (heapFactor != null) {
                k = k.withHeapFactor(heapFactor);
            }
            return k;
        }
    }

    /** The engine config the service builds shards with: the engine knobs, re-blocked as {@code reblock} says. */
    public IndexConfig indexConfig() {
        return engine.indexConfig().withReblockMode(reblock);
    }

    public IndexProperties {
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalArgumentException("streamsparse.index.partitions must name at least one partition");
        }
        for (int p : partitions) {
            if (p < 0) {
                throw new IllegalArgumentException("negative partition " + p + " in streamsparse.index.partitions");
            }
        }
        if (partitions.stream().distinct().count() != partitions.size()) {
            throw new IllegalArgumentException("duplicate partition in streamsparse.index.partitions: " + partitions);
        }
        if (snapshotEveryUpdates < 1 || snapshotRetain < 1 || snapshotInterval.isNegative()) {
            throw new IllegalArgumentException("snapshot policy must be positive: every-updates="
                    + snapshotEveryUpdates + " retain=" + snapshotRetain + " interval=" + snapshotInterval);
        }
        if (reblock == IndexConfig.ReblockMode.INLINE) {
            throw new IllegalArgumentException("reblock must be background or deferred (inline would re-block on the "
                    + "consumer thread inside every update), was inline");
        }
        if (!(reblockCpuShare > 0 && reblockCpuShare <= 1)) {
            throw new IllegalArgumentException("reblock-cpu-share must be in (0, 1], was " + reblockCpuShare);
        }
        if (maintainBudget.isNegative()) {
            throw new IllegalArgumentException("maintain-budget must be >= 0, was " + maintainBudget);
        }
        if (maxK < 1 || maxQueryTerms < 1 || maxBodyBytes < 1024 || maxConcurrentSearches < 1
                || admissionWait.isNegative()) {
            throw new IllegalArgumentException("limits must be positive (maxBodyBytes >= 1024): maxK=" + maxK
                    + " maxQueryTerms=" + maxQueryTerms + " maxBodyBytes=" + maxBodyBytes
                    + " maxConcurrentSearches=" + maxConcurrentSearches + " admissionWait=" + admissionWait);
        }
        partitions = List.copyOf(partitions);
        engine = engine == null ? new Engine(null, null, null, null, null, null, null) : engine;
        engine.indexConfig(); // invalid knobs fail at start, naming the knob
        engine.searchKnobs();
    }
}
