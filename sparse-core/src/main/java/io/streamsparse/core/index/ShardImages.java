package io.streamsparse.core.index;

import com.carrotsearch.hppc.ByteArrayList;
import com.carrotsearch.hppc.FloatArrayList;
import com.carrotsearch.hppc.IntArrayList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Converts between a published {@link View} and a {@link ShardImage} (the flat state a snapshot stores): out in the
 * image's dense document numbering, and back into a forward index and lists.
 */
final class ShardImages {

    private ShardImages() {
    }

    /**
     * The view's live state, documents in slot order, lists renumbered (see {@link #listImages}); the lists as
     * captured with the view ({@link ImageCapture}): per term the list, its tail array and tail length (null list:
     * none).
     */
    @SuppressWarnings("unchecked")
    static ShardImage image(IndexConfig config, View v, PostingList[] lists, int[][] tails, int[] tailCounts) {
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
        return new ShardImage(config, v.appliedOffset, ids, titles, snippets, fields, start, terms, codes, scale,
                listImages(v, lists, tails, tailCounts));
    }

    /**
     * The lists in the image's dense numbering: dead postings dropped (blocks left empty disappear, summaries stay:
     * still upper bounds), a dead centroid replaced by its block's first document. After {@code compact()} nothing
     * is dead, so this is the layout itself.
     */
    private static List<ListImage> listImages(View v, PostingList[] lists, int[][] tails, int[] tailCounts) {
        int[] remap = new int[v.slotLimit];
        int d = 0;
        for (int s = 0; s < v.slotLimit; s++) {
            remap[s] = v.visible(s) ? d++ : -1;
        }
        List<ListImage> out = new ArrayList<>();
        IntArrayList docs = new IntArrayList();
        IntArrayList blockStart = new IntArrayList();
        IntArrayList centroid = new IntArrayList();
        IntArrayList sumStart = new IntArrayList();
        IntArrayList sumTerms = new IntArrayList();
        ByteArrayList sumCodes = new ByteArrayList();
        FloatArrayList sumScale = new FloatArrayList();
        IntArrayList tail = new IntArrayList();
        for (int t = 0; t < lists.length; t++) {
            PostingList l = lists[t];
            if (l == null) {
                continue;
            }
            docs.clear();
            blockStart.clear();
            centroid.clear();
            sumStart.clear();
            sumTerms.clear();
            sumCodes.clear();
            sumScale.clear();
            tail.clear();
            blockStart.add(0);
            sumStart.add(0);
            BlockSummaries sums = l.summaries;
            for (int b = 0; b < l.blocks(); b++) {
                int before = docs.size();
                for (int i = l.blockStart[b]; i < l.blockStart[b + 1]; i++) {
                    int s = l.docs[i];
                    if (s < remap.length && remap[s] >= 0) {
                        docs.add(remap[s]);
                    }
                }
                if (docs.size() == before) {
                    continue;
                }
                blockStart.add(docs.size());
                int c = l.centroid[b];
                centroid.add(c < remap.length && remap[c] >= 0 ? remap[c] : docs.get(before));
                int lo = sums.start[b];
                sumTerms.add(sums.terms, lo, sums.start[b + 1] - lo);
                sumCodes.add(sums.codes, lo, sums.start[b + 1] - lo);
                sumStart.add(sumTerms.size());
                sumScale.add(sums.scale[b]);
            }
            int tn = tailCounts[t];
            int[] ta = tails[t];
            for (int i = 0; i < tn; i++) {
                int s = ta[i];
                if (s < remap.length && remap[s] >= 0) {
                    tail.add(remap[s]);
                }
            }
            if (docs.isEmpty() && tail.isEmpty()) {
                continue;
            }
            out.add(new ListImage(t, l.minWeight, l.clusteredSize, l.churn, docs.toArray(), blockStart.toArray(),
                    centroid.toArray(), sumStart.toArray(), sumTerms.toArray(), sumCodes.toArray(),
                    sumScale.toArray(), tail.toArray()));
        }
        return out;
    }

    /** The image's documents as a forward index, slot = document number (built in parallel over doc ranges). */
    static ForwardIndex forward(ShardImage image) {
        IndexConfig config = image.config();
        int n = image.docCount();
        DocMeta[] meta = new DocMeta[n];
        long[] keyHash = new long[n];
        String[] ids = image.docIds();
        IntStream.range(0, n).parallel().forEach(d -> {
            meta[d] = new DocMeta(ids[d], image.titles()[d], image.snippets()[d], image.fields()[d]);
            keyHash[d] = ContentHash.docKey(config.seed(), ids[d]);
        });
        return ForwardIndex.ofSlots(config.quantization(), config.clusteringTerms(), config.vocabularySize(), n,
                image.start(), image.terms(), image.codes(), image.scale(), meta, keyHash);
    }

    /** The image's lists as a generation (field postings not built), or null when the image carries none. */
    static Generation lists(ShardImage image) {
        if (image.lists() == null) {
            return null;
        }
        IndexConfig config = image.config();
        Generation g = new Generation(config.vocabularySize());
        for (ListImage l : image.lists()) {
            BlockSummaries sums = new BlockSummaries(l.sumStart(), l.sumTerms(), l.sumCodes(), l.sumScale());
            PostingList list = new PostingList(l.term(), l.docs(), l.blockStart(), l.centroid(), sums, l.minWeight(),
                    l.clusteredSize(), l.churn(), config);
            list.appendAll(l.tail(), 0, l.tail().length);
            g.lists.set(l.term(), list);
        }
        return g;
    }
}
