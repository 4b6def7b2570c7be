package io.streamsparse.core.index;

import io.streamsparse.core.vector.SparseVector;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The forward index: document slot → (term ids, quantized weights), in flat pools, plus per-slot metadata.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Slots are appended, never reused: slot {@code s} owns pool entries {@code [start[s], start[s+1])}; its term
 *       ids ascend; {@code start} is non-decreasing and {@code start[slots] == size}.</li>
 *   <li>Weight of entry {@code i} = {@code code(i) * scale[s]}, codes per {@link Quantization} ({@code bytes()} bytes
 *       little-endian at {@code codes[i * bytes()]}).</li>
 *   <li>{@code died[s]} is 0 while the slot is live, else the stamp (offset + 1) of the operation that deleted or
 *       replaced it. Once non-zero it never changes.</li>
 *   <li>{@code topFeat[s * topStride ..]} holds the slot's {@code topStride} heaviest non-zero entries by code8,
 *       heaviest first (ties: lower term first), padded with -1, each packed as {@code term << 8 | code8} where code8
 *       is the code's top byte (the code itself for U8, at least 1): the clustering features of the document, computed
 *       once on append and kept in one cache line or two, so that routing a posting to a block reads no pool entries.
 *       Feature weight = {@code code8 · scale[s] · featureUnit}.</li>
 *   <li>{@code rankTerms/rankCodes[start[s] .. start[s+1])} (the <b>ranked copy</b>) hold the same entries as the
 *       pool, heaviest first by code8 (ties: lower term first, zero codes last), as a 16-bit term id and the code8;
 *       its first {@link #SKETCH_TERMS} entries are the slot's <b>sketch</b>: {@code Σ q[term] · code8 · scale[s] ·
 *       featureUnit} over them is a cheap lower bound of the document's score (up to code8 precision), which the
 *       approximate traversal computes first to skip the rest of a candidate whose sketch is far below the current
 *       k-th score; for U8 codes (code8 = code) it then continues over the same run to the full score, so that a
 *       candidate is read from one place, 3 bytes an entry, instead of a sketch plus the pool's 5 bytes an entry.
 *       Kept only when term ids fit 16 bits ({@code vocabularySize <= 65536}, {@link #ranked}); a wider vocabulary
 *       keeps none, and its candidates are scored from the pool without a gate. The ranked arrays are
 *       {@link #SKETCH_TERMS} entries longer than the pool, so that reading a head never leaves them.</li>
 * </ul>
 * Threading: only the writer calls the mutators. Arrays grow by copy; a reader keeps the references it got from a
 * published {@link View}, which stay valid (and complete for every slot below the view's limit) after growth.
 */
final class ForwardIndex {

    final Quantization quantization;
    final int codeBytes;
    /**
     * clusteringTerms + 1: one spare so a list can skip its own term and still use clusteringTerms features; at most
     * {@link #SKETCH_TERMS}, since the features are taken from the sketch ({@link IndexConfig} checks it).
     */
    final int topStride;
    /** The sketch: this many heaviest entries, the head of a slot's ranked copy. */
    static final int SKETCH_TERMS = 64;
    /** Term ids below this fit the ranked copy's 16-bit terms. */
    static final int RANKED_VOCABULARY = 1 << 16;

    int slots;
    int size;
    int[] start = new int[17];
    float[] scale = new float[16];
    /**
     * Per slot: {@code scale · featureUnit / φ}, where φ is the share of the slot's code8 mass in its sketch (0 for
     * an all-zero slot): a sketch score times this extrapolates it to the whole document, so that one gate fits
     * documents whose sketch holds most of their mass and flat ones whose sketch holds a third of it.
     */
    float[] sketchScale = new float[16];
    long[] died = new long[16];
    long[] keyHash = new long[16];
    DocMeta[] meta = new DocMeta[16];
    int[] terms = new int[1024];
    byte[] codes;
    int[] topFeat;
    /** The ranked copy (see the class invariants), parallel to the pool; null when term ids may exceed 16 bits. */
    char[] rankTerms;
    byte[] rankCodes;
    final boolean ranked;
    /** Weight of one code8 step, in units of the slot scale: 1 for U8, 256 for U16. */
    final float featureUnit;
    private final RankScratch rankScratch = new RankScratch();

    ForwardIndex(Quantization quantization, int clusteringTerms, int vocabularySize) {
        this(quantization, clusteringTerms, vocabularySize, 16, 1024);
    }

    ForwardIndex(Quantization quantization, int clusteringTerms, int vocabularySize, int slotCapacity,
                 int poolCapacity) {
        this.quantization = quantization;
        this.codeBytes = quantization.bytes();
        this.topStride = clusteringTerms + 1;
        this.featureUnit = codeBytes == 1 ? 1f : 256f;
        this.ranked = vocabularySize <= RANKED_VOCABULARY;
        int sc = Math.max(16, slotCapacity);
        topFeat = new int[sc * topStride];
        int pc = Math.max(16, poolCapacity);
        if (ranked) {
            rankTerms = new char[pc + SKETCH_TERMS];
            rankCodes = new byte[pc + SKETCH_TERMS];
        }
        start = new int[sc + 1];
        scale = new float[sc];
        sketchScale = new float[sc];
        died = new long[sc];
        keyHash = new long[sc];
        meta = new DocMeta[sc];
        terms = new int[pc];
        codes = new byte[pc * codeBytes];
    }

    /**
     * A forward index holding {@code n} documents whose pools are given in slot order (a decoded snapshot image):
     * {@code start[0..n]}, entries {@code [0, start[n])} of {@code terms} and {@code codes}, {@code scale[0..n)};
     * {@code meta} and {@code keyHash} are taken as they are. The pools, {@code start} and {@code scale} are taken
     * as they are too when they hold exactly these documents (a restore's arrays: the forward index only writes past
     * its last entry and slot, and an exactly sized array is grown, i.e. copied, before that, so the caller's arrays
     * never change), else copied. Copies and clustering features are made in parallel over slot ranges (each a pure
     * function of its slot, so the thread count changes nothing).
     */
    static ForwardIndex ofSlots(Quantization quantization, int clusteringTerms, int vocabularySize, int n, int[] start,
                                int[] terms, byte[] codes, float[] scale, DocMeta[] meta, long[] keyHash) {
        int pool = start[n];
        ForwardIndex f = new ForwardIndex(quantization, clusteringTerms, vocabularySize, 0, 0);
        int cb = f.codeBytes;
        int stride = f.topStride;
        f.slots = n;
        f.size = pool;
        boolean exact = n >= 16 && start.length == n + 1 && scale.length == n && terms.length == pool
                && codes.length == pool * cb && meta.length == n;
        f.start = exact ? start : Arrays.copyOf(start, Math.max(17, n + 1));
        f.scale = exact ? scale : Arrays.copyOf(scale, Math.max(16, n));
        f.sketchScale = new float[Math.max(16, n)];
        f.died = new long[Math.max(16, n)];
        f.keyHash = keyHash.length >= Math.max(16, n) ? keyHash : Arrays.copyOf(keyHash, Math.max(16, n));
        f.meta = meta.length >= Math.max(16, n) ? meta : Arrays.copyOf(meta, Math.max(16, n));
        f.terms = exact ? terms : new int[Math.max(16, pool)];
        f.codes = exact ? codes : new byte[Math.max(16, pool) * cb];
        f.topFeat = new int[Math.max(16, n) * stride];
        if (f.ranked) {
            f.rankTerms = new char[f.terms.length + SKETCH_TERMS];
            f.rankCodes = new byte[f.terms.length + SKETCH_TERMS];
        }
        int chunks = Math.max(1, Math.min(64, n / 4096));
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            int e0 = f.start[from];
            int e1 = f.start[to];
            if (!exact) {
                System.arraycopy(terms, e0, f.terms, e0, e1 - e0);
                System.arraycopy(codes, e0 * cb, f.codes, e0 * cb, (e1 - e0) * cb);
            }
            RankScratch scratch = new RankScratch();
            for (int slot = from; slot < to; slot++) {
                f.fillRankedAndFeatures(slot, scratch);
            }
        });
        return f;
    }

    /** Appends a document with freshly quantized weights; returns its slot. */
    int append(DocMeta m, long hash, SparseVector v) {
        int n = v.nnz();
        int slot = reserve(m, hash, n);
        int[] ids = v.termIds();
        float[] ws = v.weights();
        System.arraycopy(ids, 0, terms, size, n);
        float max = 0f;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, ws[i]);
        }
        int maxCode = quantization.maxCode();
        float sc = max > 0f ? max / maxCode : 0f;
        scale[slot] = sc;
        for (int i = 0; i < n; i++) {
            int code = sc > 0f ? Math.min(maxCode, Math.round(ws[i] / sc)) : 0;
            putCode(size + i, code);
        }
        size += n;
        start[slot + 1] = size;
        fillRankedAndFeatures(slot, rankScratch);
        return slot;
    }

    /** Appends a document whose codes are already quantized (copying from another forward index or a snapshot). */
    int appendQuantized(DocMeta m, long hash, int[] srcTerms, byte[] srcCodes, int from, int n, float sc) {
        int slot = reserve(m, hash, n);
        System.arraycopy(srcTerms, from, terms, size, n);
        System.arraycopy(srcCodes, from * codeBytes, codes, size * codeBytes, n * codeBytes);
        scale[slot] = sc;
        size += n;
        start[slot + 1] = size;
        fillRankedAndFeatures(slot, rankScratch);
        return slot;
    }

    /** Per-thread scratch of {@link #fillRankedAndFeatures}. */
    private static final class RankScratch {
        final int[] histogram = new int[256];
        final int[] next = new int[256];
        int[] packed = new int[256];
    }

    /**
     * Fills the slot's ranked copy, its clustering features and its sketch scale (see the fields) with one counting
     * sort by code8: a histogram gives each code8 its first position, heaviest first; one pass in term order places
     * every entry, so equal code8 keep ascending terms. The features are the ranked copy's first {@code topStride}
     * non-zero entries (clusteringTerms < {@link #SKETCH_TERMS}). O(nnz + 256) per document: the writer pays it on
     * every append (a comparison sort cost it ~25 % of its time when the sketch was selected that way).
     */
    private void fillRankedAndFeatures(int slot, RankScratch scratch) {
        int from = start[slot];
        int to = start[slot + 1];
        int n = to - from;
        int[] histogram = scratch.histogram;
        int[] next = scratch.next;
        Arrays.fill(histogram, 0);
        for (int e = from; e < to; e++) {
            histogram[code8(e)]++;
        }
        int position = 0;
        long mass = 0;
        long sketchMass = 0; // of the first SKETCH_TERMS entries, heaviest first
        for (int c = 255; c >= 0; c--) {
            int count = histogram[c];
            next[c] = position;
            mass += (long) count * c;
            sketchMass += (long) Math.min(count, Math.max(0, SKETCH_TERMS - position)) * c;
            position += count;
        }
        sketchScale[slot] = sketchMass == 0 ? 0f : (float) (scale[slot] * featureUnit * ((double) mass / sketchMass));
        if (scratch.packed.length < n) {
            scratch.packed = new int[Math.max(n, 2 * scratch.packed.length)];
        }
        int[] packed = scratch.packed;
        for (int e = from; e < to; e++) {
            int c = code8(e);
            packed[next[c]++] = terms[e] << 8 | c;
        }
        if (ranked) {
            for (int i = 0; i < n; i++) {
                rankTerms[from + i] = (char) (packed[i] >>> 8);
                rankCodes[from + i] = (byte) packed[i];
            }
        }
        int features = Math.min(topStride, n - histogram[0]);
        int featureBase = slot * topStride;
        System.arraycopy(packed, 0, topFeat, featureBase, features);
        Arrays.fill(topFeat, featureBase + features, featureBase + topStride, -1);
    }

    /** code8 of a pool entry, as in {@code topFeat}: the code for U8, its top byte (at least 1) for U16. */
    private int code8(int entry) {
        int c = code(entry);
        return codeBytes == 1 || c == 0 ? c : Math.max(1, c >>> 8);
    }

    private int reserve(DocMeta m, long hash, int n) {
        if (slots == meta.length) {
            if (slots > Integer.MAX_VALUE / topStride - 16) {
                throw new IllegalStateException("too many document slots: " + slots + "; compact() the index");
            }
            meta = ArrayGrowth.grow(meta, slots + 1);
            int cap = meta.length; // every per-slot array holds cap slots (start one more)
            start = Arrays.copyOf(start, cap + 1);
            scale = Arrays.copyOf(scale, cap);
            sketchScale = Arrays.copyOf(sketchScale, cap);
            died = Arrays.copyOf(died, cap);
            keyHash = Arrays.copyOf(keyHash, cap);
            topFeat = Arrays.copyOf(topFeat, cap * topStride);
        }
        if ((long) size + n > terms.length) {
            long need = (long) size + n;
            if (need > (Integer.MAX_VALUE - 16) / codeBytes) {
                throw new IllegalStateException("forward pool full: " + need + " entries; compact() the index");
            }
            terms = ArrayGrowth.grow(terms, (int) need);
            codes = Arrays.copyOf(codes, terms.length * codeBytes);
            if (ranked) {
                rankTerms = Arrays.copyOf(rankTerms, terms.length + SKETCH_TERMS);
                rankCodes = Arrays.copyOf(rankCodes, terms.length + SKETCH_TERMS);
            }
        }
        int slot = slots++;
        meta[slot] = m;
        keyHash[slot] = hash;
        start[slot] = size;
        return slot;
    }

    void putCode(int entry, int code) {
        if (codeBytes == 1) {
            codes[entry] = (byte) code;
        } else {
            codes[2 * entry] = (byte) code;
            codes[2 * entry + 1] = (byte) (code >>> 8);
        }
    }

    int code(int entry) {
        return code(codes, codeBytes, entry);
    }

    static int code(byte[] codes, int codeBytes, int entry) {
        return codeBytes == 1 ? codes[entry] & 0xff : (codes[2 * entry] & 0xff) | (codes[2 * entry + 1] & 0xff) << 8;
    }

    /** The stored (dequantized) weight of pool entry {@code entry} of {@code slot}. */
    float weight(int slot, int entry) {
        return code(entry) * scale[slot];
    }
}
