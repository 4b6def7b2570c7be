package io.streamsparse.core.index;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The complete state of a shard as flat arrays: what a snapshot stores and restores. Produced by
 * {@link ShardIndex#image()} on the writer thread, turned back into an index by {@link ShardIndex#fromImage}.
 *
 * <p>Documents are numbered densely {@code 0..docCount-1} in the index's slot order (dead slots dropped). Document
 * {@code d} owns entries {@code [start[d], start[d+1])} of {@code terms}/{@code codes}; term ids ascend within a
 * document and are {@code < config.vocabularySize()}; codes are {@code config.quantization().bytes()} bytes each,
 * little-endian; weight = code × {@code scale[d]}. The arrays are owned by the image and must not be modified.
 * The constructor checks every invariant (in parallel over document ranges and lists) and throws
 * {@link IllegalArgumentException} naming a violation, so an image read from untrusted bytes is safe to index.
 *
 * <p>{@code lists} holds the physical inverted lists (ascending terms, one per term that has one), or is null when
 * the image carries documents only (snapshot format 1): then the lists are rebuilt from the documents on load.
 */
public final class ShardImage {

    private final IndexConfig config;
    private final long appliedOffset;
    private final String[] docIds;
    private final String[] titles;
    private final String[] snippets;
    private final Map<String, String>[] fields;
    private final int[] start;
    private final int[] terms;
    private final byte[] codes;
    private final float[] scale;
    private final List<ListImage> lists;

    public ShardImage(IndexConfig config, long appliedOffset, String[] docIds, String[] titles, String[] snippets,
                      Map<String, String>[] fields, int[] start, int[] terms, byte[] codes, float[] scale,
                      List<ListImage> lists) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (appliedOffset < -1) {
            throw new IllegalArgumentException("appliedOffset must be >= -1, was " + appliedOffset);
        }
        int n = docIds.length;
        if (titles.length != n || snippets.length != n || fields.length != n || scale.length != n
                || start.length != n + 1) {
            throw new IllegalArgumentException("per-document arrays disagree on the document count " + n);
        }
        if (start[0] != 0 || start[n] != terms.length) {
            throw new IllegalArgumentException("start must run from 0 to " + terms.length + ", was " + start[0]
                    + ".." + start[n]);
        }
        if ((long) terms.length * config.quantization().bytes() != codes.length) {
            throw new IllegalArgumentException("codes hold " + codes.length + " bytes for " + terms.length
                    + " entries of " + config.quantization());
        }
        int vocab = config.vocabularySize();
        // checked in parallel over document ranges and lists (restoring a large shard waits for this)
        int ranges = Math.max(1, Math.min(64, n / 4096));
        IntStream.range(0, ranges).parallel().forEach(r -> checkDocuments(docIds, titles, snippets, fields, start,
                terms, scale, vocab, (int) ((long) n * r / ranges), (int) ((long) n * (r + 1) / ranges)));
        checkUniqueIds(docIds);
        if (lists != null) {
            List<ListImage> all = lists;
            IntStream.range(0, all.size()).parallel().forEach(i -> {
                all.get(i).validate(n, vocab);
                if (i > 0 && all.get(i).term() <= all.get(i - 1).term()) {
                    throw new IllegalArgumentException("lists not in ascending term order at term "
                            + all.get(i).term());
                }
            });
            lists = List.copyOf(lists);
        }
        this.lists = lists;
        this.config = config;
        this.appliedOffset = appliedOffset;
        this.docIds = docIds;
        this.titles = titles;
        this.snippets = snippets;
        this.fields = fields;
        this.start = start;
        this.terms = terms;
        this.codes = codes;
        this.scale = scale;
    }

    private static void checkDocuments(String[] docIds, String[] titles, String[] snippets,
                                       Map<String, String>[] fields, int[] start, int[] terms, float[] scale,
                                       int vocab, int from, int to) {
        for (int d = from; d < to; d++) {
            if (docIds[d] == null || titles[d] == null || snippets[d] == null || fields[d] == null) {
                throw new IllegalArgumentException("null id, title, snippet or fields at document " + d);
            }
            if (start[d + 1] < start[d]) {
                throw new IllegalArgumentException("start decreases at document " + d);
            }
            if (!(scale[d] >= 0f) || Float.isInfinite(scale[d])) {
                throw new IllegalArgumentException("scale of document " + docIds[d] + " is " + scale[d]);
            }
            for (int i = start[d]; i < start[d + 1]; i++) {
                if (terms[i] < 0 || terms[i] >= vocab) {
                    throw new IllegalArgumentException("term id " + terms[i] + " of " + docIds[d]
                            + " outside the vocabulary of " + vocab);
                }
                if (i > start[d] && terms[i] <= terms[i - 1]) {
                    throw new IllegalArgumentException("term ids of " + docIds[d] + " not ascending at " + terms[i]);
                }
            }
        }
    }

    /**
     * Throws on a repeated document id. Sorts 64-bit hashes of the ids (made in parallel) instead of filling a set of
     * strings: a set is one node per document on one thread; equal neighbours send it to the exact check.
     */
    private static void checkUniqueIds(String[] docIds) {
        long[] hashes = new long[docIds.length];
        IntStream.range(0, docIds.length).parallel().forEach(d -> hashes[d] = ContentHash.docKey(0L, docIds[d]));
        Arrays.parallelSort(hashes);
        for (int i = 1; i < hashes.length; i++) {
            if (hashes[i] == hashes[i - 1]) {
                HashSet<String> seen = new HashSet<>(docIds.length * 2);
                for (String id : docIds) {
                    if (!seen.add(id)) {
                        throw new IllegalArgumentException("duplicate document id " + id);
                    }
                }
                return; // a hash collision of distinct ids
            }
        }
    }

    public IndexConfig config() {
        return config;
    }

    public long appliedOffset() {
        return appliedOffset;
    }

    public int docCount() {
        return docIds.length;
    }

    public String[] docIds() {
        return docIds;
    }

    public String[] titles() {
        return titles;
    }

    public String[] snippets() {
        return snippets;
    }

    public Map<String, String>[] fields() {
        return fields;
    }

    public int[] start() {
        return start;
    }

    public int[] terms() {
        return terms;
    }

    public byte[] codes() {
        return codes;
    }

    public float[] scale() {
        return scale;
    }

    /**
     * The same documents under other knobs. The lists stay when only maintenance knobs differ (re-block thresholds
     * and mode: any lists are valid under any of them); otherwise they are dropped and rebuilt on load. The stored
     * codes, the vocabulary and the content-hash seed cannot change this way.
     *
     * @throws IllegalArgumentException when {@code other} differs in quantization, vocabulary size or seed
     */
    public ShardImage withConfig(IndexConfig other) {
        if (other.equals(config)) {
            return this;
        }
        if (other.quantization() != config.quantization() || other.vocabularySize() != config.vocabularySize()
                || other.seed() != config.seed()) {
            throw new IllegalArgumentException("cannot re-configure an image from " + config + " to " + other
                    + ": quantization, vocabulary size and seed must stay");
        }
        boolean sameLayout = other.withReblockMode(config.reblockMode()).withReblock(config.reblockTailFraction(),
                config.reblockMinTail(), config.reblockDeadFraction()).equals(config);
        return new ShardImage(other, appliedOffset, docIds, titles, snippets, fields, start, terms, codes, scale,
                sameLayout ? lists : null);
    }

    /** The physical lists, or null when the image holds documents only. */
    public List<ListImage> lists() {
        return lists;
    }
}
