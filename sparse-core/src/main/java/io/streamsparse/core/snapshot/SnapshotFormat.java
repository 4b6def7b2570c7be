package io.streamsparse.core.snapshot;

/**
 * The bytes of a shard snapshot. Written by {@link SnapshotWriter}, read by {@link SnapshotReader}; nothing else
 * reads or writes them.
 *
 * <h2>Version 1</h2>
 * Fixed-width numbers are little-endian; {@code varint} is unsigned LEB128; {@code string} is
 * {@code byteLength:varint utf8Bytes}.
 * <pre>
 * snapshot  := magic="SSNP" version:u8=1 config appliedOffset:i64 docCount:varint doc{docCount} crc:u32
 * config    := vocabularySize:i32 blockSize:i32 pruneLambda:i32 summaryAlpha:f32 summaryMaxTerms:i32
 *              quantization:u8 (0=U8, 1=U16)
 *              reblockTailFraction:f32 reblockMinTail:i32 reblockDeadFraction:f32 reblockMode:u8 (0=INLINE, 1=DEFERRED)
 *              clusteringTerms:i32 seed:i64
 * doc       := docId:string title:string snippet:string fieldCount:varint (key:string value:string){fieldCount}
 *              nnz:varint termDelta:varint{nnz} scale:f32 code{nnz}
 *              (termDelta[0] = termId[0], termDelta[i] = termId[i] - termId[i-1] &gt; 0; fields in key order)
 * code      := u8 (quantization U8) | u16 (quantization U16)
 * crc       := CRC-32 (java.util.zip.CRC32) of every byte before it
 * </pre>
 * Documents appear in the index's slot order; after {@code compact()} that is doc-id order, so two compacted indexes
 * with equal content and config write equal bytes. Weights are the index's stored codes and per-document scale, so a
 * round trip loses nothing and re-quantizes nothing. The reader rebuilds the inverted lists from the documents.
 * A reader checks the magic, the version, every length against the bytes left, and the CRC, and throws
 * {@link IllegalArgumentException} naming the problem.
 */
public final class SnapshotFormat {

    public static final byte[] MAGIC = {'S', 'S', 'N', 'P'};
    public static final byte VERSION_1 = 1;
    public static final byte CURRENT_VERSION = VERSION_1;
    /** Upper bound on a string's UTF-8 length a reader accepts. */
    public static final int MAX_STRING_BYTES = 1 << 24;

    private SnapshotFormat() {
    }
}
