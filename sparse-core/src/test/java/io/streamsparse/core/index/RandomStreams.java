package io.streamsparse.core.index;

import io.streamsparse.core.search.Filter;
import io.streamsparse.core.search.Hit;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Seeded random operation streams over a small vocabulary (so documents overlap a lot), the reference state
 * {@code Latest(S)}, and a brute-force reference search over it that follows the documented storage rule.
 */
final class RandomStreams {

    /** One operation: an upsert when {@code doc != null}, else a delete. */
    record Op(long offset, String docId, EncodedDocument doc) {
    }

    static final String[] LANGS = {"en", "de", "fr"};
    static final String[] COLORS = {"red", "blue"};

    private RandomStreams() {
    }

    static EncodedDocument randomDoc(SplittableRandom r, int vocab, int maxNnz) {
        int nnz = r.nextInt(maxNnz + 1);
        TreeMap<Integer, Float> terms = new TreeMap<>();
        while (terms.size() < nnz) {
            // skew towards low ids so lists get long; some weights repeat so ties happen
            int t = r.nextInt(4) == 0 ? r.nextInt(vocab) : r.nextInt(Math.max(1, vocab / 8));
            float w = r.nextInt(5) == 0 ? 0.5f : (float) (0.01 + 3 * r.nextDouble() * r.nextDouble());
            terms.put(t, w);
        }
        int[] ids = terms.keySet().stream().mapToInt(Integer::intValue).toArray();
        float[] ws = new float[ids.length];
        int i = 0;
        for (float w : terms.values()) {
            ws[i++] = w;
        }
        Map<String, String> fields = new HashMap<>();
        if (r.nextInt(5) != 0) {
            fields.put("lang", LANGS[r.nextInt(LANGS.length)]);
        }
        if (r.nextBoolean()) {
            fields.put("color", COLORS[r.nextInt(COLORS.length)]);
        }
        return new EncodedDocument("t" + r.nextInt(1000), "s", fields, SparseVector.ofSorted(ids, ws));
    }

    static SparseVector randomQuery(SplittableRandom r, int vocab, int maxNnz) {
        EncodedDocument d;
        do {
            d = randomDoc(r, vocab, maxNnz);
        } while (d.vector().nnz() == 0);
        return d.vector();
    }

    /**
     * A stream of {@code n} operations: new upserts, re-upserts, deletes of live and unknown ids, with gaps in the
     * offsets, and ops whose offset repeats an applied one (those must change nothing).
     */
    static List<Op> stream(long seed, int n, int idSpace, int vocab, int maxNnz) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Op> ops = new ArrayList<>(n);
        long offset = r.nextInt(3);
        for (int i = 0; i < n; i++) {
            String id = "doc-" + r.nextInt(idSpace);
            int kind = r.nextInt(10);
            long off = offset;
            if (kind == 9 && offset > 0) {
                off = offset - 1 - r.nextInt((int) Math.min(offset, 5)); // replayed offset
            } else {
                offset += 1 + (r.nextInt(8) == 0 ? r.nextInt(5) : 0);
            }
            if (kind < 7) {
                ops.add(new Op(off, id, randomDoc(r, vocab, maxNnz)));
            } else {
                ops.add(new Op(off, r.nextInt(4) == 0 ? "ghost-" + r.nextInt(100) : id, null));
            }
        }
        return ops;
    }

    /** Applies the ops; returns the reference state Latest(S) (docs by id) and checks P2's return values. */
    static TreeMap<String, EncodedDocument> apply(ShardIndex index, List<Op> ops,
                                                  TreeMap<String, EncodedDocument> latest,
                                                  long[] appliedHolder) {
        for (Op op : ops) {
            boolean fresh = op.offset() > appliedHolder[0];
            boolean changed = op.doc() != null ? index.upsert(op.offset(), op.docId(), op.doc())
                    : index.delete(op.offset(), op.docId());
            if (changed != fresh) {
                throw new AssertionError("op at offset " + op.offset() + " after " + appliedHolder[0] + " returned "
                        + changed);
            }
            if (fresh) {
                appliedHolder[0] = op.offset();
                if (op.doc() != null) {
                    latest.put(op.docId(), op.doc());
                } else {
                    latest.remove(op.docId());
                }
            }
        }
        return latest;
    }

    /** The stored (quantized) weights of a vector, by the rule in {@link Quantization}'s javadoc. */
    static float[] stored(SparseVector v, Quantization q) {
        float max = 0f;
        for (float w : v.weights()) {
            max = Math.max(max, w);
        }
        float scale = max > 0f ? max / q.maxCode() : 0f;
        float[] out = new float[v.nnz()];
        for (int i = 0; i < out.length; i++) {
            int code = scale > 0f ? Math.min(q.maxCode(), Math.round(v.weight(i) / scale)) : 0;
            out[i] = code * scale;
        }
        return out;
    }

    /** Brute force: every live doc passing the filter, score > 0, sorted by (score desc, id asc), cut at k. */
    static List<Hit> bruteForce(Map<String, EncodedDocument> latest, SparseVector q, int k, Filter filter,
                                Quantization quant) {
        List<Hit> all = new ArrayList<>();
        for (Map.Entry<String, EncodedDocument> e : latest.entrySet()) {
            EncodedDocument d = e.getValue();
            if (filter != null && !filter.matches(d.fields())) {
                continue;
            }
            SparseVector v = d.vector();
            float max = 0f;
            for (float w : v.weights()) {
                max = Math.max(max, w);
            }
            float scale = max > 0f ? max / quant.maxCode() : 0f;
            // same order and arithmetic as the engine: sum q * code over the doc's terms, times the doc scale
            float dot = 0f;
            for (int i = 0; i < v.nnz(); i++) {
                int code = scale > 0f ? Math.min(quant.maxCode(), Math.round(v.weight(i) / scale)) : 0;
                dot += q.weightOf(v.termId(i)) * code;
            }
            float score = dot * scale;
            if (score > 0f) {
                all.add(new Hit(e.getKey(), score, d.title(), d.snippet()));
            }
        }
        all.sort((a, b) -> a.score() != b.score() ? Float.compare(b.score(), a.score())
                : a.docId().compareTo(b.docId()));
        return all.subList(0, Math.min(k, all.size()));
    }
}
