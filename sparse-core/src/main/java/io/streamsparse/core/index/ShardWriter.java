package io.streamsparse.core.index;

import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.IntStream;
import org.roaringbitmap.RoaringBitmap;

/**
 * The single writer of one shard: applies a Kafka partition's operations in offset order, compacts, hands drifted
 * lists to re-blocking, and publishes what readers see through its {@link ShardReader}.
 *
 * <h2>Contract (docs/ARCHITECTURE.md, "FTL contract")</h2>
 * <ul>
 *   <li><b>P1</b> After any stream of operations the logical content (live docs, their stored vectors and fields,
 *       per-term document frequencies) equals {@link #build} of each document's latest version, and exact results
 *       are identical. After {@link #compact()} the physical layout and snapshot bytes are identical too.</li>
 *   <li><b>P2</b> An operation whose offset is {@code <= appliedOffset()} changes nothing and returns false.</li>
 *   <li><b>P3</b> An upsert or delete costs O(nnz(old) + nnz(new)) amortized, plus re-blocking of the lists it
 *       drifted (on this thread, or handed to a background thread in {@link IndexConfig.ReblockMode#BACKGROUND}).</li>
 *   <li><b>P4</b> Snapshot at offset o + replay from o equals replay from 0.</li>
 * </ul>
 * Stored weights are quantized per document ({@link Quantization}); "exact" means exact over the stored weights.
 *
 * <h2>Threading</h2>
 * One thread calls the mutators ({@link #upsert}, {@link #delete}, {@link #compact()}, {@link #maintain},
 * {@link #image()}). After each operation it publishes a new immutable {@link View} (one volatile store in the
 * reader); slots are appended, never reused until compaction publishes a new generation; deaths are stamped with the
 * operation's offset; a list's tail count is released after its entries; a re-blocked list replaces the old one by
 * one release store. Readers never lock. See docs/ARCHITECTURE.md, "Threading and publication".
 *
 * <h2>Append path: staged slots</h2>
 * An upsert allocates its {@link DocMeta} and the published {@link View}, nothing per posting: the id → slot map is
 * open addressing over one primitive array ({@link DocIdMap}), the forward index and tails are primitive arrays grown
 * by half. It appends the document to the forward index only; its slot is <i>staged</i>. Every {@code stageSlots} upserts (and in
 * {@link #image()}, and after every operation in {@link IndexConfig.ReblockMode#INLINE} mode; not in {@link #maintain}) the
 * writer moves the staged slots' postings into the list tails in one pass grouped by term, so each list object and
 * tail is touched once per batch instead of once per posting (at a million documents each touch is a cache miss,
 * which was most of the writer's time). In between, every {@code sealSlots} upserts it seals the newest staged slots
 * into a {@link StagedRun}, a small inverted index of just those slots. A view carries {@link View#stagedFrom}, the
 * sealed runs and {@link View#sealedTo}: a search looks its heaviest query terms up in the runs and scores the
 * unsealed rest (fewer than {@code sealSlots}) from the forward index, so a document is searchable as soon as the view
 * that holds it is published, and batches can be large without every search scoring every staged document. A staged
 * slot that dies before the move never enters a list (a batch build would not list it either).
 */
public final class ShardWriter implements AutoCloseable {

    /** Postings per chunk of terms built at once by {@link #rebuildAll()}: bounds its transient memory. */
    static final int REBUILD_CHUNK_POSTINGS = 1 << 24;
    /**
     * Staged slots that trigger a move into the list tails: the writer touches each list once per this many upserts
     * (the list object and its tail's end are cache misses: ~40 % of the writer's time at 1024 on a million
     * documents). Searches find these slots through the sealed runs meanwhile.
     */
    static final int STAGE_SLOTS = 8192;
    /**
     * Staged slots sealed into one {@link StagedRun}: searches score fewer than this many unsealed documents each
     * (~0.2 µs apiece) and look each heavy query term up once per run ({@link #STAGE_SLOTS} / this many runs at most).
     */
    static final int SEAL_SLOTS = 512;
    /** Background hand-overs between two halvings of the per-term query touch counts. */
    static final int TOUCH_HALF_LIFE = 64;
    /** Pending terms weighed per background hand-over (see {@link #handOverMostDrifted}). */
    static final int HAND_OVER_WINDOW = 4096;

