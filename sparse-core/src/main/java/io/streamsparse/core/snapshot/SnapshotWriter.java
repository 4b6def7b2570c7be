package io.streamsparse.core.snapshot;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ListImage;
import io.streamsparse.core.index.ShardImage;
import io.streamsparse.core.index.ShardIndex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a shard in the current {@link SnapshotFormat} version. Call on the shard's writer thread (or while no
 * writer runs): the snapshot is the state at {@link ShardIndex#appliedOffset()}. Does not close the stream.
 */
public final class SnapshotWriter {

    private SnapshotWriter() {
    }

    public static void write(ShardIndex index, OutputStream out) throws IOException {
        write(index.image(), out);
    }

    public static void write(ShardImage image, OutputStream out) throws IOException {
        write(image, out, SnapshotFormat.CURRENT_VERSION);
    }

    /** Writes an older version too (tests keep old versions readable); version 1 drops the lists. */
    static void write(ShardImage image, OutputStream out, int version) throws IOException {
        write(image, out, version, SnapshotFormat.CHUNK_BYTES);
    }

    /** As above with a chunk size of the caller's (tests cut small snapshots into many chunks). */
    static void write(ShardImage image, OutputStream out, int version, int chunkBytes) throws IOException {
        if (version < SnapshotFormat.VERSION_1 || version > SnapshotFormat.VERSION_4) {
            throw new IllegalArgumentException("cannot write snapshot version " + version);
        }
        if (version >= SnapshotFormat.VERSION_2 && image.lists() == null) {
            throw new IllegalArgumentException("image has no lists; only version 1 can be written");
        }
        LittleEndianOut w = new LittleEndianOut(out);
        w.bytes(SnapshotFormat.MAGIC, 0, SnapshotFormat.MAGIC.length);
        w.u8(version);
        writeConfig(w, image.config());
        w.i64(image.appliedOffset());
        int n = image.docCount();
        w.varint(n);
        if (version == SnapshotFormat.VERSION_4) {
            writeColumnar(w, image, chunkBytes);
        } else if (version == SnapshotFormat.VERSION_3) {
            writeChunked(w, image, chunkBytes);
        } else {
            writeDocs(w, image, 0, n);
            if (version == SnapshotFormat.VERSION_2) {
                w.varint(image.lists().size());
                writeLists(w, image.lists(), 0, image.lists().size());
            }
        }
        w.finishWithCrc();
    }

    /** Version 3: documents and lists in chunks of about {@link SnapshotFormat#CHUNK_BYTES}, each length-prefixed. */
    private static void writeChunked(LittleEndianOut w, ShardImage image, int chunkBytes) throws IOException {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(chunkBytes + (1 << 16));
        List<int[]> docChunks = docChunks(image, chunkBytes);
        w.varint(docChunks.size());
        writeFramed(w, chunk, docChunks, (cw, from, to) -> writeDocs(cw, image, from, to));
        List<ListImage> lists = image.lists();
        List<int[]> listChunks = listChunks(lists, chunkBytes);
        w.varint(lists.size());
        w.varint(listChunks.size());
        writeFramed(w, chunk, listChunks, (cw, from, to) -> writeLists(cw, lists, from, to));
    }

    /** Writes items {@code [from, to)} of something into a stream. */
    private interface RangeWriter {
        void write(LittleEndianOut out, int from, int to) throws IOException;
    }

    /** Version 3 chunks: each range's item count, byte length and bytes. */
    private static void writeFramed(LittleEndianOut w, ByteArrayOutputStream chunk, List<int[]> ranges,
                                    RangeWriter items) throws IOException {
        for (int[] c : ranges) {
            chunk.reset();
            LittleEndianOut cw = new LittleEndianOut(chunk);
            items.write(cw, c[0], c[1]);
            cw.flush();
            w.varint(c[1] - c[0]);
            w.varint(chunk.size());
            w.bytes(chunk.toByteArray(), 0, chunk.size());
        }
    }

    /**
     * Version 4: the lists, then the documents, in chunks of about {@link SnapshotFormat#CHUNK_BYTES}, each chunk's
     * content in columns (see {@link SnapshotFormat}).
     */
    private static void writeColumnar(LittleEndianOut w, ShardImage image, int chunkBytes) throws IOException {
        ChunkOut chunk = new ChunkOut();
        List<ListImage> lists = image.lists();
        List<int[]> listChunks = listChunks(lists, chunkBytes);
        w.varint(lists.size());
        w.varint(listChunks.size());
        for (int[] c : listChunks) {
            chunk.reset();
            listColumns(chunk, lists, c[0], c[1]);
            w.varint(c[1] - c[0]);
            w.varint(chunk.size());
            chunk.writeTo(w);
        }
        int[] start = image.start();
        List<int[]> docChunks = docChunks(image, chunkBytes);
        w.varint(docChunks.size());
        for (int[] c : docChunks) {
            chunk.reset();
            documentColumns(chunk, image, c[0], c[1]);
            w.varint(c[1] - c[0]);
            w.varint(start[c[1]] - start[c[0]]);
            w.varint(chunk.size());
            chunk.writeTo(w);
        }
    }

    /** Documents {@code [from, to)} as a version 4 chunk: field sets, metadata, lengths, scales, terms, codes. */
    private static void documentColumns(ChunkOut c, ShardImage image, int from, int to) {
        Map<String, String>[] fields = image.fields();
        Map<Map<String, String>, Integer> setOf = new HashMap<>();
        List<Map<String, String>> sets = new ArrayList<>();
        int[] setIndex = new int[to - from];
        for (int d = from; d < to; d++) {
            Integer i = setOf.get(fields[d]);
            if (i == null) {
                i = sets.size();
                setOf.put(fields[d], i);
                sets.add(fields[d]);
            }
            setIndex[d - from] = i;
        }
        c.varint(sets.size());
        for (Map<String, String> set : sets) {
            c.varint(set.size());
            for (Map.Entry<String, String> e : set.entrySet()) {
                c.string(e.getKey());
                c.string(e.getValue());
            }
        }
        for (int d = from; d < to; d++) {
            c.string(image.docIds()[d]);
            c.string(image.titles()[d]);
            c.string(image.snippets()[d]);
            c.varint(setIndex[d - from]);
        }
        int[] start = image.start();
        for (int d = from; d < to; d++) {
            c.varint(start[d + 1] - start[d]);
        }
        for (int d = from; d < to; d++) {
            c.f32(image.scale()[d]);
        }
        int[] terms = image.terms();
        for (int d = from; d < to; d++) {
            c.ascending(terms, start[d], start[d + 1]);
        }
        int codeBytes = image.config().quantization().bytes();
        c.bytes(image.codes(), start[from] * codeBytes, (start[to] - start[from]) * codeBytes);
    }

    /** Lists {@code [from, to)} as a version 4 chunk (term deltas from -1, so chunks decode independently). */
    private static void listColumns(ChunkOut c, List<ListImage> all, int first, int end) {
        int prevTerm = -1;
        for (ListImage l : all.subList(first, end)) {
            c.varint(l.term() - prevTerm);
            prevTerm = l.term();
            c.f32(l.minWeight());
            c.varint(l.clusteredSize());
            c.varint(l.churn());
            int blocks = l.centroid().length;
            c.varint(blocks);
            c.varint(l.tail().length);
            int[] blockStart = l.blockStart();
            int[] sumStart = l.sumStart();
            for (int b = 0; b < blocks; b++) {
                c.varint(blockStart[b + 1] - blockStart[b]);
            }
            for (int b = 0; b < blocks; b++) {
                c.varint(l.centroid()[b]);
            }
            for (int b = 0; b < blocks; b++) {
                c.varint(sumStart[b + 1] - sumStart[b]);
            }
            for (int b = 0; b < blocks; b++) {
                c.f32(l.sumScale()[b]);
            }
            for (int b = 0; b < blocks; b++) {
                c.ascending(l.docs(), blockStart[b], blockStart[b + 1]);
            }
            for (int b = 0; b < blocks; b++) {
                c.ascending(l.sumTerms(), sumStart[b], sumStart[b + 1]);
            }
            c.bytes(l.sumCodes(), 0, l.sumCodes().length);
            c.ascending(l.tail(), 0, l.tail().length);
        }
    }

    /** Document ranges of about {@code chunkBytes} (about 5 bytes per posting plus strings), at least one each. */
    private static List<int[]> docChunks(ShardImage image, int chunkBytes) {
        int n = image.docCount();
        int[] start = image.start();
        List<int[]> docChunks = new ArrayList<>();
        for (int from = 0; from < n; ) {
            int to = from + 1;
            while (to < n && (long) (start[to + 1] - start[from]) * 5 + 64L * (to + 1 - from)
                    <= chunkBytes) {
                to++;
            }
            docChunks.add(new int[] {from, to});
            from = to;
        }
        return docChunks;
    }

    /** List ranges of about {@code chunkBytes}, at least one list each. */
    private static List<int[]> listChunks(List<ListImage> lists, int chunkBytes) {
        List<int[]> listChunks = new ArrayList<>();
        for (int from = 0; from < lists.size(); ) {
            int to = from;
            long bytes = 0;
            while (to < lists.size() && (to == from || bytes <= chunkBytes)) {
                ListImage l = lists.get(to++);
                bytes += 16 + 2L * (l.docs().length + l.tail().length) + 3L * l.sumTerms().length;
            }
            listChunks.add(new int[] {from, to});
            from = to;
        }
        return listChunks;
    }

    /** Documents {@code [from, to)} of the image, as version 1 writes them. */
    private static void writeDocs(LittleEndianOut w, ShardImage image, int first, int end) throws IOException {
        int[] start = image.start();
        int[] terms = image.terms();
        byte[] codes = image.codes();
        int codeBytes = image.config().quantization().bytes();
        for (int d = first; d < end; d++) {
            w.string(image.docIds()[d]);
            w.string(image.titles()[d]);
            w.string(image.snippets()[d]);
            Map<String, String> fields = image.fields()[d];
            w.varint(fields.size());
            for (Map.Entry<String, String> e : fields.entrySet()) {
                w.string(e.getKey());
                w.string(e.getValue());
            }
            int from = start[d];
            int to = start[d + 1];
            w.varint(to - from);
            int prev = 0;
            for (int i = from; i < to; i++) {
                w.varint(terms[i] - prev);
                prev = terms[i];
            }
            w.f32(image.scale()[d]);
            w.bytes(codes, from * codeBytes, (to - from) * codeBytes);
        }
    }

    /**
     * Lists {@code [from, to)} (version 2: all of them, after their count; version 3: one chunk's). Term deltas
     * start from -1, so version 3 chunks decode independently.
     */
    private static void writeLists(LittleEndianOut w, List<ListImage> all, int first, int end) throws IOException {
        int prevTerm = -1;
        for (ListImage l : all.subList(first, end)) {
            w.varint(l.term() - prevTerm);
            prevTerm = l.term();
            w.f32(l.minWeight());
            w.varint(l.clusteredSize());
            w.varint(l.churn());
            int blocks = l.centroid().length;
            w.varint(blocks);
            for (int b = 0; b < blocks; b++) {
                int from = l.blockStart()[b];
                int to = l.blockStart()[b + 1];
                w.varint(to - from);
                w.varint(l.centroid()[b]);
                ascending(w, l.docs(), from, to);
                int sFrom = l.sumStart()[b];
                int sTo = l.sumStart()[b + 1];
                w.varint(sTo - sFrom);
                ascending(w, l.sumTerms(), sFrom, sTo);
                w.bytes(l.sumCodes(), sFrom, sTo - sFrom);
                w.f32(l.sumScale()[b]);
            }
            w.varint(l.tail().length);
            ascending(w, l.tail(), 0, l.tail().length);
        }
    }

    /** Strictly ascending non-negative ints as deltas, the first from -1. */
    private static void ascending(LittleEndianOut w, int[] a, int from, int to) throws IOException {
        int prev = -1;
        for (int i = from; i < to; i++) {
            w.varint(a[i] - prev);
            prev = a[i];
        }
    }

    static void writeConfig(LittleEndianOut w, IndexConfig c) throws IOException {
        w.i32(c.vocabularySize());
        w.i32(c.blockSize());
        w.i32(c.pruneLambda());
        w.f32(c.summaryAlpha());
        w.i32(c.summaryMaxTerms());
        w.u8(c.quantization().ordinal());
        w.f32(c.reblockTailFraction());
        w.i32(c.reblockMinTail());
        w.f32(c.reblockDeadFraction());
        w.u8(c.reblockMode().ordinal());
        w.i32(c.clusteringTerms());
        w.i64(c.seed());
    }
}
