package io.streamsparse.core.index;

import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import io.streamsparse.core.search.ShardSearcher;
import io.streamsparse.core.vector.EncodedDocument;
import java.util.Map;

/**
 * One shard as a single object: its {@link ShardWriter} and that writer's {@link ShardReader}, for code that both
 * writes and reads on one thread or in tests (batch builds, tools, benchmarks). Services hold the two halves
 * separately: the consumer thread the writer, request threads the reader. Every method delegates; the contract and
 * the threading rules are the writer's and the reader's.
 */
public final class ShardIndex implements ShardSearcher, AutoCloseable {

    private final ShardWriter writer;

    public ShardIndex(IndexConfig config) {
        this(new ShardWriter(config));
    }

    public ShardIndex(ShardWriter writer) {
        if (writer == null) {
            throw new IllegalArgumentException("writer must not be null");
        }
        this.writer = writer;
    }

    /** See {@link ShardWriter#build}. */
    public static ShardIndex build(IndexConfig config, long appliedOffset, Map<String, EncodedDocument> docs) {
        return new ShardIndex(ShardWriter.build(config, appliedOffset, docs));
    }

    /** See {@link ShardWriter#fromImage}. */
    public static ShardIndex fromImage(ShardImage image) {
        return new ShardIndex(ShardWriter.fromImage(image));
    }

    public ShardWriter writer() {
        return writer;
    }

    public ShardReader reader() {
        return writer.reader();
    }

    public IndexConfig config() {
        return writer.config();
    }

    public boolean upsert(long offset, String docId, EncodedDocument doc) {
        return writer.upsert(offset, docId, doc);
    }

    public boolean delete(long offset, String docId) {
        return writer.delete(offset, docId);
    }

    public int maintain(int maxLists) {
        return writer.maintain(maxLists);
    }

    public int pendingReblocks() {
        return writer.pendingReblocks();
    }

    public void compact() {
        writer.compact();
    }

    public ShardImage image() {
        return writer.image();
    }

    @Override
    public SearchResult search(SearchRequest request) {
        return writer.reader().search(request);
    }

    public long appliedOffset() {
        return writer.reader().appliedOffset();
    }

    public int liveDocuments() {
        return writer.reader().liveDocuments();
    }

    public int documentFrequency(int termId) {
        return writer.reader().documentFrequency(termId);
    }

    public IndexStats stats() {
        return writer.reader().stats();
    }

    public byte[] contentDigest() {
        return writer.reader().contentDigest();
    }

    byte[] layoutDigest() {
        return writer.reader().layoutDigest();
    }

    View currentView() {
        return writer.reader().currentView();
    }

    @Override
    public void close() {
        writer.close();
    }
}
