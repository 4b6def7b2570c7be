package io.streamsparse.core.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fuses two rankings of the same query, a learned one and a lexical (BM25) one, into one (hybrid retrieval).
 *
 * <p>Both inputs are lists of {@link Hit}s sorted by score descending (a shard's or the merged top results), each
 * document at most once per list. With lexical share {@code w = lexicalWeight} in {@code [0, 1]}:
 * <ul>
 *   <li>{@link Method#LINEAR}: {@code score(d) = (1 - w) * s_learned(d) / max_learned + w * s_lexical(d) /
 *       max_lexical}, each list normalised by its own best score (so both lie in {@code [0, 1]}; a list whose best
 *       score is not positive contributes 0). A document missing from a list gets 0 from it: only the listed depth
 *       of each ranking is known.</li>
 *   <li>{@link Method#RRF}: reciprocal-rank fusion (Cormack et al., SIGIR 2009), {@code score(d) = (1 - w) /
 *       (rrfK + rank_learned(d)) + w / (rrfK + rank_lexical(d))}, ranks from 1, a missing document contributing
 *       0. Scores are ignored, only ranks count.</li>
 *   <li>{@link Method#NONE}: the learned ranking alone.</li>
 * </ul>
 * The fused list holds the {@code k} best by fused score, ties broken by document id ascending (deterministic, as
 * the engine's own ties); a hit's {@code score} is its fused score, its title and snippet are the learned hit's
 * when present, else the lexical one's. Stateless and thread-safe.
 */
public final class RankFusion {

    /** How the two rankings are combined. */
    public enum Method {
        NONE, RRF, LINEAR;

        /** The request/config value: {@code none}, {@code rrf} or {@code linear}. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@link #value()}; anything else is an {@link IllegalArgumentException} quoting it. */
        public static Method parse(String value) {
            for (Method m : values()) {
                if (m.value().equals(value)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("fusion must be one of none, rrf, linear, was '" + value + "'");
        }
    }

    /**
     * What a fusion does.
     *
     * @param method        how to combine
     * @param lexicalWeight the lexical ranking's share in {@code [0, 1]} (the learned one gets {@code 1 - w})
     * @param rrfK          RRF's rank offset, {@code >= 1}; unused by the other methods
     */
    public record Settings(Method method, float lexicalWeight, int rrfK) {

        /**
         * Linear fusion, lexical share 0.2: chosen on the Debian val split (docs/EVALUATION.md, "Hybrid"), where
         * it beat the best RRF setting.
         */
        public static final Settings DEFAULT = new Settings(Method.LINEAR, 0.2f, 10);

        public Settings {
            if (method == null) {
                throw new IllegalArgumentException("fusion method must not be null");
            }
            if (!(lexicalWeight >= 0f && lexicalWeight <= 1f)) {
                throw new IllegalArgumentException("lexical weight must be in [0, 1], was " + lexicalWeight);
            }
            if (rrfK < 1) {
                throw new IllegalArgumentException("rrf k must be >= 1, was " + rrfK);
            }
        }

        public Settings withMethod(Method value) {
            return new Settings(value, lexicalWeight, rrfK);
        }

        public Settings withLexicalWeight(float value) {
            return new Settings(method, value, rrfK);
        }

        public Settings withRrfK(int value) {
            return new Settings(method, lexicalWeight, value);
        }

        /** A short label for reports, e.g. {@code linear w=0.2} or {@code rrf k=10 w=0.25}. */
        public String label() {
            return switch (method) {
                case NONE -> "none";
                case LINEAR -> String.format(Locale.ROOT, "linear w=%s", lexicalWeight);
                case RRF -> String.format(Locale.ROOT, "rrf k=%d w=%s", rrfK, lexicalWeight);
            };
        }
    }

    private RankFusion() {
    }

    /** The top {@code k} of the fusion of {@code learned} and {@code lexical} under {@code settings}. */
    public static List<Hit> fuse(List<Hit> learned, List<Hit> lexical, Settings settings, int k) {
        if (learned == null || lexical == null || settings == null) {
            throw new IllegalArgumentException("rankings and settings must not be null");
        }
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        if (settings.method() == Method.NONE) {
            return List.copyOf(learned.subList(0, Math.min(k, learned.size())));
        }
        float w = settings.lexicalWeight();
        Map<String, Fused> byId = new HashMap<>((learned.size() + lexical.size()) * 2);
        add(byId, learned, settings, 1f - w);
        add(byId, lexical, settings, w);
        List<Fused> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparingDouble((Fused f) -> -f.score).thenComparing(f -> f.hit.docId()));
        List<Hit> out = new ArrayList<>(Math.min(k, all.size()));
        for (int i = 0; i < all.size() && i < k; i++) {
            Fused f = all.get(i);
            out.add(new Hit(f.hit.docId(), (float) f.score, f.hit.title(), f.hit.snippet()));
        }
        return out;
    }

    /** Adds one ranking's contributions with weight {@code share}; the first list to name a document keeps its hit. */
    private static void add(Map<String, Fused> byId, List<Hit> ranking, Settings settings, float share) {
        float best = 0f;
        for (Hit h : ranking) {
            best = Math.max(best, h.score());
        }
        for (int rank = 0; rank < ranking.size(); rank++) {
            Hit h = ranking.get(rank);
            double part = settings.method() == Method.RRF
                    ? share / (double) (settings.rrfK() + rank + 1)
                    : best > 0f ? share * (double) h.score() / best : 0.0;
            Fused f = byId.get(h.docId());
            if (f == null) {
                byId.put(h.docId(), new Fused(h, part));
            } else {
                f.score += part;
            }
        }
    }

    /** A document's running fused score. */
    private static final class Fused {
        final Hit hit;
        double score;

        Fused(Hit hit, double score) {
            this.hit = hit;
            this.score = score;
        }
    }
}
