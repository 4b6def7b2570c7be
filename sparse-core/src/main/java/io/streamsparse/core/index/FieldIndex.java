package io.streamsparse.core.index;

import io.streamsparse.core.search.Filter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;

/**
 * Keyword fields: one {@link FieldPostings} per {@code field=value}. The writer adds slots; readers evaluate
 * filters into a fresh bitmap of candidate slots (it may contain dead slots, which the search drops by visibility).
 * The maps are concurrent so that readers may look values up while the writer adds new ones.
 */
final class FieldIndex {
    private static final RoaringBitmap EMPTY = new RoaringBitmap();

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, FieldPostings>> byField =
            new ConcurrentHashMap<>();

    /** Writer: slot carries these fields. */
    void add(Map<String, String> fields, int slot, long[] died) {
        for (Map.Entry<String, String> e : fields.entrySet()) {
            ConcurrentHashMap<String, FieldPostings> values = byField.get(e.getKey());
            if (values == null) {
                values = byField.computeIfAbsent(e.getKey(), k -> new ConcurrentHashMap<>());
            }
            FieldPostings fp = values.get(e.getValue());
            if (fp == null) {
                fp = new FieldPostings(new RoaringBitmap());
                values.put(e.getValue(), fp);
            }
            fp.tail.append(slot);
            if (fp.needsMerge()) {
                values.put(e.getValue(), fp.merged(died));
            }
        }
    }

    /** Writer (bulk): adds a base bitmap built elsewhere. */
    void putBase(String field, String value, RoaringBitmap base) {
        byField.computeIfAbsent(field, k -> new ConcurrentHashMap<>()).put(value, new FieldPostings(base));
    }

    /** Reader: the candidate slots of a filter; the result may be shared, so callers must not mutate it. */
    RoaringBitmap evaluate(Filter filter) {
        if (filter instanceof Filter.Term t) {
            Map<String, FieldPostings> values = byField.get(t.field());
            FieldPostings fp = values == null ? null : values.get(t.value());
            return fp == null ? EMPTY : fp.snapshot();
        }
        if (filter instanceof Filter.And a) {
            return FastAggregation.and(evaluateAll(a.clauses()));
        }
        Filter.Or o = (Filter.Or) filter;
        return FastAggregation.or(evaluateAll(o.clauses()));
    }

    private RoaringBitmap[] evaluateAll(List<Filter> clauses) {
        RoaringBitmap[] out = new RoaringBitmap[clauses.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = evaluate(clauses.get(i));
        }
        return out;
    }

    long approxBytes() {
        long b = 0;
        for (Map<String, FieldPostings> values : byField.values()) {
            for (FieldPostings fp : values.values()) {
                b += 64 + fp.base.getLongSizeInBytes() + (long) fp.tail.writerArray().length * 4;
            }
        }
        return b;
    }
}