    private final IndexConfig config;
    private final ShardReader reader;
    private ForwardIndex forward;
    private final DocIdMap slotOf = new DocIdMap();
    private final int[] df;
    private int liveDocs;
    private long appliedOffset = -1;
    private Generation generation;
    private View view;
    private final ThreadLocal<ListBuilder> builders;
    /** The builder used on this thread for inline and deferred re-blocking. */
    private final ListBuilder writerBuilder;
    /** Background re-blocking, or null in the other modes. */
    private final Reblocker reblocker;
    /** Terms whose list has a job with the {@link #reblocker}: nobody else replaces those lists meanwhile. */
    private final boolean[] inFlight;
    private int inFlightCount;
    /** Lists re-blocked and published since this writer was made (any mode), and the tail postings they folded in. */
    private long reblockedLists;
    private long reblockedTailPostings;
    /** Terms queued in {@link #pending}. */
    private final boolean[] pendingFlag;
    /**
     * {@code minWeight} of each term's current list (0 when it has none), mirrored in one flat array so an upsert
     * touches the list objects of admitted postings only, not of all its terms.
     */
    private final float[] admitWeight;
    /**
     * Per term: postings of dead documents still in the current list (blocked part or tail) as the writer counts them,
     * and the list's {@link PostingList#deadLimit} ({@link Integer#MAX_VALUE} without a list). Flat, like
     * {@link #admitWeight}: a re-upsert's or delete's deaths touch no list object (at a million documents those are
     * cache misses, one per posting of the old version).
     */
    private final int[] dead;
    private final int[] deadLimit;
    /**
     * FIFO of terms whose lists drifted past a re-block threshold, a ring of {@code pendingSize} entries from
     * {@code pendingHead}: each term is queued at most once ({@link #pendingFlag}), so the vocabulary bounds it and it
     * never grows or shifts (a queue that compacted by copying cost O(queue) per drift once the builder lagged).
     */
    private final int[] pending;
    private int pendingHead;
    private int pendingSize;
    /** Per term: the writer's tail length of the current list (flat, so choosing jobs touches no list object). */
    private final int[] tailLength;
    /**
     * Per term: how often searches asked for its list, written by reader threads without synchronization (a lost
     * increment only blurs a priority) and halved every {@link #TOUCH_HALF_LIFE} refills.
     */
    private final int[] queryTouches;
    /** Background hand-overs so far that chose by priority (drives the decay of {@link #queryTouches}). */
    private long refills;
    private final int[] chosenTerms = new int[Reblocker.MAX_IN_FLIGHT];
    private final float[] chosenPriority = new float[Reblocker.MAX_IN_FLIGHT];
    /** Staged slots (see "Append path") that trigger a move into the tails; 1 moves after every operation. */
    private final int stageSlots;
    /** Unsealed staged slots that trigger sealing them into a run (no runs when not below {@link #stageSlots}). */
    private final int sealSlots;
    /** First slot whose postings are not in the lists yet; slots below it are in their lists (or pruned). */
    private int stagedFrom;
    /** First staged slot in no sealed run; {@code [stagedFrom, sealedTo)} is covered by {@link #runs}. */
    private int sealedTo;
    /** The sealed runs, in slot order; a new array per seal (published views share them). */
    private StagedRun[] runs = StagedRun.NONE;
    /** Per term: staged postings counted, then their end offset while moving (0 between moves). */
    private final int[] stageCount;
    /** A seal's or a move's (term, slot) pairs in slot order, then the slots grouped by term. */
    private int[] pairTerm = new int[4096];
    private int[] pairSlot = new int[4096];
    private int[] groupedSlots = new int[4096];
    /** Per term: where a move's group of the term starts in {@link #groupedSlots}. */
    private final int[] groupBegin;
    /** Runs sealed since this writer was made: the next run's {@link StagedRun#number} is one more. */
    private long runsSealed;
    /**
     * Per term: {@link #runsSealed} when its admission threshold ({@link #admitWeight}) last rose; runs numbered up
     * to it were filtered by a lower one.
     */
    private final long[] admitRaisedAtRun;
    /** Test hook: runs after each term's group is moved, before the move ends (null: none). */
    private Runnable moveObserver;

    public ShardWriter(IndexConfig config) {
        this(config, config == null || config.reblockMode() != IndexConfig.ReblockMode.BACKGROUND ? null
                : Reblocker.threaded(config));
    }

    /** A writer whose background re-blocking runs on {@code reblocker} (tests pass a manual one). */
    ShardWriter(IndexConfig config, Reblocker reblocker) {
        this(config, reblocker, STAGE_SLOTS, SEAL_SLOTS);
    }

