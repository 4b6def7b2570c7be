package io.streamsparse.core.snapshot;

/**
 * The bytes of a shard snapshot. Written by {@link SnapshotWriter}, read by {@link SnapshotReader}; nothing else
 * reads or writes them.
 *
 * <h2>Version 4 (current)</h2>
 * Version 3's content with each chunk's content in columns, the lists before the documents, and each document chunk's
 * posting count in its header. A reader decodes every chunk straight into the shard's final arrays on a pool of
 * decoder threads (a chunk's first document and first posting are the sums of the counts before it), with tight loops
 * over one kind of value at a time and one shared map per distinct set of keyword fields:
 * <pre>
 * snapshot  := magic="SSNP" version:u8=4 config appliedOffset:i64 docCount:varint
 *              listCount:varint listChunkCount:varint listChunk{listChunkCount}
 *              docChunkCount:varint docChunk{docChunkCount} crc:u32
 * listChunk := lists:varint byteLength:varint list{lists}       (byteLength bytes)
 * list      := termDelta:varint (from the previous list of the chunk, the first from -1) minWeight:f32
 *              clusteredSize:varint churn:varint blockCount:varint tailCount:varint
 *              blockSize:varint{blockCount} centroid:varint{blockCount} sumSize:varint{blockCount}
 *              sumScale:f32{blockCount}
 *              docDelta:varint{Σ blockSize}      (each block's documents ascending, the block's first from -1)
 *              sumTermDelta:varint{Σ sumSize}    (each block's summary terms ascending, the block's first from -1)
 *              sumCode:u8{Σ sumSize} tailDelta:varint{tailCount} (tail documents ascending, the first from -1)
 * docChunk  := docs:varint postings:varint byteLength:varint      (byteLength bytes:)
 *              fieldSetCount:varint fieldSet{fieldSetCount}
 *              (docId:string title:string snippet:string fieldSetIndex:varint){docs}
 *              nnz:varint{docs} scale:f32{docs}
 *              termDelta:varint{postings}          (each document's terms ascending, its first from -1)
 *              code{postings}
 * fieldSet  := fieldCount:varint (key:string value:string){fieldCount}   (keys ascending; the chunk's distinct
 *                                                                         field sets in order of first use)
 * </pre>
 * A reader reads every document chunk's bytes before it trusts their counts (it sizes the document arrays from the
 * counts only once the bytes that back them are in memory), rejects a chunk whose postings could not fit in its
 * bytes, and checks every count, length and value range as in version 3; the CRC covers every byte before it.
 *
 * <h2>Version 3</h2>
 * Version 2's content cut into length-prefixed chunks, so a reader can hand the chunks to several threads while it
 * is still reading the file (restoring a large shard is decoding-bound):
 * <pre>
 * snapshot  := magic="SSNP" version:u8=3 config appliedOffset:i64 docCount:varint
 *              docChunkCount:varint docChunk{docChunkCount} listCount:varint listChunkCount:varint
 *              listChunk{listChunkCount} crc:u32
 * docChunk  := docs:varint byteLength:varint doc{docs}         (byteLength bytes; documents in order)
 * listChunk := lists:varint byteLength:varint list{lists}      (byteLength bytes; the first termDelta of each
 *                                                                chunk is from -1)
 * </pre>
 * {@code doc} and {@code list} are as in versions 1 and 2; chunk sizes are the writer's choice (about
 * {@link #CHUNK_BYTES}); a reader rejects a chunk over {@link #MAX_CHUNK_BYTES} and counts that disagree with
 * {@code docCount} and {@code listCount}. The CRC still covers every byte before it.
 *
 * <h2>Version 2</h2>
 * Version 1 plus the physical inverted lists, so a restart loads them instead of re-clustering:
 * <pre>
 * snapshot  := magic="SSNP" version:u8=2 config appliedOffset:i64 docCount:varint doc{docCount} lists crc:u32
 * lists     := listCount:varint list{listCount}                  (ascending terms)
 * list      := termDelta:varint (term - previous list's term, the first from -1) minWeight:f32
 *              clusteredSize:varint churn:varint blockCount:varint block{blockCount}
 *              tailCount:varint tailDelta:varint{tailCount}       (tail documents ascending, the first from -1)
 * block     := size:varint centroid:varint docDelta:varint{size}  (block documents ascending, the first from -1)
 *              sumCount:varint sumTermDelta:varint{sumCount}      (summary terms ascending, the first from -1)
 *              sumCode:u8{sumCount} sumScale:f32
 * </pre>
 * Documents in lists are numbers in the snapshot's document order. Dead postings are not written (a block left empty
 * is dropped, a dead centroid is replaced by its block's first document); summaries are written as they are (still
 * upper bounds). After {@code compact()} this is the index's exact layout, so equal content gives equal bytes.
 *
 * <h2>Version 1</h2>
 * Fixed-width numbers are little-endian; {@code varint} is unsigned LEB128; {@code string} is
 * {@code byteLength:varint utf8Bytes}.
 * <pre>
 * snapshot  := magic="SSNP" version:u8=1 config appliedOffset:i64 docCount:varint doc{docCount} crc:u32
 * config    := vocabularySize:i32 blockSize:i32 pruneLambda:i32 summaryAlpha:f32 summaryMaxTerms:i32
 *              quantization:u8 (0=U8, 1=U16)
 *              reblockTailFraction:f32 reblockMinTail:i32 reblockDeadFraction:f32 reblockMode:u8 (0=INLINE, 1=DEFERRED, 2=BACKGROUND)
 *              clusteringTerms:i32 seed:i64
 * doc       := docId:string title:string snippet:string fieldCount:varint (key:string value:string){fieldCount}
 *              nnz:varint termDelta:varint{nnz} scale:f32 code{nnz}
 *              (termDelta[0] = termId[0], termDelta[i] = termId[i] - termId[i-1] &gt; 0; fields in key order)
 * code      := u8 (quantization U8) | u16 (quantization U16)
 * crc       := CRC-32 (java.util.zip.CRC32) of every byte before it
 * </pre>
 * Documents appear in the index's slot order; after {@code compact()} that is doc-id order, so two compacted indexes
 * with equal content and config write equal bytes. Weights are the index's stored codes and per-document scale, so a
 * round trip loses nothing and re-quantizes nothing. Reading version 1 rebuilds the inverted lists from the
 * documents (clustered as by {@code compact()}, over the snapshot's document order).
 * A reader checks the magic, the version, every length against the bytes left, and the CRC, and throws
 * {@link IllegalArgumentException} naming the problem.
 */
public final class SnapshotFormat {

    public static final byte[] MAGIC = {'S', 'S', 'N', 'P'};
    public static final byte VERSION_1 = 1;
    public static final byte VERSION_2 = 2;
    public static final byte VERSION_3 = 3;
    public static final byte VERSION_4 = 4;
    public static final byte CURRENT_VERSION = VERSION_4;
    /** Target size of a version 3 or 4 chunk. */
    public static final int CHUNK_BYTES = 1 << 22;
    /** Largest version 3 or 4 chunk a reader accepts. */
    public static final int MAX_CHUNK_BYTES = 1 << 27;
    /** Upper bound on a string's UTF-8 length a reader accepts. */
    public static final int MAX_STRING_BYTES = 1 << 24;

    private SnapshotFormat() {
    }
}
