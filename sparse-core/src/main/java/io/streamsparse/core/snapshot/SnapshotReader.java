package io.streamsparse.core.snapshot;

import com.carrotsearch.hppc.IntArrayList;
import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ListImage;
import io.streamsparse.core.index.Quantization;
import io.streamsparse.core.index.ShardImage;
import io.streamsparse.core.index.ShardIndex;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * Reads a {@link SnapshotFormat} snapshot (any supported version) back into a shard. Everything is validated; bad
 * bytes throw {@link IllegalArgumentException} naming the problem. Version 3 and 4 chunks are decoded on one thread
 * per core while the file is still being read (version 4 straight into the shard's arrays). Reads ahead in buffers, so hand it a stream that
 * holds the snapshot alone; does not close the stream.
 */
public final class SnapshotReader {

    private SnapshotReader() {
    }

    public static ShardIndex read(InputStream in) throws IOException {
        return ShardIndex.fromImage(readImage(in));
    }

    public static ShardImage readImage(InputStream in) throws IOException {
        LittleEndianIn r = new LittleEndianIn(in);
        byte[] magic = new byte[SnapshotFormat.MAGIC.length];
        r.bytes(magic, 0, magic.length);
        if (!Arrays.equals(magic, SnapshotFormat.MAGIC)) {
            throw new IllegalArgumentException("not a shard snapshot: magic " + Arrays.toString(magic));
        }
        int version = r.u8();
        if (version < SnapshotFormat.VERSION_1 || version > SnapshotFormat.VERSION_4) {
            throw new IllegalArgumentException("unsupported snapshot version " + version);
        }
        IndexConfig config = readConfig(r);
        long appliedOffset = r.i64();
        int n = r.varint();
        if (version == SnapshotFormat.VERSION_4) {
            return readColumnar(r, config, appliedOffset, n);
        }
        Documents docs;
        List<ListImage> lists;
        if (version == SnapshotFormat.VERSION_3) {
            ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
                    daemon("snapshot-decoder"));
            try {
                Future<Documents> docsDone = readDocChunks(r, n, config, pool);
                int vocab = config.vocabularySize();
                int listTotal = r.varint();
                List<Future<List<ListImage>>> listsDone = readListChunks(r, listTotal, vocab, pool, (bytes, count) -> {
                    LittleEndianIn cr = new LittleEndianIn(new ByteArrayInputStream(bytes));
                    List<ListImage> decoded = readLists(cr, count, n, vocab);
                    if (!cr.atEnd()) {
                        throw new IllegalArgumentException("list chunk longer than its " + count + " lists");
                    }
                    return decoded;
                });
                checkCrc(r);
                docs = join(docsDone);
                lists = new ArrayList<>();
                for (Future<List<ListImage>> part : listsDone) {
                    lists.addAll(join(part));
                }
            } finally {
                pool.shutdownNow();
            }
        } else {
            docs = Documents.read(r, n, config);
            lists = version == SnapshotFormat.VERSION_2 ? readLists(r, r.varint(), n, config.vocabularySize()) : null;
            checkCrc(r);
        }
        return docs.image(config, appliedOffset, lists);
    }

    /**
     * Version 4: hands each list chunk to the pool as soon as its bytes are read; reads every document chunk's bytes
     * and the CRC, sizes the document arrays from the chunks' counts (now backed by bytes in memory), then decodes the
     * document chunks on the pool straight into those arrays, each at its first document and first posting.
     */
    private static ShardImage readColumnar(LittleEndianIn r, IndexConfig config, long appliedOffset, int n)
            throws IOException {
        int vocab = config.vocabularySize();
        int codeBytes = config.quantization().bytes();
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
                daemon("snapshot-decoder"));
        try {
            int listTotal = r.varint();
            List<Future<List<ListImage>>> listParts = readListChunks(r, listTotal, vocab, pool,
                    (bytes, count) -> Arrays.asList(listColumns(new ChunkIn(bytes, "list"), count, n, vocab)));
            int docChunks = r.varint();
            if (docChunks > n) {
                throw new IllegalArgumentException(docChunks + " document chunks for " + n + " documents");
            }
            byte[][] docBytes = new byte[docChunks][];
            int[] docs = new int[docChunks];
            int[] postings = new int[docChunks];
            long docsSeen = 0;
            long postingsSeen = 0;
            for (int c = 0; c < docChunks; c++) {
                docs[c] = r.varint();
                postings[c] = r.varint();
                docBytes[c] = chunk(r, docs[c], "document");
                if ((long) postings[c] * (1 + codeBytes) > docBytes[c].length) {
                    throw new IllegalArgumentException("document chunk of " + postings[c] + " postings in "
                            + docBytes[c].length + " bytes");
                }
                docsSeen += docs[c];
                postingsSeen += postings[c];
                if (docsSeen > n) {
                    throw new IllegalArgumentException("document chunks hold more than the " + n + " documents declared");
                }
            }
            if (docsSeen != n) {
                throw new IllegalArgumentException("document chunks hold " + docsSeen + " documents, declared " + n);
            }
            checkCrc(r);
            Documents out = new Documents(n, (int) postingsSeen, codeBytes); // int: bounded by the bytes read
            out.count = n;
            out.postings = (int) postingsSeen;
            List<Future<?>> docParts = new ArrayList<>(docChunks);
            int firstDoc = 0;
            int firstPosting = 0;
            for (int c = 0; c < docChunks; c++) {
                ChunkIn in = new ChunkIn(docBytes[c], "document");
                docBytes[c] = null; // garbage once decoded
                int d0 = firstDoc;
                int p0 = firstPosting;
                int count = docs[c];
                int chunkPostings = postings[c];
                docParts.add(pool.submit(() -> out.readColumns(in, d0, count, p0, chunkPostings, config)));
                firstDoc += count;
                firstPosting += chunkPostings;
            }
            for (Future<?> part : docParts) {
                join(part);
            }
            List<ListImage> lists = new ArrayList<>(listTotal);
            for (Future<List<ListImage>> part : listParts) {
                lists.addAll(join(part));
            }
            return out.image(config, appliedOffset, lists);
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code count} lists of a version 4 chunk. Arrays are sized from counts that the chunk's bytes can back. */
    private static ListImage[] listColumns(ChunkIn c, int count, int docCount, int vocab) {
        ListImage[] out = new ListImage[count];
        long term = -1;
        for (int li = 0; li < count; li++) {
            int delta = c.varint();
            if (delta <= 0) {
                throw new IllegalArgumentException("list term delta must be > 0, was " + delta);
            }
            term += delta;
            if (term >= vocab) {
                throw new IllegalArgumentException("list term " + term + " outside the vocabulary of " + vocab);
            }
            float minWeight = c.f32();
            int clusteredSize = c.varint();
            int churn = c.varint();
            int blocks = c.varint();
            int tailCount = c.varint();
            c.need(8L * blocks + tailCount); // per block at least: size, centroid, sumSize, one document, scale
            int[] blockStart = new int[blocks + 1];
            for (int b = 0; b < blocks; b++) {
                int size = c.varint();
                if (size == 0) {
                    throw new IllegalArgumentException("empty block " + b + " in the list of term " + term);
                }
                blockStart[b + 1] = blockStart[b] + size;
                c.need(blockStart[b + 1]); // one byte per document at least; also keeps the sum from overflowing
            }
            int[] centroid = new int[blocks];
            for (int b = 0; b < blocks; b++) {
                centroid[b] = c.varint();
            }
            int[] sumStart = new int[blocks + 1];
            for (int b = 0; b < blocks; b++) {
                sumStart[b + 1] = sumStart[b] + c.varint();
                c.need(sumStart[b + 1] * 2L);
            }
            float[] sumScale = new float[blocks];
            for (int b = 0; b < blocks; b++) {
                sumScale[b] = c.f32();
            }
            int[] docs = new int[blockStart[blocks]];
            for (int b = 0; b < blocks; b++) {
                ascending(c, docs, blockStart[b], blockStart[b + 1], docCount, "block document");
            }
            int[] sumTerms = new int[sumStart[blocks]];
            for (int b = 0; b < blocks; b++) {
                ascending(c, sumTerms, sumStart[b], sumStart[b + 1], vocab, "summary term");
            }
            byte[] sumCodes = new byte[sumTerms.length];
            c.bytes(sumCodes, 0, sumCodes.length);
            int[] tail = new int[tailCount];
            ascending(c, tail, 0, tailCount, docCount, "tail document");
            out[li] = new ListImage((int) term, minWeight, clusteredSize, churn, docs, blockStart, centroid, sumStart,
                    sumTerms, sumCodes, sumScale, tail);
        }
        c.expectEnd();
        return out;
    }

    /** Reads strictly ascending values below {@code limit} into {@code out[from .. to)} (deltas, the first from -1). */
    private static void ascending(ChunkIn c, int[] out, int from, int to, int limit, String what) {
        long prev = -1;
        for (int i = from; i < to; i++) {
            int delta = c.varint();
            // invariant: prev < limit <= Integer.MAX_VALUE, so prev + delta cannot overflow a long
            if (delta <= 0) {
                throw new IllegalArgumentException(what + " delta must be > 0, was " + delta);
            }
            prev += delta;
            if (prev >= limit) {
                throw new IllegalArgumentException(what + " " + prev + " not below " + limit);
            }
            out[i] = (int) prev;
        }
    }

    private static void checkCrc(LittleEndianIn r) throws IOException {
        int expected = r.crcSoFar();
        int crc = r.i32();
        if (crc != expected) {
            throw new IllegalArgumentException("snapshot CRC mismatch: stored " + Integer.toHexString(crc)
                    + ", computed " + Integer.toHexString(expected));
        }
    }

    /**
     * Version 3 documents: reads each chunk's bytes on this thread (counted into the CRC) and decodes the chunks on
     * the pool meanwhile; the returned future joins them in order.
     */
    private static Future<Documents> readDocChunks(LittleEndianIn r, int n, IndexConfig config, ExecutorService pool)
            throws IOException {
        int chunks = r.varint();
        if (chunks > n) {
            throw new IllegalArgumentException(chunks + " document chunks for " + n + " documents");
        }
        List<Future<Documents>> parts = new ArrayList<>(chunks);
        long seen = 0;
        for (int c = 0; c < chunks; c++) {
            int count = r.varint();
            byte[] bytes = chunk(r, count, "document");
            seen += count;
            if (seen > n) {
                throw new IllegalArgumentException("document chunks hold more than the " + n + " documents declared");
            }
            parts.add(pool.submit(() -> {
                LittleEndianIn cr = new LittleEndianIn(new ByteArrayInputStream(bytes));
                Documents d = Documents.read(cr, count, config);
                if (!cr.atEnd()) {
                    throw new IllegalArgumentException("document chunk longer than its " + count + " documents");
                }
                return d;
            }));
        }
        if (seen != n) {
            throw new IllegalArgumentException("document chunks hold " + seen + " documents, declared " + n);
        }
        return pool.submit(() -> {
            List<Documents> decoded = new ArrayList<>(parts.size());
            for (Future<Documents> part : parts) {
                decoded.add(join(part));
            }
            return Documents.concat(decoded, config);
        });
    }

    /** Decodes the bytes of one chunk of {@code count} items. */
    private interface ChunkDecoder<T> {
        T decode(byte[] bytes, int count) throws IOException;
    }

    /**
     * Version 3 and 4 lists: reads each chunk's bytes on this thread and hands them to {@code decoder} on the pool;
     * one future per chunk, in order.
     */
    private static List<Future<List<ListImage>>> readListChunks(LittleEndianIn r, int total, int vocab,
            ExecutorService pool, ChunkDecoder<List<ListImage>> decoder) throws IOException {
        int chunks = r.varint();
        if (total > vocab || chunks > total) {
            throw new IllegalArgumentException(total + " lists in " + chunks + " chunks for a vocabulary of " + vocab);
        }
        List<Future<List<ListImage>>> parts = new ArrayList<>(chunks);
        long seen = 0;
        for (int c = 0; c < chunks; c++) {
            int count = r.varint();
            byte[] bytes = chunk(r, count, "list");
            seen += count;
            if (seen > total) {
                throw new IllegalArgumentException("list chunks hold more than the " + total + " lists declared");
            }
            parts.add(pool.submit(() -> decoder.decode(bytes, count)));
        }
        if (seen != total) {
            throw new IllegalArgumentException("list chunks hold " + seen + " lists, declared " + total);
        }
        return parts;
    }

    /** The bytes of one chunk of {@code count} items (each item takes at least one byte). */
    private static byte[] chunk(LittleEndianIn r, int count, String what) throws IOException {
        int length = r.varint();
        if (length > SnapshotFormat.MAX_CHUNK_BYTES || count > length) {
            throw new IllegalArgumentException(what + " chunk of " + count + " items in " + length + " bytes");
        }
        byte[] bytes = new byte[length];
        r.bytes(bytes, 0, length);
        return bytes;
    }

    private static <T> T join(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while decoding a snapshot", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw iae;
            }
            if (e.getCause() instanceof IOException ioe) {
                throw ioe;
            }
            throw new IllegalStateException("decoding a snapshot chunk failed", e.getCause());
        }
    }

    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Decoded documents: the per-document arrays of a {@link ShardImage}, for all documents or one chunk. */
    private static final class Documents {
        String[] ids;
        String[] titles;
        String[] snippets;
        Map<String, String>[] fields;
        float[] scale;
        int[] start;
        int[] terms;
        byte[] codes;
        int count;
        int postings;

        @SuppressWarnings("unchecked")
        Documents(int capacity, int postingCapacity, int codeBytes) {
            ids = new String[capacity];
            titles = new String[capacity];
            snippets = new String[capacity];
            fields = new Map[capacity];
            scale = new float[capacity];
            start = new int[capacity + 1];
            terms = new int[postingCapacity];
            codes = new byte[postingCapacity * codeBytes];
        }

        /** Reads {@code n} documents (as versions 1 and 2 store them); arrays grow, since n is not trusted yet. */
        static Documents read(LittleEndianIn r, int n, IndexConfig config) throws IOException {
            int codeBytes = config.quantization().bytes();
            Documents out = new Documents(Math.min(n, 1 << 20), 1024, codeBytes);
            int at = 0;
            for (int d = 0; d < n; d++) {
                if (d == out.ids.length) {
                    int cap = (int) Math.min(n, (long) out.ids.length * 2);
                    out.ids = Arrays.copyOf(out.ids, cap);
                    out.titles = Arrays.copyOf(out.titles, cap);
                    out.snippets = Arrays.copyOf(out.snippets, cap);
                    out.fields = Arrays.copyOf(out.fields, cap);
                    out.scale = Arrays.copyOf(out.scale, cap);
                    out.start = Arrays.copyOf(out.start, cap + 1);
                }
                String id = r.string(SnapshotFormat.MAX_STRING_BYTES);
                out.ids[d] = id;
                out.titles[d] = r.string(SnapshotFormat.MAX_STRING_BYTES);
                out.snippets[d] = r.string(SnapshotFormat.MAX_STRING_BYTES);
                int fc = r.varint();
                Map<String, String> f = fc == 0 ? Collections.emptyMap() : new TreeMap<>();
                for (int i = 0; i < fc; i++) {
                    String key = r.string(SnapshotFormat.MAX_STRING_BYTES);
                    if (f.put(key, r.string(SnapshotFormat.MAX_STRING_BYTES)) != null) {
                        throw new IllegalArgumentException("duplicate field " + key + " in document " + id);
                    }
                }
                out.fields[d] = fc == 0 ? f : Collections.unmodifiableMap(f);
                int nnz = r.varint();
                if (nnz > config.vocabularySize()) {
                    throw new IllegalArgumentException("document " + id + " has " + nnz
                            + " terms, more than the vocabulary of " + config.vocabularySize());
                }
                if (at + nnz > out.terms.length) {
                    int cap = (int) Math.min(Integer.MAX_VALUE - 16,
                            Math.max((long) at + nnz, (long) out.terms.length * 2));
                    out.terms = Arrays.copyOf(out.terms, cap);
                    out.codes = Arrays.copyOf(out.codes, cap * codeBytes);
                }
                int[] terms = out.terms;
                long prev = 0;
                for (int i = 0; i < nnz; i++) {
                    long term = prev + r.varint();
                    if (i > 0 && term == prev) {
                        throw new IllegalArgumentException("duplicate term id " + term + " in document " + id);
                    }
                    if (term >= config.vocabularySize()) {
                        throw new IllegalArgumentException("term id " + term + " of " + id
                                + " outside the vocabulary");
                    }
                    terms[at + i] = (int) term;
                    prev = term;
                }
                out.scale[d] = r.f32();
                r.bytes(out.codes, at * codeBytes, nnz * codeBytes);
                at += nnz;
                out.start[d + 1] = at;
            }
            out.count = n;
            out.postings = at;
            return out;
        }

        /**
         * Decodes one version 4 document chunk into documents {@code [d0, d0 + docs)} and postings
         * {@code [p0, p0 + postings)} of these arrays (other threads fill other ranges).
         */
        void readColumns(ChunkIn c, int d0, int docs, int p0, int postings, IndexConfig config) {
            int vocab = config.vocabularySize();
            int setCount = c.varint();
            if (setCount > docs) {
                throw new IllegalArgumentException(setCount + " field sets for " + docs + " documents");
            }
            @SuppressWarnings("unchecked")
            Map<String, String>[] sets = new Map[setCount];
            for (int i = 0; i < setCount; i++) {
                int fc = c.varint();
                c.need(2L * fc);
                if (fc == 0) {
                    sets[i] = Collections.emptyMap();
                    continue;
                }
                TreeMap<String, String> f = new TreeMap<>();
                for (int k = 0; k < fc; k++) {
                    String key = c.string();
                    if (f.put(key, c.string()) != null) {
                        throw new IllegalArgumentException("duplicate field " + key + " in a field set");
                    }
                }
                sets[i] = Collections.unmodifiableMap(f);
            }
            for (int d = d0; d < d0 + docs; d++) {
                ids[d] = c.string();
                titles[d] = c.string();
                snippets[d] = c.string();
                int set = c.varint();
                if (set >= setCount) {
                    throw new IllegalArgumentException("field set " + set + " of document " + ids[d] + " not among "
                            + setCount);
                }
                fields[d] = sets[set];
            }
            long at = p0;
            for (int d = d0; d < d0 + docs; d++) {
                int nnz = c.varint();
                if (nnz > vocab) {
                    throw new IllegalArgumentException("document " + ids[d] + " has " + nnz
                            + " terms, more than the vocabulary of " + vocab);
                }
                at += nnz;
                if (at > (long) p0 + postings) {
                    throw new IllegalArgumentException("document chunk holds more than its " + postings + " postings");
                }
                start[d + 1] = (int) at;
            }
            if (at != (long) p0 + postings) {
                throw new IllegalArgumentException("document chunk holds " + (at - p0) + " postings, declared "
                        + postings);
            }
            for (int d = d0; d < d0 + docs; d++) {
                scale[d] = c.f32();
            }
            int from = p0;
            for (int d = d0; d < d0 + docs; d++) {
                int to = start[d + 1];
                ascending(c, terms, from, to, vocab, "term id");
                from = to;
            }
            int codeBytes = config.quantization().bytes();
            c.bytes(codes, p0 * codeBytes, postings * codeBytes);
            c.expectEnd();
        }

        /** The chunks' documents in order, in one set of arrays. */
        static Documents concat(List<Documents> parts, IndexConfig config) {
            int codeBytes = config.quantization().bytes();
            long n = 0;
            long postings = 0;
            for (Documents p : parts) {
                n += p.count;
                postings += p.postings;
            }
            if (postings > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("snapshot holds " + postings + " postings, too many for one shard");
            }
            Documents out = new Documents((int) n, (int) postings, codeBytes);
            int d = 0;
            int at = 0;
            for (Documents p : parts) {
                System.arraycopy(p.ids, 0, out.ids, d, p.count);
                System.arraycopy(p.titles, 0, out.titles, d, p.count);
                System.arraycopy(p.snippets, 0, out.snippets, d, p.count);
                System.arraycopy(p.fields, 0, out.fields, d, p.count);
                System.arraycopy(p.scale, 0, out.scale, d, p.count);
                for (int i = 1; i <= p.count; i++) {
                    out.start[d + i] = at + p.start[i];
                }
                System.arraycopy(p.terms, 0, out.terms, at, p.postings);
                System.arraycopy(p.codes, 0, out.codes, at * codeBytes, p.postings * codeBytes);
                d += p.count;
                at += p.postings;
            }
            out.count = d;
            out.postings = at;
            return out;
        }

        ShardImage image(IndexConfig config, long appliedOffset, List<ListImage> lists) {
            int n = count;
            int codeBytes = config.quantization().bytes();
            return new ShardImage(config, appliedOffset, trim(ids, n), trim(titles, n), trim(snippets, n),
                    trim(fields, n), start.length == n + 1 ? start : Arrays.copyOf(start, n + 1),
                    terms.length == postings ? terms : Arrays.copyOf(terms, postings),
                    codes.length == postings * codeBytes ? codes : Arrays.copyOf(codes, postings * codeBytes),
                    scale.length == n ? scale : Arrays.copyOf(scale, n), lists);
        }

        private static <T> T[] trim(T[] a, int n) {
            return a.length == n ? a : Arrays.copyOf(a, n);
        }
    }

    /** {@code count} lists (as version 2 stores them, term deltas from -1). */
    private static List<ListImage> readLists(LittleEndianIn r, int count, int docCount, int vocab)
            throws IOException {
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
            IntArrayList docs = new IntArrayList();
            IntArrayList sumTerms = new IntArrayList();
            byte[] sumCodes = new byte[16];
            for (int b = 0; b < blocks; b++) {
                int size = r.varint();
                if (size > docCount) {
                    throw new IllegalArgumentException("block of " + size + " documents in term " + term);
                }
                centroid[b] = r.varint();
                ascending(r, docs, size, docCount, "block document");
                blockStart[b + 1] = docs.size();
                int sums = r.varint();
                if (sums > vocab) {
                    throw new IllegalArgumentException("summary of " + sums + " terms in term " + term);
                }
                ascending(r, sumTerms, sums, vocab, "summary term");
                if (sumTerms.size() > sumCodes.length) {
                    sumCodes = Arrays.copyOf(sumCodes, Math.max(sumTerms.size(), sumCodes.length * 2));
                }
                r.bytes(sumCodes, sumStart[b], sums);
                sumStart[b + 1] = sumTerms.size();
                sumScale[b] = r.f32();
            }
            int tailCount = r.varint();
            if (tailCount > docCount) {
                throw new IllegalArgumentException("tail of " + tailCount + " documents in term " + term);
            }
            IntArrayList tail = new IntArrayList();
            ascending(r, tail, tailCount, docCount, "tail document");
            lists.add(new ListImage((int) term, minWeight, clusteredSize, churn, docs.toArray(), blockStart, centroid,
                    sumStart, sumTerms.toArray(), Arrays.copyOf(sumCodes, sumTerms.size()), sumScale,
                    tail.toArray()));
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
    private static void ascending(LittleEndianIn r, IntArrayList out, int n, int limit, String what) throws IOException {
        out.ensureCapacity(out.size() + n);
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
