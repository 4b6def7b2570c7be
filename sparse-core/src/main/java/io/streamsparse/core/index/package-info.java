/**
 * The shard index: {@link io.streamsparse.core.index.ShardIndex} follows one Kafka partition of the
 * {@code sparse-vectors} topic and answers exact and approximate top-k queries while it does.
 *
 * <h2>Pieces, in data-flow order</h2>
 * <ul>
 *   <li>{@code ForwardIndex}: slot → (ascending term ids, u8/u16 codes, one scale per document), flat pools plus
 *       per-slot arrays; slots are appended and never reused until compaction. Also each slot's clustering
 *       features (its heaviest terms packed into ints).</li>
 *   <li>{@code PostingList}: per term, an immutable blocked part (blocks of geometrically close documents, each with a
 *       centroid and a u8 summary that upper-bounds the block's live weights on its coordinates) plus an append-only
 *       tail; optional static pruning to the λ heaviest postings.</li>
 *   <li>{@code ListBuilder}: the pure build function (prune, seeded centroids, assignment, summaries) and the
 *       incremental merge of a tail into the blocks.</li>
 *   <li>{@code FieldIndex}: one RoaringBitmap (+ tail) per {@code field=value} for filters.</li>
 *   <li>{@code View}/{@code Generation}: what readers see; {@code QueryScratch}/{@code TopK}/{@code ScoreKernels}: the
 *       allocation-free query path.</li>
 *   <li>{@link io.streamsparse.core.index.ShardImage}/{@link io.streamsparse.core.index.ListImage}: the flat state a
 *       snapshot stores.</li>
 * </ul>
 *
 * <h2>Costs measured (synthetic SPLADE-like data, 1M documents, a quiet 16-core host, 2026-11-28)</h2>
 * Defaults (λ 1000, blocks of 16, 32 summary terms): lists take 0.57× the forward index's bytes (5.7 B per forward
 * posting, 3.3 B of lists per forward posting); exact search 320-370 ms on one thread; approximate (one thread)
 * queryCut 10 / heapFactor 0.8: recall@10 0.956 at p50 424-610 µs across runs, queryCut 12 / 0.8: 0.972 at
 * 461-561 µs. Upserts (half re-upserts) with inline re-blocking about 25k/s while a reader queries; streamed with
 * deferred re-blocking 104k/s, then {@code compact()} 16 s on 16 threads (batch build 15-20 s). Snapshot of 1M
 * documents: 605 MB, written in 6 s, read in 10 s. The benchmark module measures the 2-core target.
 */
package io.streamsparse.core.index;
