package io.streamsparse.query;

import io.streamsparse.api.shard.Hit;
import io.streamsparse.core.search.RankFusion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hybrid retrieval in the query service: which fusion a search uses, how deep each side is searched, and how the
 * merged learned and lexical top lists become one ranking ({@link RankFusion} over the shards' hits).
 *
 * <p>Each side's list is the merged top {@link #depth(int)} over all shards, so a fused ranking over one shard or
 * many is the same fusion of the same two global rankings. The fused hit keeps the learned hit's title, snippet,
 * shard and explanation when the learned side found the document, else the lexical hit's; its score is the fused
 * score. Stateless apart from its settings; thread-safe.
 */
public final class HybridFusion {

    private final RankFusion.Settings defaults;
    private final int depth;

    /**
     * @param defaults the fusion of a request that names none (method, lexical weight, RRF offset)
     * @param depth    hits taken from each side before fusing, at least the request's k
     */
    public HybridFusion(RankFusion.Settings defaults, int depth) {
        if (defaults == null) {
            throw new IllegalArgumentException("fusion settings must not be null");
        }
        if (depth < 1) {
            throw new IllegalArgumentException("fusion depth must be >= 1, was " + depth);
        }
        this.defaults = defaults;
        this.depth = depth;
    }

    /** The settings of a request whose {@code fusion} parameter is {@code requested} (null or blank: default). */
    public RankFusion.Settings settings(String requested) {
        if (requested == null || requested.isBlank()) {
            return defaults;
        }
        String value = requested.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            return defaults.withMethod(RankFusion.Method.parse(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fusion must be 'linear', 'rrf' or 'none', was '"
                    + (requested.length() > 20 ? requested.substring(0, 20) + "…" : requested) + "'");
        }
    }

    /** Hits each side is searched for when the answer should hold {@code k}. */
    public int depth(int k) {
        return Math.max(k, depth);
    }

    /** The top {@code k} of {@code learned} and {@code lexical} (each sorted best first) fused under {@code settings}. */
    public static List<Hit> fuse(List<Hit> learned, List<Hit> lexical, RankFusion.Settings settings, int k) {
        Map<String, Hit> byId = new HashMap<>((learned.size() + lexical.size()) * 2);
        for (Hit h : lexical) {
            byId.put(h.id(), h);
        }
        for (Hit h : learned) {
            byId.put(h.id(), h); // the learned hit wins: it carries the learned explanation
        }
        List<io.streamsparse.core.search.Hit> fused = RankFusion.fuse(ranking(learned), ranking(lexical), settings,
                k);
        List<Hit> out = new ArrayList<>(fused.size());
        for (io.streamsparse.core.search.Hit f : fused) {
            Hit h = byId.get(f.docId());
            out.add(new Hit(h.id(), f.score(), h.title(), h.snippet(), h.shard(), h.explanation()));
        }
        return out;
    }

    private static List<io.streamsparse.core.search.Hit> ranking(List<Hit> hits) {
        List<io.streamsparse.core.search.Hit> out = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            out.add(new io.streamsparse.core.search.Hit(h.id(), h.score(), h.title(), h.snippet()));
        }
        return out;
    }
}
