package io.streamsparse.core.index;

import io.streamsparse.core.search.Filter;
import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import io.streamsparse.core.search.ShardSearcher;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One shard's index: a forward index (slot → terms, quantized weights), per-term blocked inverted lists with block
 * summaries, keyword-field bitmaps, and the exact and approximate searches over them. It follows a Kafka partition:
 * operations carry the record offset and are applied in offset order.
 *
 * <h2>Contract (DESIGN.md, "FTL-style online index")</h2>
 * <ul>
 *   <li><b>P1</b> After any stream of operations the logical content (live docs, their stored vectors and fields,
 *       per-term document frequencies) equals {@link #build} of each document's latest version, and exact results
 *       are identical. After {@link #compact()} the physical layout and snapshot bytes are identical too.</li>
 *   <li><b>P2</b> An operation whose offset is {@code <= appliedOffset()} changes nothing and returns false.</li>
 *   <li><b>P3</b> An upsert or delete costs O(nnz(old) + nnz(new)) amortized, plus re-blocking of lists it drifted.</li>
 *   <li><b>P4</b> Snapshot at offset o + replay from o equals replay from 0.</li>
 * </ul>
 * Stored weights are quantized per document ({@link Quantization}); "exact" means exact over the stored weights.
 *
 * <h2>Threading</h2>
 * One writer thread calls {@link #upsert}, {@link #delete}, {@link #compact()} (and snapshot writing); any number
 * of threads call {@link #search} and the other readers concurrently. Publication is by <b>immutable view + append-only
 * arrays</b>: after each operation the writer publishes a new {@link View} through one volatile field; slots are
 * appended and never reused (until compaction builds a fresh generation and publishes it as a whole), deaths are
 * stamped with the operation's offset, so a reader filters by "visible at my view's offset" and sees every operation
 * entirely or not at all. Inverted lists are immutable blocked arrays plus an append-only tail whose count is
 * published with release/acquire after its entries; a re-blocked list replaces the old one by one reference store.
 * Readers never lock and never wait for the writer.
 */
public final class ShardIndex implements ShardSearcher, AutoCloseable {

    private final IndexConfig config;
    private ForwardIndex forward;
    private final HashMap<String, Integer> slotOf = new HashMap<>();
    private final int[] df;
    private int liveDocs;
    private long appliedOffset = -1;
    private Generation generation;
    private volatile View view;
    private final ThreadLocal<QueryScratch> scratch;

    public ShardIndex(IndexConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.config = config;
        this.forward = new ForwardIndex(config.quantization());
        this.df = new int[config.vocabularySize()];
        this.generation = new Generation();
        this.scratch = ThreadLocal.withInitial(() -> new QueryScratch(config.vocabularySize()));
        publish();
    }

    /**
     * Batch build of a shard holding exactly {@code docs} (the reference for P1): the same as streaming them in and
     * calling {@link #compact()}, independent of the map's iteration order.
     */
    public static ShardIndex build(IndexConfig config, long appliedOffset, Map<String, EncodedDocument> docs) {
        ShardIndex index = new ShardIndex(config);
        List<String> ids = new ArrayList<>(docs.keySet());
        ids.sort(Comparator.naturalOrder());
        long offset = 0;
        for (String id : ids) {
            index.upsert(offset++, id, docs.get(id));
        }
        index.compact();
        index.appliedOffset = appliedOffset;
        index.publish();
        return index;
    }

    public IndexConfig config() {
        return config;
    }

    /**
     * Inserts or replaces a document. Returns false and changes nothing when {@code offset <= appliedOffset()}.
     *
     * @throws IllegalArgumentException on a null id or document, a negative offset, or a term id outside the
     *                                  vocabulary (nothing changes, the offset does not advance)
     */
    public boolean upsert(long offset, String docId, EncodedDocument doc) {
        checkOffset(offset);
        if (docId == null) {
            throw new IllegalArgumentException("docId must not be null (offset " + offset + ")");
        }
        if (doc == null) {
            throw new IllegalArgumentException("document must not be null for " + docId + "; use delete");
        }
        SparseVector v = doc.vector();
        if (v.nnz() > 0 && v.termId(v.nnz() - 1) >= config.vocabularySize()) {
            throw new IllegalArgumentException("term id " + v.termId(v.nnz() - 1) + " of document " + docId
                    + " is outside the vocabulary of " + config.vocabularySize());
        }
        if (offset <= appliedOffset) {
            return false;
        }
        long stamp = offset + 1;
        Integer old = slotOf.get(docId);
        if (old != null) {
            kill(old, stamp);
        } else {
            liveDocs++;
        }
        DocMeta m = new DocMeta(docId, doc.title(), doc.snippet(), doc.fields());
        int slot = forward.append(m, ContentHash.docKey(config.seed(), docId), v);
        slotOf.put(docId, slot);
        int[] ids = v.termIds();
        for (int i = 0; i < ids.length; i++) {
            df[ids[i]]++;
        }
        appliedOffset = offset;
        publish();
        return true;
    }

    /** Deletes a document; an unknown id only advances the offset. Returns false when the offset was applied. */
    public boolean delete(long offset, String docId) {
        checkOffset(offset);
        if (docId == null) {
            throw new IllegalArgumentException("docId must not be null (offset " + offset + ")");
        }
        if (offset <= appliedOffset) {
            return false;
        }
        Integer old = slotOf.remove(docId);
        if (old != null) {
            kill(old, offset + 1);
            liveDocs--;
        }
        appliedOffset = offset;
        publish();
        return true;
    }

    private static void checkOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
    }

    /** Marks a live slot dead at {@code stamp} and takes its terms out of the document frequencies. */
    private void kill(int slot, long stamp) {
        forward.died[slot] = stamp;
        int[] terms = forward.terms;
        for (int i = forward.start[slot], end = forward.start[slot + 1]; i < end; i++) {
            df[terms[i]]--;
        }
    }

    private void publish() {
        view = new View(appliedOffset, liveDocs, forward, generation);
    }

    public long appliedOffset() {
        return view.appliedOffset;
    }

    public int liveDocuments() {
        return view.liveDocs;
    }

    /**
     * Number of live documents containing {@code termId} (exact running count; a reader concurrent with the writer
     * may see it one operation early or late). 0 for ids outside the vocabulary.
     */
    public int documentFrequency(int termId) {
        return termId >= 0 && termId < df.length ? df[termId] : 0;
    }

    public IndexStats stats() {
        View v = view;
        long fwdPostings = 0;
        for (int s = 0; s < v.slotLimit; s++) {
            if (v.visible(s)) {
                fwdPostings += v.start[s + 1] - v.start[s];
            }
        }
        long fwdBytes = forward.approxBytes();
        long listBytes = 0;
        return new IndexStats(v.liveDocs, v.slotLimit, fwdPostings, 0, 0, 0, 0, fwdBytes, listBytes,
                fwdBytes + listBytes + (long) df.length * 4, v.appliedOffset);
    }

    /**
     * Rebuilds everything from the live documents: slots renumbered in doc-id order, dead slots reclaimed, every list
     * re-blocked. Afterwards the physical layout equals {@link #build} of the same content.
     */
    public void compact() {
        View v = view;
        int n = 0;
        int[] live = new int[v.liveDocs];
        long pool = 0;
        for (int s = 0; s < v.slotLimit; s++) {
            if (v.visible(s)) {
                live[n++] = s;
                pool += v.start[s + 1] - v.start[s];
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = live[i];
        }
        DocMeta[] meta = v.meta;
        Arrays.sort(order, (a, b) -> meta[a].docId().compareTo(meta[b].docId()));
        ForwardIndex f = new ForwardIndex(config.quantization(), n, (int) pool);
        slotOf.clear();
        for (int i = 0; i < n; i++) {
            int s = order[i];
            int from = v.start[s];
            int slot = f.appendQuantized(meta[s], forward.keyHash[s], v.terms, v.codes, from, v.start[s + 1] - from,
                    v.scale[s]);
            slotOf.put(meta[s].docId(), slot);
        }
        forward = f;
        generation = new Generation();
        publish();
    }

    /**
     * The shard's complete state as flat arrays, for a snapshot. Call it on the writer thread (or while no writer
     * runs): it reads the writer's structures.
     */
    @SuppressWarnings("unchecked")
    public ShardImage image() {
        View v = view;
        int n = v.liveDocs;
        String[] ids = new String[n];
        String[] titles = new String[n];
        String[] snippets = new String[n];
        Map<String, String>[] fields = new Map[n];
        float[] scale = new float[n];
        int[] start = new int[n + 1];
        int d = 0;
        int pool = 0;
        for (int s = 0; s < v.slotLimit; s++) {
            if (v.visible(s)) {
                pool += v.start[s + 1] - v.start[s];
            }
        }
        int[] terms = new int[pool];
        byte[] codes = new byte[pool * v.codeBytes];
        int at = 0;
        for (int s = 0; s < v.slotLimit; s++) {
            if (!v.visible(s)) {
                continue;
            }
            DocMeta m = v.meta[s];
            ids[d] = m.docId();
            titles[d] = m.title();
            snippets[d] = m.snippet();
            fields[d] = m.fields();
            scale[d] = v.scale[s];
            int len = v.start[s + 1] - v.start[s];
            System.arraycopy(v.terms, v.start[s], terms, at, len);
            System.arraycopy(v.codes, v.start[s] * v.codeBytes, codes, at * v.codeBytes, len * v.codeBytes);
            at += len;
            start[++d] = at;
        }
        return new ShardImage(config, v.appliedOffset, ids, titles, snippets, fields, start, terms, codes, scale);
    }

    /** An index holding exactly the image's state (same slot order, same applied offset). */
    public static ShardIndex fromImage(ShardImage image) {
        IndexConfig config = image.config();
        ShardIndex index = new ShardIndex(config);
        int n = image.docCount();
        int[] start = image.start();
        index.forward = new ForwardIndex(config.quantization(), n, image.terms().length);
        for (int d = 0; d < n; d++) {
            String id = image.docIds()[d];
            DocMeta m = new DocMeta(id, image.titles()[d], image.snippets()[d], image.fields()[d]);
            int slot = index.forward.appendQuantized(m, ContentHash.docKey(config.seed(), id), image.terms(),
                    image.codes(), start[d], start[d + 1] - start[d], image.scale()[d]);
            index.slotOf.put(id, slot);
            for (int i = start[d]; i < start[d + 1]; i++) {
                index.df[image.terms()[i]]++;
            }
        }
        index.liveDocs = n;
        index.appliedOffset = image.appliedOffset();
        index.publish();
        return index;
    }

    /**
     * Hash of the logical content: every live document's id, title, snippet, fields and stored vector, in doc-id
     * order, so it is independent of arrival order and of the physical layout (SHA-256). Replicas that applied the
     * same stream have equal digests.
     */
    public byte[] contentDigest() {
        View v = view;
        List<Integer> slots = new ArrayList<>(v.liveDocs);
        for (int s = 0; s < v.slotLimit; s++) {
            if (v.visible(s)) {
                slots.add(s);
            }
        }
        slots.sort((a, b) -> v.meta[a].docId().compareTo(v.meta[b].docId()));
        MessageDigest md = sha256();
        byte[] buf = new byte[8];
        for (int s : slots) {
            DocMeta m = v.meta[s];
            digestString(md, m.docId(), buf);
            digestString(md, m.title(), buf);
            digestString(md, m.snippet(), buf);
            digestInt(md, m.fields().size(), buf);
            for (Map.Entry<String, String> e : m.fields().entrySet()) {
                digestString(md, e.getKey(), buf);
                digestString(md, e.getValue(), buf);
            }
            int from = v.start[s];
            int to = v.start[s + 1];
            digestInt(md, to - from, buf);
            digestInt(md, Float.floatToIntBits(v.scale[s]), buf);
            for (int i = from; i < to; i++) {
                digestInt(md, v.terms[i], buf);
                digestInt(md, ForwardIndex.code(v.codes, v.codeBytes, i), buf);
            }
        }
        return md.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static void digestString(MessageDigest md, String s, byte[] buf) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        digestInt(md, b.length, buf);
        md.update(b);
    }

    private static void digestInt(MessageDigest md, int x, byte[] buf) {
        buf[0] = (byte) x;
        buf[1] = (byte) (x >>> 8);
        buf[2] = (byte) (x >>> 16);
        buf[3] = (byte) (x >>> 24);
        md.update(buf, 0, 4);
    }

    @Override
    public SearchResult search(SearchRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("request must not be null");
        }
        View v = view;
        QueryScratch sc = scratch.get();
        float[] q = sc.dense;
        SparseVector query = request.query();
        int[] qIds = query.termIds();
        float[] qWs = query.weights();
        int qn = 0;
        for (int i = 0; i < qIds.length && qIds[i] < q.length; i++) {
            q[qIds[i]] = qWs[i];
            qn++;
        }
        try {
            TopK top = sc.top;
            top.reset(request.k(), v.meta);
            int scored = exactScan(v, q, top, request.filter());
            return toResult(v, sc, scored, 0, 0, true);
        } finally {
            for (int i = 0; i < qn; i++) {
                q[qIds[i]] = 0f;
            }
        }
    }

    /** Scores every visible slot passing the filter. */
    private static int exactScan(View v, float[] q, TopK top, Filter filter) {
        int scored = 0;
        for (int s = 0; s < v.slotLimit; s++) {
            if (!v.visible(s) || (filter != null && !filter.matches(v.meta[s].fields()))) {
                continue;
            }
            top.offer(s, ScoreKernels.scoreSlot(q, v, s));
            scored++;
        }
        return scored;
    }

    private static SearchResult toResult(View v, QueryScratch sc, int scored, int evaluated, int skipped,
                                         boolean exact) {
        sc.ensureOut(sc.top.size());
        int n = sc.top.drainBestFirst(sc.outSlots, sc.outScores);
        List<Hit> hits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            DocMeta m = v.meta[sc.outSlots[i]];
            hits.add(new Hit(m.docId(), sc.outScores[i], m.title(), m.snippet()));
        }
        return new SearchResult(hits, scored, evaluated, skipped, exact, v.appliedOffset);
    }

    /** Nothing to release today (heap only); present so services can treat the index as a resource. */
    @Override
    public void close() {
    }
}
