package io.streamsparse.core.snapshot;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ListImage;
import io.streamsparse.core.index.Quantization;
import io.streamsparse.core.index.ShardImage;
import io.streamsparse.core.index.ShardIndex;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a {@link SnapshotFormat} snapshot (any supported version) back into a shard. Everything is validated; bad
 * bytes throw {@link IllegalArgumentException} naming the problem. Reads ahead in buffers, so hand it a stream that
 * holds the snapshot alone; does not close the stream.
 */
public final class SnapshotReader {

    private SnapshotReader() {
    }

    public static ShardIndex read(InputStream in) throws IOException {
        return ShardIndex.fromImage(readImage(in));
    }

    @SuppressWarnings("unchecked")
    public static ShardImage readImage(InputStream in) throws IOException {
        LittleEndianIn r = new LittleEndianIn(in);
        byte[] magic = new byte[SnapshotFormat.MAGIC.length];
        r.bytes(magic, 0, magic.length);
        if (!Arrays.equals(magic, SnapshotFormat.MAGIC)) {
            throw new IllegalArgumentException("not a shard snapshot: magic " + Arrays.toString(magic));
        }
        int version = r.u8();
        if (version != SnapshotFormat.VERSION_1 && version != SnapshotFormat.VERSION_2) {
            throw new IllegalArgumentException("unsupported snapshot version " + version);
        }
        IndexConfig config = readConfig(r);
        long appliedOffset = r.i64();
        int n = r.varint();
        int codeBytes = config.quantization().bytes();
        String[] ids = new String[Math.min(n, 1 << 20)];
        String[] titles = new String[ids.length];
        String[] snippets = new String[ids.length];
        Map<String, String>[] fields = new Map[ids.length];
        float[] scale = new float[ids.length];
        int[] start = new int[ids.length + 1];
        int[] terms = new int[1024];
        byte[] codes = new byte[1024 * codeBytes];
        int at = 0;
        for (int d = 0; d < n; d++) {
            if (d == ids.length) {
                int cap = (int) Math.min(n, (long) ids.length * 2);
                ids = Arrays.copyOf(ids, cap);
                titles = Arrays.copyOf(titles, cap);
                snippets = Arrays.copyOf(snippets, cap);
                fields = Arrays.copyOf(fields, cap);
                scale = Arrays.copyOf(scale, cap);
                start = Arrays.copyOf(start, cap + 1);
            }
            ids[d] = r.string(SnapshotFormat.MAX_STRING_BYTES);
            titles[d] = r.string(SnapshotFormat.MAX_STRING_BYTES);
            snippets[d] = r.string(SnapshotFormat.MAX_STRING_BYTES);
            int fc = r.varint();
            Map<String, String> f = fc == 0 ? Collections.emptyMap() : new TreeMap<>();
            for (int i = 0; i < fc; i++) {
                String key = r.string(SnapshotFormat.MAX_STRING_BYTES);
                if (f.put(key, r.string(SnapshotFormat.MAX_STRING_BYTES)) != null) {
                    throw new IllegalArgumentException("duplicate field " + key + " in document " + ids[d]);
                }
            }
            fields[d] = fc == 0 ? f : Collections.unmodifiableMap(f);
            int nnz = r.varint();
            if (nnz > config.vocabularySize()) {
                throw new IllegalArgumentException("document " + ids[d] + " has " + nnz
                        + " terms, more than the vocabulary of " + config.vocabularySize());
            }
            if (at + nnz > terms.length) {
                int cap = (int) Math.min(Integer.MAX_VALUE - 16, Math.max((long) at + nnz, (long) terms.length * 2));
                terms = Arrays.copyOf(terms, cap);
                codes = Arrays.copyOf(codes, cap * codeBytes);
            }
            long prev = 0;
            for (int i = 0; i < nnz; i++) {
                long id = prev + r.varint();
                if (i > 0 && id == prev) {
                    throw new IllegalArgumentException("duplicate term id " + id + " in document " + ids[d]);
                }
                if (id >= config.vocabularySize()) {
                    throw new IllegalArgumentException("term id " + id + " of " + ids[d] + " outside the vocabulary");
                }
                terms[at + i] = (int) id;
                prev = id;
            }
            scale[d] = r.f32();
            r.bytes(codes, at * codeBytes, nnz * codeBytes);
            at += nnz;
            start[d + 1] = at;
        }
        List<ListImage> lists = version >= SnapshotFormat.VERSION_2 ? readLists(r, n, config.vocabularySize()) : null;
        int expected = r.crcSoFar();
        int crc = r.i32();
        if (crc != expected) {
            throw new IllegalArgumentException("snapshot CRC mismatch: stored " + Integer.toHexString(crc)
                    + ", computed " + Integer.toHexString(expected));
        }
        return new ShardImage(config, appliedOffset, Arrays.copyOf(ids, n), Arrays.copyOf(titles, n),
                Arrays.copyOf(snippets, n), Arrays.copyOf(fields, n), Arrays.copyOf(start, n + 1),
                Arrays.copyOf(terms, at), Arrays.copyOf(codes, at * codeBytes), Arrays.copyOf(scale, n), lists);
    }

