package io.streamsparse.core.index;

import static io.streamsparse.core.index.StreamingPropertiesTest.assertSummariesBoundLiveContent;
import static io.streamsparse.core.index.StreamingPropertiesTest.snapshot;
import static io.streamsparse.core.index.StreamingPropertiesTest.storedWeight;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamsparse.core.index.RandomStreams.Op;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The background re-blocking hand-over, proven by a deterministic interleaving harness instead of a two-thread smoke
 * test: the builder ({@link Reblocker#manual}) runs on the test thread exactly where a schedule puts it, so each job
 * reads a view that the writer has already moved past by 0, 1, 2, … operations (upserts appending to the list it
 * merges, re-upserts and deletes killing its postings, new lists appearing), and each merged list is installed at a
 * later operation still. Schedules: every fixed delay from 0 to {@code MAX_DELAY} operations, jobs held back to the
 * end of the stream, and seeded random delays per job. After every writer operation, what a reader sees is checked:
 * exact results equal a brute force over the latest documents; with pruning off, every live posting is in its
 * term's list exactly once (a posting appended while its list was being merged is carried over, never lost or
 * doubled) and a traversal of every list finds the exact top-k; block summaries bound the live content; no list
 * holds a slot twice. At the end, after {@code compact()}, the layout and the snapshot bytes equal the batch build's
 * (P1). A wrong carry-over, a lost death count, an install over a newer list or a job surviving a compaction fails
 * deterministically here, whatever the thread timing.
 */
class ReblockPublicationTest {

    static final int MAX_DELAY = 6;
    /** Schedule code for "hold every job until the stream ends". */
    static final int AT_END = -1;
    /** Schedule code for "a seeded random delay in [0, 2 MAX_DELAY] per job". */
    static final int RANDOM = -2;
    /**
     * Staged slots per move into the tails and per sealed run ({@link ShardWriter}): {1, 1} moves every upsert's
     * postings at once; {5, 5} leaves up to four documents staged and unsealed, moves them in groups, and lets a
     * reader see a move half done (checked from the writer's move observer, after every group); {7, 2} also seals
     * staged documents into runs of two, so readers find up to three runs and one unsealed document.
     */
    static final int[][] STAGES = {{1, 1}, {5, 5}, {7, 2}};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        long[][] streams = {
                // seed, ops, id space, vocab, max nnz, lambda
                {1, 220, 40, 24, 8, 0},
                {2, 260, 25, 16, 6, 0},
                {3, 240, 60, 30, 10, 6},
        };
        for (long[] s : streams) {
            List<Integer> schedules = new ArrayList<>();
            for (int d = 0; d <= MAX_DELAY; d++) {
                schedules.add(d);
            }
            schedules.add(AT_END);
            schedules.add(RANDOM);
            for (int schedule : schedules) {
                for (int[] stage : STAGES) {
                    out.add(Arguments.of(s[0], (int) s[1], (int) s[2], (int) s[3], (int) s[4], (int) s[5], schedule,
                            stage[0], stage[1]));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "seed {0}, λ {5}, schedule {6}, stage {7}, seal {8}")
    @MethodSource("cases")
    void everyInterleavingPublishesCompleteLists(long seed, int n, int ids, int vocab, int maxNnz, int lambda,
                                                 int schedule, int stage, int seal) {
        IndexConfig config = IndexConfig.defaults().withVocabularySize(vocab).withBlockSize(3)
                .withPruneLambda(lambda).withSummaryAlpha(0.6f).withSummaryMaxTerms(4).withClusteringTerms(3)
                .withReblock(0.2f, 2, 0.2f).withReblockMode(IndexConfig.ReblockMode.BACKGROUND);
        Reblocker builder = Reblocker.manual(config);
        ShardWriter writer = new ShardWriter(config, builder, stage, seal);
        ShardIndex index = new ShardIndex(writer);
        SplittableRandom delays = new SplittableRandom(seed * 7919 + schedule);
        IntUnaryOperator delayOf = job -> switch (schedule) {
            case AT_END -> Integer.MAX_VALUE;
            case RANDOM -> delays.nextInt(2 * MAX_DELAY + 1);
            default -> schedule;
        };
        List<Op> ops = RandomStreams.stream(seed, n, ids, vocab, maxNnz);
        TreeMap<String, EncodedDocument> latest = new TreeMap<>();
        long[] applied = {-1};
        // run-at operation index of each queued job, in queue (FIFO) order
        ArrayDeque<Long> runAt = new ArrayDeque<>();
        int handedOver = 0;
        SplittableRandom queries = new SplittableRandom(seed);
        int[] movedGroups = {0};
        writer.observeMoves(() -> {
            // mid-move: the view published before the move, lists holding any prefix of the moved groups
            movedGroups[0]++;
            assertReaderInvariants(index, latest, lambda, vocab, maxNnz, queries);
        });
        for (int i = 0; i < ops.size(); i++) {
            int queuedBefore = builder.queued();
            applyUpdatingLatestFirst(index, ops.get(i), latest, applied);
            for (int j = queuedBefore; j < builder.queued(); j++) {
                int d = delayOf.applyAsInt(handedOver++);
                runAt.add(d == Integer.MAX_VALUE ? Long.MAX_VALUE : (long) i + d);
            }
            assertReaderInvariants(index, latest, lambda, vocab, maxNnz, queries);
            while (!runAt.isEmpty() && runAt.peekFirst() <= i) {
                runAt.pollFirst();
                assertTrue(builder.runOne());
            }
        }
        assertTrue(handedOver > 10, "the stream should hand over lists, handed " + handedOver);
        assertTrue(movedGroups[0] > 100, "the stream should move staged postings, moved " + movedGroups[0]);
        // drain: run what is queued, install it, repeat until nothing drifted is left
        for (int round = 0; builder.queued() > 0 || index.pendingReblocks() > 0; round++) {
            if (round > 1000) {
                fail("re-blocking does not settle: " + index.pendingReblocks() + " pending");
            }
            while (builder.runOne()) {
                // run everything queued
            }
            index.maintain(Integer.MAX_VALUE);
            assertReaderInvariants(index, latest, lambda, vocab, maxNnz, queries);
        }
        ShardIndex batch = ShardIndex.build(config, applied[0], latest);
        assertArrayEquals(batch.contentDigest(), index.contentDigest(), "content");
        writer.observeMoves(null);

        // compact() with jobs in flight: it installs them first, so no job outlives the generation it read
        long shift = applied[0] + 1;
        List<Op> more = RandomStreams.stream(seed + 1000, n, ids, vocab, maxNnz);
        int i = 0;
        while (builder.queued() == 0 && i < more.size()) {
            Op op = more.get(i++);
            RandomStreams.apply(index, List.of(new Op(op.offset() + shift, op.docId(), op.doc())), latest, applied);
        }
        assertTrue(builder.queued() > 0, "a job should be in flight before compact()");
        index.compact();
        while (builder.runOne()) {
            // jobs of the old generation finish now
        }
        index.maintain(Integer.MAX_VALUE);
        assertReaderInvariants(index, latest, lambda, vocab, maxNnz, queries);
        ShardIndex rebuilt = ShardIndex.build(config, applied[0], latest);
        assertArrayEquals(rebuilt.layoutDigest(), index.layoutDigest(), "layout after compact");
        assertArrayEquals(snapshot(rebuilt), snapshot(index), "snapshot bytes after compact");
        index.close();
    }

    /**
     * Applies one operation (a replayed one must change nothing), updating {@code latest} before the index, so that
     * the move observer, which runs inside the operation after its view is published, compares against the state
     * that view holds.
     */
    private static void applyUpdatingLatestFirst(ShardIndex index, Op op, TreeMap<String, EncodedDocument> latest,
                                                 long[] applied) {
        if (op.offset() <= applied[0]) {
            assertEquals(false, op.doc() != null ? index.upsert(op.offset(), op.docId(), op.doc())
                    : index.delete(op.offset(), op.docId()), "replayed offset " + op.offset());
            return;
        }
        if (op.doc() != null) {
            latest.put(op.docId(), op.doc());
            assertTrue(index.upsert(op.offset(), op.docId(), op.doc()));
        } else {
            latest.remove(op.docId());
            assertTrue(index.delete(op.offset(), op.docId()));
        }
        applied[0] = op.offset();
    }

    /**
     * The view's sealed runs cover {@code [stagedFrom, sealedTo)} contiguously, and each holds every live posting
     * (non-zero weight) of its slots under its term, once, slots ascending. With pruning a run leaves out postings
     * below their list's threshold, so only order and no-duplicates are checked then.
     */
    static void assertRunsCoverStaged(View v, int lambda) {
        int next = v.stagedFrom;
        for (StagedRun run : v.runs) {
            assertEquals(next, run.from, "runs must be contiguous from stagedFrom");
            assertTrue(run.to > run.from, "empty run");
            next = run.to;
            int[] slots = run.slots();
            for (int s = run.from; s < run.to; s++) {
                if (!v.visible(s)) {
                    continue;
                }
                for (int e = v.start[s]; e < v.start[s + 1]; e++) {
                    if (v.code(e) == 0) {
                        continue;
                    }
                    int t = v.terms[e];
                    int found = 0;
                    for (int j = run.groupFrom(t); j < run.groupTo(t); j++) {
                        assertTrue(j == run.groupFrom(t) || slots[j - 1] < slots[j], "run group not ascending");
                        if (slots[j] == s) {
                            found++;
                        }
                    }
                    if (lambda == 0) {
                        assertEquals(1, found, "live posting (" + s + ", " + t + ") in its run's group");
                    } else {
                        assertTrue(found <= 1, "posting (" + s + ", " + t + ") twice in its run's group");
                    }
                }
            }
        }
        assertEquals(v.runs.length == 0 ? v.stagedFrom : v.sealedTo, next, "runs end at sealedTo");
        assertTrue(v.stagedFrom <= v.sealedTo && v.sealedTo <= v.slotLimit, "stagedFrom <= sealedTo <= slotLimit");
    }

    /** What a reader of the current view must see, whatever the builder has done so far. */
    static void assertReaderInvariants(ShardIndex index, TreeMap<String, EncodedDocument> latest, int lambda,
                                       int vocab, int maxNnz, SplittableRandom queries) {
        assertEquals(latest.size(), index.liveDocuments());
        View v = index.currentView();
        AtomicReferenceArray<PostingList> lists = v.generation.lists;
        int[] seenIn = new int[v.slotLimit];
        for (int t = 0; t < lists.length(); t++) {
            PostingList l = lists.get(t);
            if (l == null) {
                continue;
            }
            java.util.Arrays.fill(seenIn, 0);
            for (int s : l.docs) {
                assertTrue(++seenIn[s] == 1, "slot " + s + " twice in the list of term " + t);
            }
            int tailCount = l.count();
            int[] tail = l.array();
            for (int i = 0; i < tailCount; i++) {
                assertTrue(++seenIn[tail[i]] == 1, "slot " + tail[i] + " twice in the list of term " + t);
            }
            if (lambda == 0) {
                // staged slots may be in their lists already (a move after the view) or not yet
                for (int s = 0; s < v.stagedFrom; s++) {
                    if (v.visible(s) && storedWeight(v, s, t) > 0f) {
                        assertEquals(1, seenIn[s], "live slot " + s + " missing from the list of term " + t);
                    }
                }
            }
        }
        if (lambda == 0) {
            for (int s = 0; s < v.stagedFrom; s++) {
                if (!v.visible(s)) {
                    continue;
                }
                for (int e = v.start[s]; e < v.start[s + 1]; e++) {
                    if (v.code(e) != 0) {
                        assertTrue(lists.get(v.terms[e]) != null, "no list for a live posting of " + v.terms[e]);
                    }
                }
            }
        }
        assertRunsCoverStaged(v, lambda);
        assertSummariesBoundLiveContent(index);
        SparseVector q = RandomStreams.randomQuery(queries, vocab, maxNnz);
        int k = 1 + queries.nextInt(8);
        var expected = RandomStreams.bruteForce(latest, q, k, null, index.config().quantization());
        SearchRequest exact = new SearchRequest(q, k, null, SearchMode.EXACT, null);
        assertEquals(expected, index.search(exact).hits(), "exact == brute force");
        if (lambda == 0) {
            SearchRequest everything = exact.withMode(SearchMode.APPROXIMATE).withKnobs(
                    SearchKnobs.defaults().withQueryCut(10_000).withHeapFactor(1e-30f).withFilterExactMax(0));
            assertEquals(expected, index.search(everything).hits(), "full traversal == brute force");
        }
    }
}
