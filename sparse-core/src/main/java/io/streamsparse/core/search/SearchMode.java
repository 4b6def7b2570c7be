package io.streamsparse.core.search;

/** How a shard answers a query. */
public enum SearchMode {
    /** Block-skipping search over the (possibly pruned) inverted lists; the knobs trade recall for speed. */
    APPROXIMATE,
    /** Scores every live document from the forward index: the ground truth the approximate mode is measured by. */
    EXACT
}