    private static List<ListImage> readLists(LittleEndianIn r, int docCount, int vocab) throws IOException {
        int count = r.varint();
        if (count > vocab) {
            throw new IllegalArgumentException(count + " lists for a vocabulary of " + vocab);
        }
        List<ListImage> lists = new ArrayList<>(count);
        long term = -1;
        for (int li = 0; li < count; li++) {
            term += positive(r, "list term delta");
            if (term >= vocab) {
                throw new IllegalArgumentException("list term " + term + " outside the vocabulary of " + vocab);
            }
            float minWeight = r.f32();
            int clusteredSize = r.varint();
            int churn = r.varint();
            int blocks = r.varint();
            if (blocks > docCount) {
                throw new IllegalArgumentException(blocks + " blocks for " + docCount + " documents in term " + term);
            }
            int[] blockStart = new int[blocks + 1];
            int[] centroid = new int[blocks];
            int[] sumStart = new int[blocks + 1];
            float[] sumScale = new float[blocks];
            IntList docs = new IntList();
            IntList sumTerms = new IntList();
            byte[] sumCodes = new byte[16];
            for (int b = 0; b < blocks; b++) {
                int size = r.varint();
                if (size > docCount) {
                    throw new IllegalArgumentException("block of " + size + " documents in term " + term);
                }
                centroid[b] = r.varint();
                ascending(r, docs, size, docCount, "block document");
                blockStart[b + 1] = docs.size;
                int sums = r.varint();
                if (sums > vocab) {
                    throw new IllegalArgumentException("summary of " + sums + " terms in term " + term);
                }
                ascending(r, sumTerms, sums, vocab, "summary term");
                if (sumTerms.size > sumCodes.length) {
                    sumCodes = Arrays.copyOf(sumCodes, Math.max(sumTerms.size, sumCodes.length * 2));
                }
                r.bytes(sumCodes, sumStart[b], sums);
                sumStart[b + 1] = sumTerms.size;
                sumScale[b] = r.f32();
            }
            int tailCount = r.varint();
            if (tailCount > docCount) {
                throw new IllegalArgumentException("tail of " + tailCount + " documents in term " + term);
            }
            IntList tail = new IntList();
            ascending(r, tail, tailCount, docCount, "tail document");
            lists.add(new ListImage((int) term, minWeight, clusteredSize, churn, docs.toArray(), blockStart, centroid,
                    sumStart, sumTerms.toArray(), Arrays.copyOf(sumCodes, sumTerms.size), sumScale, tail.toArray()));
        }
        return lists;
    }

    private static int positive(LittleEndianIn r, String what) throws IOException {
        int v = r.varint();
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be > 0, was " + v);
        }
        return v;
    }

    /** Reads {@code n} strictly ascending values below {@code limit} (deltas, the first from -1). */
    private static void ascending(LittleEndianIn r, IntList out, int n, int limit, String what) throws IOException {
        out.reserve(n);
        long prev = -1;
        for (int i = 0; i < n; i++) {
            int delta = r.varint(); // not positive(r, what + " delta"): that built a string per posting
            if (delta <= 0) {
                throw new IllegalArgumentException(what + " delta must be > 0, was " + delta);
            }
            prev += delta;
            if (prev >= limit) {
                throw new IllegalArgumentException(what + " " + prev + " not below " + limit);
            }
            out.add((int) prev);
        }
    }

    /** Growable int array. */
    private static final class IntList {
        int[] data = new int[16];
        int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        /** Room for {@code n} more values (n was checked against the document count or vocabulary). */
        void reserve(int n) {
            if (data.length - size < n) {
                data = Arrays.copyOf(data, Math.max(size + n, data.length * 2));
            }
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    static IndexConfig readConfig(LittleEndianIn r) throws IOException {
        int vocab = r.i32();
        int blockSize = r.i32();
        int lambda = r.i32();
        float alpha = r.f32();
        int summaryMaxTerms = r.i32();
        int q = r.u8();
        if (q >= Quantization.values().length) {
            throw new IllegalArgumentException("unknown quantization " + q);
        }
        float tailFraction = r.f32();
        int minTail = r.i32();
        float deadFraction = r.f32();
        int mode = r.u8();
        if (mode >= IndexConfig.ReblockMode.values().length) {
            throw new IllegalArgumentException("unknown reblock mode " + mode);
        }
        int clusteringTerms = r.i32();
        long seed = r.i64();
        return new IndexConfig(vocab, blockSize, lambda, alpha, summaryMaxTerms, Quantization.values()[q],
                tailFraction, minTail,
                deadFraction, IndexConfig.ReblockMode.values()[mode], clusteringTerms, seed);
    }
}
