package io.streamsparse.core.index;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A shard's state at one applied offset, captured on the writer's thread in O(vocabulary) ({@link
 * ShardWriter#captureImage()}) and turned into a {@link ShardImage} later, on any thread ({@link #build()}): the
 * copy of the forward pool and the lists, hundreds of milliseconds for a few hundred thousand documents, then no
 * longer stops the writer (the index service builds it on its snapshot thread while the consumer keeps applying).
 *
 * <p>Why building later sees exactly the captured state: the capture holds a published {@link View} (slots below
 * its limit never change but for later death stamps, which its visibility rule reads as "alive at the view") and,
 * per term, the list object with its tail array and tail length at the capture. A list's blocked part is immutable;
 * its tail is append-only, and a grown tail is a copy, so the captured array keeps its first captured-length entries;
 * a list the writer replaces later (a re-blocking, a compaction) is a new object and the captured one stays as it was.
 * See docs/ARCHITECTURE.md, "Threading and publication".
 */
public final class ImageCapture {
    private final IndexConfig config;
    private final View view;
    private final PostingList[] lists;
    private final int[][] tails;
    private final int[] tailCounts;

    /** Writer thread, right after {@code view} was published: nothing has changed since. */
    ImageCapture(IndexConfig config, View view) {
        this.config = config;
        this.view = view;
        AtomicReferenceArray<PostingList> current = view.generation.lists;
        int terms = current.length();
        this.lists = new PostingList[terms];
        this.tails = new int[terms][];
        this.tailCounts = new int[terms];
        for (int t = 0; t < terms; t++) {
            PostingList l = current.getPlain(t);
            if (l != null) {
                lists[t] = l;
                tails[t] = l.writerArray();
                tailCounts[t] = l.writerCount();
            }
        }
    }

    public long appliedOffset() {
        return view.appliedOffset;
    }

    /**
     * The image of the captured state (any thread; the capture and the object handing it over must be published
     * safely, as an executor or a queue does).
     */
    public ShardImage build() {
        return ShardImages.image(config, view, lists, tails, tailCounts);
    }
}
