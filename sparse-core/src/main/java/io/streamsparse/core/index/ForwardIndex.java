package io.streamsparse.core.index;

import io.streamsparse.core.vector.SparseVector;
import java.util.Arrays;

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
 * </ul>
 * Threading: only the writer calls the mutators. Arrays grow by copy; a reader keeps the references it got from a
 * published {@link View}, which stay valid (and complete for every slot below the view's limit) after growth.
 */
final class ForwardIndex {

    final Quantization quantization;
    final int codeBytes;

    int slots;
    int size;
    int[] start = new int[17];
    float[] scale = new float[16];
    long[] died = new long[16];
    long[] keyHash = new long[16];
    DocMeta[] meta = new DocMeta[16];
    int[] terms = new int[1024];
    byte[] codes;

    ForwardIndex(Quantization quantization) {
        this.quantization = quantization;
        this.codeBytes = quantization.bytes();
        this.codes = new byte[1024 * codeBytes];
    }

    ForwardIndex(Quantization quantization, int slotCapacity, int poolCapacity) {
        this.quantization = quantization;
        this.codeBytes = quantization.bytes();
        int sc = Math.max(16, slotCapacity);
        int pc = Math.max(16, poolCapacity);
        start = new int[sc + 1];
        scale = new float[sc];
        died = new long[sc];
        keyHash = new long[sc];
        meta = new DocMeta[sc];
        terms = new int[pc];
        codes = new byte[pc * codeBytes];
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
        return slot;
    }

    private int reserve(DocMeta m, long hash, int n) {
        if (slots == meta.length) {
            int cap = grow(slots);
            start = Arrays.copyOf(start, cap + 1);
            scale = Arrays.copyOf(scale, cap);
            died = Arrays.copyOf(died, cap);
            keyHash = Arrays.copyOf(keyHash, cap);
            meta = Arrays.copyOf(meta, cap);
        }
        if ((long) size + n > terms.length) {
            long need = (long) size + n;
            if (need > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("forward pool full: " + need + " entries; compact() the index");
            }
            int cap = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, (long) terms.length * 3 / 2));
            terms = Arrays.copyOf(terms, cap);
            codes = Arrays.copyOf(codes, cap * codeBytes);
        }
        int slot = slots++;
        meta[slot] = m;
        keyHash[slot] = hash;
        start[slot] = size;
        return slot;
    }

    private static int grow(int n) {
        long cap = Math.max(16, (long) n * 3 / 2);
        if (cap > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("too many document slots: " + n + "; compact() the index");
        }
        return (int) cap;
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

    long approxBytes() {
        // pools plus per-slot arrays (start, scale, died, keyHash, meta reference)
        return (long) terms.length * 4 + codes.length + (long) meta.length * (4 + 4 + 8 + 8 + 8);
    }
}