    /**
     * As above, moving staged postings into the tails every {@code stageSlots} upserts and sealing runs every
     * {@code sealSlots} (tests vary both).
     */
    ShardWriter(IndexConfig config, Reblocker reblocker, int stageSlots, int sealSlots) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (stageSlots < 1 || sealSlots < 1) {
            throw new IllegalArgumentException("stageSlots and sealSlots must be >= 1, were " + stageSlots + ", "
                    + sealSlots);
        }
        this.stageSlots = config.reblockMode() == IndexConfig.ReblockMode.INLINE ? 1 : stageSlots;
        this.sealSlots = sealSlots;
        this.stageCount = new int[config.vocabularySize()];
        this.groupBegin = new int[config.vocabularySize()];
        this.config = config;
        this.forward = new ForwardIndex(config.quantization(), config.clusteringTerms(), config.vocabularySize());
        this.df = new int[config.vocabularySize()];
        this.generation = new Generation(config.vocabularySize());
        this.builders = ThreadLocal.withInitial(() -> new ListBuilder(config));
        this.writerBuilder = new ListBuilder(config);
        this.reblocker = reblocker;
        this.inFlight = new boolean[config.vocabularySize()];
        this.pendingFlag = new boolean[config.vocabularySize()];
        this.pending = new int[config.vocabularySize()];
        this.admitWeight = new float[config.vocabularySize()];
        this.admitRaisedAtRun = new long[config.vocabularySize()];
        this.dead = new int[config.vocabularySize()];
        this.deadLimit = new int[config.vocabularySize()];
        Arrays.fill(deadLimit, Integer.MAX_VALUE);
        this.tailLength = new int[config.vocabularySize()];
        this.queryTouches = new int[config.vocabularySize()];
        this.reader = new ShardReader(config, df, queryTouches);
        publish();
    }

    /**
     * Batch build of a shard holding exactly {@code docs} (the reference for P1): the same as streaming them in and
     * calling {@link #compact()}, independent of the map's iteration order.
     */
    public static ShardWriter build(IndexConfig config, long appliedOffset, Map<String, EncodedDocument> docs) {
        if (appliedOffset < -1) {
            throw new IllegalArgumentException("appliedOffset must be >= -1, was " + appliedOffset);
        }
        ShardWriter writer = new ShardWriter(config);
        List<String> ids = new ArrayList<>(docs.keySet());
        ids.sort(Comparator.naturalOrder());
        long pool = 0;
        for (String id : ids) {
            EncodedDocument d = docs.get(id);
            writer.checkDocument(-1, id, d);
            pool += d.vector().nnz();
        }
        if (pool > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("too many postings for one shard: " + pool);
        }
        ForwardIndex f = new ForwardIndex(config.quantization(), config.clusteringTerms(), config.vocabularySize(),
                ids.size(), (int) pool);
        for (String id : ids) {
            EncodedDocument d = docs.get(id);
            f.append(new DocMeta(id, d.title(), d.snippet(), d.fields()), ContentHash.docKey(config.seed(), id),
                    d.vector());
        }
        writer.adopt(f, appliedOffset);
        writer.rebuildAll();
        return writer;
    }

    /** A writer holding exactly the image's state (same slot order, same applied offset). */
    public static ShardWriter fromImage(ShardImage image) {
        ShardWriter writer = new ShardWriter(image.config());
        ForwardIndex f = ShardImages.forward(image);
        Generation g = ShardImages.lists(image);
        if (g == null) {
            writer.adopt(f, image.appliedOffset());
            writer.rebuildAll();
            return writer;
        }
        // the field bitmaps read only the documents' metadata: build them beside the id map (restore time)
        ForkJoinTask<?> fields = ForkJoinPool.commonPool()
                .submit(() -> writer.buildFields(f, g));
        writer.adopt(f, image.appliedOffset());
        for (int t = 0; t < g.lists.length(); t++) {
            PostingList list = g.lists.getPlain(t);
            if (list != null) {
                writer.track(t, list, 0);
                if (list.tailFull()) {
                    writer.markPending(t);
                }
            }
        }
        fields.join(); // happens-before: the bitmaps are complete before the generation is published
        writer.generation = g;
        writer.publish();
        return writer;
    }

    /**
     * Takes over a forward index whose every slot is live: the id map, document frequencies (counted in parallel over
     * pool ranges, then summed) and counts.
     */
    private void adopt(ForwardIndex f, long offset) {
        slotOf.clear();
        slotOf.ensureCapacity(f.slots);
        int chunks = Math.max(1, Math.min(16, f.size / (1 << 20)));
        int[] pool = f.terms;
        int size = f.size;
        int[] counted = IntStream.range(0, chunks).parallel().mapToObj(c -> {
            int[] local = new int[df.length];
            for (int e = (int) ((long) size * c / chunks), end = (int) ((long) size * (c + 1) / chunks); e < end;
                 e++) {
                local[pool[e]]++;
            }
            return local;
        }).reduce((a, b) -> {
            for (int t = 0; t < a.length; t++) {
                a[t] += b[t];
            }
            return a;
        }).orElseThrow();
        System.arraycopy(counted, 0, df, 0, df.length);
        for (int s = 0; s < f.slots; s++) {
            slotOf.insertNew(f.keyHash[s], s);
        }
        forward = f;
        liveDocs = f.slots;
        appliedOffset = offset;
        stagedFrom = f.slots; // the caller builds or adopts every slot's lists
        sealedTo = f.slots;
        runs = StagedRun.NONE;
    }

    public IndexConfig config() {
        return config;
    }

    /** The read side of this shard: safe for any number of threads, never blocked by this writer. */
    public ShardReader reader() {
        return reader;
    }

    /** The last applied offset, -1 before anything. */
    public long appliedOffset() {
        return appliedOffset;
    }

    /**
     * Inserts or replaces a document. Returns false and changes nothing when {@code offset <= appliedOffset()}.
     *
     * @throws IllegalArgumentException on a null id or document, a negative offset, or a term id outside the
     *                                  vocabulary (nothing changes, the offset does not advance)
     */
    public boolean upsert(long offset, String docId, EncodedDocument doc) {
        checkOffset(offset);
        checkDocument(offset, docId, doc);
        if (offset <= appliedOffset) {
            return false;
        }
        long stamp = offset + 1;
        ForwardIndex f = forward;
        long key = ContentHash.docKey(config.seed(), docId);
        int at = slotOf.find(key, docId, f.meta);
        if (at >= 0) {
            kill(slotOf.slotAt(at), stamp);
        } else {
            liveDocs++;
        }
        DocMeta m = new DocMeta(docId, doc.title(), doc.snippet(), doc.fields());
        int slot = f.append(m, key, doc.vector());
        if (at >= 0) {
            slotOf.replace(at, slot);
        } else {
            slotOf.insert(at, key, slot);
        }
        int[] terms = f.terms;
        for (int e = f.start[slot], end = f.start[slot + 1]; e < end; e++) {
            df[terms[e]]++;
        }
        generation.fields.add(m.fields(), slot, f.died);
        appliedOffset = offset;
        publish();
        afterOperation();
        return true;
    }

    private void checkDocument(long offset, String docId, EncodedDocument doc) {
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
        int at = slotOf.find(ContentHash.docKey(config.seed(), docId), docId, forward.meta);
        if (at >= 0) {
            kill(slotOf.removeAt(at), offset + 1);
            liveDocs--;
        }
        appliedOffset = offset;
        publish();
        afterOperation();
        return true;
    }

    private static void checkOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
    }

    /** Marks a live slot dead at {@code stamp} and takes its terms out of the document frequencies. */
    private void kill(int slot, long stamp) {
        ForwardIndex f = forward;
        f.died[slot] = stamp;
        if (slot >= stagedFrom) {
            for (int e = f.start[slot], end = f.start[slot + 1]; e < end; e++) {
                df[f.terms[e]]--;
            }
            return; // staged: in no list, and the move skips it
        }
        float scale = f.scale[slot];
        for (int e = f.start[slot], end = f.start[slot + 1]; e < end; e++) {
            int t = f.terms[e];
            df[t]--;
            float w = f.code(e) * scale;
            if (w == 0f || w < admitWeight[t] || deadLimit[t] == Integer.MAX_VALUE) {
                continue; // not in the list (pruned, or no list)
            }
            if (++dead[t] >= deadLimit[t]) {
                markPending(t);
            }
        }
    }

    /** Makes {@code list} the one the flat per-term mirrors describe, with {@code deadPostings} dead in it. */
    private void track(int t, PostingList list, int deadPostings) {
        tailLength[t] = list.writerCount();
        if (list.minWeight != admitWeight[t]) {
            admitRaisedAtRun[t] = runsSealed;
        }
        admitWeight[t] = list.minWeight;
        deadLimit[t] = list.deadLimit;
        dead[t] = deadPostings;
    }

    /** Writer: the list of {@code t} passed a re-block threshold (tail length or dead postings). */
    private boolean drifted(int t, PostingList list) {
        return list.tailFull() || dead[t] >= deadLimit[t];
    }

    /** Writer: re-blocking should drop the dead postings of {@code t}'s list now (half its dead limit reached). */
    private boolean shouldDropDead(int t) {
        return 2L * dead[t] >= deadLimit[t];
    }

    /**
     * Moves the staged slots' postings into their lists' tails (see "Append path"). The sealed runs already hold the
     * postings of {@code [stagedFrom, sealedTo)} grouped by term, filtered by the admission thresholds at sealing;
     * the unsealed rest is read from its forward entries (the admitted (term, slot) pairs). A counting sort over the
     * runs' present terms and the rest's pairs lays every term's slots out in slot order, less the slots that died
     * since sealing; then, term by term, each list gets its group with one {@link IntTail#appendAll} (one release
     * store). A threshold only rises between compactions (a rebuild's pruning floor is the old list's
     * {@code minWeight}), so a run sealed before its term's threshold rose holds a superset of what the move admits:
     * those groups are filtered again by weight. A reader holding an older view scores these slots as staged anyway
     * and skips duplicates, so it never matters which groups it finds moved. Call {@link #publish()} afterwards so
     * that new readers stop scanning them. A move visits each run's present terms only: a loop over the vocabulary
     * per run was a fifth of the writer at a million documents.
     */
    private void moveStaged() {
        ForwardIndex f = forward;
        int from = stagedFrom;
        int to = f.slots;
        if (from == to) {
            return;
        }
        StagedRun[] sealed = runs;
        int restFrom = sealedTo; // == from when no run is sealed
        int[] count = stageCount;
        int total = 0;
        for (StagedRun run : sealed) {
            for (int t : run.presentTerms()) {
                count[t] += run.groupTo(t) - run.groupFrom(t);
            }
            total += run.postings();
        }
        int[] termOfPair = pairTerm = ArrayGrowth.scratch(pairTerm, f.start[to] - f.start[restFrom]);
        int[] slotOfPair = pairSlot = ArrayGrowth.scratch(pairSlot, termOfPair.length);
        int pairs = StagedRun.collectAdmitted(f, restFrom, to, admitWeight, termOfPair, slotOfPair, count, 0);
        long[] died = f.died;
        // groups in term order: the lists array and the flat per-term arrays are then read in address order, and a
        // sequential pass over the counts (a few microseconds) is cheaper than sorting the touched terms
        int vocab = count.length;
        int[] begin = groupBegin;
        int offset = 0;
        for (int t = 0; t < vocab; t++) {
            int n = count[t];
            begin[t] = offset;
            count[t] = offset; // invariant: count[t] = where t's next slot goes in groupedSlots
            offset += n;
        }
        int[] grouped = groupedSlots = ArrayGrowth.scratch(groupedSlots, total + pairs);
        // the runs first, in slot order, then the rest: slots ascend within each term's group
        for (StagedRun run : sealed) {
            int[] slots = run.slots();
            for (int t : run.presentTerms()) {
                boolean recheck = run.number <= admitRaisedAtRun[t];
                int at = count[t];
                for (int j = run.groupFrom(t), end = run.groupTo(t); j < end; j++) {
                    int s = slots[j];
                    if (died[s] == 0 && (!recheck || admitted(f, s, t))) {
                        grouped[at++] = s; // died since sealing, or below a threshold that rose since: left out
                    }
                }
                count[t] = at;
            }
        }
        for (int i = 0; i < pairs; i++) {
            grouped[count[termOfPair[i]]++] = slotOfPair[i];
        }
        // now t's group is grouped[begin[t] .. count[t])
        AtomicReferenceArray<PostingList> lists = generation.lists;
        for (int t = 0; t < vocab; t++) {
            int groupFrom = begin[t];
            int n = count[t] - groupFrom;
            count[t] = 0;
            if (n == 0) {
                continue;
            }
            PostingList list = lists.getPlain(t);
            if (list == null) {
                list = PostingList.empty(t, 0f, config);
                track(t, list, 0);
                lists.setRelease(t, list);
            }
            list.appendAll(grouped, groupFrom, n);
            tailLength[t] = list.writerCount();
            if (list.tailFull()) {
                markPending(t);
            }
            if (moveObserver != null) {
                moveObserver.run();
            }
        }
        stagedFrom = to;
        sealedTo = to;
        runs = StagedRun.NONE;
    }

    /** Whether staged slot {@code s}'s posting of term {@code t} passes the term's current admission threshold. */
    private boolean admitted(ForwardIndex f, int s, int t) {
        int e = Arrays.binarySearch(f.terms, f.start[s], f.start[s + 1], t);
        float w = f.code(e) * f.scale[s];
        return w != 0f && w >= admitWeight[t];
    }

    /** Seals the unsealed staged slots into a run (see "Append path"); call {@link #publish()} afterwards. */
    private void sealStaged() {
        ForwardIndex f = forward;
        int to = f.slots;
        pairTerm = ArrayGrowth.scratch(pairTerm, f.start[to] - f.start[sealedTo]);
        pairSlot = ArrayGrowth.scratch(pairSlot, pairTerm.length);
        StagedRun run = StagedRun.seal(++runsSealed, f, sealedTo, to, admitWeight, pairTerm, pairSlot);
        StagedRun[] more = Arrays.copyOf(runs, runs.length + 1);
        more[runs.length] = run;
        runs = more;
        sealedTo = to;
    }

    /** Tests: {@code observer} runs inside every move of staged postings, after each term's group. */
    void observeMoves(Runnable observer) {
        moveObserver = observer;
    }

    private void publish() {
        View v = new View(appliedOffset, liveDocs, forward, generation, stagedFrom, sealedTo, runs);
        view = v;
        reader.publish(v);
    }

    // ------------------------------------------------------------------------------------------------ re-blocking

    private void markPending(int term) {
        if (!pendingFlag[term]) {
            pendingFlag[term] = true;
            int at = pendingHead + pendingSize++;
            pending[at < pending.length ? at : at - pending.length] = term;
        }
    }

    /** The oldest pending term (removed from the queue), or -1. */
    private int nextPending() {
        if (pendingSize == 0) {
            return -1;
        }
        int t = pending[pendingHead];
        pendingFlag[t] = false;
        pendingSize--;
        if (++pendingHead == pending.length) {
            pendingHead = 0;
        }
        return t;
    }

    /**
     * End of an operation: moves the staged postings once {@code stageSlots} slots are staged; then re-blocks what
     * drifted (inline), or trades finished and new background jobs.
     */
    private void afterOperation() {
        if (forward.slots - stagedFrom >= stageSlots) {
            moveStaged();
            publish();
        } else if (forward.slots - sealedTo >= sealSlots) {
            sealStaged();
            publish();
        }
        switch (config.reblockMode()) {
            case INLINE -> reblockHere(Integer.MAX_VALUE);
            case BACKGROUND -> tradeWithBackground(Integer.MAX_VALUE);
            case DEFERRED -> {
            }
        }
    }

    /**
     * Re-blocking work of this thread. Inline and deferred modes: re-blocks up to {@code maxLists} drifted lists,
     * oldest first (the tail is merged into the blocks, or the list is rebuilt when it churned; postings of deleted
     * documents leave); readers keep searching meanwhile and switch to each new list as it is published. Background
     * mode: publishes up to {@code maxLists} lists the background thread has finished, then hands it further drifted
     * lists. Returns the number of lists published. Staged postings stay staged: they move on the writer's own
     * schedule (every {@code stageSlots} upserts, {@link #image()}, {@link #compact()}), since re-blocking only reads
     * list tails and searches find staged slots through the sealed runs; a service that calls this after every small
     * poll would otherwise touch every list once per poll instead of once per {@code stageSlots} upserts.
     */
    public int maintain(int maxLists) {
        if (maxLists < 0) {
            throw new IllegalArgumentException("maxLists must be >= 0, was " + maxLists);
        }
        return reblocker == null ? reblockHere(maxLists) : tradeWithBackground(maxLists);
    }

    private int reblockHere(int maxLists) {
        AtomicReferenceArray<PostingList> lists = generation.lists;
        int done = 0;
        while (done < maxLists) {
            int t = nextPending();
            if (t < 0) {
                break;
            }
            PostingList list = lists.getPlain(t);
            if (list != null && drifted(t, list)) {
                PostingList merged = writerBuilder.merge(list, list.writerCount(), list.writerArray(), view,
                        shouldDropDead(t));
                track(t, merged, writerBuilder.lastMergeDroppedDead() ? 0 : dead[t]);
                lists.setRelease(t, merged);
                reblockedLists++;
                reblockedTailPostings += list.writerCount();
                done++;
            }
        }
        return done;
    }

    private int tradeWithBackground(int maxLists) {
        int installed = 0;
        Reblocker.Job job;
        while (installed < maxLists && (job = reblocker.poll()) != null) {
            if (install(job)) {
                installed++;
            }
        }
        int free = Reblocker.MAX_IN_FLIGHT - inFlightCount;
        // choosing scans the whole queue: do it for half the builder's queue at once, or when the queue is short
        if (free > 0 && pendingSize > 0 && (2 * free >= Reblocker.MAX_IN_FLIGHT || pendingSize <= 4 * free)) {
            handOverMostDrifted(free);
        }
        return installed;
    }

    /**
     * Hands the builder up to {@code free} pending lists, those with the highest priority first: drift (tail length
     * plus dead postings) times one plus the searches that asked for the list lately. So the lists queries read stay
     * short, and a list nobody searches waits until its drift outweighs them; once the builder lags (it does at a
     * million documents and 50k upserts/s on two cores), first come first served let the hot lists' tails grow while
     * it worked through cold ones, and every query scanned those tails whole. The choice is among the oldest
     * {@link #HAND_OVER_WINDOW} pending terms; those not chosen go to the back of the queue, so every pending term is
     * weighed once per {@code pending / HAND_OVER_WINDOW} hand-overs (scanning all ~26k pending terms each time was
     * ~7 % of the writer at a million documents).
     */
    private void handOverMostDrifted(int free) {
        if (++refills % TOUCH_HALF_LIFE == 0) {
            for (int t = 0; t < queryTouches.length; t++) {
                queryTouches[t] >>>= 1;
            }
        }
        int[] bestTerm = chosenTerms;
        float[] bestPriority = chosenPriority;
        int chosen = 0;
        int[] ring = pending;
        int window = Math.min(pendingSize, HAND_OVER_WINDOW);
        for (int i = 0; i < window; i++) {
            int at = pendingHead + i;
            int t = ring[at < ring.length ? at : at - ring.length];
            if (inFlight[t]) {
                continue;
            }
            float priority = (float) (tailLength[t] + dead[t]) * (1f + queryTouches[t]);
            if (chosen == free && priority <= bestPriority[chosen - 1]) {
                continue;
            }
            // invariant: bestPriority[0 .. chosen) descending
            int j = chosen < free ? chosen++ : chosen - 1;
            while (j > 0 && bestPriority[j - 1] < priority) {
                bestPriority[j] = bestPriority[j - 1];
                bestTerm[j] = bestTerm[j - 1];
                j--;
            }
            bestPriority[j] = priority;
            bestTerm[j] = t;
        }
        for (int i = 0; i < chosen; i++) {
            pendingFlag[bestTerm[i]] = false;
        }
        // the window leaves the queue's head; what stays pending of it (not chosen, not in flight: an install
        // re-checks its list's drift) goes to the back in its order
        for (int i = 0; i < window; i++) {
            int t = ring[pendingHead];
            if (++pendingHead == ring.length) {
                pendingHead = 0;
            }
            pendingSize--;
            if (inFlight[t]) {
                pendingFlag[t] = false;
            } else if (pendingFlag[t]) {
                int to = pendingHead + pendingSize++;
                ring[to < ring.length ? to : to - ring.length] = t;
            }
        }
        AtomicReferenceArray<PostingList> lists = generation.lists;
        for (int i = 0; i < chosen; i++) {
            int t = bestTerm[i];
            PostingList list = lists.getPlain(t);
            if (list == null || !drifted(t, list)) {
                continue;
            }
            inFlight[t] = true;
            inFlightCount++;
            reblocker.submit(new Reblocker.Job(list, list.writerCount(), list.writerArray(), dead[t],
                    shouldDropDead(t), view));
        }
    }

    /**
     * Publishes a finished job's list: the merged list plus the postings appended to the old list's tail since the
     * hand-over, with the old list's deaths since then. A job from an older generation (a compaction ran meanwhile)
     * is dropped. Returns whether a list was published.
     */
    private boolean install(Reblocker.Job job) {
        int t = job.list.term;
        if (job.view.generation != generation) {
            return false; // compact() renumbered the slots and reset inFlight
        }
        inFlight[t] = false;
        inFlightCount--;
        if (job.failure != null) {
            throw new IllegalStateException("background re-blocking of term " + t + " failed", job.failure);
        }
        AtomicReferenceArray<PostingList> lists = generation.lists;
        PostingList current = lists.getPlain(t);
        if (current != job.list) {
            throw new IllegalStateException("list of term " + t + " replaced while its job was in flight");
        }
        PostingList merged = job.merged;
        int[] tail = current.writerArray();
        for (int i = job.tailCount, n = current.writerCount(); i < n; i++) {
            merged.append(tail[i]);
        }
        // a dropping merge removed the postings dead at the hand-over; those that died after it were live at the
        // job's view, so they are in the merged list (or pruned from it: then this overcounts, which only re-blocks
        // it sooner). A keeping merge kept them all.
        track(t, merged, job.droppedDead ? dead[t] - job.deadAtHandOver : dead[t]);
        lists.setRelease(t, merged);
        reblockedLists++;
        reblockedTailPostings += job.tailCount;
        if (drifted(t, merged)) {
            markPending(t);
        }
        return true;
    }

    /**
     * Installs every job in flight, waiting for the background thread: before a compaction, so that no job keeps the
     * old generation's arrays reachable after it (they would be dropped on return anyway).
     */
    private void awaitInFlight() {
        try {
            while (inFlightCount > 0) {
                install(reblocker.awaitFinished());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for background re-blocking", e);
        }
    }

    /** Lists re-blocked (merged or rebuilt) and published since this writer was made; compactions not counted. */
    public long reblockedLists() {
        return reblockedLists;
    }

    /** Tail postings folded into blocks by {@link #reblockedLists()} (postings appended while a job ran not counted). */
    public long reblockedTailPostings() {
        return reblockedTailPostings;
    }

    /** Lists waiting for re-blocking (this thread's view), handed to the background thread or not. */
    public int pendingReblocks() {
        return pendingSize + inFlightCount;
    }

    // ------------------------------------------------------------------------------------------------ compaction

    /** Slots of deleted or replaced documents: memory that only {@link #compact()} reclaims. */
    public int deadSlots() {
        return forward.slots - liveDocs;
    }

    /**
     * Rebuilds everything from the live documents: slots renumbered in doc-id order, dead slots reclaimed, every list
     * re-blocked. Afterwards the physical layout equals {@link #build} of the same content.
     */
    public void compact() {
        awaitInFlight();
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
        DocMeta[] meta = v.meta;
        int[] order = IntStream.of(live).limit(n).boxed()
                .sorted((a, b) -> meta[a].docId().compareTo(meta[b].docId())).mapToInt(Integer::intValue).toArray();
        ForwardIndex f = new ForwardIndex(config.quantization(), config.clusteringTerms(), config.vocabularySize(), n,
                (int) pool);
        for (int s : order) {
            int from = v.start[s];
            f.appendQuantized(meta[s], v.keyHash[s], v.terms, v.codes, from, v.start[s + 1] - from, v.scale[s]);
        }
        adopt(f, appliedOffset);
        rebuildAll();
    }

    /**
     * Builds a fresh generation over the current forward index (every slot live): all lists from scratch in
     * parallel (each list is a pure function of its postings, so the thread count changes nothing), field bitmaps
     * from the documents; then publishes it. No background job is in flight here (see {@link #compact()}); one of an
     * older generation would be dropped on return.
     */
    private void rebuildAll() {
        ForwardIndex f = forward;
        int vocab = config.vocabularySize();
        Generation g = new Generation(vocab);
        View all = new View(appliedOffset, liveDocs, f, g);
        Arrays.fill(admitWeight, 0f);
        Arrays.fill(dead, 0);
        Arrays.fill(deadLimit, Integer.MAX_VALUE);
        // postings with weight > 0 per term
        int[] count = new int[vocab + 1];
        for (int e = 0; e < f.size; e++) {
            if (f.code(e) != 0) {
                count[f.terms[e]]++;
            }
        }
        int lo = 0;
        while (lo < vocab) {
            long sum = 0;
            int hi = lo;
            while (hi < vocab && (hi == lo || sum + count[hi] <= REBUILD_CHUNK_POSTINGS)) {
                sum += count[hi++];
            }
            buildChunk(all, g, count, lo, hi, (int) sum);
            lo = hi;
        }
        buildFields(f, g);
        generation = g;
        Arrays.fill(pendingFlag, false);
        pendingHead = 0;
        pendingSize = 0;
        Arrays.fill(inFlight, false);
        inFlightCount = 0;
        publish();
    }

    /** Field bitmaps of every slot of {@code f} (all live) into {@code g}. */
    private void buildFields(ForwardIndex f, Generation g) {
        HashMap<String, HashMap<String, RoaringBitmap>> fieldBits = new HashMap<>();
        for (int s = 0; s < f.slots; s++) {
            for (Map.Entry<String, String> e : f.meta[s].fields().entrySet()) {
                fieldBits.computeIfAbsent(e.getKey(), k -> new HashMap<>())
                        .computeIfAbsent(e.getValue(), k -> new RoaringBitmap()).add(s);
            }
        }
        fieldBits.forEach((field, values) -> values.forEach((value, bits) -> {
            bits.runOptimize();
            g.fields.putBase(field, value, bits);
        }));
    }

    /** Gathers the postings of terms {@code [lo, hi)} (slot order) and builds their lists in parallel. */
    private void buildChunk(View f, Generation g, int[] count, int lo, int hi, int total) {
        int[] offset = new int[hi - lo + 1];
        for (int t = lo; t < hi; t++) {
            offset[t - lo + 1] = offset[t - lo] + count[t];
        }
        int[] slots = new int[total];
        float[] weights = new float[total];
        int[] fill = Arrays.copyOf(offset, hi - lo);
        for (int s = 0; s < f.slotLimit; s++) {
            float scale = f.scale[s];
            for (int e = f.start[s], end = f.start[s + 1]; e < end; e++) {
                int t = f.terms[e];
                if (t < lo || t >= hi) {
                    continue;
                }
                int c = f.code(e);
                if (c != 0) {
                    int at = fill[t - lo]++;
                    slots[at] = s;
                    weights[at] = c * scale;
                }
            }
        }
        IntStream.range(lo, hi).parallel().forEach(t -> {
            int from = offset[t - lo];
            int n = offset[t - lo + 1] - from;
            if (n == 0) {
                return;
            }
            int[] ts = Arrays.copyOfRange(slots, from, from + n);
            float[] tw = Arrays.copyOfRange(weights, from, from + n);
            PostingList list = builders.get().build(t, ts, tw, n, 0f, f);
            track(t, list, 0); // distinct terms per task: no two threads write one entry
            g.lists.set(t, list);
        });
    }

    /**
     * The shard's complete state as flat arrays, for a snapshot (at {@link #appliedOffset()}). Call it on this
     * writer's thread, between operations.
     */
    public ShardImage image() {
        return captureImage().build();
    }

    /**
     * The shard's state now, to be made into an image later on any thread ({@link ImageCapture}); costs this thread
     * a move of the staged postings and O(vocabulary). Call it on this writer's thread, between operations.
     */
    public ImageCapture captureImage() {
        if (stagedFrom < forward.slots) {
            moveStaged(); // an image stores lists with every posting: a restored writer stages nothing
            publish();
        }
        return new ImageCapture(config, view);
    }

    /**
     * Background mode: the share of one core, in (0, 1], the re-blocking thread may use from its next job on (the
     * initial one is {@value Reblocker#DEFAULT_CPU_SHARE}, or the system property {@value Reblocker#CPU_SHARE_PROPERTY});
     * a service sets it to leave room for its consumer, broker and searches. Other modes have no such thread: ignored.
     */
    public void reblockCpuShare(double share) {
        if (reblocker != null) {
            reblocker.cpuShare(share);
        }
    }

    /** Stops the background re-blocking thread, if any; the published state stays readable. */
    @Override
    public void close() {
        if (reblocker != null) {
            reblocker.close();
        }
    }
}
